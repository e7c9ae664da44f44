import { createHash, randomBytes } from 'node:crypto';
import { renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredUnit, UnitStore } from '../../app/ports/unit-store.js';
import type { PolicySpec } from '../../core/model.js';
import { CACHE_DIR } from './cache.js';
import { cacheFolderRefusal, createExclusive, ensureCacheFolder } from './cache-folder.js';
import { readOwnText } from './read-policy.js';

/**
 * The audit's units between runs, in the repository's cache folder under its rules (a link,
 * a non-folder or a folder outside the repository is never used; the file is written new,
 * exclusively, and put in place by rename). One line per entry, `<check>\t<key>\t<JSON>`, the
 * check a hash of the rest: a line that does not check out is ignored and its unit derived
 * again. The first line holds the cache key (tool version, code digest, schemas): another
 * version's file is never read.
 */
const FILE = 'audit-units.txt';
/** Entries kept at most: a few years of a large organisation's history. */
const MAX_ENTRIES = 200_000;

const check = (key: string, json: string) => createHash('sha1').update(key).update('\t').update(json).digest('hex').slice(0, 20);

export function auditUnitCache(root: string, cacheKey: string): UnitStore | undefined {
  const dir = join(root, CACHE_DIR);
  if (cacheFolderRefusal(root, dir)) return undefined;
  const entries = new Map<string, string>();
  let added = 0;
  try {
    const lines = readOwnText(join(dir, FILE)).split('\n');
    if (lines[0] === `# ${cacheKey}`) {
      for (const line of lines.slice(1)) {
        const [sum, key, json] = line.split('\t');
        if (sum && key && json && check(key, json) === sum) entries.set(key, json);
      }
    }
  } catch {
    // No cache yet, or one that cannot be read: every unit is derived.
  }
  const read = <T>(key: string): T | undefined => {
    const json = entries.get(key);
    if (json === undefined) return undefined;
    try {
      return JSON.parse(json) as T;
    } catch {
      return undefined;
    }
  };
  const write = (key: string, value: unknown) => {
    entries.set(key, JSON.stringify(value));
    added++;
  };
  return {
    digest: digestOf,
    get: (key) => read<StoredUnit>(`u:${key}`),
    set: (key, unit) => write(`u:${key}`, unit),
    policy: (digest) => read<PolicySpec>(`p:${digest}`),
    setPolicy: (digest, policy) => (entries.has(`p:${digest}`) ? undefined : write(`p:${digest}`, policy)),
    flush: async () => {
      if (!added) return;
      try {
        ensureCacheFolder(dir);
        const kept = [...entries].slice(-MAX_ENTRIES);
        const tmp = join(dir, `${FILE}.${randomBytes(6).toString('hex')}.tmp`);
        createExclusive(tmp, [`# ${cacheKey}`, ...kept.map(([k, json]) => `${check(k, json)}\t${k}\t${json}`)].join('\n') + '\n');
        try {
          renameSync(tmp, join(dir, FILE));
        } catch {
          unlinkSync(tmp);
        }
      } catch {
        // A cache that cannot be written costs the next run time, never this run's report.
      }
    },
  };
}

/** A digest of a value's JSON, for keys. */
export function digestOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}
