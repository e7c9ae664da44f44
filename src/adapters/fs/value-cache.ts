import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAnalysis } from '../../core/analyze.js';
import { decodeValueEntry } from './analysis-codec.js';
import { CACHE_DIR } from './cache.js';
import { cacheFolderRefusal, createExclusive, ensureCacheFolder, ignoreInGit, readManifest, removeEntries, type CacheFolderRefusal } from './cache-folder.js';
import { readOwnText, type FileStat } from './read-policy.js';

/**
 * The value cache: every file's analysis with its documents' values, so commands that build
 * the model (risk, cab, gate, catalog, impact, metrics...) parse only the files that changed.
 * It lives in the validation cache's folder under the same rules (a link, a non-folder or a
 * folder outside the repository is never touched; every file is created exclusively; the
 * manifest is replaced by rename).
 *
 * Entries are keyed by content: the git blob id of the file's bytes and its path (the analysis
 * depends on the path too: diagnostics name it, and some rules read the file's stem). A
 * manifest maps each path's stat (size, mtime, ctime, inode, as git's index does) to its blob
 * id, so an unchanged file is not even read; a file whose stat changed is read and hashed and
 * may still hit (a checkout that rewrote identical bytes). As git does for "racily clean"
 * entries, a stat within RACY_MS of the moment the run that recorded it began is not trusted.
 *
 * Packs hold the entries, one per line: `<check>\t<blob id>\t<entry JSON>`, where check is
 * a hash of the rest of the line. A line whose check does not match (a torn write, a flipped
 * bit, an edit) is ignored and its file parsed again: nothing read from here is trusted
 * unchecked.
 */
/** The working tree's cache; reads at a commit keep theirs under another name (src/adapters/git/commit-values.ts). */
export const WORKTREE_VALUES = 'values';
const RACY_MS = 2000;
/** A pack stays well under V8's longest string, which the whole pack is read into. */
const PACK_BYTES = 64 * 1024 * 1024;

/** [path, size, mtimeMs, ctimeMs, ino, blob id, pack index (-1: its values cannot be cached)] */
type Row = [string, number, number, number, number, string, number];

interface Manifest {
  key: string;
  startedAt: number;
  packs: { name: string; entries: number }[];
  files: Row[];
}

export interface ValueHit {
  analysis: FileAnalysis;
  pack: number;
}

/** One file as this run leaves it: where its entry is, or the new entry to write. */
export interface ValueRow {
  rel: string;
  stat: FileStat;
  oid: string;
  /** The pack (of the manifest read) already holding its entry. */
  pack?: number;
  /** A new entry (encodeValueEntry), or the entry to copy when its old pack is compacted. */
  entry?: () => string | undefined;
}

export interface ValueCacheStats {
  /** Files whose blob id the manifest vouched for without reading them. */
  byStat: number;
  /** Files read and hashed because their stat changed or was racy. */
  hashed: number;
  hits: number;
  /** Lines ignored because their check failed or their JSON did not decode. */
  corrupt: number;
  written: number;
}

function check(oid: string, payload: string): string {
  return createHash('sha1').update(oid).update('\t').update(payload).digest('hex').slice(0, 20);
}

export class ValueCache {
  readonly dir: string;
  readonly refused: CacheFolderRefusal | undefined;
  private manifest: Manifest | undefined;
  private byPath = new Map<string, Row>();
  /** Rows by path and blob id: a cache of commits holds a path once per version of it. */
  private byRow = new Map<string, Row>();
  private readonly manifestName: string;
  private readonly packPrefix: string;
  private readonly startedAt = Date.now();
  private committed = false;
  readonly stats: ValueCacheStats = { byStat: 0, hashed: 0, hits: 0, corrupt: 0, written: 0 };

  constructor(
    root: string,
    private readonly key: string,
    name = WORKTREE_VALUES,
  ) {
    this.dir = join(root, CACHE_DIR);
    this.refused = cacheFolderRefusal(root, this.dir);
    this.manifestName = `${name}.json`;
    this.packPrefix = `${name}-`;
  }

