import type { ReadFiles, ReadRequest } from '../../app/ports/source.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { FileAnalysis } from '../../core/analyze.js';
import type { AnalysisPool } from '../workers/analyze-pool.js';
import { PARALLEL_THRESHOLD } from '../workers/threshold.js';
import { encodeValueEntry, recordsDigest } from './analysis-codec.js';
import type { DiskAnalysis } from './analyze-disk.js';
import { gitBlobId } from './blob-id.js';
import { extraDigest, ValidationCache, type CachedResult, type FileEntry, type StatTable } from './cache.js';
import type { CrossFindings } from '../../app/ports/source.js';
import { ValueCache, type ValueCacheStats, type ValueRow } from './value-cache.js';
import { discover, type DiscoveredFile } from './discover.js';
import { DEFAULT_MAX_FILE_BYTES, repositoryReader, type FileStat } from './read-policy.js';
import { repositoryPaths } from './repository-paths.js';
import { readsRepositoryPaths } from '../../core/checks/sensitive-paths.js';
import { cacheKey } from './cache-key.js';
import { encodeTable, keysOf, tableDocs } from './cross-table.js';
import { RecordUnavailable } from '../../core/incremental-cross.js';
import { CrossGather } from '../../core/cross-gather.js';

export type LoadOptions = ReadRequest;

// The pool brings the parsers, the validators and ajv: a run that parses nothing (a warm cache) never loads them.
const poolModule = () => import('../workers/analyze-pool.js');

export interface LoadedRepository extends ReadFiles {
  root: string;
  files: DiscoveredFile[];
  /** What the value cache did, when the run used it. */
  valueCache?: ValueCacheStats;
}


/**
 * Discovery's `onFile` for a run that will analyse every file it lists: at the threshold the
 * pool is made and given the files found so far, then each one as it is found (`listing`).
 */
function earlyStart(make: () => AnalysisPool, shardPrefix?: string): (found: readonly DiscoveredFile[]) => void {
  let feed: ((file: DiscoveredFile) => void) | undefined;
  return (found) => {
    if (feed) feed(found[found.length - 1]!);
    else if (found.length === PARALLEL_THRESHOLD) {
      feed = make().listing(shardPrefix);
      for (const f of found) feed(f);
    }
  };
}

/**
 * What a validation result depends on besides the files: the paths asked for, discovery's
 * findings and, when a rule reads it, the repository's file list.
 */
function validationExtra(targets: readonly string[], discoveryDiagnostics: readonly Diagnostic[], reads: boolean, list: readonly string[] | undefined): string {
  return extraDigest([targets, discoveryDiagnostics.map((d) => [d.file, d.code]), reads ? (list ?? null) : 'unread']);
}

/** A gatherer for a run that reads every file, placing deadlines as it goes (the parsers are loaded for the reading anyway). */
async function gather(source: (file: string) => Uint8Array | undefined): Promise<CrossGather> {
  const { locateFindings } = await import('../../core/place-findings.js');
  return new CrossGather((findings) => locateFindings(findings, source));
}

/** A walk that fails after the threads started on its first files stops them: they would wait for the rest for ever. */
function walked<T>(walk: () => T, pool: () => AnalysisPool | undefined): T {
  try {
    return walk();
  } catch (err) {
    pool()?.close();
    throw err;
  }
}

