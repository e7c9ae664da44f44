import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The one read policy. Every byte opsledger reads from disk passes through this module (`npm
 * run lint` refuses fs read calls anywhere else in src/): repository content, the files a user
 * names on the command line, and opsledger's own files (its cache, schemas and templates).
 *
 * Repository content is written by whoever opened the pull request, so it is read only when it
 * is a regular file inside the repository (after every symbolic link is resolved), no larger
 * than the cap, and opened so that a FIFO or a device can never block or stream forever: the
 * open does not wait for a writer (O_NONBLOCK), the type and size come from the descriptor's own
 * fstat, and at most that many bytes are read.
 */

/** Larger YAML files are refused unread: real catalogue files are a few kilobytes. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Why a file was not read; each is also a diagnostic code. */
export type Refusal = 'file.not-found' | 'file.unreadable' | 'file.not-regular' | 'file.too-large' | 'file.symlink-escape' | 'file.symlink-broken' | 'file.outside-root';

export type ReadOutcome = { bytes: Buffer; stat: FileStat } | { refused: Refusal; stat?: FileStat };

// Segments of anything but `/` and NUL, none of them empty, `.` or `..`.
const PLAIN_RELATIVE = /^(?!\.\.?(?:\/|$))[^/\0]+(?:\/(?!\.\.?(?:\/|$))[^/\0]+)*$/;

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW;

