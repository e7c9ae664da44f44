import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readOwnText } from './read-policy.js';
import type { FullValidation } from '../../app/ports/source.js';
import { decodeAnalyses, encodeAnalyses } from './analysis-codec.js';
import type { DiskAnalysis, FileStat } from './analyze-disk.js';

/**
 * The validation cache, in two layers, both keyed like git's index (size, mtime, inode) so a
 * warm run reads no unchanged file:
 * - the manifest keeps a fingerprint of every file's stat and the whole result of the last run:
 *   when nothing changed, that result is the answer and nothing is parsed or checked again;
 * - shards keep each file's own analysis, so when a few files changed only those are parsed
 *   and the cross-document checks rerun over cached records.
 * Files modified within RACY_MS of the cache's writing may have changed within the clock's
 * granularity ("racily clean") and are never trusted.
 */
export const CACHE_DIR = '.opsledger-cache';
const MANIFEST = 'manifest.json';
const RACY_MS = 2000;

export type CachedResult = FullValidation;

interface Manifest {
  key: string;
  writtenAt: number;
  fingerprint: string;
  shards: string[];
  result?: CachedResult;
}

export interface StatEntry extends FileStat {
  rel: string;
}

export class ValidationCache {
  readonly dir: string;
  private manifest: Manifest | undefined;

  constructor(
    root: string,
    private readonly key: string,
  ) {
    this.dir = join(root, CACHE_DIR);
  }

  load(): this {
    try {
      const m = JSON.parse(readOwnText(join(this.dir, MANIFEST))) as Manifest;
      if (m.key === this.key && Array.isArray(m.shards)) this.manifest = m;
    } catch {
      // No cache, or an unreadable one: start cold. A cache is only ever an optimisation.
    }
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
        return { rel: f.rel, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      } catch {
        return undefined;
      }
    });
  }

  static fingerprint(stats: readonly (StatEntry | undefined)[], extra: string): string {
    const h = createHash('sha1').update(extra);
    for (const s of stats) h.update(s ? `${s.rel}\0${s.size}\0${s.mtimeMs}\0${s.ino}\n` : '?\n');
    return h.digest('hex');
  }

  private racy(stat: FileStat | StatEntry | undefined): boolean {
    return !stat || !this.manifest || stat.mtimeMs >= this.manifest.writtenAt - RACY_MS;
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
        if (s && e.stat && s.size === e.stat.size && s.mtimeMs === e.stat.mtimeMs && s.ino === e.stat.ino) out.set(s.rel, e);
      }
    }
    return out;
  }

  /** A fresh shard prefix for this run's writers (worker i writes `${prefix}${i}.json`). */
  shardPrefix(): string {
    mkdirSync(this.dir, { recursive: true });
    return join(this.dir, `shard-${process.pid}-${Date.now()}-`);
  }

  writeShard(path: string, entries: readonly DiskAnalysis[]): void {
    try {
      writeFileSync(path, encodeAnalyses(entries));
    } catch {
      // Unwritable cache: the next run is simply cold.
    }
  }

  /** Publishes this run: the manifest names the shards, then stale shards are removed. */
  commit(fingerprint: string, shardPaths: readonly string[], result: CachedResult | undefined): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const shards = shardPaths.map((p) => basename(p));
      const manifest: Manifest = { key: this.key, writtenAt: Date.now(), fingerprint, shards, ...(result ? { result } : {}) };
      const tmp = join(this.dir, `${MANIFEST}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify(manifest));
      renameSync(tmp, join(this.dir, MANIFEST));
      writeFileSync(join(this.dir, '.gitignore'), '*\n');
      const keep = new Set(shards);
      for (const name of readdirSync(this.dir)) {
        if (name.startsWith('shard-') && !keep.has(name)) rmSync(join(this.dir, name), { force: true });
      }
      this.manifest = manifest;
    } catch {
      // A read-only checkout still validates; it just stays cold.
    }
  }
}
