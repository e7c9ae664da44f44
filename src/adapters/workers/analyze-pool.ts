import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { decodeAnalyses, decodeValueEntry, encodeAnalysesWithDigests } from '../fs/analysis-codec.js';
import { documentValues } from '../../core/analyze.js';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { repositoryReader } from '../fs/read-policy.js';
import { analysisSchemaRegistry } from '../fs/analysis-schemas.js';
import { batchDue, claimAll, type ListChunk, type ShareBatch, type ShareJob } from './analyze-share.js';
import { ShardWriter } from '../fs/shard-writer.js';
import type { ProgressReport } from '../../app/ports/progress.js';
import type { FileAnalysis } from '../../core/analyze.js';

/** Takes each analysis as it is done, with the file's place in the list `run` was given. */
export type Collect = (place: number, analysis: FileAnalysis) => void;

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

export interface ListedFile {
  rel: string;
  abs: string;
}

interface Port {
  port: MessagePort;
  worker: Running;
  shard?: string;
  finished: boolean;
  shardWritten: boolean;
}

/** A list the workers were given while it was still being made. */
interface Listing {
  files: ListedFile[];
  /** [paths sent, 1 once the last is sent], shared with the workers. */
  state: Int32Array;
  counter: Int32Array;
  ports: Port[];
  shardPrefix: string | undefined;
  ended: boolean;
}

/** Paths sent to the workers at a time while discovery lists: a message per chunk, a few per thousand files. */
const LIST_CHUNK = 256;

/**
 * Analyses files on every core: this thread and the workers claim chunks of one shared list
 * through an atomic counter, so shares balance themselves whatever the files' sizes and
 * however late a worker starts. Workers are started when the pool is made, before the caller
 * has listed every file, and `listing` lets them start on the files found so far while the
 * caller lists the rest: discovery, on this thread, overlaps their start and their work
 * instead of coming before it. Between its own chunks
 * this thread decodes the batches workers have sent and appends its own results to its
 * shard, so little is left to do once the last file is read. Whatever a failed worker had
 * claimed is analysed here.
 */
export class AnalysisPool {
  private readonly running: Running[] = [];
  private list: Listing | undefined;

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
   * Starts the workers on a list still being made: the returned function takes each file as it
   * is found, in any order and each once, and `run` is then called with the whole list (in the
   * order the caller wants the results). `shardPrefix` here stands for `run`'s. With no workers
   * (one thread, or tests on the TypeScript sources) it only collects the files.
   */
  listing(shardPrefix?: string): (file: ListedFile) => void {
    const state = new Int32Array(new SharedArrayBuffer(8));
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const files: ListedFile[] = [];
    const list: Listing = { files, state, counter, ports: [], shardPrefix, ended: false };
    this.list = list;
    if (!this.running.length) return (file) => void files.push(file);
    list.ports = this.start({ files: [], counter, listing: state }, shardPrefix);
    let sent = 0;
    return (file) => {
      files.push(file);
      if (files.length - sent >= LIST_CHUNK) sent = this.send(list, sent, false);
    };
  }

  /** Sends the workers the paths found since `sent`, then counts them as sent. */
  private send(list: Listing, sent: number, last: boolean): number {
    const chunk: ListChunk = { paths: list.files.slice(sent).map((f) => f.rel), ...(last ? { last } : {}) };
    for (const p of list.ports) p.port.postMessage(chunk);
    const now = list.files.length;
    Atomics.store(list.state, 0, now);
    if (last) Atomics.store(list.state, 1, 1);
    Atomics.notify(list.state, 0);
    return now;
  }

  /** Gives every worker the job (its own end of a channel) and its shard's name. */
  private start(job: Omit<ShareJob, 'root' | 'maxBytes' | 'port'>, shardPrefix: string | undefined): Port[] {
    const { root, maxBytes, keepValues, blobIds } = this.options;
    return this.running.map((r, i) => {
      const { port1, port2 } = new MessageChannel();
      const shardPath = shardPrefix ? `${shardPrefix}${i}.json` : undefined;
      const full: ShareJob = { ...job, root, maxBytes, port: port2, ...(shardPath ? { shardPath } : {}), ...(keepValues ? { keepText: true } : {}), ...(blobIds ? { blobIds } : {}) };
      r.worker.postMessage(full, [port2]);
      return { port: port1, worker: r, ...(shardPath ? { shard: shardPath } : {}), finished: false, shardWritten: false };
    });
  }

