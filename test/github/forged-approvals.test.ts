import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/org.js';
import { CHANGE_FILE, changeYaml, openPullRequest, PEOPLE, policyYaml, TEAMS_YAML, type Scenario } from '../helpers/pr-scenario.js';

/**
 * Approval forgeries tried as a requester would: a pull request whose own commits change who
 * may approve, merged by every method GitHub offers, and changes that widen "owner" with a
 * service of the requester's own team. Approvals count only against the base before the merge,
 * and each affected service's owners as of that base.
 */
let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

const AT = '2026-12-02T01:30:00+09:00';
type Method = 'merge' | 'squash' | 'rebase';

interface Json {
  allowed?: boolean;
  met?: boolean;
  checks?: { code: string; ok: boolean; detail: string }[];
  subjects?: { requirements: { group: string; approvers: string[]; met: boolean }[] }[];
}

/** Merges the pull request into main the way GitHub's button for `method` does, and tells the fake GitHub. */
async function mergeBy(sc: Scenario, method: Method): Promise<string> {
  await sc.repo.checkout('main');
  const merged = method === 'merge' ? await sc.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin) : method === 'squash' ? await sc.repo.squashMerge('cr-100', 'Add an index for order lookups (#7)', PEOPLE.admin) : await sc.repo.rebaseMerge('cr-100', PEOPLE.admin);
  const pull = sc.github.pulls.get(7)!;
  Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: merged });
  // GitHub associates the commits that reached main through the pull request with it.
  const onMain = (await sc.repo.git.raw(['rev-list', `${sc.base}..main`])).split('\n').filter(Boolean);
  for (const sha of [...pull.commits.map((c) => c.sha), ...onMain]) sc.github.pullsForCommit.set(sha, [7]);
  return merged;
}

async function gate(sc: Scenario): Promise<{ code: number; json: Json; failing: Record<string, string> }> {
  const r = await cli(['gate', 'CR-2026-0100', '--root', sc.repo.root, '--at', AT, '--format', 'json'], sc.repo.root, sc.github.env());
  const json = JSON.parse(r.stdout) as Json;
  return { code: r.code, json, failing: Object.fromEntries((json.checks ?? []).filter((c) => !c.ok).map((c) => [c.code, c.detail])) };
}

/** The change, then a second commit whose subject paragraph runs over two lines and that puts eve on the CAB. */
async function prThatAddsItsApprover(options: Parameters<typeof openPullRequest>[0] = {}): Promise<Scenario> {
  const sc = await openPullRequest(options);
  const second = await sc.repo.commit({ 'teams/teams.yaml': TEAMS_YAML(['dana-lee', 'eve']) }, 'Tidy the teams file\nand its CAB list\n\nNothing to see here.', PEOPLE.mina);
  await sc.syncCommits([sc.head(), second]);
  sc.setHead(second);
  sc.review('joel-ortiz', 'APPROVED');
  sc.review('eve', 'APPROVED');
  return sc;
}

describe('approvals are counted against the base before the merge, whatever the merge method', () => {
  it.each<Method>(['merge', 'squash', 'rebase'])('%s: a commit of the pull request that adds its approver to the CAB does not make the approval count', async (method) => {
    s = await prThatAddsItsApprover();
    await mergeBy(s, method);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.json.allowed).toBe(false);
    expect(r.failing.approvals).toContain('1 from cab');
  });

  it.each<Method>(['merge', 'squash', 'rebase'])('%s: a pull request that lowers the policy in one commit is judged by the policy before it', async (method) => {
    s = await openPullRequest();
    const second = await s.repo.commit({ 'changes/policy.yaml': policyYaml('{approvals: [{group: owner, count: 1}], rollback: plan}') }, 'Simplify approvals\nfor medium changes', PEOPLE.mina);
    await s.syncCommits([s.head(), second]);
    s.setHead(second);
    s.review('joel-ortiz', 'APPROVED');
    await mergeBy(s, method);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.approvals).toContain('cab');
  });

  it.each<Method>(['merge', 'squash', 'rebase'])('%s: an approved change of two commits is allowed', async (method) => {
    s = await openPullRequest();
    const second = await s.repo.commit({ [CHANGE_FILE()]: changeYaml() + '# reviewed\n' }, 'Note the review\nin the change file', PEOPLE.mina);
    await s.syncCommits([s.head(), second]);
    s.setHead(second);
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    await mergeBy(s, method);
    const r = await gate(s);
    expect(r.failing).toEqual({});
    expect(r.code).toBe(0);
  });
});

