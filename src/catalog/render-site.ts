import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXPOSURES } from '../core/model.js';
import { READINESS_LEVELS } from '../core/catalog/readiness.js';
import type { CatalogSite, Page } from '../core/catalog/types.js';
import { layoutNeighbourhood, type GraphWords } from './graph-layout.js';
import { message, type Locale } from './messages.js';
import { compileTemplates, staticAssets } from './templates.js';

/**
 * Renders every page of a catalog view model into a folder: HTML per page, the static assets,
 * the search index as a script (a page opened from file:// may not fetch JSON, but it may load
 * a script) and the calendar download.
 */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

/** The file that marks a folder as a catalog this command built, and so safe to replace. */
export const SITE_MARKER = '.opsledger-catalog';
export const SEARCH_INDEX_FILE = 'assets/search-index.js';

const NAV: { section: Page['section']; href: string; key: string }[] = [
  { section: 'services', href: 'index.html', key: 'nav.services' },
  { section: 'teams', href: 'teams/index.html', key: 'nav.teams' },
  { section: 'cis', href: 'cis/index.html', key: 'nav.cis' },
  { section: 'changes', href: 'changes/index.html', key: 'nav.changes' },
  { section: 'calendar', href: 'calendar/index.html', key: 'nav.calendar' },
  { section: 'metrics', href: 'metrics.html', key: 'nav.metrics' },
];

export interface RenderOptions {
  locale: Locale;
  version: string;
  /** Contents of the calendar download, written at the site's `icsPath`. */
  ics?: { path: string; content: string };
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

export function renderSite(site: CatalogSite, dir: string, options: RenderOptions): RenderResult {
  const { locale } = options;
  const render = compileTemplates(locale);
  const t = (key: string, args?: Record<string, unknown>) => message(locale, key, args);
  const words: GraphWords = {
    usedBy: t('graph.usedBy'),
    dependsOn: t('graph.dependsOn'),
    more: (n) => t('graph.more', { n }),
    caption: (name) => t('graph.caption', { name }),
  };
  const weekdays = Array.from({ length: 7 }, (_, i) => ({ short: t(`weekdayShort.${i}`), long: t(`weekday.${i}`) }));
  const shared = { locale, csp: CSP, site: { zone: site.zone, builtAt: site.builtAt, version: options.version } };
  const filters = { tiers: [1, 2, 3, 4], exposures: EXPOSURES, lifecycles: ['experimental', 'production', 'deprecated'], readinessLevels: READINESS_LEVELS };

  const made = new Set<string>();
  const ensureDir = (file: string) => {
    const d = dirname(file);
    if (!made.has(d)) {
      mkdirSync(d, { recursive: true });
      made.add(d);
    }
  };
  let files = 0;
  // Synchronous writes: tens of thousands of small files go several times faster than through
  // the thread pool, and rendering cannot run meanwhile anyway.
  const write = (rel: string, content: string | Buffer) => {
    const file = join(dir, rel);
    ensureDir(file);
    writeFileSync(file, content);
    files++;
  };

  for (const [name, content] of staticAssets()) write(`assets/${name}`, content);
  const index = searchIndexScript(site);
  write(SEARCH_INDEX_FILE, index);
  if (options.ics) write(options.ics.path, options.ics.content);

  let pages = 0;
  for (const page of site.pages()) {
    const base = '../'.repeat(page.path.split('/').length - 1);
    const nav = NAV.map((n) => ({
      href: n.href,
      label: t(n.key),
      ...(n.href === page.path ? { current: 'page' } : n.section === page.section ? { current: 'true' } : {}),
    }));
    const extra =
      page.template === 'service'
        ? { graphLayout: layoutNeighbourhood(page.graph, words) }
        : page.template === 'index'
          ? filters
          : page.template === 'calendar'
            ? { weekdays }
            : {};
    write(page.path, render(page.template, { ...page, ...extra, ...shared, base, nav }));
    pages++;
  }
  write(SITE_MARKER, `opsledger catalog ${options.version}\n`);
  return { pages, files, searchIndexBytes: Buffer.byteLength(index) };
}
