import { Ajv2020, type ErrorObject, type Options, type ValidateFunction } from 'ajv/dist/2020.js';
import { addOpsledgerFormats } from './formats.js';
import { createRoutedRegistry, type SchemaRegistry } from './routes.js';

export { routedSchemaIds, type SchemaRegistry } from './routes.js';
export type { ErrorObject };

/** The one ajv set-up: run-time compiling and the ahead-of-time compiler both start here. */
export function createAjv(extra: Options = {}): Ajv2020 {
  return addOpsledgerFormats(new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, ...extra })) as Ajv2020;
}

/**
 * The routes of routes.ts, with a validator compiled ahead of time used as it is and any other
 * compiled on first use and cached for the life of the registry. Compiling costs a quarter of a
 * second per thread, and a cold validate starts a thread per core.
 */
export function createSchemaRegistry(schemas: readonly Record<string, unknown>[], precompiled: Readonly<Record<string, ValidateFunction>> = {}): SchemaRegistry {
  let ajv: Ajv2020 | undefined;
  return createRoutedRegistry(schemas, precompiled, (id) => {
    if (!ajv) {
      ajv = createAjv();
      for (const schema of schemas) ajv.addSchema(schema, schema.$id as string);
    }
    return ajv.getSchema(id);
  });
}
