import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { readOwnText } from './read-policy.js';

// Apart from the registry (schemas.ts), which loads ajv: the caches' key needs the digest alone.

export const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');

export interface LoadedSchemas {
  schemas: Record<string, unknown>[];
  /** Changes whenever any schema changes: part of the validation cache key. */
  digest: string;
}

let loaded: LoadedSchemas | undefined;

export function loadSchemas(dir = SCHEMA_DIR): LoadedSchemas {
  if (loaded && dir === SCHEMA_DIR) return loaded;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.schema.json')) files.push(p);
    }
  };
  walk(dir);
  files.sort();
  const hash = createHash('sha256');
  const schemas = files.map((f) => {
    const text = readOwnText(f);
    hash.update(text);
    return JSON.parse(text) as Record<string, unknown>;
  });
  const result = { schemas, digest: hash.digest('hex').slice(0, 16) };
  if (dir === SCHEMA_DIR) loaded = result;
  return result;
}

