import { availableParallelism } from 'node:os';
import type { CatalogSite, Page } from '../core/catalog/types.js';
import { contentHash, pageKey, renderItem, SiteBooks, type PreviousSite, type RenderItem } from './site-manifest.js';
import { FileWriter } from './file-writer.js';
import type { Locale } from './messages.js';
import { pageRenderer, STAMPED } from './render-page.js';
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
  /** The build already in `dir`, updated in place: only what changed is rendered and written. */
  previous?: PreviousSite;
  /** Where to keep the site manifest and its key (site-manifest.ts); without it, none is written. */
  manifest?: { path: string; key: string };
}

export interface RenderResult {
  pages: number;
  files: number;
  /** Files written by this build; the others were left as the previous build wrote them. */
  written: number;
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

/** Pages rendered on the main thread before render threads are started for an update. */
const UPDATE_THREADS_AFTER = 256;

export async function renderSite(site: CatalogSite, dir: string, options: RenderOptions): Promise<RenderResult> {
  const pageOptions = { locale: options.locale, version: options.version, zone: site.zone, builtAt: site.builtAt, audit: site.audit };
  const render = pageRenderer(pageOptions);
  const threads = renderThreads(site, options);
  const out = new FileWriter(dir);
  const books = new SiteBooks(dir, options.manifest?.key ?? '', options.previous, options.manifest?.path);
  const record = books.record.bind(books);
  // A fresh site starts its threads at once; an update, only once it finds enough to render.
  let pool = threads > 1 && !options.previous ? new RenderPool(threads - 1, dir, pageOptions, record) : undefined;
  let toRender = 0;
  const threadFor = () => {
    if (!pool && threads > 1 && ++toRender > UPDATE_THREADS_AFTER) pool = new RenderPool(threads - 1, dir, pageOptions, record);
    return pool;
  };

  const index = searchIndexScript(site);
  let pages = 0;
  /** A file that is not a page: its key is its bytes. */
  const file = (path: string, content: string | Buffer) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const hash = contentHash(bytes);
    if (books.keep(path, hash)) return;
    const st = out.write(path, bytes);
    books.record(path, [hash, hash, st.size, st.mtimeMs, st.ctimeMs], true);
  };
  /** The page's manifest item, or undefined when the file there already is this page. */
  const item = (page: Page): RenderItem | undefined => {
    const key = pageKey(page, STAMPED.has(page.template) ? site.builtAt : undefined);
    if (books.keep(page.path, key)) return undefined;
    const prior = books.intact(page.path);
    return prior ? { page, key, prior } : { page, key };
  };
  const here = (it: RenderItem) => {
    const [path, entry, wrote] = renderItem(it, render, out);
    books.record(path, entry, wrote);
  };
  try {
    for (const [name, content] of staticAssets()) file(`assets/${name}`, content);
    file(SEARCH_INDEX_FILE, index);
    if (options.ics) file(options.ics.path, options.ics.content);

    const total = site.pageCount;
    const counted = () => options.progress?.('render', Math.min(pages, total), total);
    if (threads <= 1) {
      for (const page of site.pages()) {
        pages++;
        const it = item(page);
        if (it) here(it);
        counted();
      }
    } else {
      const { first, heavy, light } = site.lanes();
      for (const page of first) {
        pages++;
        const it = item(page);
        if (it && !threadFor()?.offer(it)) here(it);
        counted();
      }
      // Then threads get light pages and this thread keeps the heavy ones, each side taking
      // from the other's lane only when its own is empty. Besides copying less, the two sides
      // then mostly write into different folders: two threads creating files in one folder
      // wait on its lock.
      for (;;) {
        const give = pool?.hasRoom() ?? false;
        let r = give ? light.next() : heavy.next();
        if (r.done) r = give ? heavy.next() : light.next();
        if (r.done) break;
        pages++;
        const it = item(r.value);
        if (it) {
          const p = give ? pool : threadFor();
          if (p?.hasRoom()) p.take(it);
          else here(it);
        }
        counted();
      }
    }
    if (pool) await pool.finish();
    // GitHub Pages would otherwise run Jekyll over tens of thousands of pages it need not touch.
    file('.nojekyll', '');
    file(SITE_MARKER, `opsledger catalog ${options.version}\n`);
    books.finish();
  } catch (e) {
    // Stop the threads' writes before the caller removes the folder they write into.
    await pool?.stop();
    throw e;
  }
  return { pages, files: books.next.size, written: books.written, searchIndexBytes: Buffer.byteLength(index) };
}
