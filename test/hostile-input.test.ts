import { symlinkSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOMB, HOSTILE_CASES, HOSTILE_FILE as FILE, SERVICE_HEAD } from './helpers/hostile-cases.js';
import { makeOrg, spawnCli, validateJson } from './helpers/org.js';

describe('hostile input', () => {
  it.each(HOSTILE_CASES)('%s: an error with a position and exit 1', async (_name, content, code, line) => {
    const root = makeOrg({ [FILE]: content });
    const { code: exit, report } = await validateJson(root);
    expect(exit).toBe(1);
    const found = report.diagnostics.filter((d) => d.file === FILE && d.code === code);
    expect(found.length, JSON.stringify(report.diagnostics.filter((d) => d.file === FILE))).toBeGreaterThan(0);
    expect(found[0]!.severity).toBe('error');
    if (line > 0) expect(found[0]!.line).toBe(line);
    else expect(found[0]!.line).toBeGreaterThan(0);
    expect(found[0]!.column).toBeGreaterThan(0);
    // The rest of the organisation is still checked: no problem in the untouched files.
    expect(report.diagnostics.filter((d) => d.file !== FILE && d.severity === 'error')).toEqual([]);
  });

  it('never pollutes Object.prototype', async () => {
    const root = makeOrg({ [FILE]: SERVICE_HEAD + '  __proto__: {polluted: yes}\n  owner: checkout\n', 'teams/x.yaml': '__proto__:\n  polluted: yes\n' });
    await validateJson(root);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a symlink that leaves the repository', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'opsledger-outside-'));
    writeFileSync(join(outside, 'secret.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: stolen}\nspec: {}\n');
    const root = makeOrg();
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'teams', 'linked.yaml'));
    symlinkSync(outside, join(root, 'services', 'linked-dir'));
    const { code, report } = await validateJson(root);
    expect(code).toBe(1);
    const escapes = report.diagnostics.filter((d) => d.code === 'file.symlink-escape').map((d) => [d.file, d.line]);
    expect(escapes).toEqual([
      ['services/linked-dir', 1],
      ['teams/linked.yaml', 1],
    ]);
    expect(report.diagnostics.some((d) => d.message.includes('stolen'))).toBe(false);
  });

  it('a hostile file run as a real process prints no stack trace and exits 1', () => {
    const root = makeOrg({ [FILE]: BOMB, 'teams/deep.yaml': '['.repeat(50_000) });
    const r = spawnCli(['validate', '--root', root, '--no-cache'], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
    expect(r.stdout).toContain('yaml.alias-limit');
  });
});
