import { parentPort } from 'node:worker_threads';
import { encodeAnalyses } from '../fs/analysis-codec.js';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { schemaRegistry } from '../fs/schemas.js';
import { BATCH, claimAll, ShardWriter, type ShareBatch, type ShareJob } from './analyze-share.js';

/**
 * One analysis thread. It starts before the files are known and loads the validators while
 * the main thread lists them, then claims chunks of the list until none are left. Every
 * BATCH analyses go back to the main thread as one text (analysis-codec.ts), and the same
 * text is appended to this thread's cache shard.
 */
const registry = schemaRegistry();

parentPort!.once('message', (job: ShareJob) => {
  const shard = new ShardWriter(job.shardPath);
  let order: number[] = [];
  let analyses: DiskAnalysis[] = [];
  const send = (last: boolean) => {
    const text = encodeAnalyses(analyses);
    shard.add(text);
    const batch: ShareBatch = { order, text, ...(last ? { final: { shardWritten: shard.close() } } : {}) };
    job.port.postMessage(batch);
    order = [];
    analyses = [];
  };
  claimAll(
    job.counter,
    job.files.length,
    (i) => {
      order.push(i);
      analyses.push(analyzeOnDisk(job.files[i]!.rel, job.files[i]!.abs, registry, job.maxBytes));
    },
    () => {
      if (analyses.length >= BATCH) send(false);
    },
  );
  send(true);
});
