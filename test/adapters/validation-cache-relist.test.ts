import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ValidationCache } from '../../src/adapters/fs/cache.js';
import { cacheKey } from '../../src/adapters/fs/cache-key.js';
import { DATA_FOLDERS, discover } from '../../src/adapters/fs/discover.js';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/adapters/fs/read-policy.js';
import { cli, makeOrg } from '../helpers/org.js';

/**
 * When some folders' stats moved since the cached run (an editor saved a file by renaming a copy
 * over it, a file came or went), the validation cache lists only those folders again
 * (`relisted` in src/adapters/fs/cache.ts) and keeps the rest of its listing. What it gives must
 * be what walking everything gives; where a folder walked again is not plain it gives nothing,
 * so the walk reports it.
 */
const team = (name: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: ${name}}\nspec: {members: []}\n`;
const START = Object.fromEntries([
  ...Array.from({ length: 6 }, (_, i) => [`teams/g${i}/t${i}.yaml`, team(`t${i}`)]),
  ['teams/solo.yaml', team('solo')],
  ['services/a/deep/b/service.yaml', 'apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: b}\nspec: {owner: t1, tier: 2, lifecycle: production}\n'],
]);

const age = () => new Promise((r) => setTimeout(r, 2200));
// The targets every run over the working tree walks (worktreeSource): the data folders there.
const listing = (root: string) => new ValidationCache(root, cacheKey('v', DEFAULT_MAX_FILE_BYTES)).load().listing(DATA_FOLDERS.filter((d) => existsSync(join(root, d))));
const rels = (files: readonly { rel: string }[]) => files.map((f) => f.rel);
const saveByRename = (root: string, rel: string, text: string) => {
  writeFileSync(join(root, `${rel}.tmp`), text);
  renameSync(join(root, `${rel}.tmp`), join(root, rel));
};

describe('a listing kept but for the folders that moved', () => {
  let root: string;
  beforeEach(async () => {
    root = makeOrg(START);
    await age();
    expect((await cli(['validate', '--root', root, '--format', 'json'], root)).code).toBeLessThan(2);
    // Settled: the next run trusts every folder's stat.
    await age();
  }, 30_000);

  it.each<[string, (root: string) => void]>([
    ['a file saved by renaming a copy over it', (r) => saveByRename(r, 'teams/g2/t2.yaml', team('t2b'))],
    ['a file added', (r) => writeFileSync(join(r, 'teams/g3/extra.yaml'), team('extra'))],
    ['a file deleted', (r) => rmSync(join(r, 'teams/g4/t4.yaml'))],
    ['a folder made inside one', (r) => (mkdirSync(join(r, 'teams/g1/inner')), writeFileSync(join(r, 'teams/g1/inner/i.yaml'), team('i')))],
    ['a file added in a data folder', (r) => writeFileSync(join(r, 'teams/another.yaml'), team('another'))],
    ['a folder removed', (r) => rmSync(join(r, 'teams/g5'), { recursive: true })],
    ['two folders, one inside the other', (r) => (saveByRename(r, 'services/a/deep/b/service.yaml', START['services/a/deep/b/service.yaml']!), writeFileSync(join(r, 'services/a/x.yaml'), team('x')))],
  ])('%s: the files a walk finds, in its order', (_, edit) => {
    edit(root);
    const kept = listing(root);
    expect(kept).toBeDefined();
    const walked = discover(root, DATA_FOLDERS.filter((d) => existsSync(join(root, d))));
    expect(rels(kept!.files)).toEqual(rels(walked.files));
    expect(kept!.files.map((f) => f.abs)).toEqual(walked.files.map((f) => f.abs));
    expect(new Set(kept!.folders.map((f) => f.rel))).toEqual(new Set(walked.folders!.map((f) => f.rel)));
  });

  it.each<[string, (root: string) => void]>([
    ['a FIFO added to a folder', (r) => execFileSync('mkfifo', [join(r, 'teams/g2/pipe.yaml')])],
    ['a link added to a folder', (r) => symlinkSync(join(r, 'teams/solo.yaml'), join(r, 'teams/g2/link.yaml'))],
    ['a folder replaced by a link', (r) => (rmSync(join(r, 'teams/g5'), { recursive: true }), symlinkSync(join(r, 'teams/g1'), join(r, 'teams/g5')))],
  ])('%s: no listing, so the walk reports what it meets', (_, edit) => {
    edit(root);
    expect(listing(root)).toBeUndefined();
  });

  it('and validate over it says what a run without the cache says', async () => {
    saveByRename(root, 'teams/g2/t2.yaml', team('t1'));
    writeFileSync(join(root, 'teams/g3/extra.yaml'), team('extra'));
    const args = ['validate', '--root', root, '--format', 'json'];
    const cached = await cli(args, root);
    expect(cached).toEqual(await cli([...args, '--no-cache'], root));
    expect(JSON.parse(cached.stdout).diagnostics.map((d: { code: string }) => d.code)).toContain('name.duplicate');
  }, 30_000);
});
