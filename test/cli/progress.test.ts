import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { showsProgress } from '../../src/cli/progress.js';
import { runBuiltCli } from '../helpers/built-cli.js';
import { copyExampleOrg } from '../helpers/example-org.js';
import { ensureBuilt, HAS_SCRIPT, Terminal } from '../helpers/pty.js';

/**
 * Progress on long commands: one line on stderr, rewritten in place, for a person at a
 * terminal; nothing at all when the output goes elsewhere, in CI, or with --quiet.
 */
const PROGRESS = /opsledger (validate|catalog|import): (reading files|writing pages|checking documents) \d+\/\d+ \(\d+%\)/;

const BACKSTAGE = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger-api}
spec: {type: service, lifecycle: production, owner: group:payments}
`;

function backstageInput(): { root: string; input: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-progress-'));
  const input = join(dir, 'catalog-info.yaml');
  writeFileSync(input, BACKSTAGE);
  const root = mkdtempSync(join(tmpdir(), 'opsledger-progress-root-'));
  return { root, input };
}

type Case = { name: string; args: (org: string) => string[]; steps: string[] };
const COMMANDS: Case[] = [
  { name: 'validate', args: (org) => ['validate', '--root', org, '--no-cache'], steps: ['reading files'] },
  { name: 'catalog', args: (org) => ['catalog', '--root', org, '--out', join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site')], steps: ['reading files', 'writing pages'] },
  { name: 'import', args: () => ['import', 'backstage', '--dry-run'], steps: ['checking documents'] },
];
const CLEAR = '\r\x1b[2K';

function argsOf(c: Case): { args: string[]; cwd: string } {
  if (c.name !== 'import') {
    const org = copyExampleOrg();
    return { args: c.args(org), cwd: org };
  }
  const { root, input } = backstageInput();
  return { args: [...c.args(root), input, '--root', root], cwd: root };
}

describe('showsProgress', () => {
  it.each([
    ['both streams on a terminal', { isTTY: true, stderrIsTTY: true, env: {} }, false, true],
    ['stdout redirected', { isTTY: false, stderrIsTTY: true, env: {} }, false, false],
    ['stderr redirected', { isTTY: true, stderrIsTTY: false, env: {} }, false, false],
    ['stderr unknown', { isTTY: true, env: {} }, false, false],
    ['in CI', { isTTY: true, stderrIsTTY: true, env: { CI: 'true' } }, false, false],
    ['--quiet', { isTTY: true, stderrIsTTY: true, env: {} }, true, false],
  ])('%s', (_name, ctx, quiet, shown) => {
    expect(showsProgress(ctx, quiet)).toBe(shown);
  });
});

const terminals: Terminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
});

describe.skipIf(!HAS_SCRIPT)('progress on a terminal (util-linux script)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it.each(COMMANDS)('$name shows how far it has got, then erases the line', async (c) => {
    const { args, cwd } = argsOf(c);
    const t = new Terminal(args, { cwd });
    terminals.push(t);
    expect(await t.exited).toBe(0);
    const shown = [...t.raw.matchAll(new RegExp(PROGRESS, 'g'))];
    expect([...new Set(shown.map((m) => m[2]))]).toEqual(c.steps);
    // Each state of the line is drawn over the last (never a new line), and the last is erased
    // before the result is printed.
    for (const m of shown) {
      expect(t.raw.slice(m.index - CLEAR.length, m.index)).toBe(CLEAR);
      expect(t.raw.slice(m.index + m[0].length, m.index + m[0].length + CLEAR.length)).toBe(CLEAR);
    }
  }, 60_000);

  it.each(COMMANDS.flatMap((c) => [{ ...c, how: 'CI set', env: { CI: 'true' }, extra: [] as string[] }, { ...c, how: '--quiet', env: {}, extra: ['--quiet'] }]))('$name shows nothing with $how', async (c) => {
    const { args, cwd } = argsOf(c);
    const t = new Terminal([...args, ...c.extra], { cwd, env: c.env });
    terminals.push(t);
    expect(await t.exited).toBe(0);
    expect(t.text).not.toMatch(PROGRESS);
  }, 60_000);
});

describe('progress off a terminal', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it.each(COMMANDS)('$name writes no progress into piped output', async (c) => {
    const { args, cwd } = argsOf(c);
    const r = await runBuiltCli(args, { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(PROGRESS);
    expect(r.stderr).not.toContain('\r');
    expect(r.stdout).not.toMatch(PROGRESS);
  }, 60_000);
});
