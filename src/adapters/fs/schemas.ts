import { createSchemaRegistry, type SchemaRegistry } from '../../core/schema/registry.js';
import { precompiledValidators } from './precompiled-schemas.js';

export { loadSchemas, SCHEMA_DIR, type LoadedSchemas } from './schema-files.js';

let registry: SchemaRegistry | undefined;

/**
 * One registry per process: validators compiled at build time, or by ajv on first use. The
 * analysis (analysis-schemas.ts) loads ajv only when the build's validators are not all there.
 */
export function schemaRegistry(): SchemaRegistry {
  if (registry) return registry;
  const { schemas, precompiled } = precompiledValidators();
  return (registry = createSchemaRegistry(schemas, precompiled));
}
