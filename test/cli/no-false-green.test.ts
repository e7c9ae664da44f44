import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOrg, spawnCli, type CliResult } from '../helpers/org.js';

const STACK = /\bat .+:\d+:\d+\)?$/m;
const TIMEOUT = 30_000;

function cleanly(r: CliResult): void {
  expect(r.stdout + r.stderr).not.toMatch(STACK);
  expect(r.stdout + r.stderr).not.toContain('internal error');
}

function folder(files: Record<string, string> = {}, dirs: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'opsledger-nothing-'));
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

function codesOf(stdout: string): string[] {
  return (JSON.parse(stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
}

// Folders that hold no document, each reached the way a user would: as the current folder.
const NOTHING_HERE: [string, () => string][] = [
  ['an empty folder', () => folder()],
  ['a folder of unrelated files', () => folder({ 'README.md': '# notes\n', 'config/app.yaml': 'port: 80\n' })],
  ['data folders without YAML', () => folder({ 'services/README.md': 'x\n' }, ['teams', 'changes'])],
  ['a git repository with no organisation', () => {
    const root = folder({ 'src/index.ts': 'export {};\n' });
    execFileSync('git', ['init', '-q', root]);
    return root;
  }],
];

describe('no false green: a run that reads no document fails', () => {
  it.each(NOTHING_HERE)('validate in %s: discovery.empty, exit 1', (_name, make) => {
    const cwd = make();
    const r = spawnCli(['validate', '--format', 'json', '--no-cache'], { cwd, timeoutMs: TIMEOUT });
    cleanly(r);
    expect(r.code).toBe(1);
    expect(codesOf(r.stdout)).toEqual(['discovery.empty']);
    const d = JSON.parse(r.stdout).diagnostics[0];
    expect([d.file, d.line, d.column, d.severity]).toEqual(['.', 1, 1, 'error']);
  });

  // Every command that loads the organisation reads it through the same path, so none of them
  // computes on an empty one either.
  it.each([
    ['risk', ['risk', 'CR-2026-0001']],
    ['impact', ['impact', 'service:checkout']],
    ['metrics', ['metrics']],
    ['readiness', ['readiness']],
    ['catalog', ['catalog', '--out', join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site')]],
  ])('%s in an empty folder: refused with discovery.empty, exit 1', (_name, args) => {
    const r = spawnCli(args, { cwd: folder(), timeoutMs: TIMEOUT });
    cleanly(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[discovery.empty]');
  });

  it.each([
    ['a data folder', 'teams'],
    ['a data folder with a trailing slash', 'services/'],
    ['a folder below a data folder', 'services/empty'],
  ])('narrowing the report to %s keeps discovery.empty', (_name, path) => {
    const cwd = folder({ 'teams/README.md': 'x\n', 'services/empty/README.md': 'x\n' });
    const r = spawnCli(['validate', '--format', 'json', '--no-cache', path], { cwd, timeoutMs: TIMEOUT });
    cleanly(r);
    expect(r.code).toBe(1);
    expect(codesOf(r.stdout)).toContain('discovery.empty');
  });
});

describe('the organisation root is found by walking up', () => {
  it.each([
    ['a service folder', 'services/checkout'],
    ['a data folder', 'teams'],
    ['a folder the organisation does not know', 'docs/notes/deep'],
  ])('from %s, validate reads the whole organisation', (_name, sub) => {
    const root = makeOrg({ 'docs/notes/deep/x.md': 'x\n' });
    const r = spawnCli(['validate', '--format', 'json', '--no-cache'], { cwd: join(root, sub), timeoutMs: TIMEOUT });
    cleanly(r);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout).summary;
    expect(summary.documents).toBeGreaterThan(5);
  });

  // The marker beats a nearer folder that merely holds a data folder (inner/ here).
  it.each([
    ['from a folder beside the data folders', 'tools'],
    ['from below a nearer folder with a data folder', 'inner/services'],
    ['from the root itself', '.'],
  ])('opsledger.yaml marks the root %s', (_name, sub) => {
    const root = makeOrg({ 'opsledger.yaml': '', 'tools/x.md': 'x\n', 'inner/services/README.md': 'x\n' });
    const cwd = join(root, sub);
    const r = spawnCli(['validate', '--format', 'json', '--no-cache'], { cwd, timeoutMs: TIMEOUT });
    cleanly(r);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.documents).toBeGreaterThan(5);
  });

  it('--root wins over the folder found by walking up', () => {
    const r = spawnCli(['validate', '--format', 'json', '--no-cache', '--root', folder()], { cwd: join(makeOrg(), 'services'), timeoutMs: TIMEOUT });
    cleanly(r);
    expect(r.code).toBe(1);
    expect(codesOf(r.stdout)).toEqual(['discovery.empty']);
  });
});

// A --root that is not a folder that can be listed is a usage error, never "no problems".
const BAD_ROOTS: [string, () => string][] = [
  ['a regular file', () => {
    const f = join(folder(), 'file.yaml');
    writeFileSync(f, 'x: 1\n');
    return f;
  }],
  ['a FIFO (must not block)', () => {
    const f = join(folder(), 'pipe');
    execFileSync('mkfifo', [f]);
    return f;
  }],
  ['a missing folder', () => join(folder(), 'nope')],
  ['an empty value', () => ''],
  // Root reads every folder whatever its mode, so the case only means something for others.
  ...(process.getuid?.() === 0 ? [] : ([['a folder without permission', () => {
    const d = join(folder(), 'locked');
    mkdirSync(d, { mode: 0o000 });
    chmodSync(d, 0o000);
    return d;
  }]] as [string, () => string][])),
];

describe('a --root that cannot be an organisation', () => {
  it.each(BAD_ROOTS)('%s: exit 2 with the reason, for every command', (_name, make) => {
    const root = make();
    for (const args of [['validate'], ['risk', 'CR-2026-0001'], ['metrics'], ['import', 'openslo', 'x.yaml']]) {
      const r = spawnCli([...args, '--root', root], { cwd: folder({ 'x.yaml': 'x: 1\n' }), timeoutMs: TIMEOUT });
      cleanly(r);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('--root');
      expect(r.stdout).not.toContain('no problems');
    }
  });
});
