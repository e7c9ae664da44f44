import { createHash } from 'node:crypto';

/** The id git gives these bytes as a blob: what the value cache keys entries by. */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
