import type { ValidateFunction } from 'ajv';

/**
 * Routing a document to its schema by `apiVersion` + `kind`, read from each schema's own
 * `properties.apiVersion.const` and `properties.kind.const`, with no ajv in it: a run whose
 * validators were all compiled ahead of time (scripts/precompile-schemas.mjs) never loads ajv,
 * which costs a one-file validate more than analysing the file. registry.ts adds ajv for the
 * rest.
 */
export interface SchemaRegistry {
  /** Known apiVersions, for "unknown apiVersion" diagnostics and suggestions. */
  apiVersions(): string[];
  kinds(apiVersion: string): string[];
  validator(apiVersion: string, kind: string): ValidateFunction | undefined;
  schemaId(apiVersion: string, kind: string): string | undefined;
}

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

/** Schemas that a validate call is routed to (the rest are only referenced). */
export function routedSchemaIds(schemas: readonly Record<string, unknown>[]): string[] {
  return schemas.filter((s) => typeof s.$id === 'string' && constOf(s, 'apiVersion') && constOf(s, 'kind')).map((s) => s.$id as string);
}

/**
 * `compile` makes a validator for a routed schema that `precompiled` lacks; with none, every
 * routed schema must be precompiled (the registry refuses to be made otherwise, so no document
 * can go unchecked).
 */
export function createRoutedRegistry(schemas: readonly Record<string, unknown>[], precompiled: Readonly<Record<string, ValidateFunction>>, compile?: (id: string) => ValidateFunction | undefined): SchemaRegistry {
  if (!compile) {
    const missing = routedSchemaIds(schemas).filter((id) => typeof precompiled[id] !== 'function');
    if (missing.length) throw new Error(`no validator for ${missing.join(', ')}`);
  }
  const routes = new Map<string, Map<string, Route>>();
  for (const schema of schemas) {
    const id = schema.$id;
    if (typeof id !== 'string') throw new Error('every schema needs an $id');
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
      if (!route.compiled) route.compiled = precompiled[route.id] ?? compile?.(route.id);
      return route.compiled;
    },
  };
}
