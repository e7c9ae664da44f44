import { median } from './stats.js';
import type { Deployment, MetricsReport } from './types.js';

/**
 * Chart-ready series from a metrics report: one value per month of the window, overall or one
 * series per team or service. Built from the report's own deployment rows, so the charts show
 * exactly the numbers `opsledger metrics` prints (docs/metrics.md). Pure data; svg.ts draws it.
 */
export type MonthlyMetric = 'deployments' | 'changeFailureRate' | 'leadTime' | 'timeToRestore' | 'timeToDetect';
export type SeriesGrouping = 'overall' | 'team' | 'service';

/** count: a whole number; ratio: 0..1; seconds: a duration. */
export type ChartUnit = 'count' | 'ratio' | 'seconds';

export interface ChartSeries {
  key: string;
  label: string;
  /** One value per category; null where there is nothing to measure (no deployments, no failure). */
  values: (number | null)[];
}

export interface ChartModel {
  /** A DOM-safe id, unique per chart on a page (prefix it when the same chart appears twice). */
  id: string;
  title: string;
  /** A sentence for screen readers: what the chart shows and its extremes. */
  description: string;
  kind: 'bar' | 'line';
  stacked: boolean;
  unit: ChartUnit;
  /** The x axis: months `YYYY-MM`. */
  categories: string[];
  series: ChartSeries[];
}

const UNIT: Record<MonthlyMetric, ChartUnit> = {
  deployments: 'count',
  changeFailureRate: 'ratio',
  leadTime: 'seconds',
  timeToRestore: 'seconds',
  timeToDetect: 'seconds',
};

/** The figure of one metric over some deployments, as metrics.md defines it. */
function value(metric: MonthlyMetric, rows: readonly Deployment[]): number | null {
  const pick = (f: (d: Deployment) => number | null) => rows.map(f).filter((x): x is number => x !== null);
  switch (metric) {
    case 'deployments':
      return rows.length;
    case 'changeFailureRate':
      return rows.length ? rows.filter((d) => d.failed).length / rows.length : null;
    case 'leadTime':
      return median(pick((d) => d.leadTimeSeconds));
    case 'timeToRestore':
      return median(pick((d) => d.timeToRestoreSeconds));
    case 'timeToDetect': {
      const v = pick((d) => d.timeToDetectSeconds);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    }
  }
}

function groupsOf(d: Deployment, by: SeriesGrouping): readonly string[] {
  return by === 'team' ? d.teams : by === 'service' ? d.services : ['overall'];
}

/** Per-month values of one metric, one series per group (largest groups first). */
export function monthlySeries(report: MetricsReport, metric: MonthlyMetric, by: SeriesGrouping, overallLabel = 'All services'): { categories: string[]; series: ChartSeries[] } {
  const categories = report.months.map((m) => m.month);
  const rowsBy = new Map<string, Deployment[]>();
  for (const d of report.deployments) {
    for (const g of groupsOf(d, by)) {
      const list = rowsBy.get(g) ?? [];
      list.push(d);
      rowsBy.set(g, list);
    }
  }
  const groups = [...rowsBy.keys()].sort((a, b) => rowsBy.get(b)!.length - rowsBy.get(a)!.length || (a < b ? -1 : 1));
  if (by === 'overall' && groups.length === 0) groups.push('overall');
  const series = groups.map((g) => {
    const rows = rowsBy.get(g) ?? [];
    return { key: g, label: by === 'overall' ? overallLabel : g, values: categories.map((month) => value(metric, rows.filter((d) => d.month === month))) };
  });
  return { categories, series };
}

export interface ChartLabels {
  allServices: string;
  incidentsBySeverity: string;
  deploymentsByTeam: string;
  changeFailureRate: string;
  leadTime: string;
  timeToRestore: string;
  /** "{title}, {first} to {last}: highest {max} in {month}." */
  describe(title: string, categories: readonly string[], max: { value: string; category: string } | undefined): string;
}

