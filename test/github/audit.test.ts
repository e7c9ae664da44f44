import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordGateDecision } from '../../src/app/record-gate.js';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { createGitHubApi } from '../../src/adapters/github/octokit.js';
import type { GateDecision } from '../../src/core/gate.js';
import { FakeGitHub, type FakeCommit, type FakeReview } from '../helpers/fake-github.js';
import { TestRepo } from '../helpers/git-repo.js';
import { cli } from '../helpers/org.js';
import { changeYaml, PEOPLE, policyYaml, TEAMS_YAML } from '../helpers/pr-scenario.js';

/**
 * `opsledger audit` over a month of a real repository's history, with the pull requests,
 * reviews, gate records and deployments served by the fake GitHub. Every kind of merge GitHub
 * makes (merge commit, squash, rebase), direct pushes, a revert and an emergency change; the
 * expected report is worked out by hand below, unit by unit.
 *
 *  A  #1 merge commit   CR-2026-0101 + checkout-api's service.yaml; owner+cab approved before the merge;
 *                       allowed gate record, deployment after it, outcome recorded      → nothing
 *  B  #2 squash         CR-2026-0102 + service.yaml; the cab approval came after the merge
 *                                                                   → merged-before-approval, unauthorised-change
 *  C  direct push       services/checkout/slos.yaml                 → unauthorised-change; deployed → deployed-without-gate
 *  D  #3 rebase (2)     CR-2026-0103 emergency, approved by ecab; a denied record, deployed anyway,
 *                       implemented 11-10, no review (due 11-15)     → gate-denied-but-deployed, emergency-review-overdue
 *  E  #4 merge commit   CR-2026-0104 standard, template cert-rotation, names a database CI
 *                                                                   → standard-outside-template
 *  F  #5 merge commit   reverts C's slos.yaml with CR-2026-0105, approved → nothing
 *  G  direct push       records the outcomes of 0101 and 0103 (change files only) → nothing
 */
// Each audit spawns a CLI run over the whole month of history; a loaded machine needs the room.
vi.setConfig({ testTimeout: 120_000 });

const SINCE = '2026-11-02T00:00:00Z';
const UNTIL = '2026-11-30T00:00:00Z';

let repo: TestRepo;
let github: FakeGitHub;
const sha: Record<string, string> = {};
const prHead: Record<number, string> = {};

function fakeCommit(s: string, by: { email: string; login: string }, date: string): FakeCommit {
  return { sha: s, message: 'work', authorLogin: by.login, authorEmail: by.email, committerLogin: by.login, committerEmail: by.email, authorDate: date };
}

function pull(number: number, head: string, base: string, mergedAt: string, mergeCommitSha: string, commits: FakeCommit[], reviews: FakeReview[]): void {
  github.pulls.set(number, { number, author: 'mina-park', headSha: head, headRef: `pr-${number}`, baseSha: base, baseRef: 'main', state: 'closed', mergedAt, mergeCommitSha, commits, reviews });
}

const approve = (login: string, commitId: string, submittedAt: string): FakeReview => ({ login, state: 'APPROVED', commitId, submittedAt });

const change = (id: string, extra: Record<string, string> = {}) => changeYaml({ id }).replace(/^ {2}services: \[checkout-api\]$/m, extra.services ?? '  services: [checkout-api]').replace(/^ {2}type: normal$/m, extra.type ?? '  type: normal');

