import { symlinkSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOrg, spawnCli, validateJson } from './helpers/org.js';

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  '',
].join('\n');

const SERVICE_HEAD = 'apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: hostile\nspec:\n';
const deepBlock = Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n';

const FILE = 'services/hostile/service.yaml';

// Each row: a file's content, the code expected, and the line it must point at.
const CASES: [string, string | Uint8Array, string, number][] = [
  ['alias bomb', BOMB, 'yaml.alias-limit', 2],
  ['deep flow nesting', '['.repeat(10_000) + ']'.repeat(10_000) + '\n', 'yaml.too-deep', 1],
  ['deep block nesting', deepBlock, 'yaml.too-deep', 0],
  ['file over the size cap', 'description: "' + 'x'.repeat(1024 * 1024 + 10) + '"\n', 'file.too-large', 1],
  ['non-UTF-8 bytes', Buffer.concat([Buffer.from(SERVICE_HEAD + '  owner: check'), Buffer.from([0xff, 0xfe]), Buffer.from('out\n')]), 'file.encoding', 6],
  ['duplicate keys', SERVICE_HEAD + '  owner: checkout\n  owner: cab\n', 'yaml.duplicate-key', 7],
  ['!!js/function tag', SERVICE_HEAD + '  owner: !!js/function "function () { return process.exit(9) }"\n', 'yaml.tag', 6],
  ['custom local tag', SERVICE_HEAD + '  owner: !include ../../etc/passwd\n', 'yaml.tag', 6],
  ['__proto__ key', SERVICE_HEAD + '  owner: checkout\n  __proto__: {polluted: yes}\n', 'yaml.unsafe-key', 7],
  ['constructor key', 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x, labels: {constructor: y}}\nspec: {}\n', 'yaml.unsafe-key', 3],
  ['empty file', '', 'file.empty', 1],
  ['comments only', '# nothing here yet\n\n# still nothing\n', 'file.empty', 1],
  ['top-level list', '- apiVersion: opsledger/v1\n- kind: Service\n', 'doc.not-mapping', 1],
  ['top-level scalar', 'just some words\n', 'doc.not-mapping', 1],
  ['unclosed quote', SERVICE_HEAD + '  owner: "checkout\n  tier: 1\n', 'yaml.syntax', 6],
  ['tab indentation', 'apiVersion: opsledger/v1\nkind: Team\nmetadata:\n\tname: x\n', 'yaml.syntax', 4],
  ['binary garbage', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256), 'file.encoding', 1],
];

describe('hostile input', () => {
  it.each(CASES)('%s gives %s with a position and exit 1', async (_name, content, code, line) => {
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
