import { createSchemaRegistry, type SchemaRegistry } from '../../core/schema/registry.js';
import { loadSchemas } from './schema-files.js';
import { loadPrecompiled, PRECOMPILED_PATH, precompiledKey } from './precompiled-schemas.js';

export { loadSchemas, SCHEMA_DIR, type LoadedSchemas } from './schema-files.js';

let registry: SchemaRegistry | undefined;

/** One registry per process: validators compiled at build time, or by ajv on first use. */
export function schemaRegistry(): SchemaRegistry {
  if (registry) return registry;
  const { schemas, digest } = loadSchemas();
  return (registry = createSchemaRegistry(schemas, loadPrecompiled(PRECOMPILED_PATH, precompiledKey(digest))));
}
