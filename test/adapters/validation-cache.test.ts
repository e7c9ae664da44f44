import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationCache, type StatEntry } from '../../src/adapters/fs/cache.js';
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
  const result = { diagnostics: [], summary: { files: 1, documents: 1, errors: 0, warnings: 0 }, documentsByFile: {} };
  const stat = (changedAgoMs: number, started: number): StatEntry => ({ rel: 'a.yaml', size: 1, mtimeMs: started - 60_000, ctimeMs: started - changedAgoMs, ino: 1 });

  it.each([
    ['changed long before the run began', 10_000, true],
    ['changed a second before the run began', 1_000, false],
    ['changed while the run was under way', -500, false],
  ] as const)('a file %s is trusted: %s', (_name, ago, trusted) => {
    const root = mkdtempSync(join(tmpdir(), 'opsledger-racy-'));
    const writer = new ValidationCache(root, key);
    const started = Date.now();
    const stats = [stat(ago, started)];
    const fp = ValidationCache.fingerprint(stats, '');
    writer.commit(fp, [], result);
    const reader = new ValidationCache(root, key).load();
    expect(reader.unchangedResult(fp, stats) !== undefined).toBe(trusted);
  });
});

type Plant = (root: string, outside: string) => void;

/** Committed in place of the cache folder (or inside it), each aimed at something not the cache's. */
const PLANTS: [string, Plant][] = [
  ['a link to a folder outside', (root, outside) => symlinkSync(outside, join(root, '.opsledger-cache'))],
  ['a link to a file outside', (root, outside) => symlinkSync(join(outside, 'keep.txt'), join(root, '.opsledger-cache'))],
  ['a link to /dev/null', (root) => symlinkSync('/dev/null', join(root, '.opsledger-cache'))],
  ['a link to a data folder inside the repository', (root) => symlinkSync(join(root, 'teams'), join(root, '.opsledger-cache'))],
  ['a regular file', (root) => writeFileSync(join(root, '.opsledger-cache'), 'not a folder\n')],
  [
    'a real folder whose .gitignore and a stale shard are links outside',
    (root, outside) => {
      mkdirSync(join(root, '.opsledger-cache'));
      symlinkSync(join(outside, 'keep.txt'), join(root, '.opsledger-cache', '.gitignore'));
      symlinkSync(join(outside, 'shard-victim'), join(root, '.opsledger-cache', 'shard-old.json'));
    },
  ],
];

/** Everything a run could have touched: the outside folder, the data folder, the planted entry. */
function snapshot(root: string, outside: string): unknown {
  const entry = join(root, '.opsledger-cache');
  const st = lstatSync(entry);
  return {
    outside: readdirSync(outside).map((n) => [n, readFileSync(join(outside, n), 'utf8')]),
    teams: readdirSync(join(root, 'teams')).sort(),
    entry: st.isSymbolicLink() ? ['link', readlinkSync(entry)] : st.isDirectory() ? ['folder'] : ['file', readFileSync(entry, 'utf8')],
  };
}

describe('a cache folder a pull request committed', () => {
  it.each(PLANTS)('%s: validate answers right and writes or deletes nothing through it', async (_name, plant) => {
    const root = makeOrg({ [FILE]: VALID });
    const outside = mkdtempSync(join(tmpdir(), 'opsledger-outside-'));
    writeFileSync(join(outside, 'keep.txt'), 'precious\n');
    writeFileSync(join(outside, 'shard-victim'), 'precious too\n');
    plant(root, outside);
    const before = snapshot(root, outside);
    expect(await validate(root)).toBe(0);
    expect(await validate(root)).toBe(0);
    writeFileSync(join(root, FILE), INVALID);
    expect(await validate(root)).toBe(1);
    expect(snapshot(root, outside)).toEqual(before);
  });
});
