import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { analyzeOnDisk } from '../src/adapters/fs/analyze-disk.js';
import { repositoryReader } from '../src/adapters/fs/read-policy.js';
import { schemaRegistry } from '../src/adapters/fs/schemas.js';
import { cli, makeOrg, spawnCli, validateJson } from './helpers/org.js';

describe('validate: paths and discovery', () => {
  it.each([
    ['a missing path', ['services/nowhere'], 'file.not-found', 'services/nowhere'],
    ['a path outside the root', ['../elsewhere'], 'file.outside-root', '../elsewhere'],
  ])('%s is reported as %s', async (_n, paths, code, file) => {
    const root = makeOrg();
    const r = await cli(['validate', '--root', root, '--format', 'json', '--no-cache', ...paths], root);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number }[] };
    expect(r.code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.file, d.line])).toContainEqual([code, file, 1]);
  });

  it('reports a broken symlink with a YAML name', async () => {
    const root = makeOrg();
    symlinkSync(join(root, 'teams', 'gone.yaml'), join(root, 'teams', 'dangling.yaml'));
    const { code, report } = await validateJson(root);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.code, d.file])).toEqual([['file.symlink-broken', 'teams/dangling.yaml']]);
  });

  it('reports a file that cannot be read', () => {
    const r = analyzeOnDisk(repositoryReader(tmpdir(), 1024), 'teams/vanished.yaml', schemaRegistry());
    expect(r.analysis.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['file.unreadable', 'teams/vanished.yaml', 1]]);
  });

  it('narrows reporting to the given paths but resolves references everywhere', async () => {
    const root = makeOrg({
      'services/checkout/service.yaml': readFileSync(join(makeOrg(), 'services/checkout/service.yaml'), 'utf8').replace('owner: checkout', 'owner: chekout'),
      'teams/broken.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: Broken}\nspec: {}\n',
    });
    const { report } = await validateJson(root, ['services']);
    expect(report.diagnostics.map((d) => [d.code, d.file])).toEqual([['ref.unresolved', 'services/checkout/service.yaml']]);
    expect(report.diagnostics[0]!.hint).toBe('did you mean "checkout"?');
  });

  it('refuses an unknown format with exit 2', async () => {
    const r = await cli(['validate', '--root', makeOrg(), '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown format');
  });

  it.each([
    [['validate', '--bogus'], 2],
    [['frobnicate'], 2],
    [[], 2],
    [['--help'], 0],
    [['explain', 'ref.unresolved'], 0],
    [['explain', 'ref.unresolvd'], 2],
  ])('opsledger %j exits %i', async (args, code) => {
    expect((await cli(args)).code).toBe(code);
  });
});

describe('validate --changed-since', () => {
  async function repoWithHistory() {
    const root = makeOrg();
    const git = simpleGit({ baseDir: root });
    await git.init(['-q', '-b', 'main']);
    await git.addConfig('user.email', 'test@example.com');
    await git.addConfig('user.name', 'Test');
    // A pre-existing problem that the branch did not cause.
    writeFileSync(join(root, 'teams', 'old.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: Old}\nspec: {}\n');
    await git.add('.');
    await git.commit('base');
    await git.checkoutLocalBranch('feature');
    const service = join(root, 'services/checkout/service.yaml');
    writeFileSync(service, readFileSync(service, 'utf8').replace('tier: 2', 'tier: 7'));
    await git.add('.');
    await git.commit('raise tier');
    // Uncommitted and untracked work counts as changed too.
    writeFileSync(join(root, 'teams', 'new.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: sre}\nspec: {members: [a]}\nextra: 1\n');
    return root;
  }

  it('reports only files changed since the ref, resolving references against all', async () => {
    const root = await repoWithHistory();
    const { code, report } = await validateJson(root, ['--changed-since', 'main']);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.file, d.code, d.line])).toEqual([
      ['services/checkout/service.yaml', 'schema.enum', 22],
      ['teams/new.yaml', 'schema.additionalProperties', 5],
    ]);
    const all = await validateJson(root);
    expect(all.report.diagnostics.map((d) => d.file)).toContain('teams/old.yaml');
  });

  it('also reports what the change broke in files it did not touch, but not older breakage', async () => {
    const root = makeOrg({ 'services/legacy/service.yaml': 'apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: legacy}\nspec: {owner: checkout, tier: 4, exposure: team, lifecycle: production, dependsOn: [service:gone]}\n' });
    const git = simpleGit({ baseDir: root });
    await git.init(['-q', '-b', 'main']);
    await git.addConfig('user.email', 'test@example.com');
    await git.addConfig('user.name', 'Test');
    await git.add('.');
    await git.commit('base');
    await git.checkoutLocalBranch('feature');
    // Deleting the emergency CAB leaves the policy's group pointing at nothing.
    const teams = join(root, 'teams/teams.yaml');
    writeFileSync(teams, readFileSync(teams, 'utf8').split('---\n').slice(0, 2).join('---\n'));
    await git.commit('drop ecab', ['teams/teams.yaml']);
    const { code, report } = await validateJson(root, ['--changed-since', 'main']);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.file, d.code, d.pointer])).toEqual([['changes/policy.yaml', 'ref.unresolved', '/spec/groups/emergency']]);
  });

  it('fails with exit 2 on a ref that does not exist', async () => {
    const root = await repoWithHistory();
    const r = await cli(['validate', '--root', root, '--changed-since', 'no-such-branch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-branch');
  });
});

describe('the process', () => {
  it('exits 0 on a clean organisation and 1 with findings, with NO_COLOR honoured', () => {
    const clean = spawnCli(['validate', '--root', makeOrg(), '--no-cache'], { env: { NO_COLOR: '1' } });
    expect(clean.code).toBe(0);
    const dirty = spawnCli(['validate', '--root', makeOrg({ 'teams/x.yaml': 'kind: Team\n' }), '--no-cache'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).not.toContain('\x1b[');
  });

  it('gives the same answer warm as cold', () => {
    const root = makeOrg({ 'teams/x.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec: {membres: []}\n' });
    const cold = spawnCli(['validate', '--root', root, '--format', 'json']);
    const warm = spawnCli(['validate', '--root', root, '--format', 'json']);
    expect(JSON.parse(cold.stdout).diagnostics.length).toBe(1);
    expect(warm.stdout).toBe(cold.stdout);
    // An edit is seen even though the cache holds the old result.
    writeFileSync(join(root, 'teams/x.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec: {members: []}\n');
    const after = spawnCli(['validate', '--root', root, '--format', 'json']);
    expect(JSON.parse(after.stdout).diagnostics).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('never writes into the organisation with --no-cache', () => {
    const root = mkdtempSync(join(tmpdir(), 'opsledger-empty-'));
    const r = spawnCli(['validate', '--root', root, '--no-cache', '--format', 'json']);
    // An empty folder is no organisation (discovery.empty), and nothing is written into it.
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toEqual({ files: 0, documents: 0, errors: 1, warnings: 0 });
    expect(readdirSync(root)).toEqual([]);
  });
});
