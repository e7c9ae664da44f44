import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { findViolations } from '../../scripts/check-core-purity.mjs';
import { PROJECT_ROOT } from '../helpers/org.js';

const check = findViolations as (dir: string) => { file: string; spec: string }[];

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
