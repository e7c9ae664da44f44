import type { Link } from '../model.js';

/**
 * Links the catalog may render as anchors. Only http(s) and mailto survive: anything else
 * (javascript:, data:, vbscript:, relative paths that could climb out of the site) is shown
 * as text, so a hostile document can at worst print a string.
 */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export interface LinkView {
  title: string;
  /** Present only when the URL is safe to follow. */
  href?: string;
  /** The URL as written, shown when it is not a link. */
  url: string;
}

/** The common cases, decided without a URL parser: a plain web or mail address. */
const PLAIN = /^(https?:\/\/|mailto:)[^\s\x00-\x1f\x7f\\]+$/i;

export function safeHref(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  if (PLAIN.test(url)) return url;
  // No colon, no scheme: "#channel", "16.4" or a relative path, never a link.
  if (!url.includes(':')) return undefined;
  // URL parsing strips tabs and newlines inside the scheme ("java\nscript:"), so test the
  // parsed protocol, never a prefix of the raw text.
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
}

export function linkView(title: string, url: string): LinkView {
  return { title, href: safeHref(url), url };
}

export function linkViews(links: readonly Link[] | undefined): LinkView[] {
  return (links ?? []).map((l) => linkView(l.title, l.url));
}

/** Site-relative page paths. Names are DNS labels or change ids, encoded all the same. */
export const pagePath = {
  index: 'index.html',
  service: (name: string) => `services/${encodeURIComponent(name)}.html`,
  team: (name: string) => `teams/${encodeURIComponent(name)}.html`,
  ci: (name: string) => `cis/${encodeURIComponent(name)}.html`,
  system: (name: string) => `systems/${encodeURIComponent(name)}.html`,
  domain: (name: string) => `domains/${encodeURIComponent(name)}.html`,
  api: (name: string) => `apis/${encodeURIComponent(name)}.html`,
  change: (id: string) => `changes/${encodeURIComponent(id)}.html`,
  incident: (id: string) => `incidents/${encodeURIComponent(id)}.html`,
  problem: (id: string) => `problems/${encodeURIComponent(id)}.html`,
  incidents: 'incidents/index.html',
  month: (month: string) => `calendar/${month}.html`,
  calendar: 'calendar/index.html',
  metrics: 'metrics.html',
  readiness: 'readiness.html',
  audit: 'audit.html',
  /** Page n (1-based) of a paginated list under `folder`. */
  list: (folder: string, n: number) => (n <= 1 ? `${folder}/index.html` : `${folder}/page-${n}.html`),
};
