import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { createGitHubApi } from '../../src/adapters/github/octokit.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { OrganisationsAtRefs } from '../../src/app/load-organisation.js';
import { reviewPullRequestOnGitHub } from '../../src/app/review-pull-request.js';
import { FakeGitHub, type FakeReview } from '../helpers/fake-github.js';
import { TestRepo } from '../helpers/git-repo.js';
import { cli, makeOrg, validateJson } from '../helpers/org.js';
import { changeYaml, PEOPLE, policyYaml, TEAMS_YAML } from '../helpers/pr-scenario.js';

/**
 * Paths the policy ties to a service (spec.servicePaths): a commit that changes one needs an
 * approved change request covering that service, in a real repository with the pull requests
 * served by the fake GitHub. Worked out by hand, unit by unit:
 *
 *  P  #1 merge    deploy/checkout/app.yaml + CR-2026-0201 on checkout-api, approved      → nothing
 *  Q  #2 squash   deploy/checkout/app.yaml + CR-2026-0202 on cart only, approved         → unauthorised-change
 *  R  push        deploy/cart/app.yaml, no pull request                                  → unauthorised-change
 *  S  #3 merge    deploy/shared/net.yaml (tied to both) + CR-2026-0203 on cart only      → unauthorised-change
 *  U  #4 merge    deploy/shared/net.yaml + CR-2026-0204 on checkout-api and cart         → nothing
 *  T  #5 merge    drops servicePaths from the policy and edits deploy/checkout/app.yaml
 *                 with CR-2026-0205 on cart: judged by the base's map                      → unauthorised-change
 *  V  push        docs/notes.md, tied to nothing                                         → nothing
 */
vi.setConfig({ testTimeout: 120_000 });

const SINCE = '2026-11-02T00:00:00Z';
const UNTIL = '2026-11-30T00:00:00Z';
const TIED = '  servicePaths: {checkout-api: ["deploy/checkout/**", "deploy/shared/**"], cart: ["deploy/cart/**", "deploy/shared/**"]}\n';

let repo: TestRepo;
let github: FakeGitHub;
const sha: Record<string, string> = {};

const approve = (login: string, commitId: string, submittedAt: string): FakeReview => ({ login, state: 'APPROVED', commitId, submittedAt });
const change = (id: string, services: string) => changeYaml({ id }).replace(/^ {2}services: \[checkout-api\]$/m, `  services: [${services}]`);

/** A pull request from a branch off main, merged (or squashed) the next day, approved by the owner and two of the CAB before. */
async function mergedPull(n: number, day: number, files: Record<string, string>, how: 'merge' | 'squash', by: typeof PEOPLE.mina | typeof PEOPLE.admin = PEOPLE.mina): Promise<string> {
  const base = await repo.sha();
  repo.clock(`2026-11-${String(day).padStart(2, '0')}T00:00:00Z`);
  await repo.checkout(`pr-${n}`, true);
  const head = await repo.commit(files, `work ${n}`, by);
  await repo.checkout('main');
  const mergedAt = `2026-11-${String(day + 1).padStart(2, '0')}T00:00:00Z`;
  repo.clock(mergedAt);
  const merged = how === 'merge' ? await repo.merge(`pr-${n}`, `Merge pull request #${n} from acme/pr-${n}`, PEOPLE.admin) : await repo.squashMerge(`pr-${n}`, `work (#${n})`, PEOPLE.admin);
  const at = `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`;
  github.pulls.set(n, {
    number: n,
    author: by.login,
    headSha: head,
    headRef: `pr-${n}`,
    baseSha: base,
    baseRef: 'main',
    state: 'closed',
    mergedAt,
    mergeCommitSha: merged,
    commits: [{ sha: head, message: 'work', authorLogin: by.login, authorEmail: by.email, committerLogin: by.login, committerEmail: by.email, authorDate: `2026-11-${String(day).padStart(2, '0')}T00:00:00Z` }],
    // Each service's owners count apart: a second checkout member approves when mina-park is not the author.
    reviews: [approve('joel-ortiz', head, at), approve('dana-lee', head, at), approve('carol-cab', head, at), ...(by.login === 'mina-park' ? [] : [approve('mina-park', head, at)])],
  });
  github.pullsForCommit.set(merged, [n]);
  return merged;
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.teams.set('acme/cab', ['carol-cab']);
  const files = { 'teams/teams.yaml': TEAMS_YAML(), 'changes/policy.yaml': policyYaml() + TIED, 'deploy/checkout/app.yaml': 'replicas: 3\n', 'deploy/cart/app.yaml': 'replicas: 2\n', 'deploy/shared/net.yaml': 'mtu: 1500\n' };
  repo = await TestRepo.create(files, PEOPLE.admin, { at: '2026-11-01T00:00:00Z' });
  sha.P = await mergedPull(1, 3, { 'deploy/checkout/app.yaml': 'replicas: 4\n', 'changes/CR-2026-0201.yaml': change('CR-2026-0201', 'checkout-api') }, 'merge');
  sha.Q = await mergedPull(2, 5, { 'deploy/checkout/app.yaml': 'replicas: 5\n', 'changes/CR-2026-0202.yaml': change('CR-2026-0202', 'cart') }, 'squash');
  repo.clock('2026-11-07T00:00:00Z');
  sha.R = await repo.commit({ 'deploy/cart/app.yaml': 'replicas: 1\n' }, 'Scale cart down', PEOPLE.joel);
  sha.S = await mergedPull(3, 8, { 'deploy/shared/net.yaml': 'mtu: 9000\n', 'changes/CR-2026-0203.yaml': change('CR-2026-0203', 'cart') }, 'merge');
  sha.U = await mergedPull(4, 10, { 'deploy/shared/net.yaml': 'mtu: 1500\n', 'changes/CR-2026-0204.yaml': change('CR-2026-0204', 'checkout-api, cart') }, 'merge', PEOPLE.admin);
  sha.T = await mergedPull(5, 12, { 'changes/policy.yaml': policyYaml(), 'deploy/checkout/app.yaml': 'replicas: 6\n', 'changes/CR-2026-0205.yaml': change('CR-2026-0205', 'cart') }, 'merge');
  repo.clock('2026-11-14T00:00:00Z');
  sha.V = await repo.commit({ 'docs/notes.md': 'Notes\n' }, 'Notes', PEOPLE.joel);
}, 120_000);

