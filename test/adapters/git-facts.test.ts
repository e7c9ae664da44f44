import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { assessRisk, submissionTimes } from '../../src/app/assess-risk.js';
import { computeMetrics } from '../../src/app/compute-metrics.js';
import { decideDeploy } from '../../src/app/decide-deploy.js';
import type { GitHubApi } from '../../src/app/ports/github.js';
import type { RiskReport } from '../../src/core/risk/types.js';
import { cli, MINIMAL_ORG } from '../helpers/org.js';
import { TestRepo, type Person } from '../helpers/git-repo.js';

/**
 * Git facts from real repositories: where a change request's document first appeared (its
 * submission time) after renames, moves, appends, squash and rebase merges, in shallow clones,
 * on a detached HEAD and on a default branch not called main; and risk, the gate and metrics
 * reading that one answer.
 */

const ADMIN: Person = { name: 'Org Admin', email: 'admin@example.com' };
const MINA: Person = { name: 'Mina Park', email: 'mina@example.com' };
const ID = 'CR-2026-0100';
const START = '2026-12-10T00:00:00.000Z';
const IMPLEMENTED = '2026-12-10T00:30:00.000Z';
const AT = Date.parse('2026-12-10T00:10:00Z');
const LEAD = 5 * 86_400_000;

// Every class needs 5 days of notice, and short notice is a likelihood factor.
const policy = readFileSync(join(MINIMAL_ORG, 'changes/policy.yaml'), 'utf8')
  .replace(/^( {4}(?:low|medium|high|critical): \{.*)\}$/gm, '$1, leadTime: 5d}')
  .replace('      changeType: {standard: 0, normal: 1, emergency: 4}\n', '      changeType: {standard: 0, normal: 1, emergency: 4}\n      shortNotice: {within: 5d, points: 2}\n');

const change = (id = ID, title = 'Rotate keys') => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata:
  name: ${id}
  title: ${title}
spec:
  type: normal
  requester: mina-park
  services: [cart]
  environment: production
  schedule: {start: "${START}", end: "2026-12-10T02:00:00.000Z"}
status:
  phase: completed
  outcome:
    result: successful
    implementedAt: "${IMPLEMENTED}"
`;

const other = change('CR-2026-0099', 'Older change');
const NFD = 'changes/cafe\u0301.yaml';
const NFC = 'changes/caf\u00e9.yaml';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

async function repoOn(branch = 'main'): Promise<TestRepo> {
  const repo = await TestRepo.create({ 'changes/policy.yaml': policy }, ADMIN, { branch, at: '2026-10-01T00:00:00Z' });
  repos.push(repo);
  return repo;
}

function shallowClone(repo: TestRepo, depth: number): string {
  const into = join(mkdtempSync(join(tmpdir(), 'opsledger-shallow-')), 'org');
  execFileSync('git', ['clone', '-q', '--depth', String(depth), `file://${repo.root}`, into]);
  return into;
}

interface Case {
  /** Builds the history; returns the folder to run in (the repository, or a clone of it) and its default branch. */
  build(): Promise<{ root: string; branch: string }>;
  /** When the document first appeared, or unknown. */
  submitted: string | 'unknown';
  /** When the work that brought it in began (lead time for changes); the submission unless a merge brought it. */
  workStarted?: string;
}

