/**
 * The protocol between the analysis pool and its workers: one shared list of files, and one
 * counter in shared memory from which every thread claims the next chunk of indices.
 */
export interface ShareJob {
  files: { rel: string; abs: string }[];
  /** Int32Array over a SharedArrayBuffer: the next unclaimed index. */
  counter: Int32Array;
  maxBytes: number;
  shardPath?: string;
}

export interface ShareResult {
  /** Indices into the job's files, in the order of the analyses in `json`. */
  order: number[];
  /** The analyses in analysis-codec's text: exactly the cache shard's text. */
  json: string;
}

/** Small enough that the last chunks even out the threads, large enough that claiming is free. */
export const CLAIM_CHUNK = 32;

/** Calls `each(i)` for every index this thread claims, until the list is used up. */
export function claimAll(counter: Int32Array, total: number, chunk: number, each: (index: number) => void): void {
  for (;;) {
    const start = Atomics.add(counter, 0, chunk);
    if (start >= total) return;
    const end = Math.min(total, start + chunk);
    for (let i = start; i < end; i++) each(i);
  }
}
