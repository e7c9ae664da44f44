import { createHash, randomBytes } from 'node:crypto';
import { renameSync, unlinkSync } from 'node:fs';
import { STAT_SLOTS, StatKind, statInto } from './stat-numbers.js';
import { basename, join, resolve, sep } from 'node:path';
import { readOwnFile, readOwnText } from './read-policy.js';
import { decodeIndex, encodeIndex, NUMBERS, patchIndex, type FileEntry, type FileIndex } from './cache-index.js';
import type { CrossFindings, FullValidation } from '../../app/ports/source.js';
import { decodeAnalyses, encodeAnalysesWithDigests } from './analysis-codec.js';
import type { DiskAnalysis, FileStat } from './analyze-disk.js';
import { cacheFolderRefusal, createExclusive, ensureCacheFolder, ignoreInGit, readManifest, removeEntries, type CacheFolderRefusal } from './cache-folder.js';
import { byPath, discover, type DiscoveredFile, type FolderStat } from './discover.js';
import { decodeTable, type CrossTable } from './cross-table.js';
import type { FileAnalysis } from '../../core/analyze.js';
import { ShardWriter } from './shard-writer.js';

const SHARD_SLICE = 512;

/**
 * The validation cache, keyed like git's index (size, mtime, ctime, inode) so a warm run reads
 * no unchanged file. The manifest keeps, for every file in discovery order, its stat, its
 * number of documents and a digest of its records (what the cross-document rules read of it);
 * the last run's result; the cross-document stage's findings before they were placed; and,
 * when the walk met only plain folders and files, each folder's stat. Shards keep each file's
 * own analysis. Three ways a run goes:
 * - every folder and file as it was: the result is the answer (folders are statted, not listed);
 * - some files changed, but the file list did not and every changed file's records hash as
 *   before: only those files are parsed, the cached cross-document findings stand, and their
 *   analyses go to a small delta shard; no shard is read;
 * - otherwise the shards are read, the files whose stat no longer matches are parsed, and the
 *   cross-document rules run again over every record.
 * ctime is in the key because nobody can set it: an edit that restores size, mtime (touch -d)
 * and even the inode (a rename over the file) still moves it. And, as git does for "racily
 * clean" entries, a file or folder whose mtime or ctime lies within RACY_MS of the moment its
 * run began is never trusted: a second edit within the timestamps' granularity after it was
 * read would leave its stat unchanged. The run's start, not the manifest's writing, is the
 * bound, since a long run reads its first files seconds before it writes.
 */
export const CACHE_DIR = '.opsledger-cache';
const MANIFEST = 'manifest.json';
const RACY_MS = 2000;
// Past either, the next run that reads the shards writes them back as one.
const MAX_SHARDS = 24;
const MAX_STALE_RATIO = 1.5;

export type CachedResult = FullValidation;

interface Manifest {
  key: string;
  /** When the run that wrote it began, before it looked at any file. */
  startedAt: number;
  /** What the result depends on besides the files: the paths asked for, discovery's findings, the repository's file list. */
  extra: string;
  /** The file index (index.ts's binary form): each file's stat, documents and records digest, and the folders walked. */
  index: string;
  /** No rule of the run read the repository's file list (no policy path patterns), so `extra` leaves it out. */
  pathsUnread?: boolean;
  /** The targets walked, when the folders' stats may stand for the listing. */
  listed?: string;
  shards: string[];
  /** The cross table (cross-table.ts) of the files in the index, when the run kept one. */
  table?: string;
  /** Analyses the shards hold in all, stale ones included. */
  entries: number;
  result?: Omit<CachedResult, 'documentsByFile'>;
  cross?: CrossFindings;
}

export interface StatEntry extends FileStat {
  rel: string;
}

/** Every file's stat, STAT_SLOTS numbers each in the order of the list (size -1: none). */
export interface StatTable {
  count: number;
  numbers: Float64Array;
  at(index: number): StatEntry | undefined;
}

export type { FileEntry } from './cache-index.js';

export type CacheState =
  | { kind: 'unchanged'; result: CachedResult }
  /** The same files; these (indices into the list) changed or are racy. */
  | { kind: 'changed'; changed: number[]; result: CachedResult; cross: CrossFindings }
  | { kind: 'other' };

export function extraDigest(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64');
}

export class ValidationCache {
  readonly dir: string;
  /** Why the folder is not used (nothing is read, written or removed there), if it is not. */
  readonly refused: CacheFolderRefusal | undefined;
  private manifest: Manifest | undefined;
  private index: FileIndex | undefined;
  private shardBytes: (Buffer | undefined)[] | undefined;
  private readonly startedAt = Date.now();

