import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readOwnText } from './read-policy.js';
import type { FullValidation } from '../../app/ports/source.js';
import { decodeAnalyses, encodeAnalyses } from './analysis-codec.js';
import type { DiskAnalysis, FileStat } from './analyze-disk.js';
import { cacheFolderRefusal, createExclusive, ensureCacheFolder, readManifest, removeEntries, type CacheFolderRefusal } from './cache-folder.js';

/**
 * The validation cache, in two layers, both keyed like git's index (size, mtime, ctime, inode)
 * so a warm run reads no unchanged file:
 * - the manifest keeps a fingerprint of every file's stat and the whole result of the last run:
 *   when nothing changed, that result is the answer and nothing is parsed or checked again;
 * - shards keep each file's own analysis, so when a few files changed only those are parsed
 *   and the cross-document checks rerun over cached records.
 * ctime is in the key because nobody can set it: an edit that restores size, mtime (touch -d)
 * and even the inode (a rename over the file) still moves it. And, as git does for "racily
 * clean" entries, a file whose mtime or ctime lies within RACY_MS of the moment its run began
 * is never trusted: a second edit within the timestamps' granularity after the file was read
 * would leave its stat unchanged. The run's start, not the manifest's writing, is the bound,
 * since a long run reads its first files seconds before it writes.
 */
export const CACHE_DIR = '.opsledger-cache';
const MANIFEST = 'manifest.json';
const RACY_MS = 2000;

export type CachedResult = FullValidation;

interface Manifest {
  key: string;
  /** When the run that wrote it began, before it looked at any file. */
  startedAt: number;
  fingerprint: string;
  shards: string[];
  result?: CachedResult;
}

export interface StatEntry extends FileStat {
  rel: string;
}

export class ValidationCache {
  readonly dir: string;
  /** Why the folder is not used (nothing is read, written or removed there), if it is not. */
  readonly refused: CacheFolderRefusal | undefined;
  private manifest: Manifest | undefined;
  private readonly startedAt = Date.now();

  constructor(
    root: string,
    private readonly key: string,
  ) {
    this.dir = join(root, CACHE_DIR);
    this.refused = cacheFolderRefusal(root, this.dir);
  }

  load(): this {
    if (this.refused) return this;
    // No cache, or an unreadable one: start cold. A cache is only ever an optimisation.
    this.manifest = readManifest<Manifest>(join(this.dir, MANIFEST), this.key, (m) => Array.isArray(m.shards));
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

  static fingerprint(stats: readonly (StatEntry | undefined)[], extra: string): string {
    // One update of the whole text (the same digest as one per file, at a fraction of the calls).
    const lines = stats.map((s) => (s ? `${s.rel}\0${s.size}\0${s.mtimeMs}\0${s.ctimeMs}\0${s.ino}\n` : '?\n'));
    return createHash('sha1').update(extra).update(lines.join('')).digest('hex');
  }

  private racy(stat: FileStat | StatEntry | undefined): boolean {
    return !stat || !this.manifest || Math.max(stat.mtimeMs, stat.ctimeMs) >= this.manifest.startedAt - RACY_MS;
  }

  /** The last run's whole result, when every file is exactly as it was then. */
  unchangedResult(fingerprint: string, stats: readonly (StatEntry | undefined)[]): CachedResult | undefined {
    const m = this.manifest;
    if (!m?.result || m.fingerprint !== fingerprint) return undefined;
    if (stats.some((s) => this.racy(s))) return undefined;
    return m.result;
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
  commit(fingerprint: string, shardPaths: readonly string[], result: CachedResult | undefined): void {
    if (this.refused) return;
    const tmp = join(this.dir, `${MANIFEST}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      ensureCacheFolder(this.dir);
      const shards = shardPaths.map((p) => basename(p));
      const manifest: Manifest = { key: this.key, startedAt: this.startedAt, fingerprint, shards, ...(result ? { result } : {}) };
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

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}
