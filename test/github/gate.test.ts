import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { githubOpenApi } from '../helpers/github-openapi.js';
import { cli } from '../helpers/org.js';
import { CHANGE_FILE, changeYaml, openPullRequest, PEOPLE, TEAMS_YAML, webhookExample, type Scenario } from '../helpers/pr-scenario.js';

/**
 * `opsledger gate` end to end: the change merged through a pull request in a real repository,
 * the pull request, its reviews and commits served by the fake GitHub. Allowed only when every
 * check passes; anything GitHub fails to answer denies with exit 1 and the reason.
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

interface GateJson {
  allowed: boolean;
  change: string;
  at: string;
  checks: { code: string; ok: boolean; detail: string }[];
}

/** Merges the scenario's branch into main with a merge commit, as GitHub's merge button does. */
async function merge(sc: Scenario): Promise<string> {
  await sc.repo.checkout('main');
  const mergeCommit = await sc.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin);
  const pull = sc.github.pulls.get(7)!;
  Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: mergeCommit });
  for (const c of pull.commits) sc.github.pullsForCommit.set(c.sha, [7]);
  return mergeCommit;
}

async function gate(sc: Scenario, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await cli(['gate', 'CR-2026-0100', '--root', sc.repo.root, '--at', AT, '--format', 'json', ...extra], sc.repo.root, sc.github.env(env));
  let json: GateJson;
  try {
    json = JSON.parse(r.stdout) as GateJson;
  } catch {
    throw new Error(`gate printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  const failing = Object.fromEntries(json.checks.filter((c) => !c.ok).map((c) => [c.code, c.detail]));
  return { ...r, json, failing };
}

async function approvedAndMerged(options: Parameters<typeof openPullRequest>[0] = {}): Promise<Scenario> {
  const sc = await openPullRequest(options);
  sc.review('joel-ortiz', 'APPROVED');
  sc.review('dana-lee', 'APPROVED');
  await merge(sc);
  return sc;
}

describe('opsledger gate: approvals from the pull request that merged the change', () => {
  it('allows an approved, merged change inside its window (exit 0), listing every check', async () => {
    s = await approvedAndMerged();
    const r = await gate(s);
    expect(r.failing).toEqual({});
    expect(r.code).toBe(0);
    expect(r.json.allowed).toBe(true);
    expect(r.json.checks.map((c) => c.code)).toEqual(expect.arrayContaining(['change-exists', 'merged', 'approvals', 'schedule', 'freeze', 'rollback']));
    expect(s.github.count('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls')).toBe(1);
  });

  it('prints a text decision with every check', async () => {
    s = await approvedAndMerged();
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', AT], s.repo.root, s.github.env());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ALLOWED: CR-2026-0100/);
    expect(r.stdout).toContain('✓ approvals');
  });

  it('denies outside the scheduled window', async () => {
    s = await approvedAndMerged();
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', '2026-12-02T03:00:00+09:00', '--format', 'json'], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks.find((c: { code: string }) => c.code === 'schedule').ok).toBe(false);
  });

  it('denies a deploy to another environment', async () => {
    s = await approvedAndMerged();
    const r = await gate(s, ['--env', 'staging']);
    expect(r.code).toBe(1);
    expect(r.failing.environment).toContain('not staging');
  });

  it('denies approvals given before the last push', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const first = s.head();
    const pushed = await s.repo.commit({ [CHANGE_FILE()]: changeYaml() + '# typo\n' }, 'Fix a typo', PEOPLE.mina);
    s.setHead(pushed);
    await s.syncCommits([first, pushed]);
    await merge(s);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.approvals).toMatch(/missing 1 from owner, 1 from cab/);
  });

  it('denies when the author approved their own change', async () => {
    s = await openPullRequest();
    s.review('mina-park', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    await merge(s);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.approvals).toContain('1 from owner');
  });

  it('denies a change whose YAML says approved but has no approving reviews', async () => {
    s = await openPullRequest({ change: { phase: 'approved' } });
    await merge(s);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.approvals).toBeDefined();
  });

  it('judges approvals by the teams before the merge: a pull request adding its approver to the CAB does not count', async () => {
    s = await openPullRequest({ prFiles: { 'teams/teams.yaml': TEAMS_YAML(['dana-lee', 'eve']) } });
    s.review('joel-ortiz', 'APPROVED');
    s.review('eve', 'APPROVED');
    await merge(s);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.approvals).toContain('1 from cab');
  });

  it('allows an emergency change through a freeze that allows emergencies, with one emergency approver', async () => {
    const freeze = { start: '2026-12-24T01:00:00+09:00', end: '2026-12-24T02:00:00+09:00' };
    s = await openPullRequest({ change: { type: 'emergency', schedule: freeze } });
    s.review('frank-ops', 'APPROVED');
    await merge(s);
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', '2026-12-24T01:30:00+09:00', '--format', 'json'], s.repo.root, s.github.env());
    const json = JSON.parse(r.stdout) as GateJson;
    expect(json.checks.filter((c) => !c.ok)).toEqual([]);
    expect(r.code).toBe(0);
    expect(json.checks.find((c) => c.code === 'freeze')!.detail).toMatch(/emergency change allowed through year-end-freeze; post-implementation review required/);
  });

  it('denies a normal change inside the freeze even when approved', async () => {
    const freeze = { start: '2026-12-24T01:00:00+09:00', end: '2026-12-24T02:00:00+09:00' };
    s = await approvedAndMerged({ change: { schedule: freeze } });
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', '2026-12-24T01:30:00+09:00', '--format', 'json'], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks.find((c: { code: string }) => c.code === 'freeze').detail).toContain('year-end-freeze');
  });

  it('denies a change whose pull request is not merged', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    // The branch reaches main by a push that GitHub does not associate with a merged pull request.
    await s.repo.checkout('main');
    await s.repo.merge('cr-100', 'Merge branch cr-100', PEOPLE.admin);
    for (const c of s.github.pulls.get(7)!.commits) s.github.pullsForCommit.set(c.sha, [7]);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['pull-request']).toContain('without a merged pull request');
  });

  it('denies a change that is not on the default branch', async () => {
    s = await openPullRequest();
    await s.repo.checkout('main');
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['change-exists']).toContain('not on the default branch');
  });
});

describe('opsledger gate fails closed', () => {
  it('retries 500s, then denies with the reason (exit 1, not 2)', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', { status: 500 });
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['github.unavailable']).toContain('HTTP 500');
    expect(s.github.count('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews')).toBe(4);
  });

  it('rides out a transient 502 and still decides', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', { status: 502 }, 1);
    const r = await gate(s);
    expect(r.code).toBe(0);
    expect(s.github.count('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews')).toBe(2);
  });

  it('waits out a 429 with Retry-After and passes when GitHub recovers', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', { status: 429, headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1) }, body: { message: 'API rate limit exceeded', documentation_url: 'https://docs.github.com/rest' } }, 1);
    const r = await gate(s);
    expect(r.code).toBe(0);
    expect(s.github.count('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits')).toBe(2);
  });

  it('denies when the rate limit persists', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', { status: 429, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit', documentation_url: 'https://docs.github.com/rest' } });
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['github.rate-limited']).toContain('429');
    expect(s.github.count('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits')).toBeGreaterThan(1);
  });

  it('denies when GitHub does not answer before the timeout', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { hang: true });
    const r = await gate(s, [], { OPSLEDGER_GITHUB_TIMEOUT_MS: '150', OPSLEDGER_GITHUB_RETRIES: '1' });
    expect(r.code).toBe(1);
    expect(r.failing['github.unavailable']).toContain('timeout');
  });

  it('denies on a body that is not JSON', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', { raw: '[{"id": 1, "state": "APPRO' });
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['github.malformed']).toContain('not JSON');
  });

  it('denies on JSON of the wrong shape (a review without its commit)', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', { status: 200, body: [{ id: 1, user: { login: 'dana-lee' }, state: 'APPROVED' }] });
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['github.malformed']).toContain('commit_id');
  });

  it('denies when the pull request is not found (404)', async () => {
    s = await approvedAndMerged();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing['github.not-found']).toContain('404');
    expect(s.github.count('GET', '/repos/{owner}/{repo}/pulls/{pull_number}')).toBe(1);
  });

  it('denies when the token is refused (401)', async () => {
    s = await approvedAndMerged();
    const r = await gate(s, [], { GITHUB_TOKEN: 'wrong' });
    expect(r.code).toBe(1);
    expect(r.failing['github.auth']).toContain('401');
  });

  it('denies without a token, still listing the local checks', async () => {
    s = await approvedAndMerged();
    const r = await gate(s, [], { GITHUB_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.failing['github.config']).toContain('GITHUB_TOKEN');
  });

  it('denies when more commits exist than GitHub lists (co-authors unseen)', async () => {
    s = await approvedAndMerged();
    s.github.pulls.get(7)!.commitCount = 300;
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.failing.error).toContain('300 commits');
  });

  it('keeps exit 2 for usage errors only', async () => {
    s = await approvedAndMerged();
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', 'tomorrow'], s.repo.root, s.github.env());
    expect(r.code).toBe(2);
  });
});

describe('opsledger gate --protection-rule (custom deployment protection rules)', () => {
  function protectionEvent(sc: Scenario, deployment: unknown = null): string {
    // GitHub publishes no example of this event; it is assembled from the official pieces
    // (repository, installation and sender of a real example) and checked against the
    // event's schema in the OpenAPI description.
    const base = webhookExample('pull_request', 'synchronize');
    base.repository.name = sc.github.repo;
    base.repository.full_name = `${sc.github.owner}/${sc.github.repo}`;
    const payload = {
      action: 'requested',
      environment: 'production',
      event: 'push',
      sha: s!.head(),
      ref: 'refs/heads/main',
      deployment_callback_url: `${sc.github.url}/repos/${sc.github.owner}/${sc.github.repo}/actions/runs/4242/deployment_protection_rule`,
      deployment,
      pull_requests: [],
      repository: base.repository,
      installation: { id: base.installation.id, node_id: base.installation.node_id },
      sender: base.sender,
    };
    expect(githubOpenApi().checkWebhook('deployment-protection-rule-requested', payload)).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'opsledger-event-')), 'event.json');
    writeFileSync(file, JSON.stringify(payload));
    return file;
  }

  it('approves the waiting run when the gate allows', async () => {
    s = await approvedAndMerged();
    const event = protectionEvent(s);
    const r = await cli(['gate', 'CR-2026-0100', '--protection-rule', '--root', s.repo.root, '--at', AT], s.repo.root, s.github.env({ GITHUB_EVENT_PATH: event }));
    expect(r.code).toBe(0);
    expect(s.github.protectionAnswers).toEqual([{ runId: 4242, body: { environment_name: 'production', state: 'approved', comment: expect.stringContaining('may deploy') } }]);
  });

  it('rejects with the reasons when the gate denies, taking the change from the deployment payload', async () => {
    s = await openPullRequest();
    await merge(s);
    const deployment = { ...(githubOpenApi().example('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}') as Record<string, unknown>), payload: { change: 'CR-2026-0100' }, environment: 'production' };
    const event = protectionEvent(s, deployment);
    const r = await cli(['gate', '--protection-rule', '--event', event, '--root', s.repo.root, '--at', AT], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    const answer = s.github.protectionAnswers[0]!.body;
    expect(answer.state).toBe('rejected');
    expect(answer.comment).toContain('approvals: missing');
    expect(readFileSync(event, 'utf8')).toContain('deployment_callback_url');
  });
});

describe('opsledger gate: analyses kept between runs', () => {
  const checks = (j: GateJson) => j.checks.map((c) => [c.code, c.ok, c.detail]);

  it('a second run decides exactly as the first, from the analyses the first kept on disk', async () => {
    s = await approvedAndMerged();
    const cold = await gate(s);
    expect(existsSync(join(s.repo.root, '.opsledger-cache', 'commits.json'))).toBe(true);
    const warm = await gate(s);
    expect([warm.code, warm.json.allowed, checks(warm.json)]).toEqual([cold.code, cold.json.allowed, checks(cold.json)]);
    expect(cold.json.allowed).toBe(true);
  });

  it.each([['CI'], ['GITHUB_ACTIONS']])('with %s set (a runner), nothing is kept', async (name) => {
    s = await approvedAndMerged();
    const r = await gate(s, [], { [name]: 'true' });
    expect(r.json.allowed).toBe(true);
    expect(existsSync(join(s.repo.root, '.opsledger-cache'))).toBe(false);
  });
});
