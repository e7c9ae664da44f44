import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

// A run that reads no document, and a --root that cannot be an organisation: test/hostile/false-green.test.ts and cli.test.ts.

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
