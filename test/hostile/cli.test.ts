import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { expectWithinLimits, orgCopy, printFigures, runCase, runLimited, testTimeout, type Figure, type HostileCase } from './harness.js';

/**
 * The CLI's own edges: a closed pipe ends quietly with the work's exit code; odd flag values and
 * a --root that cannot be an organisation are usage errors (exit 2) with a reason; nothing a
 * document or a flag says produces "internal error", a trace, or a forged CI log line.
 */
const manyErrors = (root: string) => {
  for (let i = 0; i < 400; i++) writeFileSync(join(root, 'teams', `t${i}.yaml`), `apiVersion: opsledger/v1\nkind: Teem${'x'.repeat(200)}${i}\nmetadata: {name: t${i}}\nspec: {}\n`);
};
const aFile = () => {
  const f = join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'taken');
  writeFileSync(f, 'x');
  return f;
};

// A --root that is not a folder that can be listed.
const BAD_ROOTS: [string, () => string][] = [
  ['a regular file', () => aFile()],
  ['a FIFO (must not block)', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'pipe');
    execFileSync('mkfifo', [f]);
    return f;
  }],
  ['a missing folder', () => join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'nope')],
  ['an empty value', () => ''],
  ['a name too long for the file system', () => join(tmpdir(), 'x'.repeat(5000))],
  // Root reads every folder whatever its mode, so the case only means something for others.
  ...(process.getuid?.() === 0 ? [] : ([['a folder without permission', () => {
    const d = join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'locked');
    mkdirSync(d, { mode: 0o000 });
    chmodSync(d, 0o000);
    return d;
  }]] as [string, () => string][])),
];
const ROOT_COMMANDS = [['validate'], ['risk', 'CR-2026-0112'], ['metrics'], ['import', 'openslo', 'x.yaml']];

const CASES: HostileCase[] = [
  // `| head -1`: the harness closes the read end after one line, as head does.
  ...([
    ['explain (every code)', ['explain'], undefined, 0],
    ['validate with hundreds of findings', ['validate', '--no-cache'], manyErrors, 1],
    ['validate as workflow commands', ['validate', '--no-cache', '--format', 'github'], manyErrors, 1],
    ['validate as SARIF', ['validate', '--no-cache', '--format', 'sarif'], manyErrors, 1],
    ['impact as JSON', ['impact', 'service:checkout-api', '--format', 'json'], undefined, 0],
  ] as const).map(
    ([name, args, setup, exit]): HostileCase => ({
      name: `${name} | head -1: quiet, the work's exit code`,
      ...(setup ? { setup } : {}),
      args: (root) => [...args, '--root', root],
      headLines: 1,
      exit,
      absent: ['EPIPE'],
      check: (run) => expect(run.stdout.split('\n').filter(Boolean)).toHaveLength(1),
    }),
  ),
  // Odd values for the flags of every kind of command.
  ...([
    ['metrics --since 99999999d', () => ['metrics', '--since', '99999999d']],
    ['metrics --since 1000000w', () => ['metrics', '--since', '1000000w']],
    ['metrics --until in the year 275760', () => ['metrics', '--until', '+275760-09-13T00:00:00Z']],
    ['gate --report on a folder', () => ['gate', 'CR-2026-0112', '--report', tmpdir()]],
    ['catalog --out with a name too long', () => ['catalog', '--out', join(tmpdir(), 'x'.repeat(300))]],
    ['export --out below a file', () => ['export', 'backstage', '--out', join(aFile(), 'sub')]],
    ['validate --threads 0', () => ['validate', '--threads', '0']],
    ['catalog --threads -1', () => ['catalog', '--out', join(mkdtempSync(join(tmpdir(), 'opsledger-odd-')), 'site'), '--threads', '-1']],
    ['validate --max-file-size 1e400', () => ['validate', '--max-file-size', '1e400']],
    ['validate --format xml', () => ['validate', '--format', 'xml']],
    ['an unknown command', () => ['valdiate']],
    ['an unknown flag', () => ['validate', '--no-such-flag']],
    ['calendar --at that is not an instant', () => ['calendar', '--at', '2026-13-45T99:00:00Z']],
  ] as const).map(
    ([name, args]): HostileCase => ({
      name: `${name}: a usage error, exit 2`,
      args: (root) => [...args(), '--root', root],
      exit: 2,
    }),
  ),
  ...BAD_ROOTS.flatMap(([name, make]) =>
    ROOT_COMMANDS.map(
      (cmd): HostileCase => ({
        name: `--root at ${name}: ${cmd[0]} exits 2 with the reason`,
        org: 'empty',
        setup: (cwd) => (writeFileSync(join(cwd, 'x.yaml'), 'x: 1\n'), make()),
        args: (_cwd, root) => [...cmd, '--root', root as string],
        exit: 2,
        absent: ['no problems'],
        check: (run) => expect(run.stderr).toContain('--root'),
      }),
    ),
  ),
  {
    name: 'a path argument of 100,000 characters is a finding, not a crash',
    args: (root) => ['validate', 'x'.repeat(100_000), '--root', root, '--format', 'json'],
    exit: 1,
    codes: ['file.not-found'],
  },
  // A key a pull request wrote, echoed in a message: it must not start a workflow command.
  {
    name: 'a key that spells workflow commands stays one annotation',
    files: { 'teams/inject.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: inject}\nspec:\n  members: [a]\n  "x\\n::add-mask::y\\r::error file=a,line=1::forged\\n::stop-commands::t": 1\n' },
    args: (root) => ['validate', '--root', root, '--no-cache', '--format', 'github'],
    exit: 1,
    check: (run) => {
      // The example organisation's overdue incident follow-ups are warnings of their own files.
      const commands = run.stdout.split(/\r\n|\r|\n/).filter((l) => l.startsWith('::') && !l.startsWith('::warning file=incidents/'));
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatch(/^::error file=teams\/inject\.yaml,/);
    },
  },
  // A file name with terminal escapes: shown, never sent to the terminal as a control sequence.
  {
    name: 'a file name with terminal escape sequences',
    setup: (root) => writeFileSync(join(root, 'teams', 'e\x1b]0;pwned\x07\x1b[2J.yaml'), 'apiVersion: opsledger/v1\nkind: Teem\nmetadata: {name: e}\nspec: {}\n'),
    args: (root) => ['validate', '--root', root, '--no-cache'],
    exit: 1,
    codes: ['kind.unknown'],
    check: (run) => expect(run.stdout + run.stderr).not.toMatch(/[\x07\x1b]/),
  },
];

describe.concurrent('cli: quiet pipes, usage errors, no traces', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('cli', figures));
  for (const c of CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));

  it.each([
    ['validate', ['validate', '--no-cache'], 2],
    ['explain', ['explain'], 2],
  ])('%s > /dev/full: exit 2, one line saying why, no trace', async (_name, args, exit) => {
    ensureBuilt();
    const root = orgCopy('minimal');
    const full = openSync('/dev/full', 'w');
    try {
      const run = await runLimited([...args, '--root', root], { cwd: root, stdoutFd: full });
      expectWithinLimits(run);
      expect(run.code).toBe(exit);
      expect(run.stderr).toMatch(/^opsledger: cannot write the output: .*ENOSPC/m);
    } finally {
      closeSync(full);
    }
  }, 120_000);
});
