import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, readNamedFile, RepositoryReader } from '../../src/adapters/fs/read-policy.js';
import { cli, makeOrg, spawnCli } from '../helpers/org.js';

/**
 * The one read policy: every byte shown or parsed comes from a regular file inside the
 * repository, within the size cap, and nothing can block the run. Each class is tried through
 * the reader itself and through the commands a pull request's author can aim it at.
 */
const SECRET = 'ghs_readpolicyprobe0123456789';

function outsideSecret(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-outside-'));
  writeFileSync(join(dir, 'secret.yaml'), `token: ${SECRET}\nmore: ${SECRET}\n`);
  return dir;
}

function fifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('RepositoryReader', () => {
  const setup = () => {
    const root = mkdtempSync(join(tmpdir(), 'opsledger-reader-'));
    mkdirSync(join(root, 'teams'));
    writeFileSync(join(root, 'teams', 'a.yaml'), 'a: 1\n');
    writeFileSync(join(root, 'teams', 'big.yaml'), 'x'.repeat(2048));
    symlinkSync(join(root, 'teams', 'a.yaml'), join(root, 'teams', 'inside-link.yaml'));
    const outside = outsideSecret();
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'teams', 'out-link.yaml'));
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync('/dev/zero', join(root, 'teams', 'zero.yaml'));
    symlinkSync('/proc/self/environ', join(root, 'teams', 'environ.yaml'));
    symlinkSync(join(root, 'nowhere.yaml'), join(root, 'teams', 'broken.yaml'));
    fifo(join(root, 'teams', 'pipe.yaml'));
    symlinkSync(join(root, 'teams', 'pipe.yaml'), join(root, 'teams', 'pipe-link.yaml'));
    mkdirSync(join(root, 'teams', 'folder.yaml'));
    // Folders below folders: each is resolved from the one above it, so links at every depth count.
    mkdirSync(join(outside, 'deep'));
    writeFileSync(join(outside, 'deep', 'secret.yaml'), `token: ${SECRET}\n`);
    mkdirSync(join(root, 'teams', 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'teams', 'nested', 'deeper', 'a.yaml'), 'a: 1\n');
    symlinkSync(outside, join(root, 'teams', 'nested', 'out'));
    symlinkSync(join(root, 'teams'), join(root, 'teams-link'));
    return new RepositoryReader(root, 1024);
  };

  it.each([
    ['a regular file', 'teams/a.yaml', undefined],
    ['a link to a file inside', 'teams/inside-link.yaml', undefined],
    ['a path that climbs out', '../etc/passwd', 'file.outside-root'],
    ['a link to a file outside', 'teams/out-link.yaml', 'file.symlink-escape'],
    ['a file under a linked folder that leads out', 'linked-dir/secret.yaml', 'file.symlink-escape'],
    ['a link to /dev/zero', 'teams/zero.yaml', 'file.symlink-escape'],
    ['a link to /proc/self/environ', 'teams/environ.yaml', 'file.symlink-escape'],
    ['a broken link', 'teams/broken.yaml', 'file.symlink-broken'],
    ['a FIFO (opened without waiting for a writer)', 'teams/pipe.yaml', 'file.not-regular'],
    ['a link to a FIFO inside', 'teams/pipe-link.yaml', 'file.not-regular'],
    ['a folder', 'teams/folder.yaml', 'file.not-regular'],
    ['a file over the cap', 'teams/big.yaml', 'file.too-large'],
    ['a missing file', 'teams/none.yaml', 'file.not-found'],
    ['a file two folders down', 'teams/nested/deeper/a.yaml', undefined],
    ['a file under a linked folder inside', 'teams-link/a.yaml', undefined],
    ['a file two folders under a linked folder inside', 'teams-link/nested/deeper/a.yaml', undefined],
    ['a file under a nested linked folder that leads out', 'teams/nested/out/secret.yaml', 'file.symlink-escape'],
    ['a file below a nested linked folder that leads out', 'teams/nested/out/deep/secret.yaml', 'file.symlink-escape'],
    ['a file below a file', 'teams/a.yaml/x.yaml', 'file.not-found'],
    ['a file in a missing folder', 'teams/none/a.yaml', 'file.not-found'],
    ['a path with a `.` segment', 'teams/./a.yaml', undefined],
    ['a path that climbs out and back', 'teams/../teams/a.yaml', undefined],
    ['a path that climbs out through a folder', 'teams/../../etc/passwd', 'file.outside-root'],
  ])('%s', (_name, rel, refused) => {
    const r = setup().read(rel);
    if (refused === undefined) expect('bytes' in r && r.bytes.toString()).toBe('a: 1\n');
    else expect('refused' in r && r.refused).toBe(refused);
  });

  it('a code frame reads through the same policy: a refused file shows nothing', () => {
    const reader = setup();
    expect(reader.source('teams/a.yaml')).toBeDefined();
    for (const rel of ['teams/out-link.yaml', 'linked-dir/secret.yaml', 'teams/environ.yaml', 'teams/pipe.yaml']) expect(reader.source(rel)).toBeUndefined();
  });

  it.each([
    ['a FIFO', (dir: string) => (fifo(join(dir, 'p.json')), join(dir, 'p.json')), 'file.not-regular'],
    ['/dev/zero', () => '/dev/zero', 'file.not-regular'],
    ['a folder', (dir: string) => dir, 'file.not-regular'],
    ['a large file', (dir: string) => (writeFileSync(join(dir, 'l.json'), 'x'.repeat(100)), join(dir, 'l.json')), 'file.too-large'],
  ])('a file the user names is refused when it is %s', (_name, make, refused) => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-named-'));
    const r = readNamedFile(make(dir), 50);
    expect('refused' in r && r.refused).toBe(refused);
  });
});

