import { Ajv2020, type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';
import { addOpsledgerFormats } from './formats.js';

/**
 * Routes a document to its schema by `apiVersion` + `kind`, read from each schema's own
 * `properties.apiVersion.const` and `properties.kind.const`. A validator compiled ahead of time
 * (see scripts/precompile-schemas.mjs) is used as it is; any other is compiled on first use and
 * cached for the life of the registry. Compiling costs a quarter of a second per thread, and a
 * cold validate starts a thread per core.
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

/** The one ajv set-up: run-time compiling and the ahead-of-time compiler both start here. */
export function createAjv(extra: Options = {}): Ajv2020 {
  return addOpsledgerFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, ...extra })) as Ajv2020;
}

/** Schemas that a validate call is routed to (the rest are only referenced). */
export function routedSchemaIds(schemas: readonly Record<string, unknown>[]): string[] {
  return schemas.filter((s) => typeof s.$id === 'string' && constOf(s, 'apiVersion') && constOf(s, 'kind')).map((s) => s.$id as string);
}

export function createSchemaRegistry(schemas: readonly Record<string, unknown>[], precompiled: Readonly<Record<string, ValidateFunction>> = {}): SchemaRegistry {
  let ajv: Ajv2020 | undefined;
  const compile = (id: string): ValidateFunction | undefined => {
    if (!ajv) {
      ajv = createAjv();
      for (const schema of schemas) ajv.addSchema(schema, schema.$id as string);
    }
    return ajv.getSchema(id);
  };
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
      if (!route.compiled) route.compiled = precompiled[route.id] ?? compile(route.id);
      return route.compiled;
    },
  };
}
