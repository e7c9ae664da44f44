import { ENGLISH_CHART_LABELS, metricsCharts, type ChartLabels } from './chart-model.js';
import { renderChartSvg } from './svg.js';
import type { IncidentMetricSet, MetricSet, MetricsReport } from './types.js';

/**
 * What the catalog's metrics page slot (CatalogInput.metrics, templates/catalog/partials/
 * metrics-body.hbs) reads: the headline figures in the units its template prints, overall and
 * per service and team (deployments and incidents), plus the five charts as ready SVG. A figure with no data is left out,
 * which the template shows as "unknown". Built from the same report as `opsledger metrics`.
 */
export interface CatalogMetricsFigures {
  deploymentFrequency?: { perWeek: number };
  leadTime?: { medianHours: number };
  changeFailureRate?: { rate: number };
  timeToRestore?: { medianMinutes: number };
  /** The incidents that started in the window; absent for a row with none. */
  incidents?: CatalogIncidentFigures;
}

/** Incident figures in whole minutes (means, as docs/metrics.md defines MTTD, MTTA and MTTR). */
export interface CatalogIncidentFigures {
  count: number;
  bySeverity: { severity: string; count: number }[];
  timeToDetect?: { meanMinutes: number };
  timeToAcknowledge?: { meanMinutes: number };
  timeToMitigate?: { meanMinutes: number };
  timeToResolve?: { meanMinutes: number };
  errorBudget: { slo: string; minutes: number }[];
}

export interface CatalogChart {
  id: string;
  title: string;
  description: string;
  /** Inline SVG; every text in it is escaped, so it may go into the page unescaped. */
  svg: string;
}

export interface CatalogMetricsView {
  since: string;
  until: string;
  overall: CatalogMetricsFigures;
  services: ({ name: string; href: string } & CatalogMetricsFigures)[];
  teams: ({ name: string; href: string } & CatalogMetricsFigures)[];
  charts: CatalogChart[];
}

export interface CatalogMetricsOptions {
  serviceHref(name: string): string;
  teamHref(name: string): string;
  /** Chart titles and descriptions in the page's language. */
  labels?: ChartLabels;
  noDataLabel?: string;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function catalogFigures(m: MetricSet): CatalogMetricsFigures {
  return {
    deploymentFrequency: { perWeek: round(m.deploymentFrequency.perWeek, 2) },
    ...(m.leadTime.medianSeconds === null ? {} : { leadTime: { medianHours: round(m.leadTime.medianSeconds / 3600, 1) } }),
    ...(m.changeFailureRate.rate === null ? {} : { changeFailureRate: { rate: m.changeFailureRate.rate } }),
    ...(m.timeToRestore.medianSeconds === null ? {} : { timeToRestore: { medianMinutes: Math.round(m.timeToRestore.medianSeconds / 60) } }),
  };
}

const minutes = (key: string, secs: number | null) => (secs === null ? {} : { [key]: { meanMinutes: Math.round(secs / 60) } });

export function catalogIncidentFigures(m: IncidentMetricSet): CatalogIncidentFigures {
  return {
    count: m.incidents,
    bySeverity: Object.entries(m.bySeverity).filter(([, n]) => n > 0).map(([severity, count]) => ({ severity, count })),
    ...minutes('timeToDetect', m.timeToDetect.meanSeconds),
    ...minutes('timeToAcknowledge', m.timeToAcknowledge.meanSeconds),
    ...minutes('timeToMitigate', m.timeToMitigate.meanSeconds),
    ...minutes('timeToResolve', m.timeToResolve.meanSeconds),
    errorBudget: m.errorBudget.map((e) => ({ slo: e.slo, minutes: e.minutes })),
  };
}

/**
 * One row per name that had deployments or incidents (a service with an outage and no change in
 * the window still has a row), sorted by name.
 */
function rows<T extends { incidents: number }>(deployed: Map<string, MetricSet>, incidents: Map<string, T & IncidentMetricSet>, href: (name: string) => string) {
  const names = [...new Set([...deployed.keys(), ...incidents.keys()])].sort();
  return names.map((name) => {
    const d = deployed.get(name);
    const i = incidents.get(name);
    return { name, href: href(name), ...(d ? catalogFigures(d) : {}), ...(i ? { incidents: catalogIncidentFigures(i) } : {}) };
  });
}

export function catalogMetricsView(report: MetricsReport, options: CatalogMetricsOptions): CatalogMetricsView {
  const labels = options.labels ?? ENGLISH_CHART_LABELS;
  return {
    since: report.window.from,
    until: report.window.to,
    overall: { ...catalogFigures(report), incidents: catalogIncidentFigures(report.incidents) },
    services: rows(new Map(report.services.map((s) => [s.service, s])), new Map(report.incidents.services.map((s) => [s.service, s])), options.serviceHref),
    teams: rows(new Map(report.teams.map((t) => [t.team, t])), new Map(report.incidents.teams.map((t) => [t.team, t])), options.teamHref),
    charts: metricsCharts(report, labels).map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      svg: renderChartSvg(c, { idPrefix: 'metrics-', ...(options.noDataLabel ? { noDataLabel: options.noDataLabel } : {}) }),
    })),
  };
}