async function record(decision: Omit<GateDecision, 'checks'> & { ok: boolean }, on: string): Promise<void> {
  const api = createGitHubApi(clientConfigFromEnv(github.env()));
  const d: GateDecision = { allowed: decision.allowed, change: decision.change, at: decision.at, environment: decision.environment!, checks: [{ code: 'approvals', ok: decision.ok, detail: decision.ok ? 'approved' : 'missing' }] };
  const written = await recordGateDecision(() => api, d, on);
  expect(written.record?.written).toBe(true);
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.teams.set('acme/cab', ['carol-cab']);
  repo = await TestRepo.create({ 'teams/teams.yaml': TEAMS_YAML(), 'changes/policy.yaml': policyYaml() }, PEOPLE.admin, { at: '2026-11-01T00:00:00Z' });
  const base0 = await repo.sha();

  // A: merge commit.
  repo.clock('2026-11-03T00:00:00Z');
  await repo.checkout('pr-1', true);
  const a1 = await repo.commit({ 'changes/CR-2026-0101.yaml': change('CR-2026-0101'), 'services/checkout/service.yaml': execFileSync('cat', ['services/checkout/service.yaml'], { cwd: repo.root, encoding: 'utf8' }).replace('title: Checkout API', 'title: Checkout API v2') }, 'A', PEOPLE.mina);
  await repo.checkout('main');
  repo.clock('2026-11-04T00:00:00Z');
  sha.A = await repo.merge('pr-1', 'Merge pull request #1 from acme/pr-1', PEOPLE.admin);
  pull(1, a1, base0, '2026-11-04T00:00:00Z', sha.A, [fakeCommit(a1, PEOPLE.mina, '2026-11-03T00:00:00Z')], [approve('joel-ortiz', a1, '2026-11-03T10:00:00Z'), approve('dana-lee', a1, '2026-11-03T11:00:00Z')]);
  github.pullsForCommit.set(sha.A, [1]);
  prHead[1] = a1;

  // B: squash, the CAB approval after the merge.
  repo.clock('2026-11-05T00:00:00Z');
  await repo.checkout('pr-2', true);
  const b1 = await repo.commit({ 'changes/CR-2026-0102.yaml': change('CR-2026-0102'), 'services/checkout/service.yaml': execFileSync('cat', ['services/checkout/service.yaml'], { cwd: repo.root, encoding: 'utf8' }).replace('title: Checkout API v2', 'title: Checkout API v3') }, 'B', PEOPLE.mina);
  await repo.checkout('main');
  repo.clock('2026-11-06T00:00:00Z');
  sha.B = await repo.squashMerge('pr-2', 'B (#2)', PEOPLE.admin);
  pull(2, b1, sha.A, '2026-11-06T00:00:00Z', sha.B, [fakeCommit(b1, PEOPLE.mina, '2026-11-05T00:00:00Z')], [approve('joel-ortiz', b1, '2026-11-05T10:00:00Z'), approve('dana-lee', b1, '2026-11-07T00:00:00Z')]);
  github.pullsForCommit.set(sha.B, [2]);

  // C: direct push.
  repo.clock('2026-11-07T00:00:00Z');
  const slos = execFileSync('cat', ['services/checkout/slos.yaml'], { cwd: repo.root, encoding: 'utf8' });
  sha.C = await repo.commit({ 'services/checkout/slos.yaml': slos.replace('target: 0.999', 'target: 0.99') }, 'Tune the SLO', PEOPLE.joel);

  // D: rebase merge of two commits, an emergency change.
  repo.clock('2026-11-08T00:00:00Z');
  await repo.checkout('pr-3', true);
  await repo.commit({ 'changes/CR-2026-0103.yaml': change('CR-2026-0103', { type: '  type: emergency\n  justification: Checkout times out.' }) }, 'D1', PEOPLE.mina);
  const d2 = await repo.commit({ 'changes/CR-2026-0103.yaml': change('CR-2026-0103', { type: '  type: emergency\n  justification: Checkout times out on order lookups.' }) }, 'D2', PEOPLE.mina);
  await repo.checkout('main');
  repo.clock('2026-11-09T00:00:00Z');
  sha.D = await repo.rebaseMerge('pr-3', PEOPLE.admin);
  const dLine = (await repo.git.raw(['rev-list', '--first-parent', '-n2', 'main'])).split('\n').filter(Boolean);
  pull(3, d2, sha.C, '2026-11-09T00:00:01Z', sha.D, [], [approve('frank-ops', d2, '2026-11-08T12:00:00Z')]);
  github.pulls.get(3)!.commits = [fakeCommit(dLine[1]!, PEOPLE.mina, '2026-11-08T00:00:00Z'), fakeCommit(d2, PEOPLE.mina, '2026-11-08T00:00:01Z')];
  for (const s of dLine) github.pullsForCommit.set(s, [3]);

  // E: a standard change its template does not cover (a database CI; the template covers certificates).
  repo.clock('2026-11-11T00:00:00Z');
  await repo.checkout('pr-4', true);
  const e1 = await repo.commit({ 'changes/CR-2026-0104.yaml': change('CR-2026-0104', { type: '  type: standard\n  template: cert-rotation', services: '  services: [checkout-api]\n  configurationItems: [checkout-db]' }) }, 'E', PEOPLE.mina);
  await repo.checkout('main');
  repo.clock('2026-11-12T00:00:00Z');
  sha.E = await repo.merge('pr-4', 'Merge pull request #4 from acme/pr-4', PEOPLE.admin);
  pull(4, e1, sha.D, '2026-11-12T00:00:00Z', sha.E, [fakeCommit(e1, PEOPLE.mina, '2026-11-11T00:00:00Z')], [approve('joel-ortiz', e1, '2026-11-11T10:00:00Z'), approve('dana-lee', e1, '2026-11-11T11:00:00Z')]);
  github.pullsForCommit.set(sha.E, [4]);

  // F: a revert of C, through a pull request with its own change request.
  await repo.checkout('pr-5', true);
  const when = '2026-11-13T00:00:00Z';
  execFileSync('git', ['revert', '--no-edit', sha.C], { cwd: repo.root, stdio: 'pipe', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_AUTHOR_NAME: 'Mina Park', GIT_AUTHOR_EMAIL: PEOPLE.mina.email, GIT_COMMITTER_NAME: 'Mina Park', GIT_COMMITTER_EMAIL: PEOPLE.mina.email, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when } });
  repo.clock('2026-11-13T00:00:05Z');
  const f2 = await repo.commit({ 'changes/CR-2026-0105.yaml': change('CR-2026-0105') }, 'F', PEOPLE.mina);
  const f1 = (await repo.git.raw(['rev-parse', 'HEAD~1'])).trim();
  await repo.checkout('main');
  repo.clock('2026-11-14T00:00:00Z');
  sha.F = await repo.merge('pr-5', 'Merge pull request #5 from acme/pr-5', PEOPLE.admin);
  pull(5, f2, sha.E, '2026-11-14T00:00:00Z', sha.F, [fakeCommit(f1, PEOPLE.mina, when), fakeCommit(f2, PEOPLE.mina, '2026-11-13T00:00:05Z')], [approve('joel-ortiz', f2, '2026-11-13T10:00:00Z'), approve('dana-lee', f2, '2026-11-13T11:00:00Z')]);
  github.pullsForCommit.set(sha.F, [5]);

  // G: outcomes recorded on the branch.
  repo.clock('2026-11-15T00:00:00Z');
  const outcome = (id: string, at: string) => change(id).replace(/status:\n {2}phase: submitted\n/, `status:\n  phase: completed\n  outcome: {result: successful, implementedAt: "${at}"}\n`);
  sha.G = await repo.commit({ 'changes/CR-2026-0101.yaml': outcome('CR-2026-0101', '2026-11-04T02:00:00Z'), 'changes/CR-2026-0103.yaml': outcome('CR-2026-0103', '2026-11-10T00:00:00Z').replace('  type: normal', '  type: emergency\n  justification: Checkout times out on order lookups.') }, 'Record outcomes', PEOPLE.admin);

  // Gate records and deployments.
  await record({ allowed: true, ok: true, change: 'CR-2026-0101', at: '2026-11-04T01:00:00.000Z', environment: 'production' }, sha.A);
  await record({ allowed: false, ok: false, change: 'CR-2026-0103', at: '2026-11-09T01:00:00.000Z', environment: 'production' }, sha.D);
  github.deployments.push(
    { id: 11, sha: sha.A, environment: 'production', createdAt: '2026-11-04T01:30:00Z', payload: { change: 'CR-2026-0101' }, statuses: [{ state: 'in_progress', createdAt: '2026-11-04T01:30:00Z' }, { state: 'success', createdAt: '2026-11-04T01:40:00Z' }] },
    { id: 12, sha: sha.C, environment: 'production', createdAt: '2026-11-07T01:00:00Z', payload: {}, statuses: [{ state: 'success', createdAt: '2026-11-07T01:10:00Z' }] },
    { id: 13, sha: sha.D, environment: 'production', createdAt: '2026-11-09T02:00:00Z', payload: { change: 'CR-2026-0103' }, statuses: [{ state: 'success', createdAt: '2026-11-09T02:10:00Z' }] },
    // Never succeeded: not a deployment to account for.
    { id: 14, sha: sha.E, environment: 'production', createdAt: '2026-11-12T02:00:00Z', payload: {}, statuses: [{ state: 'failure', createdAt: '2026-11-12T02:10:00Z' }] },
  );
}, 120_000);