export async function loadRepository(root: string, options: LoadOptions = {}): Promise<LoadedRepository> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const poolOptions = { root, maxBytes, ...(options.threads ? { threads: options.threads } : {}), ...(options.keepValues ? { keepValues: true } : {}) };
  // The model's commands keep values and use the value cache unless told not to; validate
  // keeps none and uses the validation cache when asked.
  if (options.keepValues && options.cache !== false) {
    const values = new ValueCache(root, cacheKey('values', maxBytes));
    if (!values.refused) return loadWithValues(root, options, maxBytes, values.load());
  }
  const useCache = !!options.cache && !options.keepValues;
  const opened = useCache ? new ValidationCache(root, cacheKey('v', maxBytes)) : undefined;
  // A cache folder that is a link, not a folder, or outside the repository is never touched:
  // the run is simply uncached.
  const cache = opened && !opened.refused ? opened.load() : undefined;
  // git lists the repository's files while discovery walks the data folders, unless the
  // cached run showed no rule reads that list (its records must then be the same to be reused).
  const unread = cache?.pathsUnread === true;
  let listing = unread ? undefined : repositoryPaths(root);
  const listed = () => (listing ??= repositoryPaths(root));
  const targets = options.paths ?? [];
  // With no cache to consult, every file will be analysed: start the threads as soon as the
  // listing shows enough files, and give them the files found so far and each one after, so
  // they load and work while the rest is listed. They write their cache shards as they go, so
  // the shards are named now.
  const Pool = cache?.present ? undefined : (await poolModule()).AnalysisPool;
  const coldPrefix = Pool && cache ? cache.shardPrefix() : undefined;
  let early: AnalysisPool | undefined;
  const onFile = Pool ? earlyStart(() => (early = new Pool(poolOptions)), coldPrefix) : undefined;
  // Folders whose stat has not moved list what they listed last time.
  const kept = cache?.listing(targets);
  const { files, diagnostics: discoveryDiagnostics, folders } = kept ? { ...kept, diagnostics: [] } : walked(() => discover(root, options.paths, onFile), () => early);
  // Threads only when there is enough to share: one edited file is parsed here.
  const pool = async (count: number) => early ?? new (Pool ?? (await poolModule()).AnalysisPool)(count < PARALLEL_THRESHOLD ? { ...poolOptions, threads: 1 } : poolOptions);
  // Code frames and snippets read through the same policy as the analysis: a file refused
  // there (a link out, a FIFO) shows no bytes here either.
  const source = repositoryReader(root, maxBytes).source;
  const paths = listing ? await listing : undefined;
  const base = { root, files, discoveryDiagnostics, source, ...(paths ? { repositoryPaths: paths } : {}) };

  if (!cache) {
    const gathered = await gather(source);
    const analyses = (await (await pool(files.length)).run(files, undefined, options.progress, (i, a) => gathered.add(i, a))).results.map((r) => r.analysis);
    return { ...base, analyses, gathered, remember: async () => {} };
  }

  const held = cache;
  // A file added or removed anywhere can make a sensitive-path pattern live or dead, so the file list is part of the key.
  const extraOf = (reads: boolean, list: readonly string[] | undefined) => validationExtra(targets, discoveryDiagnostics, reads, list);
  const extra = extraOf(!unread, paths);
  const entryOf = (rel: string, d: DiskAnalysis, records: string | undefined): FileEntry => ({ rel, stat: d.stat, documents: d.analysis.documents.length, records: records ?? d.records ?? recordsDigest(d.analysis) });
  const prefix = () => cache.shardPrefix();

  // A cold run stats nothing up front: the reads' own fstat calls feed the cache.
  const stats = ValidationCache.statTable(cache.present ? files : [], root);
  const state = cache.present ? cache.compare(files, stats, extra) : { kind: 'other' as const };
  if (state.kind === 'unchanged') return { ...base, analyses: [], unchanged: state.result, remember: async () => {} };

  const analysed = new Map<string, DiskAnalysis>();
  let earlier: DiskAnalysis[] = [];
  if (state.kind === 'changed') {
    const changed = state.changed.map((i) => files[i]!);
    const ran = await (await pool(changed.length)).run(changed, undefined, options.progress);
    await ran.done;
    changed.forEach((f, j) => analysed.set(f.rel, ran.results[j]!));
    earlier = ran.results;
    const same = state.changed.every((i, j) => ran.results[j]!.stat !== undefined && recordsDigest(ran.results[j]!.analysis) === cache.recordsAt(i));
    const onto = same ? cache.extensible(changed.length, files.length) : undefined;
    // The changed files go to a delta shard beside the kept ones. With the list and the folders as
    // the index has them, every other entry is the index's own (its stat matched exactly, or it
    // would be among the changed): only these are written.
    const commitDelta = (onto: { shards: string[]; entries: number }, records: (i: number) => string | undefined, table: Buffer | 'same', result: CachedResult, cross: CrossFindings) => {
      const fresh = new Map(state.changed.map((i, j) => [i, ran.results[j]!]));
      const at = prefix();
      const delta = `${at}delta.json`;
      const wrote = at !== undefined && cache.writeShard(delta, ran.results);
      // A delta that was not written must not be relied on: the entry keeps no stat, so the file is read again.
      const entry = (i: number, d: DiskAnalysis) => ({ ...entryOf(files[i]!.rel, d, records(i)), ...(wrote ? {} : { stat: undefined }) });
      const entries = kept
        ? { patch: new Map([...fresh].map(([i, d]) => [i, entry(i, d)])) }
        : files.map((f, i) => {
            const d = fresh.get(i);
            if (d) return entry(i, d);
            return { rel: f.rel, stat: stats.at(i), documents: cache.documentsAt(i), records: cache.recordsAt(i)! };
          });
      cache.commit({ extra, pathsUnread: unread, files: entries, targets, ...(folders ? { folders } : {}), shards: wrote ? [...onto.shards, delta] : onto.shards, entries: onto.entries + (wrote ? changed.length : 0), result, cross, table });
    };
    if (same && onto) {
      // The file list and every record are as they were: so is every cross-document finding.
      const remember = async (result: CachedResult, cross: CrossFindings) => commitDelta(onto, (i) => cache.recordsAt(i), 'same', result, cross);
      return { ...base, analyses: changed.map((f) => analysed.get(f.rel)!.analysis), sameRecords: { validation: state.result, cross: state.cross }, remember };
    }
    // Records changed, the file list did not: the cache's table says what every other file gives
    // the rules and what their check of it reads, so only what the edit reaches is checked again.
    const table = onto || !state.changed.every((_, j) => ran.results[j]!.stat !== undefined) ? undefined : cache.crossTable();
    const growing = table ? cache.extensible(changed.length, files.length) : undefined;
    if (table && growing && table.count === files.length) {
      const remember = async (result: CachedResult, cross: CrossFindings) =>
        commitDelta(growing, () => undefined, table.patch(new Map(state.changed.map((i, j) => [i, tableDocs(ran.results[j]!.analysis)]))), result, cross);
      const rels = files.map((f) => f.rel);
      const record = (file: number, document: number) => {
        const found = table.pinned(file, document) ?? cache.analysisAt(file)?.documents.find((d) => d.index === document);
        if (!found) throw new RecordUnavailable(`the validation cache holds no record of ${rels[file]} (document ${document + 1})`);
        return found;
      };
      return {
        ...base,
        analyses: changed.map((f) => analysed.get(f.rel)!.analysis),
        recordsChanged: { previous: { validation: state.result, cross: state.cross }, keys: { ...table, files: rels, keysOf }, changed: state.changed, record, everything: () => everything() },
        remember,
      };
    }
  }
  return everything();

  async function everything(): Promise<LoadedRepository> {
    const cache = held;

    // The rules run again over every record: the list is wanted if any of them reads it.
    const all = await listed();
    const present = cache.present;
    const reused = present ? cache.reusable(stats) : new Map<string, DiskAnalysis>();
    for (const rel of analysed.keys()) reused.delete(rel);
    const misses = files.filter((f) => !reused.has(f.rel) && !analysed.has(f.rel));
    const everything = reused.size === 0;
    // When every file is analysed afresh, each thread writes its share as a shard while it
    // works; otherwise what was analysed goes to a delta shard beside the old ones, or, when
    // those hold too much that is stale, everything to one new shard.
    const shardPrefix = coldPrefix ?? prefix();
    // Every file read afresh, in the list's order: the cross-document stage is gathered as they come.
    const gathered = misses.length === files.length ? await gather(source) : undefined;
    const ran = await (await pool(misses.length)).run(misses, everything ? shardPrefix : undefined, options.progress, gathered && ((i, a) => gathered.add(i, a)));
    // Every file read afresh: the results are the list, in its order (and `analysed` is not read).
    const fresh = everything && misses.length === files.length;
    if (!fresh) misses.forEach((f, i) => analysed.set(f.rel, ran.results[i]!));
    const merged = fresh ? ran.results : files.map((f) => reused.get(f.rel) ?? analysed.get(f.rel)!);
    const analyses = merged.map((m) => m.analysis);
    const reads = readsRepositoryPaths(analyses);

    const remember = async (result: CachedResult, cross: CrossFindings) => {
      const onto = everything ? undefined : cache.extensible(analysed.size, files.length);
      const shards = everything ? [...ran.shards] : (onto?.shards ?? []);
      const own = everything ? [...ran.unsharded, ...earlier] : onto ? [...analysed.values()] : merged;
      // Only a guide for when to write the shards again as one: a worker's shard lost is counted all the same.
      let written = everything ? files.length - own.length : (onto?.entries ?? 0);
      if (own.length) {
        const path = `${shardPrefix}${onto ? 'delta' : 'rest'}.json`;
        // A shard that was not written must not be named, or the next run would miss its files.
        if (shardPrefix && cache.writeShard(path, own)) {
          shards.push(path);
          written += own.length;
        }
      }
      await ran.done;
      // Each stat was taken as its file was read (or matched the cache), so a file edited during
      // this run no longer matches it and is read again next time.
      const known = cache.recordsOf();
      const entries = merged.map((m, i) => entryOf(files[i]!.rel, m, reused.has(files[i]!.rel) ? known(files[i]!.rel, m.stat) : undefined));
      // The cross table is for the edits that come after; a run with no cache before it (a fresh
      // clone, CI, a new opsledger) keeps none: building it costs 1.4 s of the main thread at L,
      // which a cold run should not pay for edits that may never come. The first run that changes
      // records then checks everything, as it would have without a table, and keeps one.
      const table = present ? encodeTable(analyses) : undefined;
      cache.commit({ extra: extraOf(reads, all), pathsUnread: !reads, files: entries, targets, ...(folders ? { folders } : {}), shards, entries: written, result, cross, ...(table ? { table } : {}) });
    };
    // Files read from the shards have the bytes the last run placed its findings in.
    const before = cache.cross;
    const previous = before ? { cross: before, unchanged: (file: string) => reused.has(file) } : undefined;
    return { ...base, ...(all ? { repositoryPaths: all } : {}), analyses, ...(previous ? { previous } : {}), ...(gathered ? { gathered } : {}), remember };
  }
}

