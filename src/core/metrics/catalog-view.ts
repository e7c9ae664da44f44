import { ENGLISH_CHART_LABELS, metricsCharts, type ChartLabels } from './chart-model.js';
import { renderChartSvg } from './svg.js';
import type { MetricSet, MetricsReport } from './types.js';

/**
 * What the catalog's metrics page slot (CatalogInput.metrics, templates/catalog/partials/
 * metrics-body.hbs) reads: the headline figures in the units its template prints, overall and
 * per service and team, plus the four charts as ready SVG. A figure with no data is left out,
 * which the template shows as "unknown". Built from the same report as `opsledger metrics`.
 */
export interface CatalogMetricsFigures {
  deploymentFrequency?: { perWeek: number };
  leadTime?: { medianHours: number };
  changeFailureRate?: { rate: number };
  timeToRestore?: { medianMinutes: number };
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

export function catalogMetricsView(report: MetricsReport, options: CatalogMetricsOptions): CatalogMetricsView {
  const labels = options.labels ?? ENGLISH_CHART_LABELS;
  return {
    since: report.window.from,
    until: report.window.to,
    overall: catalogFigures(report),
    services: report.services.map((s) => ({ name: s.service, href: options.serviceHref(s.service), ...catalogFigures(s) })),
    teams: report.teams.map((t) => ({ name: t.team, href: options.teamHref(t.team), ...catalogFigures(t) })),
    charts: metricsCharts(report, labels).map((c) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      svg: renderChartSvg(c, { idPrefix: 'metrics-', ...(options.noDataLabel ? { noDataLabel: options.noDataLabel } : {}) }),
    })),
  };
}
