import { writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeOnDisk } from '../fs/analyze-disk.js';
import { schemaRegistry } from '../fs/schemas.js';

/**
 * One share of the files, analysed on its own core. Results go back as one JSON string: the
 * same text is then written as this share's cache shard, off the main thread's critical path.
 */
interface Job {
  files: { rel: string; abs: string }[];
  maxBytes: number;
  shardPath?: string;
}

const job = workerData as Job;
const registry = schemaRegistry();
const json = JSON.stringify(job.files.map((f) => analyzeOnDisk(f.rel, f.abs, registry, job.maxBytes)));
parentPort!.postMessage(json);
if (job.shardPath) {
  try {
    writeFileSync(job.shardPath, json);
  } catch {
    // The cache is an optimisation; an unwritable one leaves the next run cold, nothing more.
  }
}
