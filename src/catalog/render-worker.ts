import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FileWriter } from './file-writer.js';
import { pageRenderer, type PageRenderOptions } from './render-page.js';
import { renderItem, type ManifestEntry, type RenderItem } from './site-manifest.js';

/**
 * A render thread: takes batches of pages, renders each and writes it under the site folder.
 * Every batch is acknowledged on the reply port once its pages are written, with each page's
 * manifest entry, so the main thread knows when to send more. `end` lets the thread exit.
 */
export interface RenderWorkerData {
  dir: string;
  options: PageRenderOptions;
  replies: MessagePort;
}
export type { RenderItem };
export type RenderRequest = { pages: RenderItem[] } | { end: true };
/** `entries`: each page's path, its manifest entry, and whether its file was written. */
export type RenderReply = { rendered: number; entries: [string, ManifestEntry, boolean][] } | { finished: true } | { failed: string; code?: string };

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
      const entries = msg.pages.map((item) => renderItem(item, render, out));
      replies.postMessage({ rendered: msg.pages.length, entries } satisfies RenderReply);
    } else {
      replies.postMessage({ finished: true } satisfies RenderReply);
      parentPort!.close();
    }
  } catch (e) {
    fail(e);
  }
});
