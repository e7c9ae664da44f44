import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocumentOrigins } from '../../src/app/ports/git.js';
import { withCachedOrigins } from '../../src/adapters/git/origins-cache.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { TestRepo } from '../helpers/git-repo.js';

/**
 * Document origins kept in the cache folder between catalog builds: an answer made from the
 * same history, and never one made from another.
 */
const ADMIN = { name: 'Org Admin', email: 'admin@example.com' };
const CACHE = join('.opsledger-cache', 'git-origins.json');

const change = (id: string) => `apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata:\n  name: ${id}\n  title: ${id}\n`;

/** The origins as plain data, for comparing. */
const plain = (o: DocumentOrigins) => ({ shallow: o.shallow, byId: [...o.byId].sort(([a], [b]) => (a < b ? -1 : 1)) });

const cached = (root: string) => withCachedOrigins(openGitRepository(root), root).documentOrigins();
const fresh = (root: string) => openGitRepository(root).documentOrigins();

/** Rewrites the kept answer (its key left alone) so that a test can tell when it is used. */
function forge(root: string): void {
  const path = join(root, CACHE);
  const kept = JSON.parse(readFileSync(path, 'utf8')) as { byId: [string, unknown][] };
  kept.byId = [['CR-2026-0999', { commit: 'f'.repeat(40), at: 0, workStartedAt: 0 }]];
  writeFileSync(path, JSON.stringify(kept));
}

describe('document origins kept between catalog builds', () => {
  it('answers as git does, keeps the answer, and uses it while the history is the same', async () => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0100.yaml': change('CR-2026-0100') }, ADMIN);
    const answer = plain(await cached(repo.root));
    expect(answer).toEqual(plain(await fresh(repo.root)));
    expect(answer.byId.map(([id]) => id)).toContain('CR-2026-0100');
    expect(existsSync(join(repo.root, CACHE))).toBe(true);
    forge(repo.root);
    // Files edited but not committed leave the history as it was: the kept answer stands.
    writeFileSync(join(repo.root, 'changes/CR-2026-0101.yaml'), change('CR-2026-0101'));
    expect(plain(await cached(repo.root)).byId.map(([id]) => id)).toEqual(['CR-2026-0999']);
  });

  it.each<[string, (repo: TestRepo) => Promise<unknown>]>([
    ['a new commit', (repo) => repo.commit({ 'changes/CR-2026-0101.yaml': change('CR-2026-0101') }, 'another change', ADMIN)],
    ['HEAD moved back (a reset)', async (repo) => {
      await repo.commit({ 'changes/CR-2026-0101.yaml': change('CR-2026-0101') }, 'another change', ADMIN);
      await cached(repo.root);
      forge(repo.root);
      execFileSync('git', ['reset', '-q', '--hard', 'HEAD~1'], { cwd: repo.root });
    }],
    ['a replace ref (history seen through another commit)', async (repo) => {
      const replaced = await repo.commit({ 'changes/CR-2026-0101.yaml': change('CR-2026-0101') }, 'another change', ADMIN);
      await repo.checkout('HEAD~1');
      await repo.checkout('side', true);
      const other = await repo.commit({ 'changes/CR-2026-0102.yaml': change('CR-2026-0102') }, 'a change on the side', ADMIN);
      await repo.checkout('main');
      await cached(repo.root);
      forge(repo.root);
      execFileSync('git', ['replace', replaced, other], { cwd: repo.root });
    }],
  ])('is made again after %s', async (_name, step) => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0100.yaml': change('CR-2026-0100') }, ADMIN);
    await cached(repo.root);
    forge(repo.root);
    await step(repo);
    const answer = plain(await cached(repo.root));
    expect(answer).toEqual(plain(await fresh(repo.root)));
    expect(answer.byId.map(([id]) => id)).not.toContain('CR-2026-0999');
  });

  it.each([
    ['malformed JSON', '{'],
    ['an entry of the wrong shape', (text: string) => text.replace(/"at":\d+/, '"at":"yesterday"')],
  ])('ignores a kept file with %s', async (_name, damage) => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0100.yaml': change('CR-2026-0100') }, ADMIN);
    await cached(repo.root);
    const path = join(repo.root, CACHE);
    writeFileSync(path, typeof damage === 'string' ? damage : damage(readFileSync(path, 'utf8')));
    expect(plain(await cached(repo.root))).toEqual(plain(await fresh(repo.root)));
  });

  it.each([
    ['a link in the file\'s place', (root: string, outside: string) => {
      mkdirSync(join(root, '.opsledger-cache'));
      symlinkSync(outside, join(root, CACHE));
    }],
    ['a link in the cache folder\'s place', (root: string, outside: string) => symlinkSync(dirname(outside), join(root, '.opsledger-cache'))],
  ])('with %s, reads and writes nothing through it', async (_name, plant) => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0100.yaml': change('CR-2026-0100') }, ADMIN);
    const outside = join(mkdtempSync(join(tmpdir(), 'opsledger-outside-')), 'git-origins.json');
    writeFileSync(outside, 'keep me\n');
    plant(repo.root, outside);
    expect(plain(await cached(repo.root))).toEqual(plain(await fresh(repo.root)));
    expect(plain(await cached(repo.root))).toEqual(plain(await fresh(repo.root)));
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
    expect(readdirSync(dirname(outside))).toEqual(['git-origins.json']);
  });

  it('keeps nothing for a shallow clone', async () => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0100.yaml': change('CR-2026-0100') }, ADMIN);
    await repo.commit({ 'changes/CR-2026-0101.yaml': change('CR-2026-0101') }, 'another change', ADMIN);
    const clone = `${repo.root}-shallow`;
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.root}`, clone]);
    const answer = plain(await cached(clone));
    expect(answer).toEqual(plain(await fresh(clone)));
    expect(answer.shallow).toBe(true);
    expect(existsSync(join(clone, CACHE))).toBe(false);
  });

  it('outside a repository answers nothing and keeps nothing', async () => {
    const repo = await TestRepo.create({}, ADMIN);
    rmSync(join(repo.root, '.git'), { recursive: true, force: true });
    expect(plain(await cached(repo.root))).toEqual({ shallow: false, byId: [] });
    expect(existsSync(join(repo.root, CACHE))).toBe(false);
  });
});

describe('document origins in a history with a cycle', () => {
  it('answer (no hang) when a replace ref makes a commit its own parent', async () => {
    const repo = await TestRepo.create({ 'changes/CR-2026-0100.yaml': change('CR-2026-0100') }, ADMIN);
    const first = await repo.sha();
    const child = await repo.commit({ 'changes/CR-2026-0101.yaml': change('CR-2026-0101') }, 'another change', ADMIN);
    execFileSync('git', ['replace', first, child], { cwd: repo.root });
    // Before the walk kept the commits it had seen, this grew an array until V8 gave up.
    const answer = plain(await fresh(repo.root));
    expect(answer.shallow).toBe(false);
  });
});
