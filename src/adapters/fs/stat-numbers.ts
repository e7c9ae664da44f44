import { statSync } from 'node:fs';

/**
 * Stats as the validation cache compares them (size, mtimeMs, ctimeMs, inode), written into a
 * table rather than returned as a Stats object each. A warm run stats every file and folder
 * (27k on the example corpus); Node 20's statSync builds, per call, a Stats object with four
 * Dates (a third of the call's cost, and most of the run's garbage). statSync itself asks the
 * fs binding, which fills a shared Float64Array: that binding is used directly when it answers
 * as statSync does for this process's own files (checked once, fields and numbers alike), and
 * statSync otherwise (Windows, another Node whose binding changed, no binding at all).
 */
export const STAT_SLOTS = 4;

export const StatKind = { Missing: 0, File: 1, Folder: 2, Other: 3 } as const;
export type StatKind = (typeof StatKind)[keyof typeof StatKind];

type RawStat = (path: string) => Float64Array | undefined;

// The binding's layout (src/node_file.h: FsStatsOffset): mode at 1, ino 7, size 8, then each time as seconds and nanoseconds.
const MODE = 1;
const INO = 7;
const SIZE = 8;
const MTIME = 12;
const CTIME = 14;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

// As Node computes mtimeMs from the binding's seconds and nanoseconds (lib/internal/fs/utils.js), so the numbers are the same doubles.
const ms = (a: Float64Array, at: number) => a[at]! * 1e3 + a[at + 1]! / 1e6;

let raw: RawStat | null | undefined;

function binding(): RawStat | null {
  if (process.platform === 'win32') return null;
  try {
    const b = (process as unknown as { binding?: (name: string) => { stat?: (...args: unknown[]) => unknown } }).binding?.('fs');
    const stat = b?.stat;
    if (typeof stat !== 'function') return null;
    const fn: RawStat = (path) => {
      const out = stat.call(b, path, false, undefined, false);
      return out instanceof Float64Array ? out : undefined;
    };
    // Agrees with statSync on a file and a folder, and says "missing" for what is not there.
    for (const path of [process.execPath, process.cwd()]) {
      const a = fn(path);
      const s = statSync(path);
      if (!a || a.length < CTIME + 2 || a[MODE] !== s.mode || a[INO] !== s.ino || a[SIZE] !== s.size || ms(a, MTIME) !== s.mtimeMs || ms(a, CTIME) !== s.ctimeMs) return null;
    }
    if (fn(`${process.cwd()}/\u0001opsledger-no-such-file`) !== undefined) return null;
    return fn;
  } catch {
    return null;
  }
}

/** The stat of `path` at out[o] to out[o + 3] (size -1 when it is missing or cannot be statted), and what it is. */
export function statInto(path: string, out: Float64Array, o: number): StatKind {
  if (raw === undefined) raw = binding();
  let mode: number;
  try {
    if (raw) {
      const a = raw(path);
      if (!a) return missing(out, o);
      out[o] = a[SIZE]!;
      out[o + 1] = ms(a, MTIME);
      out[o + 2] = ms(a, CTIME);
      out[o + 3] = a[INO]!;
      mode = a[MODE]!;
    } else {
      const s = statSync(path, { throwIfNoEntry: false });
      if (!s) return missing(out, o);
      out[o] = s.size;
      out[o + 1] = s.mtimeMs;
      out[o + 2] = s.ctimeMs;
      out[o + 3] = s.ino;
      mode = s.mode;
    }
  } catch {
    return missing(out, o);
  }
  const type = mode & S_IFMT;
  return type === S_IFREG ? StatKind.File : type === S_IFDIR ? StatKind.Folder : StatKind.Other;
}

function missing(out: Float64Array, o: number): StatKind {
  out[o] = -1;
  out[o + 1] = out[o + 2] = out[o + 3] = 0;
  return StatKind.Missing;
}

/** Forgets which way stats are taken (tests only: the next stat checks the binding again). */
export function resetStatWay(way?: 'statSync'): void {
  raw = way === 'statSync' ? null : undefined;
}

/** Which way this process takes stats. */
export function statWay(): 'binding' | 'statSync' {
  if (raw === undefined) raw = binding();
  return raw ? 'binding' : 'statSync';
}
