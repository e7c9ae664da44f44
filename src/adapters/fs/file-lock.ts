import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { readNamedFile } from './read-policy.js';

/**
 * An exclusive lock on one file, for read-decide-write cycles that must not interleave (eight
 * pipelines recording outcomes into one change file at once). The lock is a file beside the
 * target created with O_EXCL, which the kernel grants to exactly one creator, even on NFS v3+.
 * A holder that died leaves its lock behind; it is broken when its process is gone (same
 * host) or when it is older than any real holder could be, by renaming it away, which only one
 * breaker can do, and then checking that what was renamed is the lock judged stale. A holding
 * is known by its text (pid, host, time and a random token), not its inode: a freed inode
 * number is often handed to the very next file created.
 */
export interface LockOptions {
  /** How long to wait for the holder before giving up. */
  waitMs?: number;
  /** A lock older than this is a dead holder's: recording holds one for milliseconds. */
  staleMs?: number;
}

export type Locked<T> = { ok: true; value: T } | { ok: false; holder: string };

const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_STALE_MS = 10_000;

export function lockPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.opsledger-lock`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/** Creates the lock and returns its text, which identifies this holding; undefined when someone holds it. */
function tryCreate(lock: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o644);
  } catch (e) {
    if (errno(e) === 'EEXIST') return undefined;
    throw e;
  }
  const text = `${process.pid} ${hostname()} ${new Date().toISOString()} ${randomBytes(6).toString('hex')}`;
  try {
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return text;
}

function textOf(path: string): string | undefined {
  const r = readNamedFile(path, 4096);
  return 'bytes' in r ? r.bytes.toString('utf8') : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is only someone else's.
    return errno(e) === 'EPERM';
  }
}

/** Who holds the lock, and whether that holding is over. */
function inspect(lock: string, staleMs: number): { text: string; stale: boolean } | undefined {
  let st;
  try {
    st = lstatSync(lock);
  } catch {
    return undefined;
  }
  const text = textOf(lock) ?? '';
  const [pid, host] = text.split(' ');
  const deadHere = host === hostname() && /^\d+$/.test(pid ?? '') && !alive(Number(pid));
  return { text, stale: !st.isFile() || deadHere || Date.now() - st.mtimeMs > staleMs };
}

/** Moves a stale lock away; puts it back if another breaker replaced it with a live one meanwhile. */
function breakStale(lock: string, text: string): void {
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
  } catch {
    return;
  }
  try {
    if ((textOf(aside) ?? '') !== text) {
      try {
        linkSync(aside, lock);
      } catch {
        // A newer holder already took the name; the one moved aside was older anyway.
      }
    }
  } finally {
    unlinkSync(aside);
  }
}

export async function withFileLock<T>(path: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<Locked<T>> {
  const lock = lockPathFor(path);
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  let pause = 5;
  for (;;) {
    const mine = tryCreate(lock);
    if (mine !== undefined) {
      try {
        return { ok: true, value: await fn() };
      } finally {
        // Only our own holding is removed: a breaker may have judged it stale and replaced it.
        try {
          if (textOf(lock) === mine) unlinkSync(lock);
        } catch {
          // already gone
        }
      }
    }
    const held = inspect(lock, staleMs);
    if (held?.stale) {
      breakStale(lock, held.text);
      continue;
    }
    if (Date.now() >= deadline) return { ok: false, holder: held?.text || 'unknown' };
    await sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 100);
  }
}
