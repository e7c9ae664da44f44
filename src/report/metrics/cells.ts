import { formatDuration } from '../../core/duration.js';
import { localDateTime } from '../../core/metrics/months.js';
import { failuresIn } from '../../core/metrics/failure-rate.js';
import type { IncidentMetricSet, MetricSet, MetricsReport } from '../../core/metrics/types.js';

/**
 * One row of figures per group (overall, a team, a service, a month), shared by the text and
 * markdown renderers so both always say the same thing. "–" means no data, never zero.
 */
export const COLUMNS = ['deployments', 'per week', 'lead time (median)', 'change failure rate', 'time to restore (median)', 'MTTD (mean)', 'emergency'] as const;

const NONE = '–';

const duration = (seconds: number | null) => (seconds === null ? NONE : formatDuration(seconds * 1000));
const percent = (ratio: number | null, part: number, whole: number) => (ratio === null ? NONE : `${Math.round(ratio * 100)}% (${part}/${whole})`);

export function cells(m: MetricSet): string[] {
  const cfr = m.changeFailureRate;
  return [
    String(m.deploymentFrequency.deployments),
    m.deploymentFrequency.perWeek.toFixed(2),
    duration(m.leadTime.medianSeconds),
    percent(cfr.rate, failuresIn(cfr), cfr.deployments),
    duration(m.timeToRestore.medianSeconds),
    duration(m.timeToDetect.meanSeconds),
    percent(m.emergencyChangeRatio.ratio, m.emergencyChangeRatio.emergency, m.emergencyChangeRatio.deployments),
  ];
}

export interface Section {
  title: string;
  rows: [string, string[]][];
}

export function sections(r: MetricsReport): Section[] {
  return [
    { title: 'Overall', rows: [['all services', cells(r)]] },
    { title: 'By team', rows: r.teams.map((t) => [t.team, cells(t)]) },
    { title: 'By service', rows: r.services.map((s) => [s.service, cells(s)]) },
    { title: `By month (${r.window.timeZone})`, rows: r.months.map((m) => [m.month, cells(m)]) },
  ];
}

export function windowLine(r: MetricsReport): string {
  const at = (iso: string) => localDateTime(Date.parse(iso), r.window.timeZone);
  return `${at(r.window.from)} to ${at(r.window.to)} ${r.window.timeZone} (${r.window.days} days), environment ${r.window.environments.join(', ')}`;
}

/** The incident table's columns (docs/metrics.md, "Incidents"): counts, the four means, the budget spent. */
export const INCIDENT_COLUMNS = ['incidents', 'sev1', 'sev2', 'sev3', 'sev4', 'caused by a change', 'MTTD (mean)', 'MTTA (mean)', 'time to mitigate (mean)', 'MTTR (mean)', 'error budget'] as const;

export function incidentCells(m: IncidentMetricSet): string[] {
  const budget = m.errorBudget.reduce((n, e) => n + e.minutes, 0);
  return [
    String(m.incidents),
    String(m.bySeverity.sev1),
    String(m.bySeverity.sev2),
    String(m.bySeverity.sev3),
    String(m.bySeverity.sev4),
    String(m.causedByChange),
    duration(m.timeToDetect.meanSeconds),
    duration(m.timeToAcknowledge.meanSeconds),
    duration(m.timeToMitigate.meanSeconds),
    duration(m.timeToResolve.meanSeconds),
    m.errorBudget.length ? `${budget} min` : NONE,
  ];
}

export function incidentSections(r: MetricsReport): Section[] {
  const i = r.incidents;
  return [
    { title: 'Incidents, overall', rows: [['all services', incidentCells(i)]] },
    { title: 'Incidents by severity', rows: i.severities.filter((s) => s.incidents > 0).map((s) => [s.severity, incidentCells(s)]) },
    { title: 'Incidents by team', rows: i.teams.map((t) => [t.team, incidentCells(t)]) },
    { title: 'Incidents by service', rows: i.services.map((s) => [s.service, incidentCells(s)]) },
    { title: `Incidents by month (${r.window.timeZone})`, rows: i.months.map((m) => [m.month, incidentCells(m)]) },
  ];
}

/** Error budget spent by incidents, one line per SLO. */
export function budgetLines(r: MetricsReport): string[] {
  return r.incidents.errorBudget.map((e) => `${e.slo}: ${e.minutes} min of error budget (${e.incidents.join(', ')})`);
}

/** Caveats a reader needs to trust the figures, in plain words. */
export function notes(r: MetricsReport): string[] {
  const out: string[] = [];
  if (r.leadTime.unknown > 0) {
    out.push(`Lead time is unknown for ${r.leadTime.unknown} of ${r.deploymentFrequency.deployments} deployments: the change file has no commit before the change was implemented (recorded after the fact, or no git history here).`);
  }
  const cfr = r.changeFailureRate;
  if (cfr.partial > 0) out.push(`${cfr.partial} partial deployment(s) count as deployments that did not fail, unless an incident names them as its cause.`);
  const named = r.deployments.filter((d) => d.failed && d.causedIncidents.length > 0 && d.result !== 'failed' && d.result !== 'rolled-back');
  for (const d of named) out.push(`${d.change} counts as failed: its outcome says ${d.result}, but ${d.causedIncidents.join(', ')} name(s) it as the cause.`);
  if (r.incidents.unresolved > 0) out.push(`${r.incidents.unresolved} incident(s) have no resolvedAt yet, so MTTR leaves them out.`);
  if (r.timeToRestore.unmeasured > 0) out.push(`${r.timeToRestore.unmeasured} failure(s) lack failureDetectedAt or restoredAt, so their time to restore is not measured.`);
  for (const e of r.excluded) out.push(`${e.change} is left out: ${e.reason === 'cancelled' ? 'cancelled, yet it has an outcome' : 'its outcome has no implementedAt'}.`);
  return out;
}