  constructor(
    private readonly root: string,
    private readonly key: string,
  ) {
    this.dir = join(root, CACHE_DIR);
    this.refused = cacheFolderRefusal(root, this.dir);
  }

  load(): this {
    if (this.refused) return this;
    // No cache, or an unreadable or malformed one: start cold. A cache is only ever an optimisation.
    const manifest = readManifest<Manifest>(join(this.dir, MANIFEST), this.key, wellFormed);
    try {
      this.index = manifest ? decodeIndex(readOwnFile(join(this.dir, basename(manifest.index)))) : undefined;
    } catch {
      this.index = undefined;
    }
    this.manifest = this.index ? manifest : undefined;
    return this;
  }

  /** The last run's cross-document stage, with where it placed each finding. */
  get cross(): CrossFindings | undefined {
    return this.manifest?.cross;
  }

  /** The cached run's rules did not read the repository's file list. */
  get pathsUnread(): boolean {
    return this.manifest?.pathsUnread === true;
  }

  get present(): boolean {
    return this.manifest !== undefined;
  }

  /**
   * Stat every file (only worth it when a cache exists to compare against), into one table.
   * With `root` (the validation cache's own runs), from inside it by each file's path there.
   */
  static statTable(files: readonly { rel: string; abs: string }[], root?: string): StatTable {
    const numbers = new Float64Array(files.length * STAT_SLOTS);
    const inside = root !== undefined && sep === '/' && fromInside(root, () => {
      for (let i = 0; i < files.length; i++) statInto(files[i]!.rel, numbers, i * STAT_SLOTS);
    });
    if (!inside) for (let i = 0; i < files.length; i++) statInto(files[i]!.abs, numbers, i * STAT_SLOTS);
    return tableOf(files, numbers);
  }

  private racy(stat: { mtimeMs: number; ctimeMs: number } | undefined): boolean {
    return !stat || this.racyAt(stat.mtimeMs, stat.ctimeMs);
  }

  private racyAt(mtimeMs: number, ctimeMs: number): boolean {
    return !this.manifest || Math.max(mtimeMs, ctimeMs) >= this.manifest.startedAt - RACY_MS;
  }

  /**
   * The last run's file list, when it walked the same targets and every folder it walked still
   * has the stat it had then: listing a folder costs far more than a stat, and no entry can
   * come or go without moving its folder's.
   */
  listing(targets: readonly string[]): { files: DiscoveredFile[]; folders: FolderStat[] } | undefined {
    const m = this.manifest;
    const ix = this.index;
    if (!m || !ix || m.listed !== JSON.stringify(targets)) return undefined;
    const folders = ix.folders();
    // As discover builds paths: the root resolved, then the path from it.
    const base = resolve(this.root) + sep;
    const abs = (rel: string) => base + (sep === '/' ? rel : rel.split('/').join(sep));
    const now = new Float64Array(STAT_SLOTS);
    const same = (path: string, was: FolderStat) => statInto(path, now, 0) === StatKind.Folder && now[1] === was.mtimeMs && now[2] === was.ctimeMs && now[3] === was.ino;
    if (folders.some((was) => this.racy(was))) return undefined;
    const moved: string[] = [];
    const inside = sep === '/' && fromInside(base, () => folders.forEach((was) => same(was.rel || '.', was) || moved.push(was.rel)));
    if (!inside) folders.forEach((was) => same(was.rel ? abs(was.rel) : base, was) || moved.push(was.rel));
    // The full path is made when asked for: a warm run stats from inside the root and asks for
    // none, and 22k paths kept for the whole run cost its garbage collector more than the stats' own.
    const files = ix.rels().map((rel): DiscoveredFile => new KeptFile(rel, abs));
    return moved.length ? relisted(this.root, { files, folders }, moved) : { files, folders };
  }

  /** How the files stand against the last run. */
  compare(files: readonly DiscoveredFile[], stats: StatTable, extra: string): CacheState {
    const m = this.manifest;
    const ix = this.index;
    if (!m?.result || !m.cross || !ix || m.extra !== extra || ix.count !== files.length || stats.count !== files.length || !ix.sameRels(files)) return { kind: 'other' };
    const changed: number[] = [];
    const n = ix.numbers;
    const s = stats.numbers;
    for (let i = 0; i < files.length; i++) {
      const o = i * NUMBERS;
      const so = i * STAT_SLOTS;
      if (s[so]! < 0 || n[o] !== s[so] || n[o + 1] !== s[so + 1] || n[o + 2] !== s[so + 2] || n[o + 3] !== s[so + 3] || this.racyAt(s[so + 1]!, s[so + 2]!)) changed.push(i);
    }
    const result = { ...m.result, documentsByFile: lazyRecord(() => {
      const documentsByFile: Record<string, number> = {};
      files.forEach((f, i) => (documentsByFile[f.rel] = n[i * NUMBERS + 4]!));
      return documentsByFile;
    }) };
    return changed.length ? { kind: 'changed', changed, result, cross: m.cross } : { kind: 'unchanged', result };
  }

