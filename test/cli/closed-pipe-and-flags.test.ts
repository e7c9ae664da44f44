import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, makeOrg, PROJECT_ROOT, spawnCli } from '../helpers/org.js';

const STACK = /\bat .+:\d+:\d+\)?$/m;
const BIN = join(PROJECT_ROOT, 'bin', 'opsledger.js');

/** Runs the built CLI into `head -1`, which closes the pipe after one line; returns its exit code and stderr. */
function intoHead(args: string[], cwd: string): { code: number; stderr: string; first: string } {
  const err = join(mkdtempSync(join(tmpdir(), 'opsledger-pipe-')), 'stderr');
  const r = spawnSync('bash', ['-c', 'node "$0" "$@" 2>"$ERR" | head -1; exit "${PIPESTATUS[0]}"', BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ERR: err },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stderr: readFileSync(err, 'utf8'), first: r.stdout };
}

// Enough distinct findings that the output cannot fit in the pipe before head closes it.
const manyErrors = () => makeOrg(Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`teams/t${i}.yaml`, `apiVersion: opsledger/v1\nkind: Teem${'x'.repeat(200)}${i}\nmetadata: {name: t${i}}\nspec: {}\n`])));

describe('a closed stdout ends the run quietly with the exit code of the work', () => {
  it.each([
    ['explain (every code)', ['explain'], () => PROJECT_ROOT, 0],
    ['validate with hundreds of findings', ['validate', '--no-cache'], manyErrors, 1],
    ['validate as workflow commands', ['validate', '--no-cache', '--format', 'github'], manyErrors, 1],
    ['validate as SARIF', ['validate', '--no-cache', '--format', 'sarif'], manyErrors, 1],
  ])('%s | head -1', (_name, args, root, expected) => {
    const r = intoHead(args, root());
    expect(r.first.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(expected);
  });
});

// Odd values for the flags of every kind of command: each is the user's to fix (exit 2 with a
// reason), never an "internal error" or a trace.
describe('odd flag values are usage errors', () => {
  const site = () => join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'site');
  const aFile = () => {
    const f = join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'taken');
    writeFileSync(f, 'x');
    return f;
  };
  it.each([
    // A window beyond what a date can print.
    ['metrics --since 99999999d', () => ['metrics', '--since', '99999999d']],
    ['metrics --since 1000000w', () => ['metrics', '--since', '1000000w']],
    ['metrics --until in the year 275760', () => ['metrics', '--until', '+275760-09-13T00:00:00Z']],
    // Output paths the file system refuses.
    ['gate --report on a folder', () => ['gate', 'CR-2026-0001', '--report', tmpdir()]],
    ['catalog --out with a name too long', () => ['catalog', '--out', join(tmpdir(), 'x'.repeat(300))]],
    ['export --out below a file', () => ['export', 'backstage', '--out', join(aFile(), 'sub')]],
    // Numbers that are not counts.
    ['validate --threads 0', () => ['validate', '--threads', '0']],
    ['catalog --threads -1', () => ['catalog', '--out', site(), '--threads', '-1']],
    ['validate --max-file-size 1e400', () => ['validate', '--max-file-size', '1e400']],
  ])('%s', async (_name, args) => {
    const root = makeOrg();
    const r = await cli([...args(), '--root', root], root);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
  });

  it.each([
    ['metrics --since 99999999d', ['metrics', '--since', '99999999d']],
    ['validate --root on a FIFO-free missing folder', ['validate', '--root', 'no/such/folder']],
    ['gate --report on a folder', ['gate', 'CR-2026-0001', '--report', '.']],
  ])('%s, as a process', (_name, args) => {
    const root = makeOrg();
    const r = spawnCli([...args, ...(args.includes('--root') ? [] : ['--root', root])], { cwd: root, timeoutMs: 30_000 });
    expect(r.stdout + r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
  });
});
