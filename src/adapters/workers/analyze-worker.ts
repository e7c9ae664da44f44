import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { encodeAnalyses } from '../fs/analysis-codec.js';
import { analyzeOnDisk, type DiskAnalysis } from '../fs/analyze-disk.js';
import { schemaRegistry } from '../fs/schemas.js';
import { claimAll, CLAIM_CHUNK, type ShareJob, type ShareResult } from './analyze-share.js';

/**
 * One analysis thread. It starts before the files are known, loads the validators while the
 * main thread lists them, then claims chunks of the list until none are left. Its results go
 * back as one text (analysis-codec.ts), which is then written as its cache shard off the main thread.
 */
const registry = schemaRegistry();

parentPort!.once('message', (job: ShareJob) => {
  const order: number[] = [];
  const analyses: DiskAnalysis[] = [];
  claimAll(job.counter, job.files.length, CLAIM_CHUNK, (i) => {
    order.push(i);
    analyses.push(analyzeOnDisk(job.files[i]!.rel, job.files[i]!.abs, registry, job.maxBytes));
  });
  const json = encodeAnalyses(analyses);
  const result: ShareResult = { order, json };
  parentPort!.postMessage(result);
  if (job.shardPath) {
    try {
      writeFileSync(job.shardPath, json);
    } catch {
      // The cache is an optimisation; an unwritable one leaves the next run cold, nothing more.
    }
  }
});
