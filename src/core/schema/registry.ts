import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { addOpsledgerFormats } from './formats.js';

/**
 * Routes a document to its schema by `apiVersion` + `kind`, read from each schema's own
 * `properties.apiVersion.const` and `properties.kind.const`. Schemas are added once and each
 * validator is compiled on first use, then cached for the life of the registry.
 */
export interface SchemaRegistry {
  /** Known apiVersions, for "unknown apiVersion" diagnostics and suggestions. */
  apiVersions(): string[];
  kinds(apiVersion: string): string[];
  validator(apiVersion: string, kind: string): ValidateFunction | undefined;
  schemaId(apiVersion: string, kind: string): string | undefined;
}

export type { ErrorObject };

interface Route {
  id: string;
  compiled?: ValidateFunction;
}

function constOf(schema: Record<string, unknown>, prop: string): string | undefined {
  const p = (schema.properties as Record<string, Record<string, unknown>> | undefined)?.[prop];
  if (!p) return undefined;
  if (typeof p.const === 'string') return p.const;
  if (Array.isArray(p.enum) && p.enum.length === 1 && typeof p.enum[0] === 'string') return p.enum[0];
  return undefined;
}

export function createSchemaRegistry(schemas: readonly Record<string, unknown>[]): SchemaRegistry {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addOpsledgerFormats(ajv);
  const routes = new Map<string, Map<string, Route>>();
  for (const schema of schemas) {
    const id = schema.$id;
    if (typeof id !== 'string') throw new Error('every schema needs an $id');
    ajv.addSchema(schema, id);
    const apiVersion = constOf(schema, 'apiVersion');
    const kind = constOf(schema, 'kind');
    if (apiVersion && kind) {
      let byKind = routes.get(apiVersion);
      if (!byKind) routes.set(apiVersion, (byKind = new Map()));
      byKind.set(kind, { id });
    }
  }
  return {
    apiVersions: () => [...routes.keys()],
    kinds: (apiVersion) => [...(routes.get(apiVersion)?.keys() ?? [])],
    schemaId: (apiVersion, kind) => routes.get(apiVersion)?.get(kind)?.id,
    validator(apiVersion, kind) {
      const route = routes.get(apiVersion)?.get(kind);
      if (!route) return undefined;
      if (!route.compiled) route.compiled = ajv.getSchema(route.id);
      return route.compiled;
    },
  };
}
