import { existsSync, mkdtempSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { statTableOf, ValidationCache, type StatEntry } from '../../src/adapters/fs/cache.js';
import { cacheKey } from '../../src/adapters/fs/cache-key.js';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/adapters/fs/read-policy.js';
import { cli, makeOrg } from '../helpers/org.js';

/**
 * The validation cache must never answer for a file that changed, whatever the change kept
 * (size, mtime, inode), and must never write or delete through a cache folder a pull request
 * committed as a link or a file.
 */
const team = (field: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec: {${field}: []}\n`;
const VALID = team('members');
const INVALID = team('membres');
const FILE = 'teams/x.yaml';

const validate = async (root: string) => (await cli(['validate', '--root', root, '--format', 'json'], root)).code;

type Edit = (path: string) => void;

/** The mtime to the nanosecond, as `touch` keeps it (utimes from Node rounds it). */
const mtimeOf = (p: string) => statSync(p, { bigint: true }).mtimeNs;
const setMtime = (p: string, ns: bigint) => execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, p]);

/** Each writes INVALID (the same size as VALID) so that only ctime, and perhaps the inode, tell. */
const EDITS: [string, Edit][] = [
  [
    'rewritten in place, same size, mtime put back',
    (p) => {
      const mtime = mtimeOf(p);
      writeFileSync(p, INVALID);
      setMtime(p, mtime);
    },
  ],
  [
    'a same-size copy renamed over it, mtime put back',
    (p) => {
      const mtime = mtimeOf(p);
      writeFileSync(`${p}.new`, INVALID);
      setMtime(`${p}.new`, mtime);
      renameSync(`${p}.new`, p);
    },
  ],
  [
    'deleted and created again (the inode is often reused), mtime put back',
    (p) => {
      const mtime = mtimeOf(p);
      unlinkSync(p);
      writeFileSync(p, INVALID);
      setMtime(p, mtime);
    },
  ],
  [
    'edited, then touched back to a day earlier',
    (p) => {
      const mtime = mtimeOf(p);
      writeFileSync(p, INVALID);
      setMtime(p, mtime - 86_400_000_000_000n);
    },
  ],
];

// Which layer answers: the whole last result (nothing else changed), or the per-file shards
// (another file changed, so the result is recomputed from what each file's entry says).
const LAYERS = ['whole result', 'per-file shards'] as const;
const ROWS = EDITS.flatMap(([name, edit]) => LAYERS.map((layer) => [`${name}; ${layer}`, edit, layer] as const));

describe('the validation cache never serves a changed file', () => {
  const roots = new Map<string, string>();
  const warm = new Map<string, number[]>();
  const age = () => new Promise((r) => setTimeout(r, 2200));
  // Files changed within the racy window are never trusted, which would hide a missing key:
  // the files age past it before the cache is written, and the edits before it is read again.
  beforeAll(async () => {
    for (const [name] of ROWS) roots.set(name, makeOrg({ [FILE]: VALID, 'teams/y.yaml': team('members').replace('name: x', 'name: y') }));
    await age();
    for (const [name, edit, layer] of ROWS) {
      const root = roots.get(name)!;
      warm.set(name, [await validate(root), await validate(root), existsSync(join(root, '.opsledger-cache', 'manifest.json')) ? 1 : 0]);
      edit(join(root, FILE));
      if (layer === 'per-file shards') writeFileSync(join(root, 'teams/y.yaml'), team('members').replace('name: x', 'name: y') + '# longer\n');
    }
    await age();
  }, 60_000);

  it.each(ROWS)('%s', async (name) => {
    const root = roots.get(name)!;
    expect(warm.get(name)).toEqual([0, 0, 1]);
    expect(await validate(root)).toBe(1);
    expect(await validate(root)).toBe(1);
  });
});

describe('racily clean files', () => {
  const key = 'test-key';
  const result = { diagnostics: [], summary: { files: 1, documents: 1, errors: 0, warnings: 0 }, documentsByFile: { 'a.yaml': 1 } };
  const stat = (changedAgoMs: number, started: number): StatEntry => ({ rel: 'a.yaml', size: 1, mtimeMs: started - 60_000, ctimeMs: started - changedAgoMs, ino: 1 });

  it.each([
    ['changed long before the run began', 10_000, 'unchanged'],
    ['changed a second before the run began', 1_000, 'changed'],
    ['changed while the run was under way', -500, 'changed'],
  ] as const)('a file %s is trusted: %s', (_name, ago, state) => {
    const root = mkdtempSync(join(tmpdir(), 'opsledger-racy-'));
    const writer = new ValidationCache(root, key);
    const started = Date.now();
    const stats = [stat(ago, started)];
    const files = [{ rel: 'a.yaml', abs: join(root, 'a.yaml') }];
    writer.commit({ extra: '', files: [{ rel: 'a.yaml', stat: stats[0], documents: 1, records: 'r' }], targets: [], shards: [], entries: 0, result, cross: { findings: [], deadlines: [] } });
    const reader = new ValidationCache(root, key).load();
    expect(reader.compare(files, statTableOf(stats), '').kind).toBe(state);
  });
});

// A cache folder a pull request committed (a link, a file, links inside it): test/hostile/lost-data.test.ts.

describe('a narrowed report from the cache', () => {
  // The documents per file come from the cache's index, built only when a report is narrowed.
  it.each([[['teams']], [['services', 'teams']], [['changes']]])('%j says what a cold run says', async (narrow) => {
    const root = makeOrg({ [FILE]: INVALID, 'teams/y.yaml': team('members').replace('name: x', 'name: y') });
    const run = async (extra: string[]) => {
      const r = await cli(['validate', ...extra, '--root', root, '--format', 'json'], root);
      return { code: r.code, stdout: r.stdout };
    };
    const cold = await run(['--no-cache', ...narrow]);
    expect(JSON.parse(cold.stdout).summary.documents).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 2200));
    expect(await run(narrow)).toEqual(cold);
    const state = new ValidationCache(root, cacheKey('v', DEFAULT_MAX_FILE_BYTES)).load();
    const files = state.listing(JSON.parse(state['manifest']!.listed!) as string[])!.files;
    // Nothing changed and nothing racy: the next answer is the cached result itself.
    expect(state.compare(files, ValidationCache.statTable(files), state['manifest']!.extra).kind).toBe('unchanged');
    expect(await run(narrow)).toEqual(cold);
  }, 20_000);
});
