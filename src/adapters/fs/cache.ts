import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAnalysis } from '../../core/analyze.js';
import type { DiscoveredFile } from './discover.js';

/**
 * A per-file analysis cache, like git's index: an entry is reused when the file's size, mtime
 * and inode are unchanged, so a warm run reads no unchanged file at all. Entries whose mtime is
 * too close to when the cache was written are "racily clean" (the file may have changed within
 * the clock's granularity) and are not trusted.
 */
export const CACHE_DIR = '.opsledger-cache';
const CACHE_FILE = 'validate.json';
const RACY_MS = 2000;

interface Entry {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: string;
  analysis: FileAnalysis;
}

interface CacheFile {
  key: string;
  writtenAt: number;
  entries: Record<string, Entry>;
}

export class AnalysisCache {
  private entries: Record<string, Entry> = {};
  private writtenAt = 0;
  private dirty = false;

  constructor(
    private readonly root: string,
    private readonly key: string,
  ) {}

  load(): this {
    try {
      const data = JSON.parse(readFileSync(join(this.root, CACHE_DIR, CACHE_FILE), 'utf8')) as CacheFile;
      if (data.key === this.key && data.entries && typeof data.entries === 'object') {
        this.entries = data.entries;
        this.writtenAt = data.writtenAt;
      }
    } catch {
      // No cache or an unreadable one: start empty, a cache is only ever an optimisation.
    }
    return this;
  }

  get(file: DiscoveredFile): FileAnalysis | undefined {
    const e = this.entries[file.rel];
    if (!e || e.size !== file.size || e.mtimeMs !== file.mtimeMs || e.ino !== file.ino) return undefined;
    if (file.mtimeMs >= this.writtenAt - RACY_MS) return undefined;
    return e.analysis;
  }

  set(file: DiscoveredFile, hash: string, analysis: FileAnalysis): void {
    if (!hash) return;
    this.entries[file.rel] = { size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, hash, analysis };
    this.dirty = true;
  }

  /** Drops entries for files that no longer exist, so the cache does not grow forever. */
  retain(present: ReadonlySet<string>): void {
    for (const rel of Object.keys(this.entries)) {
      if (!present.has(rel)) {
        delete this.entries[rel];
        this.dirty = true;
      }
    }
  }

  save(): void {
    if (!this.dirty) return;
    try {
      const dir = join(this.root, CACHE_DIR);
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `${CACHE_FILE}.${process.pid}.tmp`);
      const data: CacheFile = { key: this.key, writtenAt: Date.now(), entries: this.entries };
      writeFileSync(tmp, JSON.stringify(data));
      renameSync(tmp, join(dir, CACHE_FILE));
      writeFileSync(join(dir, '.gitignore'), '*\n');
    } catch {
      // A read-only checkout still validates; it just stays cold.
    }
  }
}
