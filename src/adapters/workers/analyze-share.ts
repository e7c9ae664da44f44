import type { MessagePort } from 'node:worker_threads';

/**
 * The protocol between the analysis pool and its workers: one shared list of files, and one
 * counter in shared memory from which every thread claims the next chunk of indices. Workers
 * send results back in batches while they work, so the main thread decodes them in between
 * its own chunks instead of all at the end.
 */
export interface ShareJob {
  root: string;
  /** Repository-relative paths: all of them, or, with `listing`, the first ones found. */
  files: string[];
  /** Int32Array over a SharedArrayBuffer: the next unclaimed index. */
  counter: Int32Array;
  /**
   * Present while the list is still being made (discovery runs on the main thread as the
   * workers start on what it has found): Int32Array over a SharedArrayBuffer, [paths sent,
   * 1 once the last chunk is sent]. The rest of the paths come over `port` as `ListChunk`s.
   */
  listing?: Int32Array;
  maxBytes: number;
  /** Where the batches go. */
  port: MessagePort;
  shardPath?: string;
  /** Send each file's text with its analysis, for a caller that needs the values too. */
  keepText?: boolean;
  /**
   * Give each analysis the git blob id of the bytes read, and send its values as a value-cache
   * entry (JSON, which the main thread reads back faster than the YAML, and can write to the
   * cache as it is); the text goes only for files whose values JSON cannot carry.
   */
  blobIds?: boolean;
}

export interface ShareBatch {
  /** Indices into the job's files, in the order of the analyses in `text`. */
  order: number[];
  /** The analyses in analysis-codec's text. */
  text: string;
  /** Each analysis's records digest, in `order`'s order (made with `text`, so the main thread need not). */
  digests: string[];
  /** With `keepText`: each file's decoded text, in `order`'s order (null: it did not decode, or its entry went instead). */
  texts?: (string | null)[];
  /** With `keepText` and `blobIds`: each file's value-cache entry (encodeValueEntry), null where there is none. */
  entries?: (string | null)[];
  /** On the worker's last batch: whether its cache shard is complete on disk. */
  final?: { shardWritten: boolean };
}

/** More paths for a worker, in the list's order; `last` on the final one. */
export interface ListChunk {
  paths: string[];
  last?: boolean;
}

/** Small enough that the last chunks even out the threads, large enough that claiming is free. */
export const CLAIM_CHUNK = 32;
/** Analyses per batch a worker sends. */
export const BATCH = 2048;

/**
 * Whether a thread holding `held` analyses sends (or writes) them now: at BATCH, and in smaller
 * batches once fewer than two batches' worth of files are left to claim, so that what is left
 * to encode and decode after the last file is read is a few hundred analyses, not thousands.
 * `left`: files not yet claimed (Infinity while the list is still being made).
 */
export function batchDue(held: number, left: number): boolean {
  return held >= BATCH || (left < 2 * BATCH && held >= BATCH / 8);
}

/**
 * Calls `each(i)` for every index this thread claims, and `between()` after each chunk.
 * `total` is the list's length, or, for a list still growing, a function that returns once at
 * least `need` entries are known or the list is complete, with how many there are: below
 * `need` only when it is complete.
 */
export function claimAll(counter: Int32Array, total: number | ((need: number) => number), each: (index: number) => void, between?: () => void): void {
  for (;;) {
    const start = Atomics.add(counter, 0, CLAIM_CHUNK);
    const known = typeof total === 'number' ? total : total(start + CLAIM_CHUNK);
    if (start >= known) return;
    const end = Math.min(known, start + CLAIM_CHUNK);
    for (let i = start; i < end; i++) each(i);
    between?.();
  }
}

/**
 * A worker's copy of a list the main thread is still making: `known(need)` is claimAll's
 * `total`. The main thread posts each chunk before it counts it in `listing`, so a count seen
 * here is a chunk already queued on the port; the wait only sleeps while nothing new is sent.
 */
export function growingList(first: string[], listing: Int32Array, pull: () => ListChunk | undefined): { files: string[]; known: (need: number) => number; complete: () => boolean } {
  const files = first;
  let complete = false;
  const known = (need: number): number => {
    for (;;) {
      for (let m = pull(); m; m = pull()) {
        for (const p of m.paths) files.push(p);
        if (m.last) complete = true;
      }
      if (complete || files.length >= need) return files.length;
      const sent = Atomics.load(listing, 0);
      // Sent but not yet pulled: pull again rather than sleep.
      if (sent > files.length || Atomics.load(listing, 1) === 1) continue;
      Atomics.wait(listing, 0, sent, 100);
    }
  };
  return { files, known, complete: () => complete };
}
