import { afterEach, describe, expect, it } from 'vitest';
import { judgeDeployment } from '../../src/app/judge-deployment.js';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { createGitHubApi } from '../../src/adapters/github/octokit.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { readGateRecord, type GateRecord } from '../../src/core/audit/gate-record.js';
import { cli } from '../helpers/org.js';
import { openPullRequest, PEOPLE, type Scenario } from '../helpers/pr-scenario.js';

/**
 * Every gate decision leaves its record: an `opsledger/gate` check run on the deployed commit
 * whose text is the decision as JSON, read back here through the same listing route an audit
 * uses. A record that cannot be written never turns a denial into an allowance, and turns an
 * allowance into a denial.
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

async function merged(approved = true): Promise<{ sc: Scenario; mergeCommit: string }> {
  const sc = await openPullRequest();
  if (approved) {
    sc.review('joel-ortiz', 'APPROVED');
    sc.review('dana-lee', 'APPROVED');
  }
  await sc.repo.checkout('main');
  const mergeCommit = await sc.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin);
  const pull = sc.github.pulls.get(7)!;
  Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: mergeCommit });
  for (const c of pull.commits) sc.github.pullsForCommit.set(c.sha, [7]);
  return { sc, mergeCommit };
}

async function gate(sc: Scenario, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await cli(['gate', 'CR-2026-0100', '--root', sc.repo.root, '--at', AT, '--format', 'json', ...extra], sc.repo.root, sc.github.env(env));
  return { ...r, json: JSON.parse(r.stdout) as { allowed: boolean; checks: { code: string; ok: boolean }[]; record: { written: boolean; sha: string | null; checkRunId?: number; reason?: string } } };
}

/** The records on a commit, read back as an audit reads them. */
async function recordsOn(sc: Scenario, sha: string): Promise<{ record: GateRecord; app: string | null; conclusion: string | null }[]> {
  const api = createGitHubApi(clientConfigFromEnv(sc.github.env()));
  const runs = await api.listCheckRuns(sha, 'opsledger/gate');
  return runs.map((r) => {
    const read = readGateRecord(r.text, r.headSha);
    if (!('record' in read)) throw new Error(read.refused);
    return { record: read.record, app: r.app, conclusion: r.conclusion };
  });
}

