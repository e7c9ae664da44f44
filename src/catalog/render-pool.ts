import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PageRenderOptions } from './render-page.js';
import type { RenderItem, RenderReply, RenderRequest, RenderWorkerData } from './render-worker.js';
import type { ManifestEntry } from './site-manifest.js';

/**
 * Render threads for large sites. The main thread builds the view model page by page and hands
 * pages over in batches; when every thread has enough queued, the main thread renders the page
 * itself instead of waiting, so the work balances whatever the machine. Replies are polled
 * synchronously (receiveMessageOnPort): the main thread never yields to the event loop while it
 * builds pages, and would otherwise never see that a thread is ready for more.
 */
const WORKER_URL = new URL('./render-worker.js', import.meta.url);
/** Under the test runner the sources are TypeScript and cannot start as a plain worker. */
export const CAN_RENDER_IN_THREADS = import.meta.url.endsWith('.js');

const BATCH = 48;
/** Batches sent to one thread and not yet rendered: enough to keep it busy, few enough to bound memory. */
const QUEUED = 3;

export class RenderThreadError extends Error {
  override name = 'RenderThreadError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Thread {
  worker: Worker;
  replies: MessagePort;
  queued: number;
  finished: boolean;
  exited: boolean;
  error?: Error;
}

export class RenderPool {
  private readonly threads: Thread[];
  private batch: RenderItem[] = [];
  private target: Thread | undefined;

  /** `written` is told each page's manifest entry once its thread has written (or kept) it. */
  constructor(
    count: number,
    dir: string,
    options: PageRenderOptions,
    private readonly written: (path: string, entry: ManifestEntry, wrote: boolean) => void = () => undefined,
  ) {
    this.threads = Array.from({ length: count }, () => {
      const { port1, port2 } = new MessageChannel();
      const data: RenderWorkerData = { dir, options, replies: port2 };
      // A small young generation: a thread's garbage is short-lived pages, and the site's
      // peak memory is the main thread's heap plus every thread's.
      const worker = new Worker(WORKER_URL, { workerData: data, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      const thread: Thread = { worker, replies: port1, queued: 0, finished: false, exited: false };
      worker.on('error', (e) => (thread.error ??= e));
      worker.on('exit', () => (thread.exited = true));
      return thread;
    });
  }

  /** Whether a thread has room for the next page: when it has, `take` it; else render it yourself. */
  hasRoom(): boolean {
    if (!this.target) {
      this.poll();
      this.target = this.threads.reduce<Thread | undefined>((best, t) => (t.queued < QUEUED && (!best || t.queued < best.queued) ? t : best), undefined);
    }
    return this.target !== undefined;
  }

  /** Queues a page for the thread `hasRoom` found. */
  take(item: RenderItem): void {
    if (!this.hasRoom()) throw new RenderThreadError('no render thread has room for the page');
    this.batch.push(item);
    if (this.batch.length >= BATCH) this.send();
  }

  /** Takes the page for a thread (true), or leaves it to the caller when every thread is busy. */
  offer(item: RenderItem): boolean {
    if (!this.hasRoom()) return false;
    this.take(item);
    return true;
  }

  /** Sends what is left and waits for every thread to finish its writes. */
  async finish(): Promise<void> {
    if (this.batch.length) this.send();
    for (const t of this.threads) t.worker.postMessage({ end: true } satisfies RenderRequest);
    for (;;) {
      this.poll();
      const broken = this.threads.find((t) => t.error || (t.exited && !t.finished));
      if (broken) throw broken.error ?? new RenderThreadError('a render thread stopped before it finished');
      if (this.threads.every((t) => t.finished)) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** Stops every thread (after a failure elsewhere) and waits until they are gone. */
  async stop(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private send(): void {
    this.target!.queued++;
    this.target!.worker.postMessage({ pages: this.batch } satisfies RenderRequest);
    this.batch = [];
    this.target = undefined;
  }

  private poll(): void {
    for (const t of this.threads) {
      for (let m = receiveMessageOnPort(t.replies); m; m = receiveMessageOnPort(t.replies)) {
        const reply = m.message as RenderReply;
        if ('rendered' in reply) {
          t.queued--;
          for (const [path, entry, wrote] of reply.entries) this.written(path, entry, wrote);
        } else if ('finished' in reply) t.finished = true;
        else t.error ??= new RenderThreadError(reply.failed, reply.code);
      }
      if (t.error) throw t.error;
    }
  }
}