afterAll(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
  repo.remove();
});

describe('opsledger audit: paths the policy ties to a service', () => {
  it('needs an approved change covering each service a changed path is tied to (exit 1)', async () => {
    const r = await cli(['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json'], repo.root, github.env());
    const json = JSON.parse(r.stdout) as { exceptions: { code: string; commit: string; pullRequest: number | null; change: string | null }[]; changes: { change: string; approved: boolean }[] };
    expect(json.changes.map((c) => [c.change, c.approved])).toEqual([
      ['CR-2026-0201', true],
      ['CR-2026-0202', true],
      ['CR-2026-0203', true],
      ['CR-2026-0204', true],
      ['CR-2026-0205', true],
    ]);
    const expected = [
      ['audit.unauthorised-change', sha.Q, 2, null],
      ['audit.unauthorised-change', sha.R, null, null],
      ['audit.unauthorised-change', sha.S, 3, null],
      ['audit.unauthorised-change', sha.T, 5, null],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(json.exceptions.map((e) => [e.code, e.commit, e.pullRequest, e.change])).toEqual(expected);
    expect(r.code).toBe(1);
  });

  it('names the tied path in the reason', async () => {
    const r = await cli(['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json'], repo.root, github.env());
    const json = JSON.parse(r.stdout) as { exceptions: { commit: string; reason: { key: string; args: { paths: string[] } } }[] };
    const paths = Object.fromEntries(json.exceptions.map((e) => [e.commit, e.reason.args.paths]));
    expect(paths).toEqual({ [sha.Q!]: ['deploy/checkout/app.yaml'], [sha.R!]: ['deploy/cart/app.yaml'], [sha.S!]: ['deploy/shared/net.yaml'], [sha.T!]: ['deploy/checkout/app.yaml'] });
  });
});

describe('validate: spec.servicePaths', () => {
  it.each([
    ['an unknown service', '  servicePaths: {checkout-api: [services/**], nosuch: [services/**]}\n', 'ref.unresolved', '/spec/servicePaths/nosuch', 1],
    ['a known service', '  servicePaths: {checkout-api: [services/**]}\n', undefined, undefined, 0],
  ])('%s', async (_, line, code, pointer, exit) => {
    const root = makeOrg({ 'changes/policy.yaml': policyYaml() + line });
    const r = await validateJson(root);
    const found = r.report.diagnostics.filter((d) => d.file === 'changes/policy.yaml');
    expect(found.map((d) => [d.code, d.pointer])).toEqual(code ? [[code, pointer]] : []);
    expect(r.code).toBe(exit);
  });
});

describe('the CAB and the audit agree on tied paths (#19.3)', () => {
  it('the review of each pull request flags exactly the tied paths the audit finds unauthorised', async () => {
    const audit = await cli(['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json'], repo.root, github.env());
    const exceptions = (JSON.parse(audit.stdout) as { exceptions: { pullRequest: number | null; reason: { args: { paths: string[] } } }[] }).exceptions;
    const api = createGitHubApi(clientConfigFromEnv(github.env()));
    const refs = new OrganisationsAtRefs(openGitRepository(repo.root));
    const flagged: Record<number, [string[], string[]]> = {};
    for (const n of [1, 2, 3, 4, 5]) {
      const review = await reviewPullRequestOnGitHub({ refs, api, pull: await api.getPullRequest(n), now: Date.parse(UNTIL) });
      flagged[n] = [review.diagnostics.map((d) => d.file), exceptions.find((e) => e.pullRequest === n)?.reason.args.paths ?? []];
    }
    for (const [review, audited] of Object.values(flagged)) expect(review).toEqual(audited);
    // Hand-worked (the table at the top): Q (#2), S (#3) and T (#5) are flagged, P (#1) and U (#4) are not.
    expect(Object.entries(flagged).map(([n, [review]]) => [Number(n), review])).toEqual([
      [1, []],
      [2, ['deploy/checkout/app.yaml']],
      [3, ['deploy/shared/net.yaml']],
      [4, []],
      [5, ['deploy/checkout/app.yaml']],
    ]);
  });
});
