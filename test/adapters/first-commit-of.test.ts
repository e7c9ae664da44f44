import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { firstCommitOf } from '../../src/adapters/git/read-at-ref.js';
import { defaultBranchRef } from '../../src/app/decide-deploy.js';
import type { GitRepository } from '../../src/app/ports/git.js';
import { TestRepo } from '../helpers/git-repo.js';

/**
 * The gate finds the default branch as `refs/remotes/origin/<b>`, else `refs/heads/<b>`, else
 * `<b>`, with one git process for the two full names. Whatever the refs hold, the answer is the
 * one asking git for each name in turn gives, and so is a failure.
 */
const by = { name: 'Org Admin', email: 'admin@example.com' };

describe('the default branch in one git question', () => {
  let repo: TestRepo;
  const commits: Record<string, string> = {};
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo.root, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    repo = await TestRepo.create({ 'teams/a.yaml': 'x: 1\n' }, by);
    commits.first = await repo.sha();
    commits.second = await repo.commit({ 'teams/b.yaml': 'x: 2\n' }, 'second', by);
    // A clone's remote-tracking branch behind its local one.
    git('update-ref', 'refs/remotes/origin/main', commits.first);
    git('branch', 'only-local', commits.second);
    git('update-ref', 'refs/remotes/origin/main-old', commits.second);
    git('tag', '-a', '-m', 'release', 'v1', commits.first);
    // git keeps branches on commits; remote-tracking refs may hold anything.
    git('update-ref', 'refs/remotes/origin/tagged', git('rev-parse', 'v1'));
    git('update-ref', 'refs/remotes/origin/tree', git('rev-parse', `${commits.first}^{tree}`));
    git('branch', 'tree', commits.second);
  });
  afterAll(() => repo.remove());

  // What defaultBranchRef answered before it could ask once: each spelling in turn.
  const oneByOne = async (g: GitRepository, branch: string) => {
    for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
      try {
        return await g.resolveCommit(ref);
      } catch {
        // the next
      }
    }
    return g.resolveCommit(branch);
  };
  const settle = (p: Promise<string>) => p.then((sha) => ({ sha }), (e: Error) => ({ error: e.constructor.name }));

  it.each<[string, string, 'first' | 'second' | null | undefined | 'tagged']>([
    ['the remote-tracking branch first', 'main', 'first'],
    ['the local branch when there is no remote-tracking one', 'only-local', 'second'],
    ['a tag the branch points at, peeled to its commit', 'tagged', 'tagged'],
    ['neither name exists', 'no-such-branch', null],
    ['a name that is no ref (refs under it are not it)', 'main-ol', null],
    ['a remote-tracking ref at a tree: git is asked name by name', 'tree', undefined],
    ['a pattern character: never handed to for-each-ref', 'ma*', undefined],
    ['a space', 'a b', undefined],
  ])('%s', async (_name, branch, expected) => {
    const spellings = [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`];
    const found = await firstCommitOf(repo.root, spellings);
    expect(found).toBe(expected === 'tagged' ? commits.first : expected === 'first' || expected === 'second' ? commits[expected] : expected);
    const g = openGitRepository(repo.root);
    expect(await settle(defaultBranchRef(g, branch))).toEqual(await settle(oneByOne(g, branch)));
  });
});
