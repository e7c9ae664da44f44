import { availableParallelism } from 'node:os';
import type { CatalogSite, Page } from '../core/catalog/types.js';
import { FileWriter } from './file-writer.js';
import type { Locale } from './messages.js';
import { pageRenderer } from './render-page.js';
import { CAN_RENDER_IN_THREADS, RenderPool } from './render-pool.js';
import type { ProgressReport } from '../app/ports/progress.js';
import { staticAssets } from './templates.js';

/**
 * Renders every page of a catalog view model into a folder: HTML per page, the static assets,
 * the search index as a script (a page opened from file:// may not fetch JSON, but it may load
 * a script) and the calendar download. Large sites are rendered on every core.
 */
export { CSP } from './render-page.js';

/** The file that marks a folder as a catalog this command built, and so safe to replace. */
export const SITE_MARKER = '.opsledger-catalog';
export const SEARCH_INDEX_FILE = 'assets/search-index.js';

/** Below this many pages, starting render threads (module loading, templates) costs more than it saves. */
export const THREADED_PAGES = 2000;

export interface RenderOptions {
  locale: Locale;
  version: string;
  /** Contents of the calendar download, written at the site's `icsPath`. */
  ics?: { path: string; content: string };
  /**
   * Threads that render pages, the main thread included (1: the main thread alone). Default:
   * one per core for sites of THREADED_PAGES pages or more.
   */
  threads?: number;
  /** Told how many of the site's pages have been handed out for rendering ('render'). */
  progress?: ProgressReport;
}

export interface RenderResult {
  pages: number;
  files: number;
  searchIndexBytes: number;
}

/** The search index as a script that sets a global; JSON is valid JavaScript, so nothing is escaped twice. */
export function searchIndexScript(site: CatalogSite): string {
  return `window.OPSLEDGER_INDEX=${JSON.stringify(site.searchIndex)};\n`;
}

function renderThreads(site: CatalogSite, options: RenderOptions): number {
  if (!CAN_RENDER_IN_THREADS) return 1;
  if (options.threads !== undefined) return Math.max(1, Math.min(options.threads, 16));
  return site.pageCount >= THREADED_PAGES ? availableParallelism() : 1;
}

export async function renderSite(site: CatalogSite, dir: string, options: RenderOptions): Promise<RenderResult> {
  const pageOptions = { locale: options.locale, version: options.version, zone: site.zone, builtAt: site.builtAt, audit: site.audit };
  const render = pageRenderer(pageOptions);
  const threads = renderThreads(site, options);
  const pool = threads > 1 ? new RenderPool(threads - 1, dir, pageOptions) : undefined;
  const out = new FileWriter(dir);

  const index = searchIndexScript(site);
  let pages = 0;
  let files = 0;
  try {
    for (const [name, content] of staticAssets()) out.write(`assets/${name}`, content);
    out.write(SEARCH_INDEX_FILE, index);
    if (options.ics) out.write(options.ics.path, options.ics.content);

    const here = (page: Page) => out.write(page.path, render(page));
    const total = site.pageCount;
    const counted = () => options.progress?.('render', Math.min(pages, total), total);
    if (!pool) {
      for (const page of site.pages()) {
        pages++;
        here(page);
        counted();
      }
    } else {
      const { first, heavy, light } = site.lanes();
      for (const page of first) {
        pages++;
        if (!pool.offer(page)) here(page);
        counted();
      }
      // Then threads get light pages and this thread keeps the heavy ones, each side taking
      // from the other's lane only when its own is empty. Besides copying less, the two sides
      // then mostly write into different folders: two threads creating files in one folder
      // wait on its lock.
      for (;;) {
        const give = pool.hasRoom();
        let r = give ? light.next() : heavy.next();
        if (r.done) r = give ? heavy.next() : light.next();
        if (r.done) break;
        pages++;
        if (give) pool.take(r.value);
        else here(r.value);
        counted();
      }
    }
    if (pool) files += await pool.finish();
    // GitHub Pages would otherwise run Jekyll over tens of thousands of pages it need not touch.
    out.write('.nojekyll', '');
    out.write(SITE_MARKER, `opsledger catalog ${options.version}\n`);
  } catch (e) {
    // Stop the threads' writes before the caller removes the folder they write into.
    await pool?.stop();
    throw e;
  }
  return { pages, files: files + out.files, searchIndexBytes: Buffer.byteLength(index) };
}
