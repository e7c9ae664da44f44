import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../app/errors.js';

/** What stood at a target path in place of a regular file. */
export type UnsafeTarget = 'symbolic link' | 'folder' | 'FIFO' | 'socket' | 'character device' | 'block device' | 'special file';

/**
 * A write refused because the target exists and is not a regular file. Renaming over a
 * symbolic link would silently turn it into a copy (or, followed, write wherever it points,
 * possibly outside the repository); a FIFO, socket or device is not ours to replace.
 */
/** A target the user named that must not be replaced: reported like any input the user must fix. */
export class UnsafeWriteTargetError extends InputError {
  override name = 'UnsafeWriteTargetError';
  constructor(
    readonly path: string,
    readonly found: UnsafeTarget,
  ) {
    super(`refusing to write ${path}: it is a ${found}, not a regular file`);
  }
}

function unsafeKind(stats: Stats): UnsafeTarget | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isSymbolicLink()) return 'symbolic link';
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'special file';
}

/**
 * Throws UnsafeWriteTargetError when something other than a regular file stands at `path`.
 * For checking a batch before the first write; a path that cannot be looked at passes, and the
 * write itself then reports why.
 */
export function assertSafeWriteTarget(path: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return;
  }
  const found = unsafeKind(stats);
  if (found) throw new UnsafeWriteTargetError(path, found);
}

/**
 * Replaces a file's content all at once: the text goes to a temporary file in the same folder,
 * is flushed to disk, and is renamed over the original. A reader (or a crash, or a concurrent
 * `git add`) sees either the old file or the new one, never half of each. The mode of the
 * original file is kept; the folder is created if missing. Anything but a regular file at the
 * target is refused with UnsafeWriteTargetError and left as it is.
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  let existing: Stats | undefined;
  try {
    // lstat, not stat: a link must be seen as a link, never as whatever it points at.
    existing = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const found = existing && unsafeKind(existing);
  if (found) throw new UnsafeWriteTargetError(path, found);
  const mode = existing && existing.mode & 0o777;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // A new file gets what the umask allows, as with any other file the user creates.
    const fd = openSync(tmp, 'wx', mode ?? 0o666);
    try {
      // The umask also narrows the mode given to open; only chmod restores the original exactly.
      if (mode !== undefined) fchmodSync(fd, mode);
      // writeFileSync on a descriptor loops until every byte is written; one writeSync may not.
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed or never created.
    }
    throw e;
  }
}

/**
 * Appends to a file someone else named and owns (the runner's job summary): a link is followed,
 * since whoever named the path chose where it leads, and nothing is ever replaced. Anything but
 * a regular file at the end is refused before it is opened, so a FIFO with no reader cannot
 * block the open, and checked again on the open descriptor.
 */
export function appendToNamedFile(path: string, text: string): void {
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const before = stats && unsafeKind(stats);
  if (before) throw new UnsafeWriteTargetError(path, before);
  const fd = openSync(path, 'a', 0o666);
  try {
    const found = unsafeKind(fstatSync(fd));
    if (found) throw new UnsafeWriteTargetError(path, found);
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
