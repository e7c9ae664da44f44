import { leadTimeStarts } from '../adapters/git/lead-time-starts.js';
import { computeMetrics } from '../core/metrics/compute.js';
import { catalogMetricsView } from '../core/metrics/catalog-view.js';
import { ENGLISH_CHART_LABELS, KOREAN_CHART_LABELS } from '../core/metrics/chart-model.js';
import { pagePath } from '../core/catalog/links.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_FOLDERS } from '../adapters/fs/discover.js';
import type { LoadedOrganisation } from '../adapters/fs/load-organisation.js';
import { TOOL_VERSION } from '../adapters/fs/version.js';
import { fileHistory } from '../adapters/git/file-history.js';
import { buildCatalog } from '../core/catalog/build.js';
import { calendarMonths, monthsRange } from '../core/catalog/calendar-month.js';
import type { WindowOccurrence } from '../core/calendar/expand.js';
import { windowsInForce } from '../core/calendar/in-force.js';
import { calendarToIcs, type IcsChange } from '../core/calendar/ics.js';
import { calendarWindows } from '../core/calendar/organisation-calendar.js';
import { isTimeZone } from '../core/calendar/rrule-syntax.js';
import { buildGraph, type Graph } from '../core/graph.js';
import { activePolicy, type Organisation } from '../core/organisation.js';
import type { RiskReport } from '../core/risk/types.js';
import type { Locale } from './messages.js';
import { renderSite, type RenderResult } from './render-site.js';
import { replaceDirectory } from './write-site.js';

/**
 * `opsledger catalog`: gathers what the view model needs from the loaded organisation (the
 * dependency graph, risk reports, calendar occurrences, git history), builds it, renders it and
 * swaps the finished site into place.
 */
export interface CatalogBuildOptions {
  out: string;
  locale: Locale;
  now: number;
  /** The dependency graph, when the caller has built it already. */
  graph?: Graph;
  /**
   * A change's risk report, or undefined for a change that is not assessed. Without it (no
   * policy) change pages carry no risk section at all.
   */
  risk?: (changeId: string) => RiskReport | undefined;
  /** Render threads, the main thread included (see RenderOptions). */
  threads?: number;
}

export interface CatalogBuildResult extends RenderResult {
  out: string;
  zone: string;
  warnings: string[];
}

export const ICS_PATH = 'calendar/opsledger.ics';

/** The metrics page covers the same default window as `opsledger metrics`. */
const METRICS_WINDOW_MS = 90 * 86_400_000;

/**
 * The zone the site shows times in: where the organisation says its peak hours are, else the
 * zone of its first recurring window, else UTC. One zone for the whole site keeps a day in the
 * calendar the same day on every page.
 */
export function displayZone(org: Organisation): string {
  const peak = activePolicy(org)?.doc.spec.likelihood.factors.peakHours?.timeZone;
  if (peak && isTimeZone(peak)) return peak;
  for (const { doc } of org.calendars.values()) for (const w of doc.spec.windows) if (w.timeZone && isTimeZone(w.timeZone)) return w.timeZone;
  return 'UTC';
}

/** Changes still ahead or under way: what a subscriber to the calendar wants to see. */
function upcomingChanges(org: Organisation, now: number): IcsChange[] {
  const out: IcsChange[] = [];
  for (const { doc } of org.changes.values()) {
    const phase = doc.status?.phase;
    if (phase === 'cancelled' || phase === 'completed') continue;
    if (!(Date.parse(doc.spec.schedule.end) >= now)) continue;
    out.push({
      id: doc.metadata.name,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      start: doc.spec.schedule.start,
      end: doc.spec.schedule.end,
      type: doc.spec.type,
      ...(doc.spec.services ? { services: doc.spec.services } : {}),
      environment: doc.spec.environment,
      ...(phase ? { phase } : {}),
    });
  }
  return out;
}

export async function buildCatalogSite(root: string, loaded: LoadedOrganisation, options: CatalogBuildOptions): Promise<CatalogBuildResult> {
  const { org } = loaded;
  const { now } = options;
  const warnings: string[] = [];
  const zone = displayZone(org);

  const { risk } = options;
  if (!risk) warnings.push('no Policy document: change pages are built without risk reports');
  const graph = options.graph ?? buildGraph(org);

  const starts = [...org.changes.values()].map((c) => Date.parse(c.doc.spec.schedule.start)).filter((t) => !Number.isNaN(t));
  const months = calendarMonths(starts, now, zone);
  const windows = calendarWindows(org);
  let occurrences: WindowOccurrence[] = [];
  let ics: string | undefined;
  try {
    occurrences = windowsInForce(windows, monthsRange(months));
    ics = calendarToIcs(windows, { name: 'opsledger', stamp: now, changes: upcomingChanges(org, now) });
  } catch (e) {
    warnings.push(`the calendar could not be expanded: ${(e as Error).message}`);
  }

  const history = await fileHistory(
    root,
    DATA_FOLDERS.filter((d) => existsSync(join(root, d))),
  );
  if (!history) warnings.push('not a git repository: service pages are built without history');

  const leadStarts = await leadTimeStarts(root);
  const report = computeMetrics(org, { from: now - METRICS_WINDOW_MS, to: now, timeZone: zone, leadTimeStart: (id) => leadStarts.get(org.changes.get(id)?.file ?? '') });
  const metrics = catalogMetricsView(report, { serviceHref: pagePath.service, teamHref: pagePath.team, labels: options.locale === 'ko' ? KOREAN_CHART_LABELS : ENGLISH_CHART_LABELS });

  const site = buildCatalog({
    org,
    metrics,
    graph,
    now,
    timeZone: zone,
    ...(risk ? { risk } : {}),
    months,
    occurrences,
    ...(ics ? { icsPath: ICS_PATH } : {}),
    ...(history ? { history } : {}),
  });
  const result = await replaceDirectory(options.out, (dir) =>
    renderSite(site, dir, { locale: options.locale, version: TOOL_VERSION, ...(options.threads ? { threads: options.threads } : {}), ...(ics ? { ics: { path: ICS_PATH, content: ics } } : {}) }),
  );
  return { ...result, out: options.out, zone, warnings };
}
