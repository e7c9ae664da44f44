import { describe, expect, it } from 'vitest';
import { decodeIndex, encodeIndex, patchIndex, type FileEntry } from '../../src/adapters/fs/cache-index.js';

/** An edit of a few files patches the index it read; the bytes must be those of encoding the whole list afresh. */
const entry = (i: number): FileEntry => ({ rel: `changes/ünï-${i}.yaml`, stat: { size: 100 + i, mtimeMs: 1_796_640_000_000.25 + i, ctimeMs: 1_796_640_000_001.5 + i, ino: 5_000_000 + i }, documents: 1 + (i % 3), records: `r${String(i).padStart(21, '0')}` });
const folders = [{ rel: '', mtimeMs: 1.5, ctimeMs: 2.5, ino: 3 }, { rel: 'changes', mtimeMs: 4.5, ctimeMs: 5.5, ino: 6 }];
const files = Array.from({ length: 50 }, (_, i) => entry(i));

describe('patching the file index', () => {
  it.each([
    ['one entry, new stat and documents', [[7, { stat: { size: 1, mtimeMs: 2.125, ctimeMs: 3.875, ino: 4 }, documents: 9, records: 'x'.repeat(22) }]]],
    ['an entry with no stat (its delta was not written)', [[0, { stat: undefined, documents: 2, records: 'y'.repeat(22) }]]],
    ['the last entry, and a records digest of the wrong length', [[49, { stat: entry(49).stat, documents: 0, records: 'short' }]]],
    ['several entries', [[1, { ...entry(30), rel: undefined }], [40, { ...entry(2), rel: undefined }]]],
  ] as [string, [number, Omit<FileEntry, 'rel'>][]][])('%s: the same bytes as encoding the list afresh', (_name, changes) => {
    const before = encodeIndex(files, folders);
    const after = files.map((f, i) => {
      const c = changes.find(([at]) => at === i);
      return c ? { ...c[1], rel: f.rel } : f;
    });
    const patched = patchIndex(before, new Map(changes));
    expect(patched.equals(encodeIndex(after, folders))).toBe(true);
    // The bytes read are left as they were: the last run's index is still named until the manifest moves.
    expect(before.equals(encodeIndex(files, folders))).toBe(true);
    expect(decodeIndex(patched).rels()).toEqual(files.map((f) => f.rel));
  });

  it.each([-1, 50, 1.5])('refuses a position outside the list (%d)', (at) => {
    expect(() => patchIndex(encodeIndex(files, folders), new Map([[at, entry(0)]]))).toThrow();
  });
});
