import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, renameSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StoredUnit, UnitStore } from '../../app/ports/unit-store.js';
import type { PolicySpec } from '../../core/model.js';
import { createExclusive } from './cache-folder.js';
import { isInside, readOwnText } from './read-policy.js';

/**
 * The audit's units between runs, in a folder outside the repository (as the GitHub answers
 * are: a cache inside it could be committed by a pull request, and its units would then be
 * evidence nobody derived), one file per repository. The file is written new, exclusively, and
 * put in place by rename. One line per entry, `<check>\t<key>\t<JSON>`, the
 * check a hash of the rest: a line that does not check out is ignored and its unit derived
 * again. The first line holds the cache key (tool version, code digest, schemas): another
 * version's file is never read.
 */
export class AuditCacheRefused extends Error {}

/** The default folder: $XDG_CACHE_HOME/opsledger/audit, else ~/.cache/opsledger/audit. */
export function defaultAuditCacheDir(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base ? join(base, 'opsledger', 'audit') : undefined;
}
/** Entries kept at most: a few years of a large organisation's history. */
const MAX_ENTRIES = 200_000;

const check = (key: string, json: string) => createHash('sha1').update(key).update('\t').update(json).digest('hex').slice(0, 20);

export function auditUnitCache(folder: string, root: string, cacheKey: string): UnitStore {
  const dir = resolve(folder);
  const realRoot = realpathSync.native(root);
  let inside = isInside(realRoot, dir);
  try {
    inside ||= isInside(realRoot, realpathSync.native(dir));
  } catch {
    // Not there yet: made below, where resolve() says.
  }
  if (inside) throw new AuditCacheRefused(`the audit cache ${folder} lies inside the repository, where a pull request could plant units; use a folder outside it`);
  const file = join(dir, `units-${digestOf(realRoot).slice(0, 16)}.txt`);
  const entries = new Map<string, string>();
  let added = 0;
  try {
    const lines = readOwnText(file).split('\n');
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
  const policies = new Map<string, PolicySpec | undefined>();
  const write = (key: string, value: unknown) => {
    entries.set(key, JSON.stringify(value));
    added++;
  };
  return {
    digest: digestOf,
    get: (key) => read<StoredUnit>(`u:${key}`),
    set: (key, unit) => write(`u:${key}`, unit),
    // A handful of policies serve every unit of a year: each is parsed once (nothing changes them).
    policy: (digest) => {
      let p = policies.get(digest);
      if (p === undefined) policies.set(digest, (p = read<PolicySpec>(`p:${digest}`)));
      return p;
    },
    setPolicy: (digest, policy) => (entries.has(`p:${digest}`) ? undefined : write(`p:${digest}`, policy)),
    flush: async () => {
      if (!added) return;
      try {
        mkdirSync(dir, { recursive: true });
        const kept = [...entries].slice(-MAX_ENTRIES);
        const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        createExclusive(tmp, [`# ${cacheKey}`, ...kept.map(([k, json]) => `${check(k, json)}\t${k}\t${json}`)].join('\n') + '\n');
        try {
          renameSync(tmp, file);
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
