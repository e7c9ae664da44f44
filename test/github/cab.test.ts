import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/org.js';
import { CHANGE_FILE, changeYaml, openPullRequest, PEOPLE, policyYaml, TEAMS_YAML, type Scenario } from '../helpers/pr-scenario.js';

/**
 * `opsledger cab` end to end: a real repository, the fake GitHub validated against GitHub's
 * OpenAPI description, and the official pull_request_review payload. Each scenario of the
 * approval invariants (DESIGN.md "Approvals") ends in the `opsledger/cab` status.
 */
let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

interface CabJson {
  met: boolean;
  status: string;
  readOnly?: string;
  subjects: { subject: string; class?: string; requiredClass: string; alternative: string; met: boolean; rejected: { login: string; reason: string }[]; requirements: { group: string; approvers: string[]; met: boolean }[] }[];
  sensitive: string[];
  invalid: string[];
}

async function cab(sc: Scenario, kind: 'pull_request_review' | 'pull_request' = 'pull_request_review', options: { fork?: boolean; env?: Record<string, string> } = {}) {
  const r = await cli(['cab', '--root', sc.repo.root, '--event', sc.eventFile(kind, { fork: !!options.fork }), '--format', 'json'], sc.repo.root, sc.github.env(options.env));
  let json: CabJson;
  try {
    json = JSON.parse(r.stdout) as CabJson;
  } catch {
    throw new Error(`cab printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  const status = sc.github.statuses.at(-1);
  return { ...r, json, status };
}

function rejected(json: CabJson): [string, string][] {
  return json.subjects.flatMap((x) => x.rejected.map((r) => [r.login, r.reason] as [string, string]));
}

describe('opsledger cab', () => {
  it('on a fork\'s pull request: decides, publishes nothing with the read-only token, and is neutral', async () => {
    s = await openPullRequest();
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-cab-'));
    const summary = join(dir, 'summary.md');
    const r = await cab(s, 'pull_request_review', { fork: true, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ status: 'neutral', met: false, readOnly: expect.any(String) });
    expect(s.github.statuses).toEqual([]);
    expect(s.github.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(readFileSync(summary, 'utf8')).toContain('CR-2026-0100');
  });

  it('links its status to the run', async () => {
    s = await openPullRequest();
    const r = await cab(s, 'pull_request_review', { env: { GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_RUN_ID: '17' } });
    expect(r.status).toMatchObject({ context: 'opsledger/cab', state: 'failure', targetUrl: 'https://ghe.example.com/acme/ledger/actions/runs/17' });
  });

  it('is green when an owner and a CAB member approve the head commit', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const r = await cab(s);
    expect(r.code).toBe(0);
    expect(r.json.subjects[0]).toMatchObject({ subject: 'CR-2026-0100', class: 'medium', met: true });
    expect(r.status).toMatchObject({ sha: s.head(), context: 'opsledger/cab', state: 'success' });
  });

  it('is red until approvals arrive, and names what is missing', async () => {
    s = await openPullRequest();
    const r = await cab(s);
    expect(r.code).toBe(1);
    expect(r.status).toMatchObject({ state: 'failure', context: 'opsledger/cab' });
    expect(r.status!.description).toContain('1 from owner');
    expect(r.status!.description).toContain('1 from cab');
  });

  it('does not count the author approving', async () => {
    s = await openPullRequest();
    s.review('mina-park', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(rejected(r.json)).toContainEqual(['mina-park', 'author']);
  });

  it('does not count a co-author (Co-authored-by trailer) approving', async () => {
    s = await openPullRequest();
    const second = await s.repo.commit({ [CHANGE_FILE()]: changeYaml() + '# reviewed wording\n' }, 'Tweak wording\n\nCo-authored-by: Joel Ortiz <4242+joel-ortiz@users.noreply.github.com>', PEOPLE.mina);
    s.setHead(second);
    await s.syncCommits([s.github.pulls.get(7)!.commits[0]!.sha, second]);
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(rejected(r.json)).toContainEqual(['joel-ortiz', 'co-author']);
  });

  it('does not count an approval given before the last push (re-evaluated on synchronize)', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    expect((await cab(s)).status!.state).toBe('success');
    const first = s.head();
    const pushed = await s.repo.commit({ [CHANGE_FILE()]: changeYaml({ schedule: { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T02:00:00+09:00' } }) }, 'Move the schedule', PEOPLE.mina);
    s.setHead(pushed);
    await s.syncCommits([first, pushed]);
    const r = await cab(s, 'pull_request');
    expect(r.status).toMatchObject({ sha: pushed, state: 'failure' });
    expect(rejected(r.json)).toEqual(expect.arrayContaining([['joel-ortiz', 'stale'], ['dana-lee', 'stale']]));
  });

  it('does not count a dismissed review', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    expect((await cab(s)).status!.state).toBe('success');
    // GitHub turns the dismissed approval itself into state DISMISSED (webhook: pull_request_review.dismissed).
    s.github.pulls.get(7)!.reviews[1]!.state = 'DISMISSED';
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(r.json.subjects[0]!.requirements.find((q) => q.group === 'cab')).toMatchObject({ approvers: [], met: false });
  });

  it('does not count an approval followed by CHANGES_REQUESTED from the same reviewer', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    s.review('dana-lee', 'CHANGES_REQUESTED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(rejected(r.json)).toContainEqual(['dana-lee', 'superseded']);
  });

  it('does not count an approver outside the required groups', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('eve', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(rejected(r.json)).toContainEqual(['eve', 'not-in-group']);
  });

  it('counts a CAB member known only through the GitHub team (GET /orgs/{org}/teams/{team_slug}/members)', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('carol-cab', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('success');
    expect(s.github.count('GET', '/orgs/{org}/teams/{team_slug}/members')).toBe(1);
  });

  it('judges a pull request that adds people to the CAB team by the base branch, and raises it to high', async () => {
    s = await openPullRequest({ prFiles: { 'teams/teams.yaml': TEAMS_YAML(['dana-lee', 'eve', 'mina-park']) } });
    s.review('joel-ortiz', 'APPROVED');
    s.review('eve', 'APPROVED');
    s.review('mina-park', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(r.json.sensitive).toEqual(['teams/teams.yaml']);
    expect(r.json.subjects[0]!.requiredClass).toBe('high');
    expect(rejected(r.json)).toEqual(expect.arrayContaining([['eve', 'not-in-group'], ['mina-park', 'author']]));
  });

  it('judges a pull request that lowers the policy by the base branch policy', async () => {
    s = await openPullRequest({ prFiles: { 'changes/policy.yaml': policyYaml('{approvals: [{group: owner, count: 1}], rollback: plan}') } });
    s.review('joel-ortiz', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(r.json.sensitive).toEqual(['changes/policy.yaml']);
    const cabReq = r.json.subjects[0]!.requirements.find((q) => q.group === 'cab');
    expect(cabReq).toMatchObject({ met: false });
    // With the CAB's approval too, the base branch's rules are met.
    s.review('dana-lee', 'APPROVED');
    expect((await cab(s)).status!.state).toBe('success');
  });

  it('ignores "approved" written into the YAML status', async () => {
    s = await openPullRequest({ change: { phase: 'approved' } });
    const r = await cab(s);
    expect(r.code).toBe(1);
    expect(r.status!.state).toBe('failure');
  });

  it('accepts one emergency approver for an emergency change', async () => {
    s = await openPullRequest({ change: { type: 'emergency' } });
    s.review('frank-ops', 'APPROVED');
    const r = await cab(s);
    expect(r.json.subjects[0]).toMatchObject({ alternative: 'emergency', met: true });
    expect(r.status!.state).toBe('success');
  });

  it('does not let an emergency approver approve a normal change', async () => {
    s = await openPullRequest();
    s.review('frank-ops', 'APPROVED');
    const r = await cab(s);
    expect(r.status!.state).toBe('failure');
    expect(rejected(r.json)).toContainEqual(['frank-ops', 'not-in-group']);
  });

  it('reports a base commit missing from a shallow clone as an error status, never green', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    s.github.pulls.get(7)!.baseSha = 'b'.repeat(40);
    const r = await cli(['cab', '--root', s.repo.root, '--event', s.eventFile(), '--format', 'json'], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', state: 'error' });
    expect(s.github.statuses.at(-1)!.description).toContain('fetch-depth: 0');
  });

  it('reports GitHub failing to list team members as an error status', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.github.inject('GET', '/orgs/{org}/teams/{team_slug}/members', { status: 500 });
    const r = await cli(['cab', '--root', s.repo.root, '--event', s.eventFile(), '--format', 'json'], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'error', met: false, error: { code: 'github.unavailable' } });
    expect(s.github.statuses.at(-1)).toMatchObject({ state: 'error' });
  });
});
