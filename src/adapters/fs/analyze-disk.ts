import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { analyzeFile, type AnalyzeOptions, type FileAnalysis } from '../../core/analyze.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';

export interface DiskAnalysis {
  analysis: FileAnalysis;
  /** Content hash (git's blob form), the cache key. */
  hash: string;
}

export function blobHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function analyzeOnDisk(rel: string, abs: string, registry: SchemaRegistry, options: AnalyzeOptions = {}): DiskAnalysis {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(abs);
  } catch {
    return {
      hash: '',
      analysis: { file: rel, documents: [], diagnostics: [{ file: rel, line: 1, column: 1, severity: 'error', code: 'file.unreadable', message: 'the file cannot be read', pointer: '' }] },
    };
  }
  return { analysis: analyzeFile(rel, bytes, registry, options), hash: blobHash(bytes) };
}