  /** The number of documents the last run found in the file at this index of its list. */
  documentsAt(index: number): number {
    return this.index?.numbers[index * NUMBERS + 4] ?? 0;
  }

  /** The records digest the last run kept for the file at this index of its list. */
  recordsAt(index: number): string | undefined {
    return this.index?.records(index);
  }

  /** The last run's records digest of a file, when its entry there had exactly this stat. */
  recordsOf(): (rel: string, stat: FileStat | undefined) => string | undefined {
    const ix = this.index;
    const byRel = new Map<string, number>();
    ix?.rels().forEach((rel, i) => byRel.set(rel, i));
    return (rel, stat) => {
      const i = byRel.get(rel);
      if (i === undefined || !stat || !ix) return undefined;
      const n = ix.numbers;
      const o = i * NUMBERS;
      return n[o] === stat.size && n[o + 1] === stat.mtimeMs && n[o + 2] === stat.ctimeMs && n[o + 3] === stat.ino ? ix.records(i) : undefined;
    };
  }

  /** The last run's cross table, when it kept one for exactly the files of its index. */
  crossTable(): CrossTable | undefined {
    const m = this.manifest;
    if (!m?.table || !this.index) return undefined;
    try {
      const table = decodeTable(readOwnFile(join(this.dir, basename(m.table))));
      return table.count === this.index.count ? table : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The analysis the shards hold of the file at this index of the last run's list, as it was
   * when its stat was the one the index keeps (the caller knows the file still has it), found by
   * its line without parsing the rest of the shard; undefined when no shard holds it.
   */
  analysisAt(index: number): FileAnalysis | undefined {
    const m = this.manifest;
    const ix = this.index;
    if (!m || !ix || index < 0 || index >= ix.count) return undefined;
    const shards = (this.shardBytes ??= m.shards.map((s) => {
      try {
        return readOwnFile(join(this.dir, s));
      } catch {
        return undefined;
      }
    }));
    const o = index * NUMBERS;
    const n = ix.numbers;
    const stat = { size: n[o]!, mtimeMs: n[o + 1]!, ctimeMs: n[o + 2]!, ino: n[o + 3]! };
    const needle = Buffer.from(`\n[${JSON.stringify(ix.rels()[index])},`, 'utf8');
    // The newest shard first: an entry written later for the same stat is the same analysis.
    for (let k = shards.length - 1; k >= 0; k--) {
      const bytes = shards[k];
      if (!bytes) continue;
      for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
        const end = bytes.indexOf(0x0a, at + 1);
        let line = bytes.toString('utf8', at + 1, end < 0 ? bytes.length : end);
        if (line.endsWith(',')) line = line.slice(0, -1);
        try {
          const [entry] = decodeAnalyses(`[${line}]`);
          if (entry?.stat && sameStat(entry.stat, stat)) return entry.analysis;
        } catch {
          // a torn or foreign line: not this file's entry
        }
      }
    }
    return undefined;
  }

  /** Per-file analyses from the shards, for files whose stat still matches. */
  reusable(stats: StatTable): Map<string, DiskAnalysis> {
    const out = new Map<string, DiskAnalysis>();
    if (!this.manifest) return out;
    const wanted = new Map<string, StatEntry>();
    for (let i = 0; i < stats.count; i++) {
      const s = stats.at(i);
      if (s && !this.racy(s)) wanted.set(s.rel, s);
    }
    for (const shard of this.manifest.shards) {
      let entries: DiskAnalysis[];
      try {
        entries = decodeAnalyses(readOwnText(join(this.dir, shard)));
      } catch {
        continue;
      }
      for (const e of entries) {
        const s = e.stat ? wanted.get(e.analysis.file) : undefined;
        if (s && e.stat && sameStat(s, e.stat)) out.set(s.rel, e);
      }
    }
    return out;
  }

  /** The shards the last run named, and the analyses they hold, when a delta may be added to them rather than all written again. */
  extensible(adding: number, files: number): { shards: string[]; entries: number } | undefined {
    const m = this.manifest;
    if (!m || m.shards.length + 1 > MAX_SHARDS || m.entries + adding > Math.max(files * MAX_STALE_RATIO, files + 64)) return undefined;
    return { shards: m.shards.map((s) => join(this.dir, s)), entries: m.entries };
  }

  /** A fresh shard prefix for this run's writers (worker i writes `${prefix}${i}.json`), or none when the folder is refused. */
  shardPrefix(): string | undefined {
    if (this.refused) return undefined;
    try {
      ensureCacheFolder(this.dir);
    } catch {
      return undefined;
    }
    return join(this.dir, `shard-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}-`);
  }

  /**
   * Also gives each entry its records digest, from the same text: the index asks for it next.
   * Written a slice at a time, as the analysis threads write theirs: one text of every entry
   * (11 MB for 22,000 files) cost more to join and to turn into bytes than to encode.
   */
  writeShard(path: string, entries: readonly DiskAnalysis[]): boolean {
    try {
      const shard = new ShardWriter(path);
      for (let i = 0; i < entries.length; i += SHARD_SLICE) {
        const slice = entries.slice(i, i + SHARD_SLICE);
        const { text, digests } = encodeAnalysesWithDigests(slice);
        slice.forEach((a, k) => (a.records = digests[k]));
        shard.add(text);
      }
      return shard.close();
    } catch {
      // Unwritable cache: the next run is simply cold.
      return false;
    }
  }

  /** Publishes this run: the manifest names the shards, then stale shards are removed. */
  /**
   * `files`: every file in order; or `patch`: the entries at these positions of the last run's
   * list, when this run kept its list and its folders (every other entry stands as it was).
   */
  /** `table`: the cross table of `files`, or 'same' when every file's records are as the last run's table has them. */
  commit(run: { extra: string; pathsUnread?: boolean; files: readonly FileEntry[] | { patch: ReadonlyMap<number, Omit<FileEntry, 'rel'>> }; folders?: readonly FolderStat[]; targets: readonly string[]; shards: readonly string[]; entries: number; result: CachedResult; cross: CrossFindings; table?: Buffer | 'same' }): void {
    if (this.refused) return;
    const tmp = join(this.dir, `${MANIFEST}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      ensureCacheFolder(this.dir);
      const shards = run.shards.map((p) => basename(p));
      const index = `index-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.bin`;
      const files = run.files;
      let bytes: Buffer;
      if ('patch' in files) {
        if (!this.index) throw new Error('no index to patch');
        bytes = patchIndex(this.index.bytes, files.patch);
      } else bytes = encodeIndex(files, run.folders ?? []);
      createExclusive(join(this.dir, index), bytes);
      let table: string | undefined;
      if (run.table === 'same') table = this.manifest?.table;
      else if (run.table) {
        table = `table-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.bin`;
        createExclusive(join(this.dir, table), run.table);
      }
      const { documentsByFile: _kept, ...result } = run.result;
      const manifest: Manifest = {
        key: this.key,
        startedAt: this.startedAt,
        extra: run.extra,
        ...(run.pathsUnread ? { pathsUnread: true } : {}),
        index,
        ...(run.folders ? { listed: JSON.stringify(run.targets) } : {}),
        shards,
        ...(table ? { table } : {}),
        entries: run.entries,
        result,
        cross: run.cross,
      };
      createExclusive(tmp, JSON.stringify(manifest));
      // rename replaces the name manifest.json, never what a link of that name points at.
      renameSync(tmp, join(this.dir, MANIFEST));
      ignoreInGit(this.dir);
      const keep = new Set([...shards, index, ...(table ? [table] : [])]);
      removeEntries(this.dir, (name) => (name.startsWith('shard-') || name.startsWith('index-') || name.startsWith('table-')) && !keep.has(name));
      this.manifest = manifest;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // never created, or renamed
      }
      // A read-only checkout still validates; it just stays cold.
    }
  }
}

/**
 * The shape every later step relies on, checked once: a manifest that is not exactly this
 * (hand-made, truncated, another version's) is no cache at all.
 */
function wellFormed(m: Manifest): boolean {
  if (!Array.isArray(m.shards) || !m.shards.every((s) => typeof s === 'string') || typeof m.extra !== 'string' || typeof m.index !== 'string' || typeof m.entries !== 'number') return false;
  if (m.listed !== undefined && typeof m.listed !== 'string') return false;
  if (m.table !== undefined && typeof m.table !== 'string') return false;
  if (m.pathsUnread !== undefined && typeof m.pathsUnread !== 'boolean') return false;
  if (m.result !== undefined && (!Array.isArray(m.result.diagnostics) || typeof m.result.summary !== 'object' || m.result.summary === null)) return false;
  if (m.cross !== undefined && (!Array.isArray(m.cross.findings) || !Array.isArray(m.cross.deadlines))) return false;
  if (m.cross?.placed !== undefined && (!Array.isArray(m.cross.placed) || !m.cross.placed.every(Number.isInteger))) return false;
  return true;
}

/** Past this many folders moved, walking them all is as cheap as listing those again. */
const MAX_RELISTED = 64;

/**
 * The kept listing with the folders whose stat moved listed again, each outermost one walked as
 * discovery walks it: an editor that saves by writing a copy and renaming it over the file moves
 * the folder, and listing that one folder again costs a fraction of walking them all. Undefined
 * (walk everything) when the root moved, when many did, or when a folder walked again is not
 * plain (gone, a link, a FIFO in it): the walk then reports it as a cold run does.
 */
function relisted(root: string, kept: { files: DiscoveredFile[]; folders: FolderStat[] }, moved: readonly string[]): { files: DiscoveredFile[]; folders: FolderStat[] } | undefined {
  if (moved.length > MAX_RELISTED || moved.includes('')) return undefined;
  const outermost: string[] = [];
  for (const rel of [...moved].sort()) {
    const last = outermost[outermost.length - 1];
    if (last === undefined || !rel.startsWith(`${last}/`)) outermost.push(rel);
  }
  const under = (rel: string) => outermost.some((o) => rel === o || rel.startsWith(`${o}/`));
  const files = kept.files.filter((f) => !under(f.rel));
  const folders = kept.folders.filter((f) => !under(f.rel));
  for (const rel of outermost) {
    const again = discover(root, [rel]);
    if (!again.folders || again.diagnostics.length) return undefined;
    files.push(...again.files);
    folders.push(...again.folders);
  }
  files.sort(byPath);
  return { files, folders };
}

/** A file of the kept listing, its full path made from its path in the repository when asked for. */
class KeptFile implements DiscoveredFile {
  constructor(
    readonly rel: string,
    private readonly absOf: (rel: string) => string,
  ) {}
  get abs(): string {
    return this.absOf(this.rel);
  }
}

/**
 * Runs `work` with the process in `root`, which it gives back before returning: paths from
 * there are what the stats of a warm run walk, where full paths made the kernel walk the
 * folders above the repository again for each of them (at the example corpus's depth, about a
 * fifth of the stats' system time; 27k stats). Only for synchronous work: nothing else of the
 * process runs meanwhile, and the validation cache is its only user, before any thread starts
 * (validate's warm runs, and the model's loads, which take its listing before they walk).
 * False, having done nothing, when it cannot go there (a worker thread, a folder gone) or
 * could not say where the process was.
 */
function fromInside(root: string, work: () => void): boolean {
  let back: string;
  try {
    back = process.cwd();
    process.chdir(root);
  } catch {
    return false;
  }
  try {
    work();
  } finally {
    process.chdir(back);
  }
  return true;
}

function tableOf(files: readonly { rel: string }[], numbers: Float64Array): StatTable {
  return {
    count: files.length,
    numbers,
    at: (i) => {
      const o = i * STAT_SLOTS;
      return i < 0 || i >= files.length || numbers[o]! < 0 ? undefined : { rel: files[i]!.rel, size: numbers[o]!, mtimeMs: numbers[o + 1]!, ctimeMs: numbers[o + 2]!, ino: numbers[o + 3]! };
    },
  };
}

/** A table of stats already taken (one entry per file, in order; none for a file without a stat). */
export function statTableOf(entries: readonly (StatEntry | { rel: string; stat?: undefined })[]): StatTable {
  const numbers = new Float64Array(entries.length * STAT_SLOTS);
  entries.forEach((e, i) => {
    const o = i * STAT_SLOTS;
    if ('size' in e) numbers.set([e.size, e.mtimeMs, e.ctimeMs, e.ino], o);
    else numbers[o] = -1;
  });
  return tableOf(entries, numbers);
}

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/**
 * A record built on first use. Only a run that narrows its report (--paths, --changed-since)
 * reads the documents per file; building 45k keys costs a warm run more than reading its
 * manifest. Spreading or listing it builds it, like any read.
 */
function lazyRecord<T>(build: () => Record<string, T>): Record<string, T> {
  let real: Record<string, T> | undefined;
  const get = () => (real ??= build());
  return new Proxy({} as Record<string, T>, {
    get: (_t, key) => (typeof key === 'string' ? get()[key] : undefined),
    has: (_t, key) => key in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(get(), key),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