export function isInside(root: string, abs: string): boolean {
  // A path that starts with the root and a separator, with no segment below it starting with a
  // dot ('..' and '.' included), is below it; anything else gets the general answer, as it always
  // did. path.relative for every file read was a tenth of a cold run's own time.
  if (abs.length > root.length + 1 && abs.startsWith(root) && abs[root.length] === sep && !root.endsWith(sep) && !abs.includes(`${sep}.`, root.length)) return true;
  const r = relative(root, abs);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/** Reads what an open descriptor holds, if it is a regular file within the cap. */
function readDescriptor(fd: number, maxBytes: number): ReadOutcome {
  const st = fstatSync(fd);
  if (!st.isFile()) return { refused: 'file.not-regular' };
  const stat = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
  if (st.size > maxBytes) return { refused: 'file.too-large', stat };
  const bytes = Buffer.allocUnsafe(st.size);
  let read = 0;
  while (read < st.size) {
    const n = readSync(fd, bytes, read, st.size - read, read);
    if (n === 0) break;
    read += n;
  }
  return { bytes: read === st.size ? bytes : bytes.subarray(0, read), stat };
}

function readPath(path: string, flags: number, maxBytes: number): ReadOutcome | 'link' {
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (e) {
    const code = errno(e);
    if (code === 'ELOOP') return 'link';
    return { refused: code === 'ENOENT' || code === 'ENOTDIR' ? 'file.not-found' : 'file.unreadable' };
  }
  try {
    return readDescriptor(fd, maxBytes);
  } catch {
    return { refused: 'file.unreadable' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the repository at `root`. Folders are resolved once each (a symbolic folder that leads
 * out is refused like a symbolic file that does), so checking costs one realpath per folder.
 * Make one per run: what it remembers of the folders is only as fresh as the run.
 */
export class RepositoryReader {
  readonly root: string;
  readonly realRoot: string;
  private readonly realDirs = new Map<string, string>();

  constructor(
    root: string,
    readonly maxBytes: number = DEFAULT_MAX_FILE_BYTES,
  ) {
    this.root = resolve(root);
    this.realRoot = realpathSync.native(this.root);
  }

  // Only folders that exist are remembered: one created later in the run is looked at again.
  private realDir(dir: string): string | undefined {
    const known = this.realDirs.get(dir);
    if (known !== undefined) return known;
    if (dir === this.root) return this.realRoot;
    let real: string | undefined;
    // A folder below one already resolved that is itself no link resolves to its parent's real
    // path and its own name: one lstat, where realpath asks again about every folder above it
    // (the 10,000 service folders of a large organisation were a sixth of reading it).
    const slash = dir.lastIndexOf('/');
    if (sep === '/' && slash > this.root.length && dir.startsWith(this.root) && dir[this.root.length] === '/') {
      const parent = this.realDir(dir.slice(0, slash));
      if (parent === undefined) return undefined;
      try {
        if (lstatSync(dir).isDirectory()) real = `${parent}/${dir.slice(slash + 1)}`;
      } catch {
        return undefined;
      }
    }
    try {
      real ??= realpathSync.native(dir);
      this.realDirs.set(dir, real);
      return real;
    } catch {
      return undefined;
    }
  }

  /** `rel` is relative to the root, with forward slashes. */
  read(rel: string): ReadOutcome {
    // The path a plain relative name (no empty, `.` or `..` segment) resolves to, without
    // path.resolve's general walk: this runs once per file of the organisation.
    const plain = sep === '/' && PLAIN_RELATIVE.test(rel) && !this.root.endsWith('/');
    const abs = plain ? `${this.root}/${rel}` : resolve(this.root, rel);
    if (!isInside(this.root, abs)) return { refused: 'file.outside-root' };
    const cut = plain ? abs.lastIndexOf('/') : dirname(abs).length;
    const dir = this.realDir(plain ? abs.slice(0, cut) : dirname(abs));
    if (dir === undefined) return { refused: 'file.not-found' };
    if (!isInside(this.realRoot, dir)) return { refused: 'file.symlink-escape' };
    const direct = plain ? `${dir}/${abs.slice(cut + 1)}` : join(dir, abs.slice(cut + 1));
    const first = readPath(direct, OPEN_FLAGS, this.maxBytes);
    if (first !== 'link') return first;
    // The file itself is a symbolic link: follow it only to a target inside the repository.
    let target: string;
    try {
      target = realpathSync.native(direct);
    } catch {
      return { refused: 'file.symlink-broken' };
    }
    if (!isInside(this.realRoot, target)) return { refused: 'file.symlink-escape' };
    const second = readPath(target, OPEN_FLAGS, this.maxBytes);
    return second === 'link' ? { refused: 'file.unreadable' } : second;
  }

  /** The bytes of a repository file for code frames and snippets, or nothing when refused. */
  readonly source = (rel: string): Uint8Array | undefined => {
    const r = this.read(rel);
    return 'bytes' in r ? r.bytes : undefined;
  };
}

export function repositoryReader(root: string, maxBytes = DEFAULT_MAX_FILE_BYTES): RepositoryReader {
  return new RepositoryReader(root, maxBytes);
}

/**
 * A file the user named (an event payload, an import's input, a private key): the user chose
 * it, so links are followed, but it must still be a regular file within the cap, and a FIFO
 * or a device is refused without blocking.
 */
export function readNamedFile(path: string, maxBytes: number): ReadOutcome {
  const r = readPath(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY, maxBytes);
  return r === 'link' ? { refused: 'file.unreadable' } : r;
}

/** Words for a refusal, for messages about files the user named. */
export function describeRefusal(r: Refusal, stat?: FileStat, maxBytes?: number): string {
  switch (r) {
    case 'file.not-found':
      return 'no such file';
    case 'file.not-regular':
      return 'not a regular file';
    case 'file.too-large':
      return `${stat?.size ?? 'too many'} bytes, over the ${maxBytes}-byte limit`;
    default:
      return 'the file cannot be read';
  }
}

/**
 * opsledger's own files: what it shipped (schemas, templates) or wrote (its cache). They are not
 * attacker-written, but a cache folder inside a repository is, so links are not followed and
 * only regular files are read, up to `maxBytes`. Throws when the file cannot be read.
 */
export function readOwnFile(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Buffer {
  const r = readPath(path, OPEN_FLAGS, maxBytes);
  if (r === 'link') throw new Error(`${path} is a symbolic link; opsledger does not follow links among its own files`);
  if ('refused' in r) throw new Error(`${path}: ${describeRefusal(r.refused)}`);
  return r.bytes;
}

export function readOwnText(path: string): string {
  return readOwnFile(path).toString('utf8');
}
