import { appendFileSync } from 'node:fs';

// Module hooks run on their own thread; a synchronous append is what survives the exit.
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.OPSLEDGER_IMPORT_LOG) appendFileSync(process.env.OPSLEDGER_IMPORT_LOG, resolved.url + '\n');
  return resolved;
}
