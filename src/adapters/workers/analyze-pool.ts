import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { decodeAnalyses, decodeValueEntry, encodeAnalysesWithDigests } from '../fs/analysis-codec.js';
import { documentValues } from '../../core/analyze.js';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { repositoryReader } from '../fs/read-policy.js';
import { analysisSchemaRegistry } from '../fs/analysis-schemas.js';
import { BATCH, claimAll, ShardWriter, type ShareBatch, type ShareJob } from './analyze-share.js';
import type { ProgressReport } from '../../app/ports/progress.js';

export { PARALLEL_THRESHOLD } from './threshold.js';
import { PARALLEL_THRESHOLD } from './threshold.js';

const WORKER_URL = new URL('./analyze-worker.js', import.meta.url);
// Under the test runner the sources are TypeScript and cannot start as a plain worker.
const CAN_SPAWN = import.meta.url.endsWith('.js');

export interface PoolOptions {
  /** Threads in all, this one included (default: one per core, at most 8). */
  threads?: number;
  /** The repository the files belong to: every read goes through its read policy. */
  root: string;
  maxBytes: number;
  /** Keep every document's value (commands that build the model). */
  keepValues?: boolean;
  /** Give each analysis the git blob id of the bytes it read (for the value cache). */
  blobIds?: boolean;
}

export interface PoolResult {
  results: DiskAnalysis[];
  /** Cache shards written completely during the run (the workers' and this thread's). */
  shards: string[];
  /** Results that are in none of `shards`: the caller writes them if it keeps a cache. */
  unsharded: DiskAnalysis[];
  /** Resolves when every worker has exited. */
  done: Promise<void>;
}

interface Running {
  worker: Worker;
  failed: Promise<void>;
  exited: Promise<void>;
}

/**
 * Analyses files on every core: this thread and the workers claim chunks of one shared list
 * through an atomic counter, so shares balance themselves whatever the files' sizes and
 * however late a worker starts. Workers are started when the pool is made, before the caller
 * has even listed the files, so their start-up overlaps discovery. Between its own chunks
 * this thread decodes the batches workers have sent and appends its own results to its
 * shard, so little is left to do once the last file is read. Whatever a failed worker had
 * claimed is analysed here.
 */
export class AnalysisPool {
  private readonly running: Running[] = [];

  constructor(private readonly options: PoolOptions) {
    const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 8));
    if (!CAN_SPAWN) return;
    for (let i = 1; i < threads; i++) {
      const worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const failed = new Promise<void>((resolve) => {
        worker.once('error', () => resolve());
        worker.once('exit', (code) => code !== 0 && resolve());
      });
      this.running.push({ worker, failed, exited });
    }
  }

  /** Stops workers that were never given anything to do. */
  close(): void {
    for (const r of this.running) void r.worker.terminate();
    this.running.length = 0;
  }

  /**
   * `shardPrefix`: where each thread writes its results as a cache shard (`${prefix}${name}.json`).
   * `progress` hears how many files have been claimed (all threads together) between this
   * thread's own chunks.
   */
  async run(files: readonly { rel: string; abs: string }[], shardPrefix?: string, progress?: ProgressReport): Promise<PoolResult> {
    const registry = await analysisSchemaRegistry();
    const { root, maxBytes, keepValues, blobIds } = this.options;
    const reader = repositoryReader(root, maxBytes);
    const analyzeOptions = keepValues ? { keepValues } : {};
    const analyze = (i: number) => analyzeOnDisk(reader, files[i]!.rel, registry, analyzeOptions, !!blobIds);
    if (this.running.length === 0 || files.length < PARALLEL_THRESHOLD) {
      this.close();
      const results = files.map((_, i) => {
        const a = analyze(i);
        progress?.('read', i + 1, files.length);
        return a;
      });
      return { results, shards: [], unsharded: results, done: Promise.resolve() };
    }
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const list = files.map(({ rel }) => rel);
    const results = new Array<DiskAnalysis | undefined>(files.length);
    const shards: string[] = [];
    const take = (batch: ShareBatch) => {
      const analyses = decodeAnalyses(batch.text);
      batch.order.forEach((index, k) => {
        const text = batch.texts?.[k];
        const entry = batch.entries?.[k];
        const a = analyses[k]!;
        a.records = batch.digests[k];
        if (keepValues && typeof entry === 'string') {
          a.analysis.values = decodeValueEntry(entry, a.analysis.file).values!;
          a.entry = entry;
        } else if (keepValues && typeof text === 'string') a.analysis.values = documentValues(text);
        results[index] = a;
      });
    };

    const ports: { port: MessagePort; worker: Running; shard?: string; finished: boolean; shardWritten: boolean }[] = this.running.map((r, i) => {
      const { port1, port2 } = new MessageChannel();
      const shardPath = shardPrefix ? `${shardPrefix}${i}.json` : undefined;
      const job: ShareJob = { root, files: list, counter, maxBytes, port: port2, ...(shardPath ? { shardPath } : {}), ...(keepValues ? { keepText: true } : {}), ...(blobIds ? { blobIds } : {}) };
      r.worker.postMessage(job, [port2]);
      return { port: port1, worker: r, ...(shardPath ? { shard: shardPath } : {}), finished: false, shardWritten: false };
    });
    const receive = (p: (typeof ports)[number], batch: ShareBatch) => {
      take(batch);
      if (batch.final) {
        p.finished = true;
        p.shardWritten = batch.final.shardWritten;
      }
    };
    const drain = () => {
      for (const p of ports) for (let m = receiveMessageOnPort(p.port); m; m = receiveMessageOnPort(p.port)) receive(p, m.message as ShareBatch);
    };

    const mine = new ShardWriter(shardPrefix ? `${shardPrefix}main.json` : undefined);
    const shardOf = (list: DiskAnalysis[]) => {
      const { text, digests } = encodeAnalysesWithDigests(list);
      mine.add(text);
      list.forEach((a, k) => (a.records = digests[k]));
    };
    let pending: DiskAnalysis[] = [];
    claimAll(
      counter,
      files.length,
      (i) => {
        const a = analyze(i);
        results[i] = a;
        if (shardPrefix) pending.push(a);
      },
      () => {
        drain();
        progress?.('read', Math.min(Atomics.load(counter, 0), files.length), files.length);
        if (pending.length >= BATCH) {
          shardOf(pending);
          pending = [];
        }
      },
    );
    if (pending.length) shardOf(pending);
    const mineWritten = mine.close();

    // The workers' last batches: wait for each to finish, or to fail.
    drain();
    for (const p of ports) {
      if (!p.finished) {
        await new Promise<void>((resolve) => {
          const onMessage = (batch: ShareBatch) => {
            receive(p, batch);
            if (p.finished) stop();
          };
          const stop = () => {
            p.port.off('message', onMessage);
            resolve();
          };
          p.port.on('message', onMessage);
          void p.worker.failed.then(stop);
        });
      }
      p.port.close();
    }
    let failed = false;
    // Anything still missing was claimed by a worker that failed: analyse it here.
    for (let i = 0; i < files.length; i++) {
      if (results[i] === undefined) {
        results[i] = analyze(i);
        failed = true;
      }
    }
    const done = Promise.all(this.running.map((r) => r.exited)).then(() => undefined);
    const all = results as DiskAnalysis[];
    const complete = !failed && mineWritten && ports.every((p) => !p.shard || p.shardWritten);
    if (shardPrefix && complete) shards.push(...ports.map((p) => p.shard!), `${shardPrefix}main.json`);
    return { results: all, shards, unsharded: complete ? [] : all, done };
  }
}
