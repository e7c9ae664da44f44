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
}

/**
 * Analyses files on every core: the main thread takes one share itself while workers take the
 * others. Shares are balanced by bytes, not file count, since parse time follows size.
 */
export async function analyzeAll(files: readonly { rel: string; abs: string; size: number }[], options: PoolOptions = {}): Promise<DiskAnalysis[]> {
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), 8));
  if (!CAN_SPAWN || threads === 1 || files.length < PARALLEL_THRESHOLD) {
    const registry = schemaRegistry();
    return files.map((f) => analyzeOnDisk(f.rel, f.abs, registry));
  }
  const shares: { rel: string; abs: string; order: number }[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  const bySize = files.map((f, order) => ({ f, order })).sort((a, b) => b.f.size - a.f.size);
  for (const { f, order } of bySize) {
    let k = 0;
    for (let i = 1; i < threads; i++) if (load[i]! < load[k]!) k = i;
    shares[k]!.push({ rel: f.rel, abs: f.abs, order });
    load[k]! += f.size + 512; // a fixed cost per file for open/read
  }
  const workerShares = shares.slice(1);
  const pending = workerShares.map(
    (share) =>
      new Promise<DiskAnalysis[]>((resolve, reject) => {
        const worker = new Worker(WORKER_URL, { workerData: { files: share.map(({ rel, abs }) => ({ rel, abs })) } });
        worker.once('message', (m: DiskAnalysis[]) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`analysis worker stopped with exit code ${code}`));
        });
      }),
  );
  const registry = schemaRegistry();
  const own = shares[0]!.map((f) => analyzeOnDisk(f.rel, f.abs, registry));
  const results = new Array<DiskAnalysis>(files.length);
  shares[0]!.forEach((f, i) => (results[f.order] = own[i]!));
  const done = await Promise.all(pending);
  done.forEach((list, w) => workerShares[w]!.forEach((f, i) => (results[f.order] = list[i]!)));
  return results;
}
