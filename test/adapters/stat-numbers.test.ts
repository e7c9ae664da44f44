import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STAT_SLOTS, StatKind, statInto } from '../../src/adapters/fs/stat-numbers.js';

/**
 * The cache's stats are the very numbers statSync gives (the
 * cache compares them with numbers statSync took in an earlier run) and say what the path is.
 */
describe('statInto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-stat-'));
  writeFileSync(join(dir, 'a.yaml'), 'x: 1\n');
  mkdirSync(join(dir, 'folder'));
  symlinkSync('a.yaml', join(dir, 'link.yaml'));
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a file', 'a.yaml', StatKind.File],
    ['a folder', 'folder', StatKind.Folder],
    ['a link to a file (followed, as statSync does)', 'link.yaml', StatKind.File],
    ['a FIFO', 'fifo.yaml', StatKind.Other],
  ] as const)('%s: the numbers statSync gives, in its own slots', (_name, rel, kind) => {
    const s = statSync(join(dir, rel));
    const out = new Float64Array(STAT_SLOTS * 2).fill(7);
    expect(statInto(join(dir, rel), out, STAT_SLOTS)).toBe(kind);
    expect([...out]).toEqual([7, 7, 7, 7, s.size, s.mtimeMs, s.ctimeMs, s.ino]);
  });

  it.each([
    ['nothing there', 'gone.yaml'],
    ['a path through a file', 'a.yaml/inside.yaml'],
  ])('%s: missing, size -1', (_name, rel) => {
    const out = new Float64Array(STAT_SLOTS).fill(7);
    expect(statInto(join(dir, rel), out, 0)).toBe(StatKind.Missing);
    expect([...out]).toEqual([-1, 0, 0, 0]);
  });
});
