import { gitBlobId } from './blob-id.js';
import { analyzeFile, type AnalyzeOptions, type FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { SchemaRegistry } from '../../core/schema/registry.js';
import type { FileStat, RepositoryReader } from './read-policy.js';

export type { FileStat } from './read-policy.js';

export interface DiskAnalysis {
  analysis: FileAnalysis;
  /** What the file looked like when it was read: the cache key. */
  stat?: FileStat;
  /** The git blob id of the bytes analysed (asked for by the value cache, which keys entries by it). */
  oid?: string;
  /** The analysis and values as a value-cache entry, when a worker made one (not in the wire format). */
  entry?: string;
  /** Its recordsDigest, when the thread that analysed it encoded it anyway (not in the wire format). */
  records?: string;
}

/**
 * The id git gives these bytes as a blob. The value cache keys its entries by it, so a file
 * in the working tree and the same file in a commit share one entry, and `git ls-tree` names
 * an entry without a byte being read.
 */
export { gitBlobId };

function problem(rel: string, code: string, message: string): FileAnalysis {
  const d: Diagnostic = { file: rel, line: 1, column: 1, severity: 'error', code, message, pointer: '' };
  return { file: rel, documents: [], diagnostics: [d] };
}

const REFUSED: Record<string, string> = {
  'file.symlink-escape': 'the symbolic link leads outside the repository; it is not read',
  'file.symlink-broken': 'the symbolic link points nowhere',
  'file.not-regular': 'not a regular file (a FIFO, socket, device or folder); it is not read',
  'file.outside-root': 'the path is outside the repository root',
};

/**
 * Reads one repository file through the read policy and analyses it. The size comes from the
 * descriptor's fstat before any byte is read, so an oversized (or endless) file costs nothing,
 * and the same fstat feeds the cache.
 */
export function analyzeOnDisk(reader: RepositoryReader, rel: string, registry: SchemaRegistry, options: AnalyzeOptions = {}, blobId = false): DiskAnalysis {
  const r = reader.read(rel);
  if ('bytes' in r) return { analysis: analyzeFile(rel, r.bytes, registry, options), stat: r.stat, ...(blobId ? { oid: gitBlobId(r.bytes) } : {}) };
  if (r.refused === 'file.too-large') return { analysis: problem(rel, r.refused, `the file is ${r.stat!.size} bytes, over the ${reader.maxBytes}-byte limit for one YAML file`), stat: r.stat! };
  const message = REFUSED[r.refused];
  // A file listed a moment ago and gone now is as unreadable as one whose bytes cannot be read.
  return { analysis: message ? problem(rel, r.refused, message) : problem(rel, 'file.unreadable', 'the file cannot be read') };
}
