import { EXPOSURES } from '../core/model.js';
import type { Page } from '../core/catalog/types.js';
import { layoutNeighbourhood, type GraphWords } from './graph-layout.js';
import { layoutGroups, type GroupWords } from './group-graph.js';
import { message, type Locale } from './messages.js';
import { compileTemplates } from './templates.js';

/**
 * Turns one page of the view model into its HTML: the page's template inside the layout, with
 * what every page shares (navigation, base path, CSP, build stamp) as @data. The main thread
 * and the render workers use the same function, so a page reads the same whoever renders it.
 */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

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
  audit: 'auditPage.title',
  'incidents-list': 'list.incidents',
  'systems-list': 'list.systems',
  'apis-list': 'list.apis',
};

const NAV: { section: Page['section']; href: string; key: string }[] = [
  { section: 'services', href: 'index.html', key: 'nav.services' },
  { section: 'teams', href: 'teams/index.html', key: 'nav.teams' },
  { section: 'systems', href: 'systems/index.html', key: 'nav.systems' },
  { section: 'apis', href: 'apis/index.html', key: 'nav.apis' },
  { section: 'cis', href: 'cis/index.html', key: 'nav.cis' },
  { section: 'changes', href: 'changes/index.html', key: 'nav.changes' },
  { section: 'calendar', href: 'calendar/index.html', key: 'nav.calendar' },
  { section: 'metrics', href: 'metrics.html', key: 'nav.metrics' },
  { section: 'readiness', href: 'readiness.html', key: 'nav.readiness' },
  { section: 'incidents', href: 'incidents/index.html', key: 'nav.incidents' },
  // Only on a site built with an audit report (catalog --audit).
  { section: 'audit', href: 'audit.html', key: 'nav.audit' },
];

/**
 * The pages that carry the build's time (the front page). Every other page shows only what it is
 * made from, so a rebuild an hour later leaves it byte for byte as it was and need not write it.
 */
export const STAMPED: ReadonlySet<Page['template']> = new Set(['index']);

export interface PageRenderOptions {
  locale: Locale;
  version: string;
  zone: string;
  builtAt: string;
  /** The site has an audit page. */
  audit?: boolean;
}

export function pageRenderer(options: PageRenderOptions): (page: Page) => string {
  const { locale } = options;
  const render = compileTemplates(locale);
  const t = (key: string, args?: Record<string, unknown>) => message(locale, key, args);
  const words: GraphWords = {
    usedBy: t('graph.usedBy'),
    dependsOn: t('graph.dependsOn'),
    more: (n) => t('graph.more', { n }),
    caption: (name) => t('graph.caption', { name }),
  };
  const groupWords = (caption: string): GroupWords => ({ noSystem: t('system.none'), more: (n) => t('graph.more', { n }), caption });
  const weekdays = Array.from({ length: 7 }, (_, i) => ({ short: t(`weekdayShort.${i}`), long: t(`weekday.${i}`) }));
  const site = { zone: options.zone, version: options.version };
  const stampedSite = { ...site, builtAt: options.builtAt };
  // The readiness levels come with the index page: whether there are any depends on the policy.
  const filters = { tiers: [1, 2, 3, 4], exposures: EXPOSURES, lifecycles: ['experimental', 'production', 'deprecated'] };
  const sections = NAV.filter((n) => n.section !== 'audit' || options.audit);
  const navLabels = sections.map((n) => t(n.key));

  return (page) => {
    const nav = sections.map((n, i) => ({
      href: n.href,
      label: navLabels[i],
      current: n.href === page.path ? 'page' : n.section === page.section ? 'true' : undefined,
    }));
    const base = '../'.repeat(page.path.split('/').length - 1);
    // The body gets only what bodies use: handlebars copies every @data key into a new frame
    // for each row of each list, so layout-only keys would be copied thousands of times a page.
    const pageSite = STAMPED.has(page.template) ? stampedSite : site;
    const body: Record<string, unknown> = { base, site: pageSite };
    if (page.template === 'service') body.graphLayout = layoutNeighbourhood(page.graph, words);
    else if (page.template === 'index') body.filters = filters;
    else if (page.template === 'calendar') body.weekdays = weekdays;
    else if (page.template === 'system') body.groupGraph = layoutGroups(page.graph, groupWords(t('system.graphCaption', { name: page.heading })));
    else if (page.template === 'systems-list') body.groupGraph = layoutGroups(page.graph, groupWords(t('system.graphCaptionAll')));
    const layout = {
      base,
      nav,
      title: page.heading || t(TITLES[page.template] ?? 'site.name'),
      locale,
      csp: CSP,
      site: pageSite,
      script: page.template === 'index',
      incidentScript: page.template === 'incidents-list',
    };
    return render(page.template, page, body, layout);
  };
}
