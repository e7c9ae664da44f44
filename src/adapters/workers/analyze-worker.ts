import { parentPort } from 'node:worker_threads';
import { encodeAnalyses } from '../fs/analysis-codec.js';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { repositoryReader } from '../fs/read-policy.js';
import { schemaRegistry } from '../fs/schemas.js';
import { BATCH, claimAll, ShardWriter, type ShareBatch, type ShareJob } from './analyze-share.js';

/**
 * One analysis thread. It starts before the files are known and loads the validators while
 * the main thread lists them, then claims chunks of the list until none are left. Every
 * BATCH analyses go back to the main thread as one text (analysis-codec.ts), and the same
 * text is appended to this thread's cache shard. When the caller needs the documents' values,
 * the files' texts go with them: a text crosses threads as one copy, where the values it
 * holds would be cloned object by object, and the main thread reads it back faster than it
 * would receive the clone.
 */
const registry = schemaRegistry();

parentPort!.once('message', (job: ShareJob) => {
  const shard = new ShardWriter(job.shardPath);
  const options = { keepText: !!job.keepText };
  const reader = repositoryReader(job.root, job.maxBytes);
  let order: number[] = [];
  let analyses: DiskAnalysis[] = [];
  let texts: (string | null)[] = [];
  const send = (last: boolean) => {
    const text = encodeAnalyses(analyses);
    shard.add(text);
    const batch: ShareBatch = { order, text, ...(job.keepText ? { texts } : {}), ...(last ? { final: { shardWritten: shard.close() } } : {}) };
    job.port.postMessage(batch);
    order = [];
    analyses = [];
    texts = [];
  };
  claimAll(
    job.counter,
    job.files.length,
    (i) => {
      order.push(i);
      const a = analyzeOnDisk(reader, job.files[i]!, registry, options, !!job.blobIds);
      if (job.keepText) texts.push(a.analysis.text ?? null);
      analyses.push(a);
    },
    () => {
      if (analyses.length >= BATCH) send(false);
    },
  );
  send(true);
});
