import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { analyzeFile, type AnalyzeOptions, type FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';

export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface DiskAnalysis {
  analysis: FileAnalysis;
  /** What the file looked like when it was read: the cache key. */
  stat?: FileStat;
}

function problem(rel: string, code: string, message: string): FileAnalysis {
  const d: Diagnostic = { file: rel, line: 1, column: 1, severity: 'error', code, message, pointer: '' };
  return { file: rel, documents: [], diagnostics: [d] };
}

/**
 * Reads a file through one descriptor: the size is checked from fstat before any byte is read,
 * so an oversized (or endless) file costs nothing, and the same fstat feeds the cache.
 */
export function readBounded(abs: string, maxBytes: number): { bytes: Buffer; stat: FileStat } | { tooLarge: number; stat: FileStat } | { error: true } {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return { error: true };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: true };
    const stat = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    if (st.size > maxBytes) return { tooLarge: st.size, stat };
    const bytes = Buffer.allocUnsafe(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, bytes, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: read === st.size ? bytes : bytes.subarray(0, read), stat };
  } catch {
    return { error: true };
  } finally {
    closeSync(fd);
  }
}

export function analyzeOnDisk(rel: string, abs: string, registry: SchemaRegistry, maxBytes: number, options: AnalyzeOptions = {}): DiskAnalysis {
  const r = readBounded(abs, maxBytes);
  if ('error' in r) return { analysis: problem(rel, 'file.unreadable', 'the file cannot be read') };
  if ('tooLarge' in r) return { analysis: problem(rel, 'file.too-large', `the file is ${r.tooLarge} bytes, over the ${maxBytes}-byte limit for one YAML file`), stat: r.stat };
  return { analysis: analyzeFile(rel, r.bytes, registry, options), stat: r.stat };
}
