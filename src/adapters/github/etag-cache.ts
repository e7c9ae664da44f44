import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { isInside, readOwnText } from '../fs/read-policy.js';

/**
 * GitHub's answers kept with their ETags, so a rerun asks "still this?" (If-None-Match) and
 * GitHub answers 304, which its rate limit does not count. Every answer read back from here is
 * checked against GitHub's documented shape again, like a fresh one.
 *
 * The folder must lie outside the repository: a cached answer is trusted as GitHub's, and a
 * pull request could commit a folder of forged answers under the ETags GitHub really serves
 * (anyone who can read the repository sees them); GitHub would confirm the ETag with a 304 and
 * the forged body would be believed. Keys are the API's address, the repository and the
 * request, never the token.
 */
export interface ResponseCache {
  get(key: string): { etag: string; data: unknown } | undefined;
  set(key: string, entry: { etag: string; data: unknown }): void;
}

export class EtagCacheRefused extends Error {}

/** The default folder: $XDG_CACHE_HOME/opsledger/github, else ~/.cache/opsledger/github. */
export function defaultCacheDir(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base ? join(base, 'opsledger', 'github') : undefined;
}

export function diskResponseCache(dir: string, repositoryRoot: string): ResponseCache {
  const abs = resolve(dir);
  const inRepository = `the GitHub cache ${dir} lies inside the repository, where a pull request could plant answers; use a folder outside it`;
  try {
    if (isInside(realpathSync.native(repositoryRoot), abs)) throw new EtagCacheRefused(inRepository);
  } catch (e) {
    if (e instanceof EtagCacheRefused) throw e;
  }
  mkdirSync(abs, { recursive: true });
  let real: string;
  let root: string;
  try {
    real = realpathSync.native(abs);
    root = realpathSync.native(repositoryRoot);
  } catch {
    throw new EtagCacheRefused(`${dir} cannot be used as the GitHub cache`);
  }
  if (isInside(root, real)) throw new EtagCacheRefused(inRepository);
  const file = (key: string) => join(real, `${createHash('sha256').update(key).digest('hex')}.json`);
  return {
    get(key) {
      try {
        const entry = JSON.parse(readOwnText(file(key))) as { key?: unknown; etag?: unknown; data?: unknown };
        // The key is stored too: a hash collision or a renamed file never answers another request.
        return entry.key === key && typeof entry.etag === 'string' ? { etag: entry.etag, data: entry.data } : undefined;
      } catch {
        return undefined;
      }
    },
    set(key, entry) {
      try {
        writeFileAtomic(file(key), JSON.stringify({ key, etag: entry.etag, data: entry.data }));
      } catch {
        // A cache that cannot be written costs requests, never the answer.
      }
    },
  };
}
