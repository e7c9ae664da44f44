import { catalogMetricsView } from '../core/metrics/catalog-view.js';
import { ENGLISH_CHART_LABELS, KOREAN_CHART_LABELS } from '../core/metrics/chart-model.js';
import { pagePath } from '../core/catalog/links.js';
import { buildCatalog as buildSiteModel } from '../core/catalog/build.js';
import type { CatalogSite, FileCommit } from '../core/catalog/types.js';
import { BLAST_RADIUS_LISTED } from '../core/catalog/change-page.js';
import { calendarMonths, monthsRange } from '../core/catalog/calendar-month.js';
import type { WindowOccurrence } from '../core/calendar/expand.js';
import { windowsInForce } from '../core/calendar/in-force.js';
import { calendarToIcs, icsChangeOf, type IcsChange } from '../core/calendar/ics.js';
import { calendarWindows } from '../core/calendar/organisation-calendar.js';
import { organisationZone } from '../core/evidence-time.js';
import { buildGraph, type Graph } from '../core/graph.js';
import { activePolicy, type Organisation } from '../core/organisation.js';
import { assessChange } from '../core/risk/assess.js';
import type { RiskReport } from '../core/risk/types.js';
import { isOpen, openChangeIds } from '../core/change-phase.js';
import { riskContext } from './assess-risk.js';
import { computeMetrics } from './compute-metrics.js';
import type { LoadedOrganisation } from './load-organisation.js';
import type { GitRepository } from './ports/git.js';
import { calendarFailure } from './calendar-failure.js';
import type { AuditReport } from '../core/audit/reconcile.js';

/**
 * `opsledger catalog`: gathers what the view model needs from the loaded organisation (the
 * dependency graph, risk reports, calendar occurrences, git history), builds it, and hands it
 * to the site writer, which renders it and swaps the finished site into place.
 */
export interface CatalogBuildOptions {
  now: number;
  /** The site's language, for the metrics charts' labels. */
  locale: string;
  /** A saved audit report (opsledger audit --report): the site gets an audit page. */
  audit?: AuditReport;
}

/** Renders the site model and puts it in place; `ics` is the calendar download. */
export type SiteWriter<R> = (site: CatalogSite, ics: { path: string; content: string } | undefined) => Promise<R>;

export type CatalogBuildResult<R> = R & {
  zone: string;
  warnings: string[];
};

export const ICS_PATH = 'calendar/opsledger.ics';

/** The metrics page covers the same default window as `opsledger metrics`. */
const METRICS_WINDOW_MS = 90 * 86_400_000;

/**
 * The zone the site shows times in: the organisation's own (organisationZone), the clock
 * readiness reads bare dates on too. One zone for the whole site keeps a day in the calendar
 * the same day on every page.
 */
export function displayZone(org: Organisation): string {
  return organisationZone(org);
}

/** Changes still ahead or under way: what a subscriber to the calendar wants to see. */
function upcomingChanges(org: Organisation, now: number): IcsChange[] {
  const out: IcsChange[] = [];
  for (const { doc } of org.changes.values()) {
    if (!isOpen(doc)) continue;
    if (!(Date.parse(doc.spec.schedule.end) >= now)) continue;
    out.push(icsChangeOf(doc));
  }
  return out;
}

export async function buildCatalog<R>(loaded: LoadedOrganisation, git: GitRepository, writeSite: SiteWriter<R>, options: CatalogBuildOptions): Promise<CatalogBuildResult<R>> {
  const { org } = loaded;
  const { now } = options;
  const warnings: string[] = [];
  const zone = displayZone(org);

  const context = activePolicy(org) ? riskContext(loaded, now, await git.documentOrigins()) : undefined;
  // Open changes are assessed, as `opsledger risk --open` does: that is when a risk report
  // decides approvals and controls. A closed change shows its outcome instead; assessing the
  // whole history would make every build slower as the history grows (tens of milliseconds a
  // change at 20k changes).
  const open = new Set(openChangeIds(org.changes));
  const risk = context ? (id: string): RiskReport | undefined => (open.has(id) ? assessChange(context, id, { blastRadiusRows: BLAST_RADIUS_LISTED }) : undefined) : undefined;
  if (!risk) warnings.push('no Policy document: change pages are built without risk reports');
  const graph: Graph = context?.graph ?? buildGraph(org);

  const starts = [...org.changes.values()].map((c) => Date.parse(c.doc.spec.schedule.start)).filter((t) => !Number.isNaN(t));
  const months = calendarMonths(starts, now, zone);
  const windows = calendarWindows(org);
  let occurrences: WindowOccurrence[] = [];
  let ics: string | undefined;
  try {
    occurrences = windowsInForce(windows, monthsRange(months));
    ics = calendarToIcs(windows, { name: 'opsledger', stamp: now, changes: upcomingChanges(org, now) });
  } catch (e) {
    // A site without the windows in force would look complete and be wrong: no site instead.
    calendarFailure(e);
  }

  const history: Map<string, FileCommit[]> | undefined = await git.fileHistory();
  if (!history) warnings.push('not a git repository: service pages are built without history');

  const report = await computeMetrics(org, git, { from: now - METRICS_WINDOW_MS, to: now, timeZone: zone });
  const metrics = catalogMetricsView(report, { serviceHref: pagePath.service, teamHref: pagePath.team, labels: options.locale === 'ko' ? KOREAN_CHART_LABELS : ENGLISH_CHART_LABELS });

  const site = buildSiteModel({
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
    ...(options.audit ? { audit: options.audit } : {}),
  });
  const result = await writeSite(site, ics ? { path: ICS_PATH, content: ics } : undefined);
  return { ...result, zone, warnings };
}
