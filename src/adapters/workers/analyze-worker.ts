import { parentPort, workerData } from 'node:worker_threads';
import { analyzeOnDisk } from '../fs/analyze-disk.js';
import { schemaRegistry } from '../fs/schemas.js';

/** One share of the files, analysed on another core. Only small records travel back. */
interface Job {
  files: { rel: string; abs: string }[];
}

const job = workerData as Job;
const registry = schemaRegistry();
const results = job.files.map((f) => analyzeOnDisk(f.rel, f.abs, registry));
parentPort!.postMessage(results);
