import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/org.js';
import { changeYaml, openPullRequest, PEOPLE, policyYaml, TEAMS_YAML, type Scenario } from '../helpers/pr-scenario.js';

/**
 * The CAB and the gate score a change with the pull request's diff as git measures it (numstat
 * against the merge base), never with a smaller `spec.diff` the requester typed; and the base's
 * sensitivePaths are matched with the full glob syntax, a leading / or ./ meaning the root.
 * Medium risk needs the owner only here; high needs the CAB too, so a diff that raises the
 * class shows as a missing CAB approval.
 */
let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

const POLICY = policyYaml('{approvals: [{group: owner, count: 1}], rollback: plan}').replace(
  '      changeType: {standard: 0, normal: 1, emergency: 4}\n',
  '      changeType: {standard: 0, normal: 1, emergency: 4}\n      largeDiff: {points: 2, lines: 500}\n',
);
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n') + '\n';
const declaring = (diff?: string) => (diff ? changeYaml().replace('status:\n', `  diff: ${diff}\nstatus:\n`) : changeYaml());

async function pullRequest(diff: string | undefined, bigFileLines: number): Promise<Scenario> {
  const sc = await openPullRequest({ baseFiles: { 'changes/policy.yaml': POLICY }, prFiles: { 'src/index.sql': lines(bigFileLines) } });
  // The change file with its declaration, on the pull request's branch.
  const head = await sc.repo.commit({ 'changes/CR-2026-0100.yaml': declaring(diff) }, 'Declare the diff', PEOPLE.mina);
  sc.setHead(head);
  await sc.syncCommits([sc.github.pulls.get(7)!.commits[0]!.sha, head]);
  sc.review('joel-ortiz', 'APPROVED');
  return sc;
}

interface CabSubject {
  subject: string;
  class: string;
  met: boolean;
  factors: { code: string; points: number; reason: string }[];
  conflicts: string[];
}

async function cab(sc: Scenario) {
  const r = await cli(['cab', '--root', sc.repo.root, '--event', sc.eventFile(), '--format', 'json'], sc.repo.root, sc.github.env());
  const json = JSON.parse(r.stdout) as { met: boolean; sensitive: string[]; subjects: CabSubject[] };
  const subject = json.subjects.find((x) => x.subject === 'CR-2026-0100')!;
  const large = subject?.factors.find((f) => f.code === 'large-diff');
  return { code: r.code, json, subject, large, numbers: large?.reason.match(/\d+/g)?.map(Number) };
}

describe('opsledger cab: the measured diff', () => {
  it('declared 10, measured about 900: large-diff on the measured size, the understatement reported, CAB approval required', async () => {
    s = await pullRequest('{files: 1, additions: 10, deletions: 0}', 880);
    const r = await cab(s);
    expect(r.large?.points).toBe(2);
    const measured = r.numbers![0]!;
    expect(measured).toBeGreaterThanOrEqual(880);
    expect(r.numbers).toEqual([measured, 500, 10, measured]);
    expect(r.subject.conflicts).toContain('diff-understated');
    expect({ class: r.subject.class, met: r.subject.met, code: r.code }).toEqual({ class: 'high', met: false, code: 1 });
  });

  it('no declaration: the measured size is scored', async () => {
    s = await pullRequest(undefined, 880);
    const r = await cab(s);
    expect(r.large?.points).toBe(2);
    expect(r.subject.class).toBe('high');
    expect(r.subject.met).toBe(false);
  });

  it('declared larger than measured: the declaration stands, both named', async () => {
    s = await pullRequest('{additions: 2000}', 5);
    const r = await cab(s);
    expect(r.large?.points).toBe(2);
    expect(r.numbers?.slice(0, 3)).toEqual([2000, 500, 2000]);
    expect(r.numbers).toHaveLength(4);
    expect(r.subject.conflicts).not.toContain('diff-understated');
  });
});

describe('opsledger cab: sensitive paths written from the root or with braces', () => {
  it.each([['/teams/**'], ['{teams,calendars}/**'], ['./teams/*.yaml']])('%s marks a change to teams/teams.yaml as sensitive', async (pattern) => {
    const policy = policyYaml().replace('  sensitivePaths: [changes/policy.yaml, changes/calendar.yaml, "teams/**"]\n', `  sensitivePaths: [${JSON.stringify(pattern)}]\n`);
    expect(policy).toContain(JSON.stringify(pattern));
    s = await openPullRequest({ baseFiles: { 'changes/policy.yaml': policy }, prFiles: { 'teams/teams.yaml': TEAMS_YAML(['dana-lee', 'mina-park']) } });
    const r = await cab(s);
    expect(r.json.sensitive).toEqual(['teams/teams.yaml']);
  });
});

describe('opsledger gate: the measured diff of the merged pull request', () => {
  async function mergedGate(sc: Scenario) {
    await sc.repo.checkout('main');
    const mergeCommit = await sc.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin);
    const pull = sc.github.pulls.get(7)!;
    Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: mergeCommit });
    for (const c of pull.commits) sc.github.pullsForCommit.set(c.sha, [7]);
    const r = await cli(['gate', 'CR-2026-0100', '--root', sc.repo.root, '--at', '2026-12-02T01:30:00+09:00', '--format', 'json'], sc.repo.root, sc.github.env());
    const json = JSON.parse(r.stdout) as { allowed: boolean; checks: { code: string; ok: boolean; detail: string }[] };
    return { code: r.code, allowed: json.allowed, failing: json.checks.filter((c) => !c.ok).map((c) => c.code) };
  }

  it.each([
    ['declared 10, measured about 900', '{files: 1, additions: 10, deletions: 0}'],
    ['no declaration, measured about 900', undefined],
    ['declared 100, measured about 900', '{additions: 60, deletions: 40}'],
  ])('%s: the owner approval alone no longer suffices', async (_name, diff) => {
    s = await pullRequest(diff, 880);
    const g = await mergedGate(s);
    expect(g).toEqual({ code: 1, allowed: false, failing: ['approvals'] });
  });
});