describe('opsledger gate leaves an opsledger/gate check run', () => {
  it('records an allowance on the merge commit: the checks, the policy commit and the approvals with their review ids', async () => {
    const m = await merged();
    s = m.sc;
    const r = await gate(s);
    expect(r.code).toBe(0);
    expect(r.json.record).toEqual({ written: true, sha: m.mergeCommit, checkRunId: 1000 });
    const [one, ...more] = await recordsOn(s, m.mergeCommit);
    expect(more).toEqual([]);
    expect(one!.conclusion).toBe('success');
    expect(one!.app).toBe('github-actions');
    expect(one!.record).toMatchObject({
      change: 'CR-2026-0100',
      environment: null,
      at: '2026-12-01T16:30:00.000Z',
      allowed: true,
      deployedSha: m.mergeCommit,
      policyCommit: m.mergeCommit,
      approvalBase: s.base,
      pullRequest: 7,
    });
    // Review ids are the fake's, in the order the reviews were given.
    expect(one!.record.approvals).toEqual([
      { login: 'dana-lee', reviewId: 2, commit: s.head(), submittedAt: '2026-11-20T10:01:00.000Z', groups: ['cab'] },
      { login: 'joel-ortiz', reviewId: 1, commit: s.head(), submittedAt: '2026-11-20T10:00:00.000Z', groups: ['owner'] },
    ]);
    expect(one!.record.checks.map((c) => c.code)).toEqual(r.json.checks.map((c) => c.code));
  });

  it('records on GITHUB_SHA, the commit the deploy workflow runs on, with the environment named', async () => {
    const m = await merged();
    s = m.sc;
    const later = await s.repo.commit({ 'README.md': 'docs\n' }, 'Docs', PEOPLE.admin);
    const r = await gate(s, ['--env', 'production'], { GITHUB_SHA: later });
    expect(r.json.record.sha).toBe(later);
    expect((await recordsOn(s, later))[0]!.record).toMatchObject({ environment: 'production', deployedSha: later, allowed: true });
  });

  it('records a denial too, as a failing check run', async () => {
    const m = await merged(false);
    s = m.sc;
    const r = await gate(s);
    expect(r.code).toBe(1);
    const [one] = await recordsOn(s, m.mergeCommit);
    expect(one!.conclusion).toBe('failure');
    expect(one!.record.allowed).toBe(false);
    expect(one!.record.approvals).toEqual([]);
  });

  it.each([
    ['refused (403)', { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } }, 'github.auth'],
    ['down (502)', { status: 502 }, 'github.unavailable'],
    ['answering nonsense', { raw: '{"id": "x"' }, 'github.malformed'],
  ])('an allowance that cannot be recorded (GitHub %s) is a denial, exit 1', async (_name, fault, code) => {
    const m = await merged();
    s = m.sc;
    s.github.inject('POST', '/repos/{owner}/{repo}/check-runs', fault);
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.json.allowed).toBe(false);
    expect(r.json.checks.filter((c) => !c.ok).map((c) => c.code)).toEqual(['gate-record']);
    expect(r.json.record).toMatchObject({ written: false, sha: m.mergeCommit, reason: expect.stringMatching(new RegExp(`^${code.replace('.', '\\.')}: `)) });
  });

  it('a denial that cannot be recorded stays a denial, without a record check added', async () => {
    const m = await merged(false);
    s = m.sc;
    s.github.inject('POST', '/repos/{owner}/{repo}/check-runs', { status: 502 });
    const r = await gate(s);
    expect(r.code).toBe(1);
    expect(r.json.checks.map((c) => c.code)).not.toContain('gate-record');
    expect(r.json.record.written).toBe(false);
  });

  it('--dry-run decides without writing anything', async () => {
    const m = await merged();
    s = m.sc;
    const r = await gate(s, ['--dry-run']);
    expect(r.code).toBe(0);
    expect(r.json.record).toEqual({ written: false, sha: null, reason: 'dry run' });
    expect(s.github.count('POST', '/repos/{owner}/{repo}/check-runs')).toBe(0);
  });
});

describe('the App (deployment protection rule) leaves the same record', () => {
  it.each([
    ['allowed', true, 'approved', 'success'],
    ['denied', false, 'rejected', 'failure'],
  ])('%s: one record per change on the deployed commit', async (_name, approved, state, conclusion) => {
    const m = await merged(approved);
    s = m.sc;
    const env = s.github.env();
    const verdict = await judgeDeployment({ git: async () => openGitRepository(s!.repo.root), github: () => createGitHubApi(clientConfigFromEnv(env)), environment: 'production', sha: m.mergeCommit, change: 'CR-2026-0100', at: Date.parse(AT), deadlineMs: 60_000 });
    expect(verdict.state).toBe(state);
    const records = await recordsOn(s, m.mergeCommit);
    expect(records.map((x) => [x.conclusion, x.record.environment, x.record.allowed])).toEqual([[conclusion, 'production', approved]]);
    expect(verdict.decisions[0]!.record).toEqual({ written: true, sha: m.mergeCommit, checkRunId: 1000 });
  });

  it('a record GitHub refuses rejects the deployment', async () => {
    const m = await merged();
    s = m.sc;
    s.github.inject('POST', '/repos/{owner}/{repo}/check-runs', { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } });
    const env = s.github.env();
    const verdict = await judgeDeployment({ git: async () => openGitRepository(s!.repo.root), github: () => createGitHubApi(clientConfigFromEnv(env)), environment: 'production', sha: m.mergeCommit, change: 'CR-2026-0100', at: Date.parse(AT), deadlineMs: 60_000 });
    expect(verdict.state).toBe('rejected');
    expect(verdict.decisions[0]!.checks.filter((c) => !c.ok).map((c) => c.code)).toEqual(['gate-record']);
  });
});
