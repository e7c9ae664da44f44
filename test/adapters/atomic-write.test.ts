import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnsafeWriteTargetError, writeFileAtomic } from '../../src/adapters/fs/atomic-write.js';
import { writeFiles } from '../../src/adapters/fs/write-files.js';

// The writer's own calls go through these spies, so a test can make one step fail part-way.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, renameSync: vi.fn(actual.renameSync), fsyncSync: vi.fn(actual.fsyncSync), writeFileSync: vi.fn(actual.writeFileSync) };
});

afterEach(() => {
  vi.mocked(fs.renameSync).mockReset();
  vi.mocked(fs.fsyncSync).mockReset();
  vi.mocked(fs.writeFileSync).mockReset();
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'opsledger-atomic-'));

describe('writeFileAtomic', () => {
  // 0o666 and 0o777 are wider than the usual umask lets open() create: the mode must be restored, not masked.
  it.each(['600', '640', '644', '666', '755', '777'])('replaces the content and keeps mode %s', (octal) => {
    const mode = parseInt(octal, 8);
    const dir = tempDir();
    const target = join(dir, 'change.yaml');
    writeFileSync(target, 'old: 1\n');
    chmodSync(target, mode);
    writeFileAtomic(target, 'new: 2\n');
    expect(readFileSync(target, 'utf8')).toBe('new: 2\n');
    expect(statSync(target).mode & 0o777).toBe(mode);
    expect(readdirSync(dir)).toEqual(['change.yaml']);
  });

  it('creates a new file and the folders above it', () => {
    const dir = tempDir();
    const target = join(dir, 'services', 'checkout', 'service.yaml');
    writeFileAtomic(target, 'kind: Service\n');
    expect(readFileSync(target, 'utf8')).toBe('kind: Service\n');
    expect(lstatSync(target).isFile()).toBe(true);
    expect(readdirSync(join(dir, 'services', 'checkout'))).toEqual(['service.yaml']);
  });

  it('writes a text of several megabytes in full', () => {
    const dir = tempDir();
    const target = join(dir, 'big.yaml');
    const text = 'x: "ä€𝄞"\n'.repeat(400_000);
    writeFileAtomic(target, text);
    expect(readFileSync(target, 'utf8')).toBe(text);
  });

  it.each([
    ['the write', () => vi.mocked(fs.writeFileSync)],
    ['the flush to disk', () => vi.mocked(fs.fsyncSync)],
    ['the rename', () => vi.mocked(fs.renameSync)],
  ])('leaves the original and no temporary file when %s fails', (_step, spy) => {
    const dir = tempDir();
    const target = join(dir, 'change.yaml');
    writeFileSync(target, 'old: 1\n');
    spy().mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => writeFileAtomic(target, 'new: 2\n')).toThrow(/ENOSPC/);
    expect(spy()).toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual(['change.yaml']);
    expect(readFileSync(target, 'utf8')).toBe('old: 1\n');
  });

  interface Refusal {
    /** Makes the target inside `dir` and returns a check that it is as it was. */
    make(dir: string, target: string): () => void;
    found: string;
  }
  const linkTo = (pointee: (dir: string) => string): Refusal => ({
    found: 'symbolic link',
    make(dir, target) {
      const path = pointee(dir);
      writeFileSync(path, 'pointed at\n');
      symlinkSync(path, target);
      return () => {
        expect(lstatSync(target).isSymbolicLink()).toBe(true);
        expect(readlinkSync(target)).toBe(path);
        expect(readFileSync(path, 'utf8')).toBe('pointed at\n');
      };
    },
  });
  it.each<[string, Refusal]>([
    ['a symbolic link to a file in the same folder', linkTo((dir) => join(dir, 'real.yaml'))],
    ['a symbolic link to a file outside the folder', linkTo(() => join(tempDir(), 'elsewhere.yaml'))],
    [
      'a FIFO',
      {
        found: 'FIFO',
        make(_dir, target) {
          execFileSync('mkfifo', [target]);
          return () => expect(lstatSync(target).isFIFO()).toBe(true);
        },
      },
    ],
    [
      'a folder',
      {
        found: 'folder',
        make(_dir, target) {
          mkdirSync(target);
          writeFileSync(join(target, 'inside.yaml'), 'kept\n');
          return () => {
            expect(lstatSync(target).isDirectory()).toBe(true);
            expect(readdirSync(target)).toEqual(['inside.yaml']);
            expect(readFileSync(join(target, 'inside.yaml'), 'utf8')).toBe('kept\n');
          };
        },
      },
    ],
  ])('refuses %s and leaves it untouched', (_what, { make, found }) => {
    const dir = tempDir();
    const target = join(dir, 'target.yaml');
    const untouched = make(dir, target);
    const before = readdirSync(dir).sort();
    let error: unknown;
    try {
      writeFileAtomic(target, 'new: 2\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsafeWriteTargetError);
    expect(error).toMatchObject({ path: target, found });
    untouched();
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('writeFiles', () => {
  it('refuses a symbolic link among the targets, even with force, before writing any file', () => {
    const dir = tempDir();
    const outside = join(tempDir(), 'outside.yaml');
    writeFileSync(outside, 'outside\n');
    mkdirSync(join(dir, 'teams'));
    symlinkSync(outside, join(dir, 'teams', 'b.yaml'));
    expect(() =>
      writeFiles(
        dir,
        [
          { path: 'teams/a.yaml', content: 'a\n' },
          { path: 'teams/b.yaml', content: 'b\n' },
        ],
        { force: true },
      ),
    ).toThrow(UnsafeWriteTargetError);
    expect(readdirSync(join(dir, 'teams'))).toEqual(['b.yaml']);
    expect(readFileSync(outside, 'utf8')).toBe('outside\n');
  });
});
