import { EXPOSURES } from '../core/model.js';
import type { CatalogSite, Page } from '../core/catalog/types.js';
import { FileWriter } from './file-writer.js';
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

/** Window titles of the pages that have no heading of their own. */
const TITLES: Partial<Record<Page['template'], string>> = {
  index: 'index.title',
  'services-list': 'list.services',
  'teams-list': 'list.teams',
  'cis-list': 'list.cis',
  'changes-list': 'list.changes',
  calendar: 'calendar.title',
  metrics: 'metrics.title',
  readiness: 'coverage.title',
};

const NAV: { section: Page['section']; href: string; key: string }[] = [
  { section: 'services', href: 'index.html', key: 'nav.services' },
  { section: 'teams', href: 'teams/index.html', key: 'nav.teams' },
  { section: 'cis', href: 'cis/index.html', key: 'nav.cis' },
  { section: 'changes', href: 'changes/index.html', key: 'nav.changes' },
  { section: 'calendar', href: 'calendar/index.html', key: 'nav.calendar' },
  { section: 'metrics', href: 'metrics.html', key: 'nav.metrics' },
  { section: 'readiness', href: 'readiness.html', key: 'nav.readiness' },
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

export async function renderSite(site: CatalogSite, dir: string, options: RenderOptions): Promise<RenderResult> {
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
  const siteData = { zone: site.zone, builtAt: site.builtAt, version: options.version };
  // The readiness levels come with the index page: whether there are any depends on the policy.
  const filters = { tiers: [1, 2, 3, 4], exposures: EXPOSURES, lifecycles: ['experimental', 'production', 'deprecated'] };

  const out = new FileWriter(dir);
  const write = (rel: string, content: string | Buffer) => out.write(rel, content);

  const index = searchIndexScript(site);
  let pages = 0;
  try {
    for (const [name, content] of staticAssets()) await write(`assets/${name}`, content);
    await write(SEARCH_INDEX_FILE, index);
    if (options.ics) await write(options.ics.path, options.ics.content);

    for (const page of site.pages()) {
      const base = '../'.repeat(page.path.split('/').length - 1);
      const nav = NAV.map((n) => ({
        href: n.href,
        label: t(n.key),
        current: n.href === page.path ? 'page' : n.section === page.section ? 'true' : undefined,
      }));
      const data = {
        base,
        nav,
        title: page.heading || t(TITLES[page.template] ?? 'site.name'),
        locale,
        csp: CSP,
        site: siteData,
        script: page.template === 'index',
        graphLayout: page.template === 'service' ? layoutNeighbourhood(page.graph, words) : undefined,
        filters: page.template === 'index' ? filters : undefined,
        weekdays: page.template === 'calendar' ? weekdays : undefined,
      };
      await write(page.path, render(page.template, page, data));
      pages++;
    }
    // GitHub Pages would otherwise run Jekyll over tens of thousands of pages it need not touch.
    await write('.nojekyll', '');
    await write(SITE_MARKER, `opsledger catalog ${options.version}\n`);
    await out.settle();
  } catch (e) {
    // Let the writes under way finish before the caller removes the folder they write into.
    await out.settle().catch(() => undefined);
    throw e;
  }
  return { pages, files: out.files, searchIndexBytes: Buffer.byteLength(index) };
}
