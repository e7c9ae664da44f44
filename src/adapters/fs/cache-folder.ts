import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInside, readOwnText } from './read-policy.js';

/**
 * The cache folder sits inside the repository, so a pull request can commit one: a symbolic
 * link to somewhere else (validate would then write and delete files wherever it points), a
 * file, a FIFO, or a real folder holding links named like the files the cache writes. The
 * folder is used only when it is a real folder inside the repository, and every file in it is
 * created exclusively (O_EXCL: an existing name, a link included, is never opened) and removed
 * with unlink, which removes a link itself and never what it points at.
 */
export type CacheFolderRefusal = 'symbolic link' | 'not a folder' | 'outside the repository';

export function cacheFolderRefusal(root: string, dir: string): CacheFolderRefusal | undefined {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    // Absent: it will be created as a real folder directly under the root.
    return undefined;
  }
  if (st.isSymbolicLink()) return 'symbolic link';
  if (!st.isDirectory()) return 'not a folder';
  try {
    if (!isInside(realpathSync.native(root), realpathSync.native(dir))) return 'outside the repository';
  } catch {
    return 'outside the repository';
  }
  return undefined;
}

/** Creates the folder itself (not its parents: the root exists, and a missing one is no repository). */
export function ensureCacheFolder(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** Writes a new file; throws when anything already has that name. */
export function createExclusive(path: string, text: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o666);
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Tells git to ignore the cache folder; whatever already has the name is left as it is. */
export function ignoreInGit(dir: string): void {
  try {
    createExclusive(join(dir, '.gitignore'), '*\n');
  } catch {
    // there already
  }
}

/**
 * Writes `name` in the cache folder whole or not at all: a temporary file created exclusively
 * beside it, then renamed over the name (which replaces a link or FIFO of that name, never what
 * it points at; two writers each rename a whole file, the last one wins). Creates the folder and
 * its .gitignore first. Throws when it cannot, leaving no temporary file.
 */
export function writeCacheFile(dir: string, name: string, text: string | Uint8Array): void {
  ensureCacheFolder(dir);
  ignoreInGit(dir);
  const temp = join(dir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    createExclusive(temp, text);
    renameSync(temp, join(dir, name));
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw e;
  }
}

/** Removes the entries `drop` selects that are files or links; a folder is left alone. */
export function removeEntries(dir: string, drop: (name: string) => boolean): void {
  for (const name of readdirSync(dir)) {
    if (!drop(name)) continue;
    try {
      if (!lstatSync(join(dir, name)).isDirectory()) unlinkSync(join(dir, name));
    } catch {
      // Gone already, or not ours to remove: the next run tries again.
    }
  }
}

/**
 * A cache's manifest, when it is one for this key and has the shape `valid` asks for; otherwise
 * undefined (no cache, an unreadable one or another version's: start cold). A committed or
 * hand-made manifest may claim any start: it cannot be later than its own file.
 */
export function readManifest<M extends { key: string; startedAt: number }>(path: string, key: string, valid: (m: M) => boolean): M | undefined {
  try {
    const m = JSON.parse(readOwnText(path)) as M;
    if (m?.key !== key || typeof m.startedAt !== 'number' || !valid(m)) return undefined;
    m.startedAt = Math.min(m.startedAt, lstatSync(path).mtimeMs);
    return m;
  } catch {
    return undefined;
  }
}
