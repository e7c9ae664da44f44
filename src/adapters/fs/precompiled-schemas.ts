import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { opsledgerFormats } from '../../core/schema/formats.js';
import { PACKAGE_ROOT } from './package-root.js';
import { codeDigest } from './version.js';
import { loadSchemas } from './schema-files.js';

/**
 * Validators compiled ahead of time. `npm run build` writes them as one CommonJS module
 * (precompile-schemas.ts, run by scripts/precompile-schemas.mjs); a run loads that module
 * instead of compiling every schema in every thread. The module is used only when its key
 * matches this build exactly: the schemas, the compiled core (formats and ajv options live
 * there) and ajv's version. Anything else compiles at run time, as the Action's bundle does.
 */
export const PRECOMPILED_PATH = join(PACKAGE_ROOT, 'dist', 'schema-validators.cjs');

const require = createRequire(import.meta.url);
function ajvVersion(): string {
  try {
    return (require('ajv/package.json') as { version: string }).version;
  } catch {
    return '?';
  }
}

export function precompiledKey(schemasDigest: string): string {
  return `${schemasDigest}:${codeDigest()}:${ajvVersion()}`;
}

/** The validators in the module at `path` when its key is `key`; otherwise none (compile at run time). */
export function loadPrecompiled(path: string, key: string): Record<string, ValidateFunction> {
  try {
    const m = require(path) as { key?: unknown; create?: unknown };
    if (m.key !== key || typeof m.create !== 'function') return {};
    return (m.create as (formats: unknown) => Record<string, ValidateFunction>)(opsledgerFormats());
  } catch {
    return {};
  }
}

let loaded: { schemas: Record<string, unknown>[]; precompiled: Record<string, ValidateFunction> } | undefined;

/** The schemas, and the build's validators for them when they match this build (once per process). */
export function precompiledValidators(): { schemas: Record<string, unknown>[]; precompiled: Record<string, ValidateFunction> } {
  if (loaded) return loaded;
  const { schemas, digest } = loadSchemas();
  return (loaded = { schemas, precompiled: loadPrecompiled(PRECOMPILED_PATH, precompiledKey(digest)) });
}