/**
 * A load that keeps values, through the value cache: files the manifest vouches for by stat,
 * and files whose bytes hash to an entry it holds, come from the cache; only the rest are
 * parsed (on every core when there are many). The cache is updated before the model is built,
 * so nothing a command later does to the values can reach it.
 */
async function loadWithValues(root: string, options: LoadOptions, maxBytes: number, cache: ValueCache): Promise<LoadedRepository> {
  const poolOptions = { root, maxBytes, keepValues: true, blobIds: true, ...(options.threads ? { threads: options.threads } : {}) };
  const listing = repositoryPaths(root);
  const Pool = cache.present ? undefined : (await poolModule()).AnalysisPool;
  let early: AnalysisPool | undefined;
  const onFile = Pool ? earlyStart(() => (early = new Pool(poolOptions))) : undefined;
  const targets = options.paths ?? [];
  // validate's own cache: its folders' stats can stand for the walk, and its result for the
  // rules (judged below); a load that runs the rules leaves its result there (remember).
  const validated = new ValidationCache(root, cacheKey('v', maxBytes));
  if (!validated.refused) validated.load();
  const kept = validated.listing(targets);
  const { files, diagnostics, folders } = kept ? { ...kept, diagnostics: [] } : walked(() => discover(root, options.paths, onFile), () => early);
  const reader = repositoryReader(root, maxBytes);
  const paths = await listing;
  const base = { root, files, discoveryDiagnostics: diagnostics, source: reader.source, ...(paths ? { repositoryPaths: paths } : {}) };
  cache.committedIn(paths);

  const oids = new Map<string, string>();
  const statOf = new Map<string, FileStat>();
  const table = cache.present ? ValidationCache.statTable(files) : undefined;
  if (table) {
    files.forEach((f, i) => {
      const s = table.at(i);
      const oid = cache.knownOid(f.rel, s);
      if (oid && s) {
        oids.set(f.rel, oid);
        statOf.set(f.rel, s);
        return;
      }
      // Changed, racy or new: the bytes decide (a checkout that rewrote the same bytes still hits).
      const r = reader.read(f.rel);
      if ('bytes' in r) {
        cache.stats.hashed++;
        oids.set(f.rel, gitBlobId(r.bytes));
        statOf.set(f.rel, r.stat);
      }
    });
  }
  const hits = cache.lookup(oids);
  const misses = files.filter((f) => !hits.has(f.rel));
  const pool = early ?? (misses.length ? new (Pool ?? (await poolModule()).AnalysisPool)(misses.length < PARALLEL_THRESHOLD ? { ...poolOptions, threads: 1 } : poolOptions) : undefined);
  const ran = pool ? await pool.run(misses, undefined, options.progress) : undefined;
  const fresh = new Map(misses.map((f, i) => [f.rel, ran!.results[i]!]));

  const rows: ValueRow[] = [];
  const analyses = files.map((f) => {
    const hit = hits.get(f.rel);
    if (hit) {
      rows.push({ rel: f.rel, stat: statOf.get(f.rel)!, oid: oids.get(f.rel)!, pack: hit.pack, entry: () => encodeValueEntry(hit.analysis) });
      return hit.analysis;
    }
    const d = fresh.get(f.rel)!;
    // Refused files (too large, links out) have no blob id and are not kept: refusing them again costs nothing.
    if (d.oid && d.stat) rows.push({ rel: f.rel, stat: d.stat, oid: d.oid, entry: () => d.entry ?? encodeValueEntry(d.analysis) });
    return d.analysis;
  });
  cache.commit(rows);
  await ran?.done;
  const judged = validated.present && table ? judgedBy(validated, files, table, validationExtra(targets, diagnostics, !validated.pathsUnread, paths), analyses) : undefined;
  // The rules' result over these files, for validate and the next load to judge by. Each file's
  // stat is the one its bytes were vouched for or read with; the shards validate wrote stay
  // named, since it takes from them only what still matches a file's stat.
  const remember = async (result: CachedResult, cross: CrossFindings) => {
    const reads = readsRepositoryPaths(analyses);
    const onto = validated.extensible(0, files.length) ?? { shards: [], entries: 0 };
    const entries = files.map((f, i): FileEntry => ({ rel: f.rel, stat: statOf.get(f.rel) ?? fresh.get(f.rel)?.stat, documents: analyses[i]!.documents.length, records: recordsDigest(analyses[i]!) }));
    validated.commit({ extra: validationExtra(targets, diagnostics, reads, paths), pathsUnread: !reads, files: entries, targets, ...(folders ? { folders } : {}), shards: onto.shards, entries: onto.entries, result, cross });
  };
  return { ...base, analyses, ...(judged ? { judged } : {}), valueCache: cache.stats, remember };
}

/**
 * What validate's cache says of files read with their values (`analyses`, in the order of `files`), when
 * its result still holds: every file as it was then, or the changed ones with the same records.
 * Undefined when the rules must run again (another file list, a record moved, no stat).
 */
function judgedBy(cache: ValidationCache, files: readonly DiscoveredFile[], stats: StatTable, extra: string, analyses: readonly FileAnalysis[]): ReadFiles['judged'] {
  const state = cache.compare(files, stats, extra);
  if (state.kind === 'unchanged') return { result: state.result };
  if (state.kind !== 'changed') return undefined;
  const same = state.changed.every((i) => stats.at(i) !== undefined && recordsDigest(analyses[i]!) === cache.recordsAt(i));
  return same ? { sameRecords: { validation: state.result, cross: state.cross }, changed: state.changed } : undefined;
}
