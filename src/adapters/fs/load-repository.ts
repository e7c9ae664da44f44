import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { analyzeAll } from '../workers/analyze-pool.js';
import { analyzeOnDisk, type DiskAnalysis } from './analyze-disk.js';
import { ValidationCache, type CachedResult } from './cache.js';
import { DEFAULT_MAX_FILE_BYTES, discover, type DiscoveredFile } from './discover.js';
import { loadSchemas, schemaRegistry } from './schemas.js';
import { codeDigest, TOOL_VERSION } from './version.js';

export interface LoadOptions {
  paths?: readonly string[];
  /** Reuse results from .opsledger-cache (validate only). */
  cache?: boolean;
  threads?: number;
  maxFileBytes?: number;
  /** Keep parsed values for commands that need the model (risk, catalog, ...). */
  keepValues?: boolean;
}

export interface LoadedRepository {
  root: string;
  files: DiscoveredFile[];
  analyses: FileAnalysis[];
  /** Problems found before any file was parsed (symlinks, missing paths). */
  discoveryDiagnostics: Diagnostic[];
  /** Set when nothing changed since the cached run: its result stands, `analyses` is empty. */
  unchanged?: CachedResult;
  source(file: string): Uint8Array | undefined;
  /** Records this run's result in the cache (a no-op without one). */
  remember(result: CachedResult): Promise<void>;
}

export async function loadRepository(root: string, options: LoadOptions = {}): Promise<LoadedRepository> {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { files, diagnostics } = discover(root, options.paths);
  const source = (file: string) => {
    try {
      return readFileSync(join(root, file));
    } catch {
      return undefined;
    }
  };
  const base = { root, files, discoveryDiagnostics: diagnostics, source };

  if (options.keepValues || !options.cache) {
    const registry = options.keepValues ? schemaRegistry() : undefined;
    const analyses = registry
      ? files.map((f) => analyzeOnDisk(f.rel, f.abs, registry, maxBytes, { keepValues: true }).analysis)
      : (await analyzeAll(files, { maxBytes, ...(options.threads ? { threads: options.threads } : {}) })).results.map((r) => r.analysis);
    return { ...base, analyses, remember: async () => {} };
  }

  const cache = new ValidationCache(root, `${TOOL_VERSION}:${codeDigest()}:${loadSchemas().digest}:${maxBytes}`).load();
  // A cold run stats nothing up front: the reads' own fstat calls feed the cache.
  const stats = cache.present ? ValidationCache.statAll(files) : [];
  const extra = JSON.stringify([options.paths ?? [], diagnostics.map((d) => [d.file, d.code])]);
  const fingerprint = cache.present ? ValidationCache.fingerprint(stats, extra) : '';
  const unchanged = cache.present ? cache.unchangedResult(fingerprint, stats) : undefined;
  if (unchanged) return { ...base, analyses: [], unchanged, remember: async () => {} };

  const reused = cache.present ? cache.reusable(stats) : new Map<string, DiskAnalysis>();
  const misses = files.filter((f) => !reused.has(f.rel));
  const everything = reused.size === 0;
  // When every file is analysed afresh, the workers write the shards themselves; otherwise the
  // merged set is written once below.
  const prefix = cache.shardPrefix();
  const pool = await analyzeAll(misses, { maxBytes, ...(options.threads ? { threads: options.threads } : {}), ...(everything ? { shardPrefix: prefix } : {}) });
  const fresh = new Map(misses.map((f, i) => [f.rel, pool.results[i]!]));
  const merged = files.map((f) => reused.get(f.rel) ?? fresh.get(f.rel)!);
  const analyses = merged.map((m) => m.analysis);

  const remember = async (result: CachedResult) => {
    let shards = pool.shards;
    if (!shards.length) {
      const path = `${prefix}0.json`;
      cache.writeShard(path, merged);
      shards = [path];
    }
    await pool.done;
    const after = ValidationCache.statAll(files);
    cache.commit(ValidationCache.fingerprint(after, extra), shards, result);
  };
  return { ...base, analyses, remember };
}