  private adopt(m: Manifest): void {
    this.manifest = m;
    this.byPath.clear();
    this.byRow.clear();
    for (const row of m.files) {
      if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[5] !== 'string') continue;
      this.byPath.set(row[0], row);
      this.byRow.set(`${row[0]}\0${row[5]}`, row);
    }
  }

  load(): this {
    if (this.refused) return this;
    const m = readManifest<Manifest>(join(this.dir, this.manifestName), this.key, (x) => Array.isArray(x.files) && Array.isArray(x.packs));
    if (m) this.adopt(m);
    return this;
  }

  get present(): boolean {
    return this.manifest !== undefined;
  }

  /**
   * A cache folder whose files git lists was committed (opsledger's own is ignored by the
   * .gitignore it writes there): a pull request can put any values in it under the blob ids of
   * the files it ships, with checks that match. It is neither read nor written.
   */
  committedIn(repositoryPaths: readonly string[] | undefined): boolean {
    if (!repositoryPaths?.some((p) => p.startsWith(`${CACHE_DIR}/`))) return false;
    this.manifest = undefined;
    this.byPath.clear();
    this.byRow.clear();
    this.committed = true;
    return true;
  }

  /** The blob id the manifest vouches for, when the file's stat is exactly as recorded and not racy. */
  knownOid(rel: string, stat: FileStat | undefined): string | undefined {
    const m = this.manifest;
    const row = this.byPath.get(rel);
    if (!m || !row || !stat) return undefined;
    if (row[1] !== stat.size || row[2] !== stat.mtimeMs || row[3] !== stat.ctimeMs || row[4] !== stat.ino) return undefined;
    if (Math.max(stat.mtimeMs, stat.ctimeMs) >= m.startedAt - RACY_MS) return undefined;
    this.stats.byStat++;
    return row[5];
  }

  /** The pack of the manifest in hand (the one read, or the one this run last wrote) holding the entry for these bytes at this path. */
  packOf(rel: string, oid: string): number | undefined {
    const pack = this.byRow.get(`${rel}\0${oid}`)?.[6];
    return pack !== undefined && pack >= 0 ? pack : undefined;
  }

  /** The entries for `wanted` (path → blob id) found intact in the packs. */
  lookup(wanted: ReadonlyMap<string, string>): Map<string, ValueHit> {
    const out = new Map<string, ValueHit>();
    const m = this.manifest;
    if (!m || wanted.size === 0) return out;
    const byOid = new Map<string, string[]>();
    for (const [rel, oid] of wanted) byOid.set(oid, [...(byOid.get(oid) ?? []), rel]);
    m.packs.forEach((pack, index) => {
      let text: string;
      try {
        if (typeof pack?.name !== 'string' || !pack.name.startsWith(this.packPrefix) || pack.name.includes('/')) return;
        text = readOwnText(join(this.dir, pack.name));
      } catch {
        return;
      }
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        const t1 = text.indexOf('\t', start);
        const oid = t1 > 0 && t1 < end ? text.slice(t1 + 1, t1 + 41) : '';
        const rels = byOid.get(oid);
        if (rels && text.charCodeAt(t1 + 41) === 9) {
          const payload = text.slice(t1 + 42, end);
          if (check(oid, payload) !== text.slice(start, t1)) this.stats.corrupt++;
          else {
            for (const rel of rels) {
              if (out.has(rel)) continue;
              try {
                out.set(rel, { analysis: decodeValueEntry(payload, rel), pack: index });
              } catch {
                // Another path's entry for the same bytes, or one that does not decode.
              }
            }
          }
        }
        start = end + 1;
      }
    });
    this.stats.hits += out.size;
    return out;
  }

  /**
   * Records this run: new entries go to new packs, a pack whose entries are mostly dead is
   * compacted into them, packs nobody names any more are removed. Nothing is written when
   * every file is exactly as the manifest has it.
   */
  commit(rows: readonly ValueRow[]): void {
    if (this.refused || this.committed) return;
    const m = this.manifest;
    const live = new Map<number, number>();
    for (const r of rows) if (r.pack !== undefined) live.set(r.pack, (live.get(r.pack) ?? 0) + 1);
    const compact = new Set<number>();
    if (m) m.packs.forEach((p, i) => (live.get(i) ?? 0) * 2 < p.entries && compact.add(i));
    const unchanged =
      m !== undefined &&
      compact.size === 0 &&
      rows.length === m.files.length &&
      rows.every((r) => {
        const old = this.byRow.get(`${r.rel}\0${r.oid}`);
        // A file known to be uncacheable (pack -1) with the same bytes is as it was.
        const place = r.pack ?? -1;
        return old !== undefined && old[5] === r.oid && old[6] === place && old[1] === r.stat.size && old[2] === r.stat.mtimeMs && old[3] === r.stat.ctimeMs && old[4] === r.stat.ino;
      });
    if (unchanged) return;
    const written: string[] = [];
    const tmp = join(this.dir, `${this.manifestName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      ensureCacheFolder(this.dir);
      const packs: Manifest['packs'] = [];
      const index = new Map<number, number>();
      if (m) m.packs.forEach((p, i) => !compact.has(i) && (live.get(i) ?? 0) > 0 && (index.set(i, packs.length), packs.push(p)));
      const files: Row[] = [];
      let lines: string[] = [];
      let bytes = 0;
      const flush = () => {
        if (!lines.length) return;
        const name = `${this.packPrefix}${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.pack`;
        createExclusive(join(this.dir, name), lines.join(''));
        written.push(name);
        packs.push({ name, entries: lines.length });
        lines = [];
        bytes = 0;
      };
      const pending: { row: Row; line: string }[] = [];
      for (const r of rows) {
        const row: Row = [r.rel, r.stat.size, r.stat.mtimeMs, r.stat.ctimeMs, r.stat.ino, r.oid, -1];
        const kept = r.pack !== undefined ? index.get(r.pack) : undefined;
        if (kept !== undefined) {
          row[6] = kept;
          files.push(row);
          continue;
        }
        const payload = r.entry?.();
        // Not cacheable (values JSON cannot carry): recorded as such (pack -1), and parsed again next time.
        if (payload === undefined) {
          files.push(row);
          continue;
        }
        const line = `${check(r.oid, payload)}\t${r.oid}\t${payload}\n`;
        pending.push({ row, line });
      }
      for (const { row, line } of pending) {
        if (bytes + line.length > PACK_BYTES) flush();
        lines.push(line);
        bytes += line.length;
        row[6] = packs.length;
        files.push(row);
      }
      flush();
      this.stats.written += pending.length;
      const manifest: Manifest = { key: this.key, startedAt: this.startedAt, packs, files };
      createExclusive(tmp, JSON.stringify(manifest));
      renameSync(tmp, join(this.dir, this.manifestName));
      // A later commit in the same process (a cache of commits records after each one it reads) starts from this manifest.
      this.adopt(manifest);
      ignoreInGit(this.dir);
      const keep = new Set(packs.map((p) => p.name));
      removeEntries(this.dir, (name) => name.startsWith(this.packPrefix) && name.endsWith('.pack') && !keep.has(name));
    } catch {
      // A read-only checkout still works; it just stays cold. Packs this run wrote and never published go.
      for (const name of [...written, tmp]) {
        try {
          unlinkSync(name.startsWith(this.dir) ? name : join(this.dir, name));
        } catch {
          // never created
        }
      }
    }
  }
}
