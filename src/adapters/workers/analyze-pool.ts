import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeAnalyses } from '../fs/analysis-codec.js';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { schemaRegistry } from '../fs/schemas.js';
import { claimAll, CLAIM_CHUNK, type ShareJob, type ShareResult } from './analyze-share.js';

/** Below this many files a worker's start-up costs more than it saves. */
export const PARALLEL_THRESHOLD = 600;

const WORKER_URL = new URL('./analyze-worker.js', import.meta.url);
// Under the test runner the sources are TypeScript and cannot start as a plain worker.
const CAN_SPAWN = import.meta.url.endsWith('.js');

export interface PoolOptions {
  /** Threads in all, this one included (default: one per core, at most 8). */
  threads?: number;
  maxBytes: number;
}

export interface PoolResult {
  results: DiskAnalysis[];
  /** Cache shards the workers wrote, one per worker. */
  shards: string[];
  /** What this thread analysed itself (no worker wrote a shard for it), in `files` order. */
  local: DiskAnalysis[];
  /** Resolves when every worker has finished writing and exited. */
  done: Promise<void>;
}

interface Running {
  worker: Worker;
  result: Promise<ShareResult | undefined>;
  exited: Promise<void>;
}

/**
 * Analyses files on every core: this thread and the workers claim chunks of one shared list
 * through an atomic counter, so shares balance themselves whatever the files' sizes and
 * however late a worker starts. Workers are started when the pool is made, before the caller
 * has even listed the files, so their start-up overlaps discovery. A worker returns one
 * text, which is also its cache shard; whatever a failed worker claimed is analysed here.
 */
export class AnalysisPool {
  private readonly running: Running[] = [];

  constructor(private readonly options: PoolOptions) {
    const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 8));
    if (!CAN_SPAWN) return;
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const result = new Promise<ShareResult | undefined>((resolve) => {
        worker.once('message', (m: ShareResult) => resolve(m));
        // A worker that fails leaves its files to this thread (below), never a lost result.
        worker.once('error', () => resolve(undefined));
        worker.once('exit', () => resolve(undefined));
      });
      this.running.push({ worker, result, exited });
    }
  }

  /** Stops workers that were never given anything to do. */
  close(): void {
    for (const r of this.running) void r.worker.terminate();
    this.running.length = 0;
  }

  /** `shardPrefix`: where worker i writes its results as cache shard `${prefix}${i}.json`. */
  async run(files: readonly { rel: string; abs: string }[], shardPrefix?: string): Promise<PoolResult> {
    const registry = schemaRegistry();
    if (this.running.length === 0 || files.length < PARALLEL_THRESHOLD) {
      this.close();
      const local = files.map((f) => analyzeOnDisk(f.rel, f.abs, registry, this.options.maxBytes));
      return { results: local, shards: [], local, done: Promise.resolve() };
    }
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const list = files.map(({ rel, abs }) => ({ rel, abs }));
    const shards: string[] = [];
    this.running.forEach((r, i) => {
      const shardPath = shardPrefix ? `${shardPrefix}${i}.json` : undefined;
      if (shardPath) shards.push(shardPath);
      const job: ShareJob = { files: list, counter, maxBytes: this.options.maxBytes, ...(shardPath ? { shardPath } : {}) };
      r.worker.postMessage(job);
    });
    const results = new Array<DiskAnalysis | undefined>(files.length);
    const mine: number[] = [];
    claimAll(counter, files.length, CLAIM_CHUNK, (i) => {
      results[i] = analyzeOnDisk(files[i]!.rel, files[i]!.abs, registry, this.options.maxBytes);
      mine.push(i);
    });
    for (const r of this.running) {
      const share = await r.result;
      if (!share) continue;
      const analyses = decodeAnalyses(share.json);
      share.order.forEach((index, k) => (results[index] = analyses[k]));
    }
    // Anything still missing was claimed by a worker that failed: analyse it here.
    for (let i = 0; i < files.length; i++) {
      if (results[i] === undefined) {
        results[i] = analyzeOnDisk(files[i]!.rel, files[i]!.abs, registry, this.options.maxBytes);
        mine.push(i);
      }
    }
    const failed = (await Promise.all(this.running.map((r) => r.result))).some((s) => !s);
    const done = Promise.all(this.running.map((r) => r.exited)).then(() => undefined);
    mine.sort((a, b) => a - b);
    // A failed worker's shard may be missing or partial: leave the caller to write the whole set.
    return { results: results as DiskAnalysis[], shards: failed ? [] : shards, local: failed ? (results as DiskAnalysis[]) : mine.map((i) => results[i]!), done };
  }
}

/** One-shot analysis of `files` on every core (or only this one, for a few files). */
export function analyzeAll(files: readonly { rel: string; abs: string }[], options: PoolOptions): Promise<PoolResult> {
  return new AnalysisPool(files.length < PARALLEL_THRESHOLD ? { ...options, threads: 1 } : options).run(files);
}