export const ENGLISH_CHART_LABELS: ChartLabels = {
  allServices: 'All services',
  incidentsBySeverity: 'Incidents per month by severity',
  deploymentsByTeam: 'Deployments per month by team',
  changeFailureRate: 'Change failure rate per month',
  leadTime: 'Lead time for changes per month (median)',
  timeToRestore: 'Time to restore per month (median)',
  describe: (title, categories, max) =>
    categories.length === 0
      ? `${title}: no months in the window.`
      : `${title}, ${categories[0]} to ${categories[categories.length - 1]}: ${max ? `highest ${max.value} in ${max.category}` : 'no data'}.`,
};

export const KOREAN_CHART_LABELS: ChartLabels = {
  allServices: '전체 서비스',
  incidentsBySeverity: '심각도별 월간 장애 수',
  deploymentsByTeam: '팀별 월간 배포 수',
  changeFailureRate: '월별 변경 실패율',
  leadTime: '월별 변경 리드 타임(중앙값)',
  timeToRestore: '월별 서비스 복구 시간(중앙값)',
  describe: (title, categories, max) =>
    categories.length === 0
      ? `${title}: 기간 내 데이터가 없습니다.`
      : `${title}, ${categories[0]}부터 ${categories[categories.length - 1]}까지: ${max ? `${max.category}에 최고 ${max.value}` : '데이터 없음'}.`,
};

/** How a value reads in words (descriptions) and on axes. */
export function formatChartValue(v: number, unit: ChartUnit): string {
  if (unit === 'ratio') return `${Math.round(v * 100)}%`;
  if (unit === 'count') return Number.isInteger(v) ? String(v) : v.toFixed(1);
  if (v >= 86_400) return `${+(v / 86_400).toFixed(1)}d`;
  if (v >= 3_600) return `${+(v / 3_600).toFixed(1)}h`;
  return `${Math.round(v / 60)}m`;
}

function chart(id: string, title: string, kind: 'bar' | 'line', stacked: boolean, unit: ChartUnit, data: { categories: string[]; series: ChartSeries[] }, labels: ChartLabels): ChartModel {
  let max: { value: number; category: string } | undefined;
  data.categories.forEach((category, i) => {
    const total = stacked ? data.series.reduce((a, s) => a + (s.values[i] ?? 0), 0) : Math.max(...data.series.map((s) => s.values[i] ?? -Infinity));
    if (Number.isFinite(total) && (!max || total > max.value)) max = { value: total, category };
  });
  const described = max ? { value: formatChartValue(max.value, unit), category: max.category } : undefined;
  return { id, title, description: labels.describe(title, data.categories, described), kind, stacked, unit, ...data };
}

/** Incidents started each month, one series per severity that occurred (sev1 first). */
export function incidentSeries(report: MetricsReport): { categories: string[]; series: ChartSeries[] } {
  const months = report.incidents.months;
  const severities = report.incidents.severities.filter((s) => s.incidents > 0).map((s) => s.severity);
  return {
    categories: months.map((m) => m.month),
    series: severities.map((sev) => ({ key: sev, label: sev, values: months.map((m) => m.bySeverity[sev]) })),
  };
}

/** The five charts of the catalog's metrics page, in reading order. */
export function metricsCharts(report: MetricsReport, labels: ChartLabels = ENGLISH_CHART_LABELS): ChartModel[] {
  const overall = (m: MonthlyMetric) => monthlySeries(report, m, 'overall', labels.allServices);
  return [
    chart('deployments-by-team', labels.deploymentsByTeam, 'bar', true, 'count', monthlySeries(report, 'deployments', 'team'), labels),
    chart('change-failure-rate', labels.changeFailureRate, 'line', false, 'ratio', overall('changeFailureRate'), labels),
    chart('lead-time', labels.leadTime, 'line', false, 'seconds', overall('leadTime'), labels),
    chart('time-to-restore', labels.timeToRestore, 'bar', false, 'seconds', overall('timeToRestore'), labels),
    chart('incidents-by-severity', labels.incidentsBySeverity, 'bar', true, 'count', incidentSeries(report), labels),
  ];
}
