import { execFile } from 'node:child_process';
import type { FileAnalysis } from '../../core/analyze.js';
import { encodeValueEntry } from '../fs/analysis-codec.js';
import { CACHE_DIR } from '../fs/cache.js';
import { cacheKey } from '../fs/cache-key.js';
import { ValueCache, type ValueRow } from '../fs/value-cache.js';
import type { TreeEntry } from './read-at-ref.js';

/** The value cache of files read out of commits, beside the working tree's in the same folder. */
export const COMMIT_VALUES = 'commits';

/** Whether git tracks anything in the cache folder: then its content is the repository's, which a pull request writes. */
function cacheFolderTracked(root: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['ls-files', '-z', '--cached', '--', CACHE_DIR], { cwd: root, encoding: 'utf8' }, (error, stdout) => resolve(!!error || stdout.length > 0));
  });
}

/**
 * Analyses of the files of commits (a blob id names the bytes, so the key needs no stat), kept
 * on disk between runs of the gate: a run on an organisation that has not changed since the
 * last one parses nothing. Entries live in the value cache's folder under its rules and checks
 * (value-cache.ts: every line carries a check and is ignored when it does not match). A cache
 * folder git tracks is never read or written, and neither is one in an unusable place: the
 * files are then parsed as without it.
 */
export class CommitValueCache {
  private opened: Promise<ValueCache | undefined> | undefined;
  /** Every file this run read, by path and blob id: the next manifest. */
  private readonly rows = new Map<string, ValueRow>();

  constructor(
    readonly root: string,
    readonly maxBytes: number,
  ) {}

  private open(): Promise<ValueCache | undefined> {
    return (this.opened ??= (async () => {
      const cache = new ValueCache(this.root, cacheKey('values', this.maxBytes), COMMIT_VALUES);
      if (cache.refused || (await cacheFolderTracked(this.root))) return undefined;
      return cache.load();
    })());
  }

  /** The analyses the cache holds for these files, by path. */
  async lookup(files: readonly TreeEntry[]): Promise<Map<string, FileAnalysis>> {
    const cache = await this.open();
    const out = new Map<string, FileAnalysis>();
    if (!cache || !files.length) return out;
    const hits = cache.lookup(new Map(files.map((f) => [f.path, f.oid])));
    for (const f of files) {
      const hit = hits.get(f.path);
      if (!hit) continue;
      out.set(f.path, hit.analysis);
      this.note(f, hit.analysis, hit.pack);
    }
    return out;
  }

  /** A file this run used, found in the cache (its pack) or parsed (written at the next save). */
  note(file: TreeEntry, analysis: FileAnalysis, pack?: number): void {
    const key = `${file.path}\0${file.oid}`;
    const known = this.rows.get(key);
    if (known) return;
    const row: ValueRow = { rel: file.path, stat: { size: file.size, mtimeMs: 0, ctimeMs: 0, ino: 0 }, oid: file.oid, entry: () => encodeValueEntry(analysis) };
    if (pack !== undefined) row.pack = pack;
    this.rows.set(key, row);
  }

  /** Writes what this run added; every file used so far in the run stays, the rest may be compacted away. */
  async save(): Promise<void> {
    const cache = await this.open();
    if (!cache) return;
    cache.commit([...this.rows.values()]);
    for (const row of this.rows.values()) {
      const pack = cache.packOf(row.rel, row.oid);
      if (pack !== undefined) row.pack = pack;
      else delete row.pack;
    }
  }

  async stats() {
    return (await this.open())?.stats;
  }
}
