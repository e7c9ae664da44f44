import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_DIR } from '../../src/adapters/fs/cache.js';
import { COMMIT_VALUES } from '../../src/adapters/git/commit-values.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { loadOrganisation } from '../../src/app/load-organisation.js';
import { TestRepo } from '../helpers/git-repo.js';

/**
 * The gate keeps the analyses of the files it reads out of commits on disk between runs
 * (src/adapters/git/commit-values.ts). A warm read must answer exactly as a cold one, an entry
 * that does not check out is parsed again, and a cache folder git tracks (a pull request can
 * commit one, entries and checks included) is never read.
 */
const me = { name: 'Mina Park', email: 'mina@northwind.example' };
let repo: TestRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

const TEAM = (members: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: cab-board}\nspec:\n  members: [${members}]\n`;

const cacheDir = (r: TestRepo) => join(r.root, CACHE_DIR);
const packs = (r: TestRepo) => readdirSync(cacheDir(r)).filter((n) => n.startsWith(`${COMMIT_VALUES}-`) && n.endsWith('.pack'));

async function loadAt(root: string, ref: string, onDisk: boolean) {
  const loaded = await loadOrganisation(openGitRepository(root, { onDisk }).at(ref));
  return JSON.stringify({ validation: loaded.validation, analyses: loaded.repo.analyses, commit: loaded.commit });
}

async function members(root: string, ref: string): Promise<unknown> {
  const read = await openGitRepository(root, { onDisk: true }).at(ref).read({});
  return (read.analyses.find((a) => a.file === 'teams/cab.yaml')!.values![0] as { spec: { members: unknown } }).spec.members;
}

/** Rewrites the entry of teams/cab.yaml in the pack with other members, its check recomputed so that it checks out. */
function forgeMembers(r: TestRepo, from: string, to: string): void {
  const [pack] = packs(r);
  const path = join(cacheDir(r), pack!);
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.includes('"teams/cab.yaml"'));
  const [, oid, payload] = lines[at]!.split('\t') as [string, string, string];
  const forged = payload.replace(from, to);
  expect(forged).not.toBe(payload);
  lines[at] = `${createHash('sha1').update(oid).update('\t').update(forged).digest('hex').slice(0, 20)}\t${oid}\t${forged}`;
  writeFileSync(path, lines.join('\n'));
}

describe('analyses of commits kept on disk', () => {
  it('a warm read answers byte for byte as a read without the cache, and writes nothing', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee'), 'services/checkout/broken.yaml': 'apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: broken}\nspec: {tier: 9}\n' });
    const head = await repo.sha();
    const uncached = await loadAt(repo.root, head, false);
    expect(await loadAt(repo.root, head, true)).toBe(uncached);
    const [pack] = packs(repo);
    const written = statSync(join(cacheDir(repo), pack!)).mtimeMs;
    const manifest = statSync(join(cacheDir(repo), `${COMMIT_VALUES}.json`)).mtimeMs;
    expect(await loadAt(repo.root, head, true)).toBe(uncached);
    expect(packs(repo)).toEqual([pack]);
    expect(statSync(join(cacheDir(repo), pack!)).mtimeMs).toBe(written);
    expect(statSync(join(cacheDir(repo), `${COMMIT_VALUES}.json`)).mtimeMs).toBe(manifest);
  });

  it('a commit that changed one file adds that file only, and both commits read right afterwards', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const first = await repo.sha();
    expect(await members(repo.root, first)).toEqual(['dana-lee']);
    const second = await repo.commit({ 'teams/cab.yaml': TEAM('dana-lee, eve') }, 'Add eve', me);
    expect(await members(repo.root, second)).toEqual(['dana-lee', 'eve']);
    const lines = packs(repo).map((p) => readFileSync(join(cacheDir(repo!), p), 'utf8').split('\n').filter(Boolean).length);
    expect(lines).toHaveLength(2);
    expect(Math.min(...lines)).toBe(1);
    expect(await members(repo.root, first)).toEqual(['dana-lee']);
    expect(await members(repo.root, second)).toEqual(['dana-lee', 'eve']);
  });

  it.each([
    ['a line whose check does not match', (line: string) => line.replace('dana-lee', 'mallory')],
    ['a line cut short', (line: string) => line.slice(0, line.length >> 1)],
    ['a line whose check is flipped', (line: string) => `${line[0] === 'a' ? 'b' : 'a'}${line.slice(1)}`],
  ])('%s is ignored: the file is parsed again', async (_, damage) => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const head = await repo.sha();
    const uncached = await loadAt(repo.root, head, false);
    await loadAt(repo.root, head, true);
    const path = join(cacheDir(repo), packs(repo)[0]!);
    writeFileSync(path, readFileSync(path, 'utf8').split('\n').map((l) => (l.includes('"teams/cab.yaml"') ? damage(l) : l)).join('\n'));
    expect(await loadAt(repo.root, head, true)).toBe(uncached);
    expect(await members(repo.root, head)).toEqual(['dana-lee']);
  });

  it('is what a warm read answers from: an entry that checks out is used (so the rows below can fail)', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    const head = await repo.sha();
    expect(await members(repo.root, head)).toEqual(['dana-lee']);
    forgeMembers(repo, '"dana-lee"', '"mallory"');
    expect(await members(repo.root, head)).toEqual(['mallory']);
  });

  it.each([
    ['committed in the commit read', async (r: TestRepo) => r.sha()],
    ['committed later than the commit read', async (r: TestRepo) => r.sha('HEAD~2')],
  ])('a cache folder git tracks is neither read nor written (%s)', async (_, commitRead) => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    await members(repo.root, await repo.sha());
    forgeMembers(repo, '"dana-lee"', '"mallory"');
    const files = Object.fromEntries(readdirSync(cacheDir(repo)).filter((n) => n !== '.gitignore').map((n) => [`${CACHE_DIR}/${n}`, readFileSync(join(cacheDir(repo!), n), 'utf8')]));
    await repo.commit(files, 'Commit a cache', me);
    // The folder's own .gitignore keeps it out of `git add -A`: a pull request adds it by force.
    execFileSync('git', ['add', '-f', CACHE_DIR], { cwd: repo.root });
    await repo.commit({}, 'Force the cache in', me);
    const before = readdirSync(cacheDir(repo)).sort();
    expect(await members(repo.root, await commitRead(repo))).toEqual(['dana-lee']);
    expect(readdirSync(cacheDir(repo)).sort()).toEqual(before);
  });

  it('off (the App, CI): nothing is written', async () => {
    repo = await TestRepo.create({ 'teams/cab.yaml': TEAM('dana-lee') });
    await openGitRepository(repo.root).at(await repo.sha()).read({});
    expect(() => readdirSync(cacheDir(repo!))).toThrow();
  });
});
