import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/org.js';
import { openPullRequest, PEOPLE, type Scenario } from '../helpers/pr-scenario.js';

/**
 * The committed action bundle run the way the runner runs it: inputs as INPUT_* variables,
 * outputs through the GITHUB_OUTPUT file (@actions/core), against the fake GitHub.
 */
const run = promisify(execFile);
const ENTRY = join(PROJECT_ROOT, 'action', 'bundle', 'main', 'index.js');

let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

async function action(sc: Scenario, inputs: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-action-'));
  const output = join(dir, 'output');
  writeFileSync(output, '');
  const vars: Record<string, string> = { PATH: process.env.PATH ?? '', RUNNER_TEMP: dir, GITHUB_OUTPUT: output, ...sc.github.env(), ...env, INPUT_ROOT: sc.repo.root };
  for (const [k, v] of Object.entries(inputs)) vars[`INPUT_${k.toUpperCase()}`] = v;
  const r = await run(process.execPath, [ENTRY], { cwd: sc.repo.root, env: vars }).then(
    (x) => ({ code: 0, stdout: x.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const outputs: Record<string, string> = {};
  // @actions/core writes `name<<delimiter`, the value, then the delimiter.
  const lines = readFileSync(output, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (m) {
      outputs[m[1]!] = lines[i + 1]!;
      i += 2;
    }
  }
  return { ...r, outputs };
}

describe('the action', () => {
  it('gate: sets allowed and the report path (denied: now is outside the window)', async () => {
    s = await openPullRequest();
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    await s.repo.checkout('main');
    const merge = await s.repo.merge('cr-100', 'Merge pull request #7', PEOPLE.admin);
    Object.assign(s.github.pulls.get(7)!, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: merge });
    for (const c of s.github.pulls.get(7)!.commits) s.github.pullsForCommit.set(c.sha, [7]);
    // The runner would pass the time of the deploy; a gate at "now" is outside this change's window.
    const r = await action(s, { command: 'gate', change: 'CR-2026-0100', environment: 'production', token: s.github.token });
    expect(r.code).toBe(1);
    expect(r.outputs.allowed).toBe('false');
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8')) as { checks: { code: string; ok: boolean }[] };
    expect(report.checks.filter((c) => !c.ok).map((c) => c.code)).toEqual(['schedule']);
  });

  it('pr: sets risk-class', async () => {
    s = await openPullRequest();
    const r = await action(s, { command: 'pr', token: s.github.token }, { GITHUB_EVENT_PATH: s.eventFile('pull_request') });
    expect(r.code).toBe(0);
    expect(r.outputs['risk-class']).toBe('medium');
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', state: 'failure' });
  });

  it('pr on a fork\'s pull request: neutral (exit 0), a notice with the reason, nothing written', async () => {
    s = await openPullRequest();
    s.github.labels.set(7, ['risk:high']);
    const r = await action(s, { command: 'pr', token: s.github.token }, { GITHUB_EVENT_PATH: s.eventFile('pull_request', { fork: true }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::notice title=[^:]+::.+/m);
    expect(r.outputs['risk-class']).toBe('medium');
    expect(s.github.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(s.github.labels.get(7)).toEqual(['risk:high']);
  });

  it('pr: replaces the risk label (DELETE the old one, add the new one) and links the status to the run', async () => {
    s = await openPullRequest();
    s.github.labels.set(7, ['risk:critical']);
    const r = await action(s, { command: 'pr', token: s.github.token }, { GITHUB_EVENT_PATH: s.eventFile('pull_request'), GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '99' });
    expect(r.code).toBe(0);
    const deleted = s.github.requests.filter((q) => q.method === 'DELETE' && q.template === '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}').map((q) => decodeURIComponent(q.path.split('/').at(-1)!));
    expect(deleted).toEqual(['risk:critical']);
    expect(s.github.requests.filter((q) => q.method === 'POST' && q.template === '/repos/{owner}/{repo}/issues/{issue_number}/labels').map((q) => q.body)).toEqual([{ labels: ['risk:medium', 'change:normal'] }]);
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', targetUrl: 'https://github.com/acme/ledger/actions/runs/99' });
  });

  it('refuses an unknown command', async () => {
    s = await openPullRequest();
    const r = await action(s, { command: 'deploy-everything' });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('unknown command');
  });
});