const CASES: Record<string, Case> = {
  'added in its own file': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  // The new path is born at the move; the document is not.
  'renamed with git mv two days before it starts': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.mv(`changes/${ID}.yaml`, `changes/2026/${ID}.yaml`, 'File by year', ADMIN);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  'in a file with a non-ASCII name (NFC), later renamed': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ 'changes/변경 요청.yaml': change() }, 'Propose', MINA);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.mv('changes/변경 요청.yaml', NFC, 'Rename', ADMIN);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  'in a file with an NFD name': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [NFD]: change() }, 'Propose', MINA);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  // The file is older than the document: its first commit would give 70 days of notice.
  'appended to an existing multi-document file two days before it starts': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-10-01T00:00:00Z');
      await repo.commit({ 'changes/batch.yaml': other }, 'Batch', ADMIN);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.commit({ 'changes/batch.yaml': `${other}---\n${change()}` }, 'Append', MINA);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-12-08T00:00:00.000Z',
  },
  'moved from one multi-document file into another': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ 'changes/a.yaml': `${other}---\n${change()}` }, 'Propose', MINA);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.commit({ 'changes/a.yaml': other, 'changes/b.yaml': change() }, 'Split', ADMIN);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  // The branch's commits are not in the history: the squash commit is the proposal git knows.
  'squash-merged': {
    async build() {
      const repo = await repoOn();
      await repo.checkout('cr-100', true);
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      await repo.checkout('main');
      repo.clock('2026-11-25T00:00:00Z');
      await repo.squashMerge('cr-100', 'Propose (#7)', ADMIN);
      await repo.git.raw(['branch', '-D', 'cr-100']);
      return { root: repo.root, branch: 'main' };
    },
    // `merge --squash` takes the first tick, the commit the next.
    submitted: '2026-11-25T00:00:01.000Z',
  },
  // Rebasing keeps the author date, which is when the change was written.
  'rebase-merged two days before it starts': {
    async build() {
      const repo = await repoOn();
      await repo.checkout('cr-100', true);
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      await repo.checkout('main');
      repo.clock('2026-11-21T00:00:00Z');
      await repo.commit({ 'teams/extra.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: extra}\nspec: {members: [someone]}\n' }, 'Meanwhile', ADMIN);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.rebaseMerge('cr-100', ADMIN);
      await repo.git.raw(['branch', '-D', 'cr-100']);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  // The pull request's first commit starts the lead time; its commit that adds the document is the submission.
  'merged with a merge commit': {
    async build() {
      const repo = await repoOn();
      await repo.checkout('cr-100', true);
      repo.clock('2026-11-18T00:00:00Z');
      await repo.commit({ 'teams/extra.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: extra}\nspec: {members: [someone]}\n' }, 'Prepare', MINA);
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      await repo.checkout('main');
      repo.clock('2026-12-08T00:00:00Z');
      await repo.merge('cr-100', 'Merge pull request #7', ADMIN);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
    workStarted: '2026-11-18T00:00:00.000Z',
  },
  // The boundary commit seems to add everything: the real submission lies in history not fetched.
  'in a shallow clone whose boundary holds it': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.commit({ 'teams/extra.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: extra}\nspec: {members: [someone]}\n' }, 'Later', ADMIN);
      return { root: shallowClone(repo, 1), branch: 'main' };
    },
    submitted: 'unknown',
  },
  'in a shallow clone, added after its boundary': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      return { root: shallowClone(repo, 2), branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  'on a detached HEAD': {
    async build() {
      const repo = await repoOn();
      repo.clock('2026-11-20T00:00:00Z');
      const sha = await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      repo.clock('2026-12-08T00:00:00Z');
      await repo.commit({ 'teams/extra.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: extra}\nspec: {members: [someone]}\n' }, 'Later', ADMIN);
      await repo.checkout(sha);
      return { root: repo.root, branch: 'main' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
  'on a default branch called trunk': {
    async build() {
      const repo = await repoOn('trunk');
      repo.clock('2026-11-20T00:00:00Z');
      await repo.commit({ [`changes/${ID}.yaml`]: change() }, 'Propose', MINA);
      return { root: repo.root, branch: 'trunk' };
    },
    submitted: '2026-11-20T00:00:00.000Z',
  },
};

/** Just enough GitHub for the gate to score the change: no pull request is found, which denies, but the plan is checked. */
function gitHubWith(defaultBranch: string): GitHubApi {
  return {
    repoRef: { owner: 'acme', repo: 'org' },
    getRepository: async () => ({ fullName: 'acme/org', defaultBranch }),
    listPullsForCommit: async () => [],
  } as unknown as GitHubApi;
}

describe('submission time from real repositories', () => {
  it.each(Object.entries(CASES))('%s: risk, the gate and metrics agree', async (_name, c) => {
    const { root, branch } = await c.build();
    const git = openGitRepository(root);
    const loaded = await loadOrganisation(root);
    expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.org.changes.has(ID)).toBe(true);

    // The risk command, as a user runs it.
    const printed = await cli(['risk', ID, '--root', root, '--at', new Date(AT).toISOString(), '--format', 'json'], root);
    const json = JSON.parse(printed.stdout) as RiskReport | RiskReport[];
    const cliControl = (Array.isArray(json) ? json[0]! : json).controls.find((x) => x.code === 'lead-time');
    const expectedMet = c.submitted !== 'unknown' && Date.parse(START) - Date.parse(c.submitted) >= LEAD;
    expect({ met: cliControl?.met, unknown: cliControl?.unknown }).toEqual({ met: expectedMet, unknown: c.submitted === 'unknown' ? 'git.shallow' : undefined });

    // The one function.
    const submitted = submissionTimes(loaded.org, await git.documentOrigins())(ID);
    if (c.submitted === 'unknown') expect(submitted).toEqual({ unknown: 'shallow-clone' });
    else expect(submitted).toEqual({ at: Date.parse(c.submitted), workStartedAt: Date.parse(c.workStarted ?? c.submitted) });

    // risk, the use case: the same control as the command printed
    const [report] = assessRisk(loaded, await git.documentOrigins(), { ids: [ID], now: AT });
    const control = report!.controls.find((x) => x.code === 'lead-time')!;
    expect(control).toEqual(cliControl);
    const factor = report!.factors.find((x) => x.code === 'short-notice');
    if (c.submitted === 'unknown') {
      expect(control).toMatchObject({ met: false, unknown: 'git.shallow' });
      expect(control.detail).toMatch(/^unknown: shallow clone; 5d required \(.*git fetch --unshallow.*fetch-depth: 0/);
      expect(factor).toMatchObject({ points: 2, unknown: 'git.shallow' });
    } else {
      const notice = Date.parse(START) - Date.parse(c.submitted);
      expect(control.met).toBe(notice >= LEAD);
      expect(control.unknown).toBeUndefined();
      expect(factor?.points).toBe(notice >= LEAD ? undefined : 2);
    }

    // gate: the same control, read off the default branch
    const decision = await decideDeploy({ git, github: () => gitHubWith(branch), changeId: ID, at: AT });
    const check = decision.checks.find((x) => x.code === 'lead-time');
    expect(check).toEqual({ code: 'lead-time', ok: control.met, detail: control.detail, ...(control.unknown ? { unknown: control.unknown } : {}) });
    expect(decision.allowed).toBe(false);

    // metrics: lead time from when the work began; unknown when the submission is
    const metrics = await computeMetrics(loaded.org, git, { from: Date.parse('2026-12-01T00:00:00Z'), to: Date.parse('2027-01-01T00:00:00Z') });
    const deployment = metrics.deployments.find((d) => d.change === ID)!;
    const start = c.submitted === 'unknown' ? undefined : Date.parse(c.workStarted ?? c.submitted);
    expect(deployment.leadTimeSeconds).toBe(start === undefined ? null : (Date.parse(IMPLEMENTED) - start) / 1000);
  });
});

describe('validate --changed-since with non-ASCII names', () => {
  const broken = change().replace('type: normal', 'type: norml');

  it.each([
    ['NFC', NFC],
    ['NFD', NFD],
    ['Hangul with a space', 'changes/변경 요청.yaml'],
    ['a quote and a tab', 'changes/"odd"\tname.yaml'],
  ])('reports a broken file named in %s and exits 1 (committed and untracked)', async (_form, file) => {
    const repo = await repoOn();
    const base = await repo.sha();
    for (const stage of ['untracked', 'committed'] as const) {
      if (stage === 'committed') await repo.commit({ [file]: broken }, 'Break', MINA);
      else writeFileSync(join(repo.root, file), broken);
      const r = await cli(['validate', '--root', repo.root, '--changed-since', base, '--format', 'json', '--no-cache'], repo.root);
      const report = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number; column: number }[]; summary: { files: number } };
      expect({ stage, exit: r.code, files: report.summary.files }).toEqual({ stage, exit: 1, files: 1 });
      expect(report.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['schema.enum', file, 7, 9]]);
    }
  });
});

describe('a name git spells in another Unicode form', () => {
  // macOS git (core.precomposeUnicode) reports NFC for a file the disk holds in NFD, and a file
  // written in NFC may be reported by a git that does not precompose in NFD: the same file.
  it.each([
    ['the disk holds NFC, git reports NFD', NFC, NFD],
    ['the disk holds NFD, git reports NFC', NFD, NFC],
  ])('%s: validate --changed-since still reports it', async (_name, onDisk, fromGit) => {
    const { makeOrg } = await import('../helpers/org.js');
    const { worktreeSource } = await import('../../src/adapters/fs/worktree-source.js');
    const { validate } = await import('../../src/app/validate.js');
    const root = makeOrg({ [onDisk]: change().replace('type: normal', 'type: norml') });
    const git = { changedFilesSince: async () => ({ files: new Set([fromGit]), base: 'HEAD' }) } as unknown as Parameters<typeof validate>[1];
    const run = await validate(worktreeSource(root), git, { changedSince: 'HEAD', cache: false });
    expect(run.result.diagnostics.map((d) => [d.code, d.file])).toEqual([['schema.enum', onDisk]]);
    expect(run.result.summary.files).toBe(1);
  });

  it('the catalog finds the history of a file whatever form git reports it in', async () => {
    const { fileHistory } = await import('../../src/adapters/git/file-history.js');
    const { pathKey } = await import('../../src/core/path-key.js');
    const repo = await repoOn();
    const sha = await repo.commit({ [NFD]: change(), 'changes/"odd"\tname.yaml': other }, 'Propose', MINA);
    const history = (await fileHistory(repo.root, ['changes']))!;
    for (const name of [NFD, NFC, 'changes/"odd"\tname.yaml']) expect(history.get(pathKey(name))?.[0]?.hash, name).toBe(sha);
  });
});

describe('a file history across renames', () => {
  it('keeps the commits from before each git mv under the name the file has now', async () => {
    const { fileHistory } = await import('../../src/adapters/git/file-history.js');
    const repo = await repoOn();
    const first = await repo.commit({ 'changes/a.yaml': change() }, 'Propose', MINA);
    const second = await repo.mv('changes/a.yaml', 'changes/b.yaml', 'Rename', ADMIN);
    const third = await repo.mv('changes/b.yaml', NFD, 'Rename again', ADMIN);
    const edit = await repo.commit({ [NFD]: change(ID, 'Rotate keys, edited') }, 'Edit', MINA);
    const history = (await fileHistory(repo.root, ['changes']))!;
    expect(history.get(NFC)?.map((c) => c.hash)).toEqual([edit, third, second, first]);
    expect([...history.keys()].filter((k) => k.startsWith('changes/a') || k.startsWith('changes/b'))).toEqual([]);
  });
});

describe('the id lines git log -G finds', () => {
  const log = (lines: string[]) => `\u0001c1\t2026-11-20T00:00:00Z\t\n\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n${lines.join('\n')}\n`;
  it.each([
    ['block style', ['+  name: CR-2026-0100'], ['CR-2026-0100']],
    ['flow style', ['+metadata: {name: CR-2026-0100, title: x}'], ['CR-2026-0100']],
    ['double-quoted', ['+  name: "CR-2026-0100"'], ['CR-2026-0100']],
    ['single-quoted, with a comment', ["+  name: 'CR-2026-0100' # moved"], ['CR-2026-0100']],
    ['a removed line', ['-  name: CR-2026-0100'], []],
    ['a context line', ['   name: CR-2026-0100'], []],
    ['another key naming the id', ['+  change: CR-2026-0100', '+  supersedes: {name2: CR-2026-0101}'], []],
    ['a longer name', ['+  name: CR-2026-0100-b'], []],
  ])('%s', async (_name, lines, ids) => {
    const { parseIdLog } = await import('../../src/adapters/git/document-origins.js');
    expect([...parseIdLog(log(lines), false).keys()]).toEqual(ids);
  });

  it('does not read a diff header as a document line', async () => {
    const { parseIdLog } = await import('../../src/adapters/git/document-origins.js');
    const header = `\u0001c1\t2026-11-20T00:00:00Z\t\n\ndiff --git a/name: CR-2026-0100 b/name: CR-2026-0100\nnew file mode 100644\n--- /dev/null\n+++ b/name: CR-2026-0100\n`;
    expect(parseIdLog(header, false).size).toBe(0);
  });
});
