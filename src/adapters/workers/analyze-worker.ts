import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { encodeInto, encodeValueEntry, joinEncoded } from '../fs/analysis-codec.js';
import { analyzeOnDisk } from '../fs/analyze-disk.js';
import { repositoryReader } from '../fs/read-policy.js';
import { analysisSchemaRegistry } from '../fs/analysis-schemas.js';
import { batchDue, claimAll, growingList, type ListChunk, type ShareBatch, type ShareJob } from './analyze-share.js';
import { ShardWriter } from '../fs/shard-writer.js';

/**
 * One analysis thread. It starts before the files are known and loads the validators while
 * the main thread lists them, then claims chunks of the list until none are left; a list still
 * being made grows as the main thread sends more of it (growingList), so the first files are
 * analysed while discovery lists the rest. Every
 * BATCH analyses go back to the main thread as one text (analysis-codec.ts), and the same
 * text is appended to this thread's cache shard. When the caller needs the documents' values,
 * the files' texts go with them: a text crosses threads as one copy, where the values it
 * holds would be cloned object by object, and the main thread reads it back faster than it
 * would receive the clone.
 */
const registry = await analysisSchemaRegistry();

parentPort!.once('message', (job: ShareJob) => {
  const shard = new ShardWriter(job.shardPath);
  // With blob ids the values are wanted as cache entries: the worker parses them itself.
  const asEntries = !!job.keepText && !!job.blobIds;
  const options = asEntries ? { keepText: true, keepValues: true } : { keepText: !!job.keepText };
  const reader = repositoryReader(job.root, job.maxBytes);
  let order: number[] = [];
  // Each analysis is encoded as soon as it is made (encodeInto): what waits for the batch is its line.
  let lines: string[] = [];
  let digests: string[] = [];
  let texts: (string | null)[] = [];
  let entries: (string | null)[] = [];
  // While discovery is still listing, the list grows as the main thread sends more of it.
  const { files, known, complete } = job.listing
    ? growingList(job.files, job.listing, () => receiveMessageOnPort(job.port)?.message as ListChunk | undefined)
    : { files: job.files, known: job.files.length, complete: () => true };
  const send = (last: boolean) => {
    const text = joinEncoded(lines);
    shard.add(text);
    const batch: ShareBatch = { order, text, digests, ...(job.keepText ? { texts } : {}), ...(asEntries ? { entries } : {}), ...(last ? { final: { shardWritten: shard.close() } } : {}) };
    job.port.postMessage(batch);
    order = [];
    lines = [];
    digests = [];
    texts = [];
    entries = [];
  };
  claimAll(
    job.counter,
    known,
    (i) => {
      order.push(i);
      const a = analyzeOnDisk(reader, files[i]!, registry, options, !!job.blobIds);
      const entry = asEntries && a.oid ? encodeValueEntry(a.analysis) : undefined;
      entries.push(entry ?? null);
      if (job.keepText) texts.push(entry === undefined ? (a.analysis.text ?? null) : null);
      encodeInto(a, lines, digests);
    },
    () => {
      if (batchDue(lines.length, complete() ? files.length - Atomics.load(job.counter, 0) : Infinity)) send(false);
    },
  );
  send(true);
});
