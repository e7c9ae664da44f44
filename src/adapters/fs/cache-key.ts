import { schemasDigest } from './schema-files.js';
import { codeDigest, TOOL_VERSION } from './version.js';

/** The caches' key: a new tool, code, schema set or size cap never reads the old entries. */
export function cacheKey(kind: string, maxBytes: number): string {
  return `${kind}:${TOOL_VERSION}:${codeDigest()}:${schemasDigest()}:${maxBytes}`;
}
