import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedRepository } from '../../src/adapters/fs/load-repository.js';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { validationOf } from '../../src/app/load-organisation.js';
import { buildOrganisation } from '../../src/core/organisation.js';
import { copyExampleOrg } from '../helpers/example-org.js';
import { ensureBuilt } from '../helpers/built-cli.js';
import { cli, makeOrg, spawnCli } from '../helpers/org.js';

/**
 * The value cache (src/adapters/fs/value-cache.ts): a warm load must give exactly what a cold
 * one gives, must never serve a file that changed (whatever the change kept), and must ignore
 * an entry that does not check out rather than trust it.
 */
const CACHE = '.opsledger-cache';
const FILE = 'teams/x.yaml';
const team = (members: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec: {members: [${members}]}\n`;
// Same size, different value: only the bytes (or ctime) can tell.
const BEFORE = team('alice');
const AFTER = team('bobby');

// Files changed within the racy window are never trusted by their stat, which would hide a
// missing key: files age past it before the cache is written.
const age = () => new Promise((r) => setTimeout(r, 2200));

/** The load every model command does (worktreeSource), with the cache or without. */
const read = async (root: string, cache = true) => (await worktreeSource(root).read({ keepValues: true, ...(cache ? {} : { cache: false }) })) as LoadedRepository;

/** Everything a command gets from a load, as text: the same text means the same answers. */
async function snapshot(repo: LoadedRepository): Promise<string> {
  const org = buildOrganisation(repo.analyses);
  return JSON.stringify({ validation: await validationOf(repo), analyses: repo.analyses.map((a) => ({ ...a, values: a.values?.map((v) => (v === undefined ? '<undefined>' : v)) })), services: [...org.services.keys()], changes: [...org.changes.keys()] });
}

const membersOf = (repo: LoadedRepository) => {
  const a = repo.analyses.find((x) => x.file === FILE)!;
  return (a.values![0] as { spec: { members: string[] } }).spec.members;
};

const mtimeOf = (p: string) => statSync(p, { bigint: true }).mtimeNs;
const setMtime = (p: string, ns: bigint) => execFileSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, p]);

describe('a warm load is a cold load', () => {
  let root: string;
  beforeAll(async () => {
    // The example organisation, with problems of every layer: syntax, schema, a dangling reference, a value JSON cannot carry.
    root = copyExampleOrg();
    writeFileSync(join(root, 'teams', 'broken.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: broken\nspec: {}\n');
    writeFileSync(join(root, 'teams', 'schema.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: schema}\nspec: {membres: [a], weight: .nan, zero: -0.0}\n');
    writeFileSync(join(root, 'services', 'dangling.yaml'), 'apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: dangling}\nspec: {owner: team:nobody, tier: 2, lifecycle: production}\n');
    await age();
  }, 30_000);

  it('gives the same diagnostics, records and values from the cache as from the files', async () => {
    const uncached = await read(root, false);
    const first = await read(root);
    const warm = await read(root);
    expect(uncached.valueCache).toBeUndefined();
    expect(first.valueCache).toMatchObject({ hits: 0 });
    expect(first.valueCache!.written).toBeGreaterThan(50);
    // Every file but the one holding NaN and -0 comes from the cache, unread.
    expect(warm.valueCache).toMatchObject({ hits: warm.files.length - 1, byStat: warm.files.length, hashed: 0, written: 0, corrupt: 0 });
    expect(await snapshot(first)).toBe(await snapshot(uncached));
    expect(await snapshot(warm)).toBe(await snapshot(uncached));
    // Not "close": NaN stays NaN and -0 stays -0 (JSON would make them null and 0).
    const odd = warm.analyses.find((a) => a.file === 'teams/schema.yaml')!.values![0] as { spec: { weight: number; zero: number } };
    expect(odd.spec.weight).toBeNaN();
    expect(Object.is(odd.spec.zero, -0)).toBe(true);
    expect((await validationOf(warm)).diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['yaml.syntax', 'schema.additionalProperties', 'ref.unresolved']));
  });
});

describe('a command answers the same from a warm cache', () => {
  it('risk --format json, byte for byte', async () => {
    const root = copyExampleOrg();
    await age();
    const args = ['risk', '--open', '--root', root, '--format', 'json', '--at', '2026-11-20T00:00:00Z'];
    const cold = await cli(args, root);
    expect(existsSync(join(root, CACHE, 'values.json'))).toBe(true);
    const warm = await cli(args, root);
    expect(cold.code).toBe(0);
    expect(warm).toEqual(cold);
    expect(JSON.parse(warm.stdout).length).toBeGreaterThan(0);
    // And it was the cache that answered: every file vouched for by its stat.
    const repo = await read(root);
    expect(repo.valueCache).toMatchObject({ hits: repo.files.length, byStat: repo.files.length, hashed: 0 });
  }, 60_000);
});

describe('entries made by the analysis threads', () => {
  it('are what a warm run of the built CLI answers from, byte for byte', async () => {
    ensureBuilt();
    // Enough files for the threads (PARALLEL_THRESHOLD), which send each file's values as its entry.
    const teams = Object.fromEntries(Array.from({ length: 700 }, (_, i) => [`teams/t${i}.yaml`, team(`m${i}`).replace('name: x', `name: t${i}`)]));
    const root = makeOrg(teams);
    await age();
    const args = ['risk', '--open', '--root', root, '--format', 'json', '--at', '2026-11-20T00:00:00Z'];
    const cold = spawnCli(args, { cwd: root });
    const manifest = join(root, CACHE, 'values.json');
    const written = readFileSync(manifest, 'utf8');
    const rows = (JSON.parse(written) as { files: [string, number, number, number, number, string, number][] }).files;
    // Every file has an entry in a pack (-1 would mean its values could not be kept).
    expect(rows.length).toBeGreaterThan(700);
    expect(rows.filter((r) => r[6] < 0)).toEqual([]);
    const packs = packsOf(root);
    const warm = spawnCli(args, { cwd: root });
    expect(cold.code).toBe(0);
    expect(warm).toEqual(cold);
    // A warm run that found every entry writes nothing: a miss would have added a pack and a new manifest.
    expect(readFileSync(manifest, 'utf8')).toBe(written);
    expect(packsOf(root)).toEqual(packs);
  }, 120_000);
});

type Edit = (path: string) => void;
const EDITS: [string, Edit][] = [
  [
    'rewritten in place, same size, mtime put back',
    (p) => {
      const m = mtimeOf(p);
      writeFileSync(p, AFTER);
      setMtime(p, m);
    },
  ],
  [
    'a same-size copy renamed over it, mtime put back',
    (p) => {
      const m = mtimeOf(p);
      writeFileSync(`${p}.new`, AFTER);
      setMtime(`${p}.new`, m);
      renameSync(`${p}.new`, p);
    },
  ],
  [
    'deleted and written again, mtime put back',
    (p) => {
      const m = mtimeOf(p);
      unlinkSync(p);
      writeFileSync(p, AFTER);
      setMtime(p, m);
    },
  ],
  [
    'edited, then touched back to a day earlier',
    (p) => {
      const m = mtimeOf(p);
      writeFileSync(p, AFTER);
      setMtime(p, m - 86_400_000_000_000n);
    },
  ],
];
// Racy: the edit lands right after the run that cached the file, within the timestamps'
// granularity, where a stat may not tell at all. Aged: long after, where stat (ctime) must tell.
const WHEN = ['racy (edited right after the caching run)', 'aged (edited after the racy window)'] as const;
const ROWS = EDITS.flatMap(([name, edit]) => WHEN.map((when) => [`${name}; ${when}`, edit, when] as const));

describe('a changed file is parsed again', () => {
  const roots = new Map<string, string>();
  beforeAll(async () => {
    for (const [name] of ROWS) roots.set(name, makeOrg({ [FILE]: BEFORE }));
    await age();
    for (const [name, edit, when] of ROWS) {
      const root = roots.get(name)!;
      expect(membersOf(await read(root))).toEqual(['alice']);
      if (when.startsWith('racy')) edit(join(root, FILE));
    }
    await age();
    for (const [name, edit, when] of ROWS) if (when.startsWith('aged')) edit(join(root(name), FILE));
    function root(name: string) {
      return roots.get(name)!;
    }
  }, 60_000);

  it.each(ROWS)('%s', async (name) => {
    const root = roots.get(name)!;
    const warm = await read(root);
    expect(membersOf(warm)).toEqual(['bobby']);
    expect(warm.valueCache).toMatchObject({ hits: warm.files.length - 1, written: 1 });
    // And the new entry is what the next run finds.
    expect(membersOf(await read(root))).toEqual(['bobby']);
  });
});

const packsOf = (root: string) => readdirSync(join(root, CACHE)).filter((n) => n.endsWith('.pack'));
const lineOf = (text: string, file: string) => text.split('\n').findIndex((l) => l.includes(JSON.stringify(file)));

/** Each damages the cache after a run wrote it; the next run must not believe what it says of FILE. */
const CORRUPTIONS: [string, (root: string) => void][] = [
  [
    'a byte of the entry changed (the same length)',
    (root) => {
      const pack = join(root, CACHE, packsOf(root)[0]!);
      writeFileSync(pack, readFileSync(pack, 'utf8').replace('"alice"', '"bobby"'));
    },
  ],
  [
    'the check recomputed by nobody: the entry line cut short',
    (root) => {
      const pack = join(root, CACHE, packsOf(root)[0]!);
      const lines = readFileSync(pack, 'utf8').split('\n');
      const i = lineOf(lines.join('\n'), FILE);
      lines[i] = lines[i]!.slice(0, lines[i]!.length - 10);
      writeFileSync(pack, lines.join('\n'));
    },
  ],
  [
    'the pack truncated',
    (root) => {
      const pack = join(root, CACHE, packsOf(root)[0]!);
      writeFileSync(pack, readFileSync(pack, 'utf8').slice(0, 40));
    },
  ],
  [
    "the manifest names another file's blob for it",
    (root) => {
      const path = join(root, CACHE, 'values.json');
      const m = JSON.parse(readFileSync(path, 'utf8')) as { files: [string, number, number, number, number, string, number][] };
      const mine = m.files.find((r) => r[0] === FILE)!;
      const other = m.files.find((r) => r[0] !== FILE)!;
      mine[5] = other[5];
      writeFileSync(path, JSON.stringify(m));
    },
  ],
  ['the manifest not JSON', (root) => writeFileSync(join(root, CACHE, 'values.json'), '{"key":')],
  ['the pack deleted', (root) => rmSync(join(root, CACHE, packsOf(root)[0]!))],
];

describe('a damaged cache is not trusted', () => {
  const roots = new Map<string, string>();
  beforeAll(async () => {
    for (const [name] of CORRUPTIONS) roots.set(name, makeOrg({ [FILE]: BEFORE }));
    await age();
    for (const [name, damage] of CORRUPTIONS) {
      const root = roots.get(name)!;
      await read(root);
      damage(root);
    }
  }, 60_000);

  it.each(CORRUPTIONS)('%s', async (name) => {
    const root = roots.get(name)!;
    const uncached = await read(root, false);
    const warm = await read(root);
    expect(await snapshot(warm)).toBe(await snapshot(uncached));
    expect(membersOf(warm)).toEqual(['alice']);
    expect(warm.valueCache!.hits).toBeLessThan(warm.files.length);
    if (name.startsWith('a byte')) expect(warm.valueCache!.corrupt).toBe(1);
    // Repaired: the next run finds every file again.
    const after = await read(root);
    expect(after.valueCache!.hits).toBe(after.files.length);
    expect(await snapshot(after)).toBe(await snapshot(uncached));
  });
});

describe('a cache folder committed to the repository', () => {
  it('is not believed, even with entries whose checks match', async () => {
    const root = makeOrg({ [FILE]: BEFORE });
    await age();
    await read(root);
    // The forger recomputes the check of the line it changed, as anyone can.
    const pack = join(root, CACHE, packsOf(root)[0]!);
    const lines = readFileSync(pack, 'utf8').split('\n');
    const i = lineOf(lines.join('\n'), FILE);
    const [, oid, payload] = lines[i]!.split('\t') as [string, string, string];
    const forged = payload.replace('"alice"', '"bobby"');
    lines[i] = `${createHash('sha1').update(oid).update('\t').update(forged).digest('hex').slice(0, 20)}\t${oid}\t${forged}`;
    writeFileSync(pack, lines.join('\n'));
    // The forgery is a good one: left where only the working tree's owner could have put it, it
    // is believed (whoever writes the working tree decides its files anyway).
    expect(membersOf(await read(root))).toEqual(['bobby']);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('add', '-f', CACHE);
    const repo = await read(root);
    expect(membersOf(repo)).toEqual(['alice']);
    expect(repo.valueCache).toMatchObject({ hits: 0, written: 0 });
    expect(readFileSync(pack, 'utf8')).toContain('"bobby"');
  });
});

describe('a cache folder that is a link', () => {
  it('is neither read nor written, and the load is uncached', async () => {
    const root = makeOrg({ [FILE]: BEFORE });
    const elsewhere = mkdtempSync(join(tmpdir(), 'opsledger-elsewhere-'));
    symlinkSync(elsewhere, join(root, CACHE));
    const repo = await read(root);
    expect(repo.valueCache).toBeUndefined();
    expect(membersOf(repo)).toEqual(['alice']);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});
