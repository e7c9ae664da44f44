import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOwnFile } from './read-policy.js';

export { TOOL_VERSION } from './tool-version.js';

let digest: string | undefined;

/**
 * A digest of the analysis code itself (the compiled core next to this file), so a cached
 * result is never reused by a different build of opsledger, even one with the same version.
 */
export function codeDigest(): string {
  if (digest) return digest;
  const hash = createHash('sha1');
  const coreDir = fileURLToPath(new URL('../../core/', import.meta.url));
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      if (name.endsWith('.js') || name.endsWith('.ts')) hash.update(name).update(readOwnFile(path));
      else if (!name.includes('.')) walk(path);
    }
  };
  walk(coreDir);
  return (digest = hash.digest('hex').slice(0, 16));
}
