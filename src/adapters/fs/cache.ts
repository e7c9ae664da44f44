import { createHash, randomBytes } from 'node:crypto';
import { renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readOwnText } from './read-policy.js';
import type { CrossFindings, FullValidation } from '../../app/ports/source.js';
import { decodeAnalyses, encodeAnalyses } from './analysis-codec.js';
import type { DiskAnalysis, FileStat } from './analyze-disk.js';
import { cacheFolderRefusal, createExclusive, ensureCacheFolder, readManifest, removeEntries, type CacheFolderRefusal } from './cache-folder.js';
import type { DiscoveredFile, FolderStat } from './discover.js';

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
/** Per file in the manifest: rel, size (-1: no stat), mtimeMs, ctimeMs, ino, documents, records digest. */
const STRIDE = 7;
/** Per folder: rel, mtimeMs, ctimeMs, ino. */
const FOLDER_STRIDE = 4;
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
  files: unknown[];
  listing?: { targets: string; folders: unknown[] };
  shards: string[];
  /** Analyses the shards hold in all, stale ones included. */
  entries: number;
  result?: Omit<CachedResult, 'documentsByFile'>;
  cross?: CrossFindings;
}

export interface StatEntry extends FileStat {
  rel: string;
}

/** One file as the next run will compare it. */
export interface FileEntry {
  rel: string;
  stat: FileStat | undefined;
  documents: number;
  records: string;
}

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
    this.manifest = readManifest<Manifest>(join(this.dir, MANIFEST), this.key, wellFormed);
    return this;
  }

  get present(): boolean {
    return this.manifest !== undefined;
  }

  /** Stat every file (only worth it when a cache exists to compare against). */
  static statAll(files: readonly { rel: string; abs: string }[]): (StatEntry | undefined)[] {
    return files.map((f) => {
      try {
        const st = statSync(f.abs);
        return { rel: f.rel, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
      } catch {
        return undefined;
      }
    });
  }

  private racy(stat: { mtimeMs: number; ctimeMs: number } | undefined): boolean {
    return !stat || !this.manifest || Math.max(stat.mtimeMs, stat.ctimeMs) >= this.manifest.startedAt - RACY_MS;
  }

  /**
   * The last run's file list, when it walked the same targets and every folder it walked still
   * has the stat it had then: listing a folder costs far more than a stat, and no entry can
   * come or go without moving its folder's.
   */
  listing(targets: readonly string[]): { files: DiscoveredFile[]; folders: FolderStat[] } | undefined {
    const m = this.manifest;
    if (!m?.listing || m.listing.targets !== JSON.stringify(targets)) return undefined;
    const flat = m.listing.folders;
    const folders: FolderStat[] = [];
    for (let i = 0; i < flat.length; i += FOLDER_STRIDE) {
      const was = { rel: flat[i] as string, mtimeMs: flat[i + 1] as number, ctimeMs: flat[i + 2] as number, ino: flat[i + 3] as number };
      let now;
      try {
        now = statSync(resolve(this.root, was.rel));
      } catch {
        return undefined;
      }
      if (!now.isDirectory() || now.mtimeMs !== was.mtimeMs || now.ctimeMs !== was.ctimeMs || now.ino !== was.ino || this.racy(was)) return undefined;
      folders.push(was);
    }
    const files: DiscoveredFile[] = [];
    for (let i = 0; i < m.files.length; i += STRIDE) files.push({ rel: m.files[i] as string, abs: resolve(this.root, m.files[i] as string) });
    return { files, folders };
  }

  /** How the files stand against the last run. */
  compare(files: readonly DiscoveredFile[], stats: readonly (StatEntry | undefined)[], extra: string): CacheState {
    const m = this.manifest;
    if (!m?.result || !m.cross || m.extra !== extra || m.files.length !== files.length * STRIDE) return { kind: 'other' };
    const changed: number[] = [];
    for (let i = 0; i < files.length; i++) {
      const o = i * STRIDE;
      if (m.files[o] !== files[i]!.rel) return { kind: 'other' };
      const s = stats[i];
      if (!s || m.files[o + 1] !== s.size || m.files[o + 2] !== s.mtimeMs || m.files[o + 3] !== s.ctimeMs || m.files[o + 4] !== s.ino || this.racy(s)) changed.push(i);
    }
    const documentsByFile: Record<string, number> = {};
    for (let i = 0; i < m.files.length; i += STRIDE) documentsByFile[m.files[i] as string] = m.files[i + 5] as number;
    const result = { ...m.result, documentsByFile };
    return changed.length ? { kind: 'changed', changed, result, cross: m.cross } : { kind: 'unchanged', result };
  }

  /** The records digest the last run kept for the file at this index of its list. */
  recordsAt(index: number): string | undefined {
    const d = this.manifest?.files[index * STRIDE + 6];
    return typeof d === 'string' ? d : undefined;
  }

  /** The last run's records digest of a file, when its entry there had exactly this stat. */
  recordsOf(): (rel: string, stat: FileStat | undefined) => string | undefined {
    const byRel = new Map<string, number>();
    const flat = this.manifest?.files ?? [];
    for (let i = 0; i < flat.length; i += STRIDE) byRel.set(flat[i] as string, i);
    return (rel, stat) => {
      const o = byRel.get(rel);
      if (o === undefined || !stat) return undefined;
      const same = flat[o + 1] === stat.size && flat[o + 2] === stat.mtimeMs && flat[o + 3] === stat.ctimeMs && flat[o + 4] === stat.ino;
      return same && typeof flat[o + 6] === 'string' ? (flat[o + 6] as string) : undefined;
    };
  }

  /** Per-file analyses from the shards, for files whose stat still matches. */
  reusable(stats: readonly (StatEntry | undefined)[]): Map<string, DiskAnalysis> {
    const out = new Map<string, DiskAnalysis>();
    if (!this.manifest) return out;
    const wanted = new Map(stats.filter((s): s is StatEntry => s !== undefined && !this.racy(s)).map((s) => [s.rel, s]));
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

  writeShard(path: string, entries: readonly DiskAnalysis[]): boolean {
    try {
      createExclusive(path, encodeAnalyses(entries));
      return true;
    } catch {
      // Unwritable cache: the next run is simply cold.
      return false;
    }
  }

  /** Publishes this run: the manifest names the shards, then stale shards are removed. */
  commit(run: { extra: string; files: readonly FileEntry[]; folders?: readonly FolderStat[]; targets: readonly string[]; shards: readonly string[]; entries: number; result: CachedResult; cross: CrossFindings }): void {
    if (this.refused) return;
    const tmp = join(this.dir, `${MANIFEST}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      ensureCacheFolder(this.dir);
      const shards = run.shards.map((p) => basename(p));
      const files: unknown[] = [];
      for (const f of run.files) {
        const s = f.stat;
        files.push(f.rel, s ? s.size : -1, s ? s.mtimeMs : 0, s ? s.ctimeMs : 0, s ? s.ino : 0, f.documents, f.records);
      }
      const folders: unknown[] = [];
      for (const d of run.folders ?? []) folders.push(d.rel, d.mtimeMs, d.ctimeMs, d.ino);
      const { documentsByFile: _kept, ...result } = run.result;
      const manifest: Manifest = {
        key: this.key,
        startedAt: this.startedAt,
        extra: run.extra,
        files,
        ...(run.folders ? { listing: { targets: JSON.stringify(run.targets), folders } } : {}),
        shards,
        entries: run.entries,
        result,
        cross: run.cross,
      };
      createExclusive(tmp, JSON.stringify(manifest));
      // rename replaces the name manifest.json, never what a link of that name points at.
      renameSync(tmp, join(this.dir, MANIFEST));
      try {
        createExclusive(join(this.dir, '.gitignore'), '*\n');
      } catch {
        // Already there (or something else is, which is left as it is).
      }
      const keep = new Set(shards);
      removeEntries(this.dir, (name) => name.startsWith('shard-') && !keep.has(name));
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
  if (!Array.isArray(m.shards) || !m.shards.every((s) => typeof s === 'string') || typeof m.extra !== 'string' || !Array.isArray(m.files) || m.files.length % STRIDE !== 0 || typeof m.entries !== 'number') return false;
  for (let i = 0; i < m.files.length; i += STRIDE) {
    if (typeof m.files[i] !== 'string' || typeof m.files[i + 6] !== 'string' || typeof m.files[i + 5] !== 'number') return false;
    for (let k = 1; k <= 4; k++) if (typeof m.files[i + k] !== 'number') return false;
  }
  if (m.listing !== undefined) {
    const f = m.listing?.folders;
    if (typeof m.listing?.targets !== 'string' || !Array.isArray(f) || f.length % FOLDER_STRIDE !== 0) return false;
    for (let i = 0; i < f.length; i += FOLDER_STRIDE) if (typeof f[i] !== 'string' || typeof f[i + 1] !== 'number' || typeof f[i + 2] !== 'number' || typeof f[i + 3] !== 'number') return false;
  }
  if (m.result !== undefined && (!Array.isArray(m.result.diagnostics) || typeof m.result.summary !== 'object' || m.result.summary === null)) return false;
  if (m.cross !== undefined && (!Array.isArray(m.cross.findings) || !Array.isArray(m.cross.deadlines))) return false;
  return true;
}

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}
