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
let texts: { texts: string[]; digest: string } | undefined;

/** Every schema file's text, sorted by path, and their digest: what a cache key needs, without parsing a schema. */
function schemaTexts(dir: string): { texts: string[]; digest: string } {
  if (texts && dir === SCHEMA_DIR) return texts;
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
  const read = files.map((f) => readOwnText(f));
  for (const text of read) hash.update(text);
  const result = { texts: read, digest: hash.digest('hex').slice(0, 16) };
  if (dir === SCHEMA_DIR) texts = result;
  return result;
}

/** The digest loadSchemas gives, without parsing the schemas. */
export function schemasDigest(dir = SCHEMA_DIR): string {
  return loaded && dir === SCHEMA_DIR ? loaded.digest : schemaTexts(dir).digest;
}

export function loadSchemas(dir = SCHEMA_DIR): LoadedSchemas {
  if (loaded && dir === SCHEMA_DIR) return loaded;
  const { texts: read, digest } = schemaTexts(dir);
  const result = { schemas: read.map((text) => JSON.parse(text) as Record<string, unknown>), digest };
  if (dir === SCHEMA_DIR) loaded = result;
  return result;
}
