import { afterEach, describe, expect, it } from 'vitest';
import { decideDeploy } from '../../src/app/decide-deploy.js';
import { loadOrganisation, OrganisationsAtRefs } from '../../src/app/load-organisation.js';
import type { GitRepository } from '../../src/app/ports/git.js';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { createGitHubApi } from '../../src/adapters/github/octokit.js';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { cli } from '../helpers/org.js';
import { openPullRequest, PEOPLE, type Scenario } from '../helpers/pr-scenario.js';

/**
 * The gate as a use case: the same decision as `opsledger gate`, and every commit it needs
 * (the default branch, the base before the merge, the merge itself) read from git once.
 */
let s: Scenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const AT = '2026-12-02T01:30:00+09:00';

/** The real git adapter, with a count of organisations read per commit. */
function counting(git: GitRepository): { git: GitRepository; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    reads,
    git: {
      ...git,
      at: (ref) => {
        reads.set(ref, (reads.get(ref) ?? 0) + 1);
        return git.at(ref);
      },
    },
  };
}

describe('decideDeploy', () => {
  it.each([
    ['merge commit on main is both the default branch and the reviewed head', true],
    ['main has moved on after the merge', false],
  ])('reads each commit once: %s', async (_name, mergeIsHead) => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    await s.repo.checkout('main');
    const mergeCommit = await s.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin);
    const pull = s.github.pulls.get(7)!;
    Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: mergeCommit });
    for (const c of pull.commits) s.github.pullsForCommit.set(c.sha, [7]);
    if (!mergeIsHead) await s.repo.commit({ 'teams/extra.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: extra}\nspec: {members: [someone]}\n' }, 'Add a team', PEOPLE.admin);

    const env = s.github.env();
    const { git, reads } = counting(openGitRepository(s.repo.root));
    const decision = await decideDeploy({ git, github: () => createGitHubApi(clientConfigFromEnv(env)), changeId: 'CR-2026-0100', at: Date.parse(AT) });
    expect(decision.allowed).toBe(true);
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
    expect(reads.size).toBe(mergeIsHead ? 2 : 3);

    // The CLI front gives the same decision, byte for byte, plus where it recorded it.
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', AT, '--format', 'json'], s.repo.root, env);
    const sha = await s.repo.sha('main~' + (mergeIsHead ? 0 : 1));
    expect(r.stdout).toBe(JSON.stringify({ ...decision, record: { written: true, sha, checkRunId: 1000 } }, null, 2) + '\n');
  });
});

describe('OrganisationsAtRefs', () => {
  it('reads a commit once however many refs name it', async () => {
    s = await openPullRequest();
    const { git, reads } = counting(openGitRepository(s.repo.root));
    const refs = new OrganisationsAtRefs(git);
    const sha = await s.repo.sha('cr-100');
    const [a, b, c] = [await refs.at('cr-100'), await refs.at(sha), await refs.at('HEAD')];
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(refs.reads).toBe(1);
    expect([...reads.values()]).toEqual([1]);
    await refs.at('main');
    expect(refs.reads).toBe(2);
    // One load path for a commit and for the working tree checked out at it: the same findings and model.
    const worktree = await loadOrganisation(worktreeSource(s.repo.root));
    expect(worktree.validation).toEqual(a.validation);
    expect([...worktree.org.changes.keys()]).toEqual([...a.org.changes.keys()]);
  });
});
