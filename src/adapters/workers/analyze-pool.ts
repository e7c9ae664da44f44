import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { schemaRegistry } from '../fs/schemas.js';

/** Below this many files a worker's start-up (schemas, module loading) costs more than it saves. */
export const PARALLEL_THRESHOLD = 600;

const WORKER_URL = new URL('./analyze-worker.js', import.meta.url);
// Under the test runner the sources are TypeScript and cannot start as a plain worker.
const CAN_SPAWN = import.meta.url.endsWith('.js');

export interface PoolOptions {
  threads?: number;
  maxBytes: number;
  /** Where worker i writes its results as cache shard i (`${prefix}${i}.json`). */
  shardPrefix?: string;
}

export interface PoolResult {
  results: DiskAnalysis[];
  /** Shards the workers wrote (or are writing); empty when the caller must write the cache. */
  shards: string[];
  /** Resolves when every worker has finished writing and exited. */
  done: Promise<void>;
}

/**
 * Analyses files on every core. With several threads the workers do all the parsing while the
 * main thread stays free for discovery and the cross-document checks; shares are balanced by
 * bytes, not file count, since parse time follows size.
 */
export async function analyzeAll(files: readonly { rel: string; abs: string; size?: number }[], options: PoolOptions): Promise<PoolResult> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 8));
  if (!CAN_SPAWN || threads === 1 || files.length < PARALLEL_THRESHOLD) {
    const registry = schemaRegistry();
    return { results: files.map((f) => analyzeOnDisk(f.rel, f.abs, registry, options.maxBytes)), shards: [], done: Promise.resolve() };
  }
  const shares: { rel: string; abs: string; order: number }[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  // Without sizes (a cold run stats nothing up front), interleaving by path spreads folders evenly.
  files.forEach((f, order) => {
    let k = 0;
    for (let i = 1; i < threads; i++) if (load[i]! < load[k]!) k = i;
    shares[k]!.push({ rel: f.rel, abs: f.abs, order });
    load[k]! += (f.size ?? 2048) + 512;
  });
  const shards: string[] = [];
  const exits: Promise<void>[] = [];
  const pending = shares.map((share, i) => {
    const shardPath = options.shardPrefix ? `${options.shardPrefix}${i}.json` : undefined;
    if (shardPath) shards.push(shardPath);
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 64 }, workerData: { files: share.map(({ rel, abs }) => ({ rel, abs })), maxBytes: options.maxBytes, ...(shardPath ? { shardPath } : {}) } });
    exits.push(new Promise<void>((resolve) => worker.once('exit', () => resolve())));
    return new Promise<DiskAnalysis[]>((resolve, reject) => {
      worker.once('message', (json: string) => resolve(JSON.parse(json) as DiskAnalysis[]));
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (code !== 0) reject(new Error(`analysis worker stopped with exit code ${code}`));
      });
    });
  });
  const done = await Promise.all(pending);
  const results = new Array<DiskAnalysis>(files.length);
  done.forEach((list, w) => shares[w]!.forEach((f, i) => (results[f.order] = list[i]!)));
  return { results, shards, done: Promise.all(exits).then(() => undefined) };
}
