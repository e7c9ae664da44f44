import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';

/** Every file of a site, site-relative, with its bytes and the identity of the write that made it. */
export interface Seen {
  bytes: Buffer;
  /** Changes whenever the file is written (or replaced): mtime, ctime and inode. */
  write: string;
}
export function snapshot(dir: string): Map<string, Seen> {
  const out = new Map<string, Seen>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(relative(dir, p), { bytes: readFileSync(p), write: `${st.mtimeMs}:${st.ctimeMs}:${st.ino}` });
    }
  };
  walk(dir);
  return out;
}

/** The site's files, as text. */
function files(dir: string): Map<string, string> {
  return new Map([...snapshot(dir)].map(([f, s]) => [f, s.bytes.toString('latin1')]));
}

/** Asserts two sites hold the same files with the same bytes, every file compared. */
export function expectSameSite(actual: string, expected: string): void {
  const a = files(actual);
  const b = files(expected);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const differing = [...b].filter(([f, bytes]) => a.get(f) !== bytes).map(([f]) => f);
  expect(differing).toEqual([]);
}

export function rewritten(before: Map<string, Seen>, after: Map<string, Seen>): string[] {
  return [...after]
    .filter(([f, s]) => before.get(f)?.write !== s.write)
    .map(([f]) => f)
    .sort();
}

export function changedContent(before: Map<string, Seen>, after: Map<string, Seen>): string[] {
  return [...after]
    .filter(([f, s]) => !before.get(f)?.bytes.equals(s.bytes))
    .map(([f]) => f)
    .sort();
}

