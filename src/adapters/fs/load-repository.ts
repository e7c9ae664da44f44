import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { analyzeAll } from '../workers/analyze-pool.js';
import { analyzeOnDisk } from './analyze-disk.js';
import { AnalysisCache } from './cache.js';
import { DEFAULT_MAX_FILE_BYTES, discover, type DiscoveredFile } from './discover.js';
import { loadSchemas, schemaRegistry } from './schemas.js';
import { TOOL_VERSION } from './version.js';

export interface LoadOptions {
  paths?: readonly string[];
  /** Reuse per-file results from .opsledger-cache (validate only). */
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
  /** Problems found before any file was parsed (size, symlinks, missing paths). */
  discoveryDiagnostics: Diagnostic[];
  source(file: string): Uint8Array | undefined;
}

export async function loadRepository(root: string, options: LoadOptions = {}): Promise<LoadedRepository> {
  const { files, diagnostics } = discover(root, options.paths, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  const source = (file: string) => {
    try {
      return readFileSync(join(root, file));
    } catch {
      return undefined;
    }
  };
  let analyses: FileAnalysis[];
  if (options.keepValues) {
    const registry = schemaRegistry();
    analyses = files.map((f) => analyzeOnDisk(f.rel, f.abs, registry, { keepValues: true }).analysis);
  } else {
    const cache = options.cache ? new AnalysisCache(root, `${TOOL_VERSION}:${loadSchemas().digest}:${options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES}`).load() : undefined;
    analyses = new Array<FileAnalysis>(files.length);
    const misses: { file: DiscoveredFile; slot: number }[] = [];
    files.forEach((file, slot) => {
      const hit = cache?.get(file);
      if (hit) analyses[slot] = hit;
      else misses.push({ file, slot });
    });
    const fresh = await analyzeAll(misses.map((m) => m.file), options.threads === undefined ? {} : { threads: options.threads });
    fresh.forEach((r, i) => {
      const { file, slot } = misses[i]!;
      analyses[slot] = r.analysis;
      cache?.set(file, r.hash, r.analysis);
    });
    if (cache) {
      if (!options.paths?.length) cache.retain(new Set(files.map((f) => f.rel)));
      cache.save();
    }
  }
  return { root, files, analyses, discoveryDiagnostics: diagnostics, source };
}
