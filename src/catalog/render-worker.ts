import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Page } from '../core/catalog/types.js';
import { FileWriter } from './file-writer.js';
import { pageRenderer, type PageRenderOptions } from './render-page.js';

/**
 * A render thread: takes batches of pages, renders each and writes it under the site folder.
 * Every batch is acknowledged on the reply port once its pages are written, so the main thread
 * knows when to send more. `end` reports the count and lets the thread exit.
 */
export interface RenderWorkerData {
  dir: string;
  options: PageRenderOptions;
  replies: MessagePort;
}
export type RenderRequest = { pages: Page[] } | { end: true };
export type RenderReply = { rendered: number } | { finished: number } | { failed: string; code?: string };

const { dir, options, replies } = workerData as RenderWorkerData;
const render = pageRenderer(options);
const out = new FileWriter(dir);

let failed = false;
function fail(e: unknown): void {
  failed = true;
  const err = e as NodeJS.ErrnoException;
  replies.postMessage({ failed: err?.message ?? String(e), ...(typeof err?.code === 'string' ? { code: err.code } : {}) } satisfies RenderReply);
  parentPort!.close();
}

parentPort!.on('message', (msg: RenderRequest) => {
  if (failed) return;
  try {
    if ('pages' in msg) {
      for (const page of msg.pages) out.write(page.path, render(page));
      replies.postMessage({ rendered: msg.pages.length } satisfies RenderReply);
    } else {
      replies.postMessage({ finished: out.files } satisfies RenderReply);
      parentPort!.close();
    }
  } catch (e) {
    fail(e);
  }
});
