import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt, runBuiltCli } from './helpers/built-cli.js';
import { makeOrg } from './helpers/org.js';

/**
 * `opsledger record --commit --push` against a real bare repository with several clones, each
 * recorder a separate process of the built CLI, all started at once: every outcome must land,
 * history must stay linear, and a recorder that loses the race re-decides on the new file.
 */
const change = (id: string, phase = 'scheduled') => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id}, title: Rotate ${id}}
spec:
  type: normal
  requester: mina-park
  services: [checkout-api]
  environment: production
  schedule: {start: "2026-11-10T01:00:00+09:00", end: "2026-11-10T02:00:00+09:00"}
status:
  # Kept by the release pipeline.
  phase: ${phase}
`;

const RECORDERS: [id: string, result: string, extra: string[]][] = [
  ['CR-2026-0201', 'successful', []],
  ['CR-2026-0202', 'failed', ['--detected-at', '2026-11-10T01:20:00+09:00', '--restored-at', '2026-11-10T01:45:00+09:00', '--incident', 'INC-7']],
  ['CR-2026-0203', 'rolled-back', ['--detected-at', '2026-11-10T01:12:00+09:00']],
  ['CR-2026-0204', 'partial', []],
  ['CR-2026-0205', 'successful', ['--incident', 'INC-8']],
  ['CR-2026-0206', 'failed', ['--detected-at', '2026-11-10T03:00:00+09:00']],
  ['CR-2026-0207', 'successful', []],
  ['CR-2026-0208', 'successful', []],
];

const IMPLEMENTED = '2026-11-10T01:05:00+09:00';

async function origin(): Promise<string> {
  const files: Record<string, string> = {};
  for (const [id] of RECORDERS) files[`changes/${id}.yaml`] = change(id);
  const seed = makeOrg(files);
  const bare = mkdtempSync(join(tmpdir(), 'opsledger-bare-'));
  await simpleGit({ baseDir: bare }).init(true, ['-b', 'main']);
  const git = simpleGit({ baseDir: seed });
  await git.init(['-b', 'main']);
  await git.addConfig('user.name', 'Seed').addConfig('user.email', 'seed@example.com').addConfig('commit.gpgsign', 'false');
  await git.add('.').commit('Organisation').addRemote('origin', bare).push(['-u', 'origin', 'main']);
  return bare;
}

async function cloneOf(bare: string, who: string): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'opsledger-clone-')), 'org');
  await simpleGit().clone(bare, dir);
  await simpleGit({ baseDir: dir }).addConfig('user.name', who).addConfig('user.email', `${who}@example.com`).addConfig('commit.gpgsign', 'false');
  return dir;
}

const outcomeIn = (dir: string, id: string) => (parse(readFileSync(join(dir, 'changes', `${id}.yaml`), 'utf8')) as { status: { phase: string; outcome?: Record<string, unknown> } }).status;

beforeAll(() => ensureBuilt('dist/cli/commands/record.js'));

describe('record --commit --push with concurrent recorders', () => {
  it('lands every outcome from eight recorder processes racing on eight clones', async () => {
    const bare = await origin();
    const clones = await Promise.all(RECORDERS.map((_, i) => cloneOf(bare, `pipeline-${i}`)));
    const runs = await Promise.all(
      RECORDERS.map(([id, result, extra], i) =>
        runBuiltCli(['record', id, '--result', result, '--implemented-at', IMPLEMENTED, ...extra, '--commit', '--push', '--format', 'json', '--root', clones[i]!], { cwd: clones[i]! }),
      ),
    );
    for (const r of runs) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const reports = runs.map((r) => JSON.parse(r.stdout) as { recorded: boolean; git: { pushed: { remote: string; branch: string }; attempts: number } });
    expect(reports.map((r) => [r.recorded, r.git.pushed])).toEqual(RECORDERS.map(() => [true, { remote: 'origin', branch: 'main' }]));

    const check = await cloneOf(bare, 'auditor');
    for (const [id, result, extra] of RECORDERS) {
      const status = outcomeIn(check, id);
      expect(status.phase).toBe('completed');
      expect(status.outcome).toMatchObject({ result, implementedAt: IMPLEMENTED });
      if (extra.includes('--incident')) expect(status.outcome?.incidents).toEqual([extra[extra.indexOf('--incident') + 1]]);
      // The comment the pipeline left above the phase survives every rebase.
      expect(readFileSync(join(check, 'changes', `${id}.yaml`), 'utf8')).toContain('  # Kept by the release pipeline.\n  phase: completed\n');
    }
    const git = simpleGit({ baseDir: check });
    expect((await git.raw(['rev-list', '--merges', 'HEAD'])).trim()).toBe('');
    const subjects = (await git.raw(['log', '--format=%s'])).trim().split('\n');
    expect(subjects.filter((s) => s.startsWith('Record the outcome of')).sort()).toEqual(RECORDERS.map(([id, result]) => `Record the outcome of ${id}: ${result}`).sort());
    // Each record commit touches exactly its own change file.
    for (const [id] of RECORDERS) {
      const sha = (await git.raw(['log', '--format=%H', `--grep=Record the outcome of ${id}:`])).trim();
      expect((await git.raw(['show', '--name-only', '--format=', sha])).trim()).toBe(`changes/${id}.yaml`);
    }
    for (const dir of clones) expect((await simpleGit({ baseDir: dir }).raw(['status', '--porcelain'])).trim()).toBe('');
  }, 180_000);

  it('re-decides after losing the race: a change cancelled upstream is refused and nothing is pushed', async () => {
    const bare = await origin();
    const [canceller, recorder] = await Promise.all([cloneOf(bare, 'cab'), cloneOf(bare, 'pipeline')]);
    const file = join(canceller, 'changes', 'CR-2026-0201.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('phase: scheduled', 'phase: cancelled'));
    await simpleGit({ baseDir: canceller }).add('.').commit('Cancel CR-2026-0201').push();

    const r = await runBuiltCli(['record', 'CR-2026-0201', '--result', 'successful', '--implemented-at', IMPLEMENTED, '--commit', '--push', '--format', 'json', '--root', recorder], { cwd: recorder });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { refusals: { code: string }[] }).refusals.map((x) => x.code)).toEqual(['record.cancelled']);
    const git = simpleGit({ baseDir: recorder });
    expect((await git.revparse(['HEAD'])).trim()).toBe((await git.revparse(['origin/main'])).trim());
    expect((await git.raw(['status', '--porcelain'])).trim()).toBe('');
    expect(outcomeIn(recorder, 'CR-2026-0201')).toEqual({ phase: 'cancelled' });
    expect((await simpleGit({ baseDir: bare }).raw(['log', '--format=%s', 'main'])).trim().split('\n')).toEqual(['Cancel CR-2026-0201', 'Organisation']);
  }, 120_000);

  it.each([
    ['--commit alone commits locally and pushes nothing', ['--commit'], 0, 'Record the outcome of CR-2026-0201: successful', 'Organisation'],
    ['an uncommitted edit of the change file is refused', ['--commit', '--push'], 1, 'Organisation', 'Organisation'],
  ])('%s', async (name, flags, code, localHead, remoteHead) => {
    const bare = await origin();
    const dir = await cloneOf(bare, 'pipeline');
    const file = join(dir, 'changes', 'CR-2026-0201.yaml');
    const dirty = name.includes('uncommitted');
    if (dirty) writeFileSync(file, readFileSync(file, 'utf8') + '# a local note\n');
    const before = readFileSync(file, 'utf8');
    const r = await runBuiltCli(['record', 'CR-2026-0201', '--result', 'successful', '--implemented-at', IMPLEMENTED, ...flags, '--format', 'json', '--root', dir], { cwd: dir });
    expect(r.code).toBe(code);
    if (dirty) {
      expect((JSON.parse(r.stdout) as { refusals: { code: string }[] }).refusals.map((x) => x.code)).toEqual(['record.dirty']);
      expect(readFileSync(file, 'utf8')).toBe(before);
    }
    expect((await simpleGit({ baseDir: dir }).raw(['log', '-1', '--format=%s'])).trim()).toBe(localHead);
    expect((await simpleGit({ baseDir: bare }).raw(['log', '-1', '--format=%s', 'main'])).trim()).toBe(remoteHead);
  }, 120_000);
});
