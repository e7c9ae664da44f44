import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BATCH, batchDue, CLAIM_CHUNK, claimAll, growingList, type ListChunk } from '../../src/adapters/workers/analyze-share.js';

/**
 * A worker's view of a list the main thread is still making: chunks arrive on a port and are
 * counted in shared memory after they are posted. Here one thread plays both sides, posting the
 * next chunk between claimed chunks, so a claim past what has been sent must pull it rather
 * than stop.
 */
describe('claiming from a list still being made', () => {
  it.each([
    ['chunks smaller than a claim', 7, 500],
    ['chunks larger than a claim', 100, 500],
    ['a list that ends inside a claim', 64, CLAIM_CHUNK * 3 + 5],
    ['an empty rest', 10, 10],
  ])('claims every path once, in the order sent: %s', (_, size, total) => {
    const { port1, port2 } = new MessageChannel();
    const listing = new Int32Array(new SharedArrayBuffer(8));
    const all = Array.from({ length: total }, (_, i) => `teams/t${i}.yaml`);
    let sent = Math.min(size, total);
    const send = () => {
      if (sent >= total && Atomics.load(listing, 1) === 1) return;
      const paths = all.slice(sent, sent + size);
      sent += paths.length;
      const chunk: ListChunk = { paths, ...(sent >= total ? { last: true } : {}) };
      port1.postMessage(chunk);
      Atomics.store(listing, 0, sent);
      if (chunk.last) Atomics.store(listing, 1, 1);
    };
    const { files, known } = growingList(all.slice(0, sent), listing, () => receiveMessageOnPort(port2)?.message as ListChunk | undefined);
    // Whatever is left is sent before the claim that needs it: the first chunk, then one per claim.
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const claimed: string[] = [];
    const need = (n: number) => {
      while (sent < Math.min(n, total) || (sent >= total && Atomics.load(listing, 1) === 0)) send();
      return known(n);
    };
    claimAll(counter, need, (i) => claimed.push(files[i]!));
    expect(claimed).toEqual(all);
    port1.close();
    port2.close();
  });

  it('stops at the fixed length of a list made before the workers started', () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const seen: number[] = [];
    let between = 0;
    claimAll(counter, 70, (i) => seen.push(i), () => between++);
    expect(seen).toEqual(Array.from({ length: 70 }, (_, i) => i));
    expect(between).toBe(Math.ceil(70 / CLAIM_CHUNK));
  });
});

describe('when a thread sends what it holds', () => {
  it.each([
    ['a full batch, far from the end', BATCH, 100_000, true],
    ['less than a batch, far from the end', BATCH - 1, 100_000, false],
    ['less than a batch while the list is still being made', BATCH - 1, Infinity, false],
    ['an eighth of a batch near the end', BATCH / 8, 2 * BATCH - 1, true],
    ['less than an eighth near the end', BATCH / 8 - 1, 0, false],
    ['an eighth with two batches still to claim', BATCH / 8, 2 * BATCH, false],
  ])('%s', (_, held, left, due) => {
    expect(batchDue(held, left)).toBe(due);
  });
});