describe('the gate decides from reviews only', () => {
  it.each([
    ['a green opsledger/cab status from another workflow', (sc: Scenario, sha: string) => void sc.github.statuses.push({ sha, state: 'success', context: 'opsledger/cab', description: 'approved by dana-lee' })],
    ['a green status on every commit of the pull request', (sc: Scenario) => void sc.github.pulls.get(7)!.commits.forEach((c) => sc.github.statuses.push({ sha: c.sha, state: 'success', context: 'opsledger/cab', description: 'approved' }))],
    ['approvals only from the author and a non-member', (sc: Scenario) => (sc.review('mina-park', 'APPROVED'), sc.review('eve', 'APPROVED'))],
  ])('%s: denied, and no status or check run is ever read', async (_name, plant) => {
    s = await openPullRequest();
    const merged = await mergeBy(s, 'merge');
    plant(s, merged);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.approvals).toBeDefined();
    // The fake GitHub serves no route that reads statuses or check runs: a read would be an unrouted request (checked after each test).
    expect(s.github.requests.filter((q) => q.method === 'GET' && /status|check/.test(q.path))).toEqual([]);
  });
});

const PAYMENTS_TEAM = `apiVersion: opsledger/v1
kind: Team
metadata: {name: payments, title: Payments}
spec:
  members: [paula-pay]
`;

const service = (name: string, owner: string) => `apiVersion: opsledger/v1
kind: Service
metadata: {name: ${name}}
spec:
  owner: ${owner}
  tier: 3
  exposure: company
  lifecycle: production
`;

const changeOf = (services: string[]) => changeYaml().replace('services: [checkout-api]', `services: [${services.join(', ')}]`);

async function cab(sc: Scenario): Promise<{ code: number; json: Json }> {
  const r = await cli(['cab', '--root', sc.repo.root, '--event', sc.eventFile('pull_request_review'), '--format', 'json'], sc.repo.root, sc.github.env());
  return { code: r.code, json: JSON.parse(r.stdout) as Json };
}

describe('owners are the base branch owners of every affected service, each separately', () => {
  const base = { 'teams/payments.yaml': PAYMENTS_TEAM, 'services/payments/service.yaml': service('payments-api', 'payments') };

  it.each([
    ['a throwaway service of the author\'s team listed beside another team\'s service', { [CHANGE_FILE()]: changeOf(['payments-api', 'throwaway']), 'services/throwaway/service.yaml': service('throwaway', 'checkout') }, ['joel-ortiz', 'dana-lee'], false],
    ['the pull request makes the author\'s team the owner of the other team\'s service', { [CHANGE_FILE()]: changeOf(['payments-api']), 'services/payments/service.yaml': service('payments-api', 'checkout') }, ['joel-ortiz', 'dana-lee'], false],
    ['a service the base does not know, alone', { [CHANGE_FILE()]: changeOf(['throwaway']), 'services/throwaway/service.yaml': service('throwaway', 'checkout') }, ['joel-ortiz', 'dana-lee'], false],
    ['two services of two teams, one owner approving', { [CHANGE_FILE()]: changeOf(['checkout-api', 'payments-api']) }, ['joel-ortiz', 'dana-lee'], false],
    ['two services of two teams, both owners approving', { [CHANGE_FILE()]: changeOf(['checkout-api', 'payments-api']) }, ['joel-ortiz', 'paula-pay', 'dana-lee'], true],
    ['the other team\'s service, its own owner approving', { [CHANGE_FILE()]: changeOf(['payments-api']) }, ['paula-pay', 'dana-lee'], true],
  ])('%s', async (_name, prFiles, approvers, met) => {
    s = await openPullRequest({ baseFiles: base, prFiles });
    for (const login of approvers) s.review(login, 'APPROVED');
    const r = await cab(s);
    expect(r.json.met).toBe(met);
    expect(r.code).toBe(met ? 0 : 1);
  });

  it('names one owner requirement per service when a change affects several', async () => {
    s = await openPullRequest({ baseFiles: base, prFiles: { [CHANGE_FILE()]: changeOf(['checkout-api', 'payments-api']) } });
    s.review('joel-ortiz', 'APPROVED');
    const r = await cab(s);
    const groups = r.json.subjects![0]!.requirements.map((q) => [q.group, q.met]);
    expect(groups).toEqual(expect.arrayContaining([['owner:checkout-api', true], ['owner:payments-api', false]]));
  });
});
