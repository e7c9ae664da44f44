import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { findViolations } from '../../scripts/check-core-purity.mjs';
// @ts-expect-error: a plain ESM script without type declarations
import { findFrontCrossings, findReadsOutsidePolicy } from '../../scripts/check-core-purity.mjs';
import { PROJECT_ROOT } from '../helpers/org.js';

const check = findViolations as (dir: string, notInto?: string[]) => { file: string; spec: string }[];

describe('the pure core', () => {
  it.each(['core', 'import', 'export', 'scaffold'])('src/%s imports no I/O', (dir) => {
    expect(check(join(PROJECT_ROOT, 'src', dir))).toEqual([]);
  });

  it.each([
    ["import { readFileSync } from 'node:fs';", 'node:fs'],
    ["import { simpleGit } from 'simple-git';", 'simple-git'],
    ["import * as core from '@actions/core';", '@actions/core'],
    ["const o = await import('@octokit/rest');", '@octokit/rest'],
    ["export { x } from '../adapters/fs/discover.js';", '../adapters/fs/discover.js'],
    ['const home = process.env.HOME;', 'process.*'],
  ])('the check catches %s', (line, spec) => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-purity-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'bad.ts'), `${line}\n`);
    expect(check(dir).map((v) => v.spec)).toEqual([spec]);
  });
});


const reads = findReadsOutsidePolicy as (src: string) => { file: string; line: number; call: string }[];
const crossings = findFrontCrossings as (src: string) => { file: string; spec: string }[];

/** A throwaway src/ tree with one file in it. */
function srcWith(rel: string, text: string): string {
  const src = join(mkdtempSync(join(tmpdir(), 'opsledger-floors-')), 'src');
  mkdirSync(join(src, rel, '..'), { recursive: true });
  writeFileSync(join(src, rel), text);
  return src;
}

describe('the floors', () => {
  it('src/app imports no adapter, front or I/O module, and the whole of src/ reads only through the read policy', () => {
    expect(check(join(PROJECT_ROOT, 'src', 'app'))).toEqual([]);
    expect(reads(join(PROJECT_ROOT, 'src'))).toEqual([]);
    expect(crossings(join(PROJECT_ROOT, 'src'))).toEqual([]);
  });

  it.each([
    ["const t = readFileSync(p, 'utf8');", 'readFileSync'],
    ['const t = fs.readFileSync(p);', 'readFileSync'],
    ["const t = await readFile(p, 'utf8');", 'readFile'],
    ['const n = readSync(fd, buf, 0, 10, 0);', 'readSync'],
    ['const s = createReadStream(p);', 'createReadStream'],
    ["const fd = openSync(p, 'r');", 'openSync (for reading)'],
    ['const fd = openSync(p);', 'openSync (for reading)'],
  ])('the read check catches %s', (line, call) => {
    const src = srcWith('adapters/fs/sneaky.ts', `${line}\n`);
    expect(reads(src).map((r) => r.call)).toEqual([call]);
  });

  it.each([
    ["const fd = openSync(tmp, 'wx', 0o644);"],
    ["const fd = openSync(path, 'a');"],
    ['// readFileSync(p) in a comment'],
  ])('the read check lets writes and comments be: %s', (line) => {
    expect(reads(srcWith('adapters/fs/writer.ts', `${line}\n`))).toEqual([]);
  });

  it('the read policy itself may read', () => {
    expect(reads(srcWith('adapters/fs/read-policy.ts', "const t = readSync(fd, b, 0, 1, 0);\n"))).toEqual([]);
  });

  it.each([
    ["import { runValidation } from './validate.js';", 1],
    ["import { calendarImportCommand } from './calendar-import.js';", 0],
  ])('a command importing another command is caught: %s', (line, found) => {
    const src = srcWith('cli/commands/calendar.ts', `${line}\n`);
    writeFileSync(join(src, 'cli/commands/validate.ts'), '');
    writeFileSync(join(src, 'cli/commands/calendar-import.ts'), '');
    expect(crossings(src)).toHaveLength(found);
  });

  it.each([
    ["import { run } from '../../cli/main.js';"],
    ["import { main } from '../action/main.js';"],
  ])('an adapter importing a front is caught: %s', (line) => {
    expect(crossings(srcWith('adapters/git/x.ts', `${line}\n`))).toHaveLength(1);
  });

  it.each([
    ["import { worktreeSource } from '../adapters/fs/worktree-source.js';"],
    ["import { run } from '../cli/main.js';"],
    ["import { siteWriter } from '../catalog/write-site.js';"],
    ["import { readFileSync } from 'node:fs';"],
  ])('src/app importing I/O is caught: %s', (line) => {
    const src = srcWith('app/x.ts', `${line}\n`);
    expect(check(join(src, 'app'), ['adapters', 'cli', 'report', 'catalog', 'action'])).toHaveLength(1);
  });
});
