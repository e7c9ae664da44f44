import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RiskReport } from '../../src/core/risk/types.js';
import { TestRepo } from '../helpers/git-repo.js';
import { cli, MINIMAL_ORG } from '../helpers/org.js';

/**
 * The large-diff factor scores the size git measures, not the size the requester declares:
 * `opsledger risk --changed-since REF` measures the working tree against the merge base with
 * REF (commits, uncommitted edits and untracked files), in real repositories.
 */
const POLICY = readFileSync(join(MINIMAL_ORG, 'changes', 'policy.yaml'), 'utf8').replace(
  '      changeType: {standard: 0, normal: 1, emergency: 4}\n',
  '      changeType: {standard: 0, normal: 1, emergency: 4}\n      largeDiff: {points: 5, lines: 500}\n',
);
const CR = 'changes/CR-2026-0100.yaml';
const AT = '2026-11-22T00:00:00Z';
const ME = { name: 'Mina Park', email: 'mina@example.com' };

const change = (diff?: string) => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0100, title: Test change}
spec:
  type: normal
  requester: mina-park
  services: [cart]
  environment: production
  schedule: {start: "2026-12-03T01:00:00+09:00", end: "2026-12-03T02:00:00+09:00"}
${diff ? `  diff: ${diff}\n` : ''}status: {phase: submitted}
`;

const count = (text: string) => text.split('\n').length - 1;
const lines = (n: number, tag = 'line') => Array.from({ length: n }, (_, i) => `${tag} ${i}`).join('\n') + '\n';

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

async function branch(): Promise<TestRepo> {
  repo = await TestRepo.create({ 'changes/policy.yaml': POLICY, 'src/app.txt': lines(100) });
  await repo.checkout('cr-100', true);
  return repo;
}

function write(r: TestRepo, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(r.root, rel)), { recursive: true });
    writeFileSync(join(r.root, rel), text);
  }
}

async function risk(r: TestRepo, extra: string[] = ['--changed-since', 'main']) {
  const out = await cli(['risk', 'CR-2026-0100', '--root', r.root, '--at', AT, '--format', 'json', ...extra], r.root);
  if (out.code !== 0) throw new Error(`risk exited ${out.code}: ${out.stderr}`);
  const report = JSON.parse(out.stdout) as RiskReport;
  const large = report.factors.find((f) => f.code === 'large-diff');
  return { report, large, conflicts: report.conflicts.map((c) => c.code) };
}

/** The numbers in the large-diff reason: the scored lines, the threshold, then declared and measured when both are known. */
const numbers = (reason: string | undefined) => (reason ?? '').match(/\d+/g)?.map(Number);

describe('risk --changed-since: the measured diff feeds large-diff', () => {
  it.each([
    ['committed on the branch', true],
    ['uncommitted in the working tree', false],
  ])('declared 10, measured 900 %s: scored as 900, the understatement reported', async (_name, commit) => {
    const r = await branch();
    const cr = change('{files: 1, additions: 10, deletions: 0}');
    // The change file is part of the diff too: 900 lines in all.
    const files = { [CR]: cr, 'src/big.txt': lines(900 - count(cr)) };
    if (commit) await r.commit(files, 'Big work', ME);
    else write(r, files);
    const { large, conflicts } = await risk(r);
    expect(large?.points).toBe(5);
    expect(numbers(large?.reason)).toEqual([900, 500, 10, 900]);
    expect(conflicts).toContain('diff-understated');
  });

  it('counts edits to tracked files and deletions, not only new files', async () => {
    const r = await branch();
    await r.commit({ [CR]: change('{additions: 1}') }, 'Add the change', ME);
    write(r, { 'src/app.txt': lines(100, 'changed') + lines(350, 'more') });
    const { large } = await risk(r);
    // The change file, 100 lines replaced (100 + 100) and 350 added.
    const measured = count(change('{additions: 1}')) + 550;
    expect(large?.points).toBe(5);
    expect(numbers(large?.reason)).toEqual([measured, 500, 1, measured]);
  });

  it('with no declaration, scores the measurement', async () => {
    const r = await branch();
    await r.commit({ [CR]: change(), 'src/big.txt': lines(700) }, 'Big work', ME);
    const { large, conflicts } = await risk(r);
    expect(large?.points).toBe(5);
    expect(numbers(large?.reason)?.[0]).toBeGreaterThan(700);
    expect(large?.reason).toContain('measured');
    expect(conflicts).not.toContain('diff-understated');
  });

  it.each([
    ['declared larger than measured stays', '{additions: 1500, deletions: 500}', 2000],
    ['declared just over the threshold stays', '{additions: 501}', 501],
    ['declared deletions count as well', '{deletions: 800}', 800],
  ])('%s', async (_name, diff, scored) => {
    const r = await branch();
    await r.commit({ [CR]: change(diff) }, 'Small work', ME);
    const { large, conflicts } = await risk(r);
    expect(large?.points).toBe(5);
    expect(numbers(large?.reason)?.slice(0, 3)).toEqual([scored, 500, scored]);
    expect(conflicts).not.toContain('diff-understated');
  });

  it.each([
    ['declared small, measured small', '{additions: 20}', 'src/small.txt'],
    ['not declared, measured small', undefined, 'src/small.txt'],
    ['declared exactly what git measures', '{additions: 13}', 'src/small.txt'],
  ])('%s: no large-diff, no understatement', async (_name, diff, file) => {
    const r = await branch();
    await r.commit({ [CR]: change(diff), [file]: lines(1) }, 'Small work', ME);
    const { large, conflicts } = await risk(r);
    expect(large).toBeUndefined();
    expect(conflicts).not.toContain('diff-understated');
  });

  it('without --changed-since the declared size stands, and the reason says it was not measured', async () => {
    const r = await branch();
    await r.commit({ [CR]: change('{additions: 600}'), 'src/big.txt': lines(2000) }, 'Big work', ME);
    const { large } = await risk(r, []);
    expect(numbers(large?.reason)).toEqual([600, 500]);
    expect(large?.reason).toMatch(/declared only/);
  });

  it('a change the branch does not touch keeps its declared size', async () => {
    repo = await TestRepo.create({ 'changes/policy.yaml': POLICY, [CR]: change('{additions: 10}') });
    await repo.checkout('other', true);
    await repo.commit({ 'src/big.txt': lines(900) }, 'Unrelated work', ME);
    const { large, conflicts } = await risk(repo);
    expect(large).toBeUndefined();
    expect(conflicts).not.toContain('diff-understated');
  });

  it('an unknown ref is a usage error with the reason, not a silent declared score', async () => {
    const r = await branch();
    await r.commit({ [CR]: change('{additions: 10}') }, 'Work', ME);
    const out = await cli(['risk', 'CR-2026-0100', '--root', r.root, '--format', 'json', '--changed-since', 'no-such-branch'], r.root);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no-such-branch');
    expect(out.stderr).not.toContain('internal error');
  });
});