  /**
   * `shardPrefix`: where each thread writes its results as a cache shard (`${prefix}${name}.json`).
   * `progress` hears how many files have been claimed (all threads together) between this
   * thread's own chunks.
   */
  async run(files: readonly ListedFile[], shardPrefix?: string, progress?: ProgressReport, collect?: Collect): Promise<PoolResult> {
    const list = this.list;
    if (!list) return this.runOn(files, undefined, shardPrefix, progress, collect);
    // The workers were given the files as they were found: finish the list, share it out in
    // that order, and hand the results back in the caller's.
    this.list = undefined;
    if (list.ports.length && !list.ended) this.send(list, Atomics.load(list.state, 0), true);
    list.ended = true;
    const found = list.files;
    const same = found.length === files.length && found.every((f, i) => f.rel === files[i]!.rel);
    // Each found file's place in the caller's list (-1: not in it), for what is collected as it comes.
    const placeOf = same || !collect ? undefined : placesIn(files, found);
    const collectFound: Collect | undefined =
      collect && placeOf
        ? (i, a) => {
            if (placeOf[i]! >= 0) collect(placeOf[i]!, a);
          }
        : collect;
    const ran = await this.runOn(found, list, list.shardPrefix, progress, collectFound);
    if (same) return ran;
    const at = new Map(found.map((f, i) => [f.rel, i]));
    const reader = repositoryReader(this.options.root, this.options.maxBytes);
    const registry = await analysisSchemaRegistry();
    const analyzeOptions = this.options.keepValues ? { keepValues: true } : {};
    // A file the listing did not give (never, from discover) is analysed here, and is in no shard.
    const missing: DiskAnalysis[] = [];
    const results = files.map((f, j) => {
      const i = at.get(f.rel);
      if (i !== undefined) return ran.results[i]!;
      const a = analyzeOnDisk(reader, f.rel, registry, analyzeOptions, !!this.options.blobIds);
      collect?.(j, a.analysis);
      missing.push(a);
      return a;
    });
    // Shards holding a file the caller did not ask for must not be named: then nothing is.
    const extra = files.length - missing.length !== found.length;
    if (extra || ran.unsharded.length) return { results, shards: [], unsharded: results, done: ran.done };
    return { ...ran, results, unsharded: missing };
  }

  /**
   * `collect` takes each analysis as it is done (by this thread, or decoded from a worker's
   * batch), so the caller can work on it while the rest are read.
   */
  private async runOn(files: readonly ListedFile[], list: Listing | undefined, shardPrefix: string | undefined, progress?: ProgressReport, collect?: Collect): Promise<PoolResult> {
    const registry = await analysisSchemaRegistry();
    const { root, maxBytes, keepValues, blobIds } = this.options;
    const reader = repositoryReader(root, maxBytes);
    const analyzeOptions = keepValues ? { keepValues } : {};
    const analyze = (i: number) => analyzeOnDisk(reader, files[i]!.rel, registry, analyzeOptions, !!blobIds);
    // Workers already at work on a listing are joined whatever the count: what they did is done.
    if (!list?.ports.length && (this.running.length === 0 || files.length < PARALLEL_THRESHOLD)) {
      this.close();
      const results = files.map((_, i) => {
        const a = analyze(i);
        collect?.(i, a.analysis);
        progress?.('read', i + 1, files.length);
        return a;
      });
      return { results, shards: [], unsharded: results, done: Promise.resolve() };
    }
    const counter = list?.counter ?? new Int32Array(new SharedArrayBuffer(4));
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
        collect?.(index, a.analysis);
      });
    };

    const ports = list?.ports.length ? list.ports : this.start({ files: files.map(({ rel }) => rel), counter }, shardPrefix);
    const receive = (p: Port, batch: ShareBatch) => {
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
        collect?.(i, a.analysis);
        if (shardPrefix) pending.push(a);
      },
      () => {
        drain();
        progress?.('read', Math.min(Atomics.load(counter, 0), files.length), files.length);
        if (batchDue(pending.length, files.length - Atomics.load(counter, 0))) {
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
        const a = analyze(i);
        results[i] = a;
        collect?.(i, a.analysis);
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

/** Where each of `found` is in `files` (-1: nowhere). */
function placesIn(files: readonly ListedFile[], found: readonly ListedFile[]): Int32Array {
  const at = new Map(files.map((f, j) => [f.rel, j]));
  return Int32Array.from(found, (f) => at.get(f.rel) ?? -1);
}