describe('no byte from outside the repository reaches a report', () => {
  it.each([
    ['a link to a file outside', (root: string, outside: string) => symlinkSync(join(outside, 'secret.yaml'), join(root, 'teams', 'leak.yaml')), 'teams/leak.yaml'],
    ['a linked folder that leads out', (root: string, outside: string) => symlinkSync(outside, join(root, 'teams', 'leak')), 'teams/leak'],
    ['a link to /proc/self/environ', (root: string) => symlinkSync('/proc/self/environ', join(root, 'teams', 'leak.yaml')), 'teams/leak.yaml'],
  ])('%s: validate (text, json, sarif) and the commands that load the organisation', async (_name, plant, file) => {
    const outside = outsideSecret();
    const root = makeOrg();
    plant(root, outside);
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
      const r = await cli(['validate', '--root', root, '--no-cache', '--format', format], root, { OPSLEDGER_PROBE: SECRET });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout).toContain('file.symlink-escape');
      expect(r.stdout).toContain(file);
    }
    // The commands that refuse an invalid organisation show the same findings as validate.
    for (const args of [['impact', 'service:checkout-api'], ['risk', '--open'], ['metrics']]) {
      const r = await cli([...args, '--root', root], root);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('file.symlink-escape');
      expect(r.stderr).not.toContain('no problems');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
  });

  it('a file named on the command line through a linked folder is refused, not read', async () => {
    const outside = outsideSecret();
    const root = makeOrg();
    symlinkSync(outside, join(root, 'teams', 'leak'));
    const r = await cli(['validate', 'teams/leak/secret.yaml', '--root', root, '--no-cache', '--format', 'json'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(SECRET);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string }[] };
    expect(report.diagnostics.map((d) => [d.code, d.file])).toContainEqual(['file.symlink-escape', 'teams/leak/secret.yaml']);
  });

  it.each([
    ['a FIFO named like a document', (root: string) => fifo(join(root, 'teams', 'pipe.yaml')), 'file.not-regular'],
    ['a link to a FIFO inside the repository', (root: string) => (fifo(join(root, 'p')), symlinkSync(join(root, 'p'), join(root, 'teams', 'pipe.yaml'))), 'file.not-regular'],
    ['a link to /dev/zero', (root: string) => symlinkSync('/dev/zero', join(root, 'teams', 'pipe.yaml')), 'file.symlink-escape'],
  ])('%s: validate finishes with a positioned diagnostic, as a real process', (_name, plant, code) => {
    const root = makeOrg();
    plant(root);
    const r = spawnCli(['validate', '--root', root, '--no-cache', '--format', 'json'], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number; column: number }[] };
    expect(report.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([[code, 'teams/pipe.yaml', 1, 1]]);
  });
});

describe('isInside', () => {
  // Its fast path (a prefix and a separator) must answer exactly as path.relative does, odd paths included.
  const byRelative = (root: string, abs: string) => {
    const r = relative(root, abs);
    return r === '' || (!r.startsWith('..') && !isAbsolute(r));
  };
  const ROOTS = ['/a/b', '/a/b/', '/', '/a/b c', '/a/..b'];
  const SEGMENTS = ['', 'x', '..', '..x', 'b', 'bc', 'x/y', 'x/..', '.x', 'x y'];
  const cases: [string, string][] = [];
  for (const root of ROOTS) for (const s1 of SEGMENTS) for (const s2 of SEGMENTS) for (const pre of ['/a/b', '/a', '/', '/a/bc', '/a/b/']) cases.push([root, [pre, s1, s2].filter(Boolean).join('/').replace(/\/+/g, '/')]);
  it.each([
    ['/a/b', '/a/b/x.yaml', true],
    ['/a/b', '/a/bc/x.yaml', false],
    ['/a/b', '/a/b/../c/x.yaml', false],
    // A folder named like '..x' counts as outside, as path.relative has always answered.
    ['/a/b', '/a/b/..x/y.yaml', false],
    ['/a/b', '/a/b', true],
  ])('%s holds %s: %s', (root, abs, inside) => {
    expect(isInside(root, abs)).toBe(inside);
  });
  it(`agrees with path.relative on ${cases.length} paths`, () => {
    const differ = cases.filter(([root, abs]) => isInside(root, abs) !== byRelative(root, abs));
    expect(differ).toEqual([]);
  });
});
