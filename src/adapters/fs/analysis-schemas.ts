import { createRoutedRegistry, routedSchemaIds, type SchemaRegistry } from '../../core/schema/routes.js';
import { precompiledValidators } from './precompiled-schemas.js';

let registry: Promise<SchemaRegistry> | undefined;

/**
 * The registry the analysis uses. Loading ajv (some 200 modules' worth, bundled or not) costs
 * more than analysing one edited file, and with every routed schema compiled by the build it is
 * never called: then the registry holds those validators alone, and ajv stays unloaded. A
 * build without them (the Action's bundle, a stale or missing module) gets schemas.ts's
 * registry, which compiles.
 */
export function analysisSchemaRegistry(): Promise<SchemaRegistry> {
  return (registry ??= (async () => {
    const { schemas, precompiled } = precompiledValidators();
    if (routedSchemaIds(schemas).every((id) => typeof precompiled[id] === 'function')) return createRoutedRegistry(schemas, precompiled);
    return (await import('./schemas.js')).schemaRegistry();
  })());
}