afterAll(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
  repo.remove();
});

interface AuditJson {
  period: { since: string; until: string };
  changes: { change: string; type: string | null; declaredType: string; class: string | null; pullRequest: number | null; commit: string; approved: boolean | null; approvals: { login: string; reviewId: number; groups: string[] }[]; gates: { allowed: boolean; sha: string }[]; outcome: string | null; review: { due: string | null; done: boolean; overdue: boolean } | null; template: { inside: boolean } | null; unverified: string[] }[];
  exceptions: { code: string; commit: string | null; pullRequest: number | null; change: string | null }[];
  summary: { commits: number; units: number; changes: number; exceptions: number };
}

async function auditJson(args: string[] = []) {
  const r = await cli(['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json', ...args], repo.root, github.env());
  try {
    return { ...r, json: JSON.parse(r.stdout) as AuditJson };
  } catch {
    throw new Error(`audit printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
}

describe('opsledger audit --since --until', () => {
  it('finds every exception, each with its commit, pull request and change (exit 1)', async () => {
    const r = await auditJson();
    expect(r.code).toBe(1);
    expect(r.json.exceptions.map((e) => [e.code, e.commit, e.pullRequest, e.change])).toEqual(
      [
        ['audit.deployed-without-gate', sha.C, null, null],
        ['audit.emergency-review-overdue', sha.D, 3, 'CR-2026-0103'],
        ['audit.gate-denied-but-deployed', sha.D, 3, 'CR-2026-0103'],
        ['audit.merged-before-approval', sha.B, 2, 'CR-2026-0102'],
        ['audit.standard-outside-template', sha.E, 4, 'CR-2026-0104'],
        ['audit.unauthorised-change', sha.B, 2, null],
        ['audit.unauthorised-change', sha.C, null, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
    );
    // 8 first-parent commits (A, B, C, D×2, E, F, G) in 7 units.
    expect(r.json.summary).toMatchObject({ commits: 8, units: 7, changes: 5, exceptions: 7 });
  });

  it('reports each change as approved: type and class at the base, approvals with review ids and groups, gates, outcome, review', async () => {
    const { json } = await auditJson();
    const by = Object.fromEntries(json.changes.map((c) => [c.change, c]));
    expect(Object.keys(by)).toEqual(['CR-2026-0101', 'CR-2026-0102', 'CR-2026-0103', 'CR-2026-0104', 'CR-2026-0105']);
    expect(by['CR-2026-0101']).toMatchObject({ type: 'normal', pullRequest: 1, commit: sha.A, approved: true, outcome: 'successful', review: null, template: null, unverified: [] });
    expect(by['CR-2026-0101']!.approvals).toEqual([
      { login: 'dana-lee', reviewId: 2, commit: prHead[1], submittedAt: '2026-11-03T11:00:00Z', groups: ['cab'] },
      { login: 'joel-ortiz', reviewId: 1, commit: prHead[1], submittedAt: '2026-11-03T10:00:00Z', groups: ['owner'] },
    ]);
    expect(by['CR-2026-0101']!.gates).toEqual([{ at: '2026-11-04T01:00:00.000Z', environment: 'production', allowed: true, sha: sha.A, checkRunId: 1000, app: 'github-actions' }]);
    // Only the review before the merge counts: the owner's.
    expect(by['CR-2026-0102']).toMatchObject({ approved: false, approvals: [{ login: 'joel-ortiz', groups: ['owner'] }] });
    expect(by['CR-2026-0103']).toMatchObject({ type: 'emergency', pullRequest: 3, commit: sha.D, approved: true, approvals: [{ login: 'frank-ops', groups: ['emergency'] }], review: { due: '2026-11-15T00:00:00.000Z', done: false, overdue: true } });
    expect(by['CR-2026-0104']).toMatchObject({ declaredType: 'standard', type: 'normal', template: { inside: false } });
    expect(by['CR-2026-0105']).toMatchObject({ pullRequest: 5, approved: true });
  });

  it('prints the same bytes twice, in every format', async () => {
    for (const format of ['text', 'json', 'markdown', 'csv']) {
      const args = ['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', format];
      const [one, two] = [await cli(args, repo.root, github.env()), await cli(args, repo.root, github.env())];
      expect(one.stdout.length).toBeGreaterThan(0);
      expect(two.stdout).toBe(one.stdout);
      expect(one.code).toBe(1);
    }
  }, 180_000);

  it('a period holding only approved work has no exceptions (exit 0)', async () => {
    const r = await cli(['audit', '--root', repo.root, '--since', '2026-11-13T12:00:00Z', '--until', '2026-11-14T12:00:00Z', '--format', 'json'], repo.root, github.env());
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as AuditJson).changes.map((c) => c.change)).toEqual(['CR-2026-0105']);
  });
});

describe('opsledger audit CR-…', () => {
  it('audits one change over the whole history', async () => {
    const r = await auditJson(['CR-2026-0103']);
    expect(r.json.changes.map((c) => c.change)).toEqual(['CR-2026-0103']);
    expect(r.json.exceptions.map((e) => e.code)).toEqual(['audit.emergency-review-overdue', 'audit.gate-denied-but-deployed']);
  });

  it.each([['CR-26-1'], ['--since=tomorrow']])('refuses %s as a usage error (exit 2)', async (arg) => {
    const r = await cli(['audit', arg, '--root', repo.root], repo.root, github.env());
    expect(r.code).toBe(2);
  });
});

describe('opsledger audit: GitHub answers kept with their ETags', () => {
  it('a second run over the same period costs only 304s and prints the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-ghcache-'));
    const args = ['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json', '--github-cache', dir];
    const first = await cli(args, repo.root, github.env());
    const [requests, notModified] = [github.requests.length, github.notModified];
    const second = await cli(args, repo.root, github.env());
    const asked = github.requests.slice(requests);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((q) => q.method === 'GET')).toBe(true);
    // Every request of the second run was conditional and confirmed unchanged.
    expect(github.notModified - notModified).toBe(asked.length);
    expect(second.stdout).toBe(first.stdout);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('refuses a cache folder inside the repository (exit 2)', async () => {
    const r = await cli(['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--github-cache', join(repo.root, '.cache')], repo.root, github.env());
    expect(r.code).toBe(2);
    expect(existsSync(join(repo.root, '.cache'))).toBe(false);
  });
});

describe('opsledger audit --offline', () => {
  it('asks GitHub nothing, raises only what git proves, and marks the rest unverified', async () => {
    const before = github.requests.length;
    const r = await cli(['audit', '--offline', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json'], repo.root, {});
    expect(github.requests.length).toBe(before);
    const json = JSON.parse(r.stdout) as AuditJson;
    expect(json.exceptions.map((e) => [e.code, e.change])).toEqual([
      ['audit.emergency-review-overdue', 'CR-2026-0103'],
      ['audit.standard-outside-template', 'CR-2026-0104'],
    ]);
    expect(json.changes.every((c) => c.unverified.includes('approvals') && c.approved === null)).toBe(true);
    expect(r.code).toBe(1);
  });
});

describe('opsledger audit: units kept between runs', () => {
  it('a second run reads the units the first derived and prints the same bytes, online and offline; a damaged line is derived again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-units-'));
    for (const mode of [[], ['--offline']]) {
      const args = ['audit', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--format', 'json', ...mode];
      const env = mode.length ? {} : github.env();
      const cold = await cli([...args, '--no-cache'], repo.root, env);
      const first = await cli([...args, '--audit-cache', dir], repo.root, env);
      const [file] = readdirSync(dir).filter((f) => f.endsWith('.txt'));
      expect(file).toBeDefined();
      // Every unit of the period is kept: 7 units, and the policies they name.
      expect(readFileSync(join(dir, file!), 'utf8').split('\n').filter((l) => l.includes('\tu:')).length).toBeGreaterThanOrEqual(7);
      const second = await cli([...args, '--audit-cache', dir], repo.root, env);
      expect(first.stdout).toBe(cold.stdout);
      expect(second.stdout).toBe(cold.stdout);
      expect(second.code).toBe(cold.code);
      // A line whose check fails is ignored: the unit is derived again, the report unchanged.
      const text = readFileSync(join(dir, file!), 'utf8');
      writeFileSync(join(dir, file!), text.replace(/"committedAt":(\d)/g, '"committedAt":9'));
      expect((await cli([...args, '--audit-cache', dir], repo.root, env)).stdout).toBe(cold.stdout);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it('refuses a cache folder inside the repository (exit 2)', async () => {
    const r = await cli(['audit', '--offline', '--root', repo.root, '--since', SINCE, '--until', UNTIL, '--audit-cache', join(repo.root, '.units')], repo.root, {});
    expect(r.code).toBe(2);
    expect(existsSync(join(repo.root, '.units'))).toBe(false);
  });
});
