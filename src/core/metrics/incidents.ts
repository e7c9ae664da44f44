import { parseInstant } from '../calendar/local-time.js';
import { INCIDENT_SEVERITIES, type Incident, type IncidentSeverity } from '../model.js';
import type { Organisation } from '../organisation.js';
import { attribution } from './deployments.js';
import { monthOf, monthsBetween } from './months.js';
import { mean, median, seconds } from './stats.js';
import type { DurationFigures, IncidentMetricSet, IncidentRow, IncidentsReport } from './types.js';

/**
 * The incident side of `opsledger metrics` (docs/metrics.md, "Incidents"): every number over one
 * list of incidents, those that started inside the window, overall and per service, team,
 * severity and month. Incidents are attributed to services and teams exactly as deployments are
 * (`attribution`: the services named plus the owners of the CIs named), so a service's row counts
 * its changes and its incidents over the same things.
 *
 * The four durations, each measured only where both of its times are written:
 * - time to detect (MTTD): startedAt → detectedAt;
 * - time to acknowledge (MTTA): detectedAt → acknowledgedAt;
 * - time to mitigate: startedAt → mitigatedAt (service restored for users, the DORA sense);
 * - time to resolve (MTTR): startedAt → resolvedAt (the incident closed, the SRE sense).
 * Means are the figures the names carry ("mean time to…"); medians are printed beside them.
 */
export interface IncidentFacts {
  id: string;
  severity: IncidentSeverity;
  status: Incident['spec']['status'];
  startedAt: number;
  month: string;
  services: string[];
  teams: string[];
  causedBy: string[];
  detectMs?: number;
  acknowledgeMs?: number;
  mitigateMs?: number;
  resolveMs?: number;
  errorBudget: { slo: string; minutes: number }[];
}

export interface IncidentQuery {
  /** [from, to), epoch ms: the incident's startedAt inside it. */
  from: number;
  to: number;
  timeZone: string;
}

const at = (text: string | undefined) => (text === undefined ? undefined : parseInstant(text));

/** A span between two written times; none when either is missing or they run backwards (validate reports that). */
function span(from: number | undefined, to: number | undefined): number | undefined {
  return from !== undefined && to !== undefined && to >= from ? to - from : undefined;
}

/**
 * The incidents that started in [from, to), oldest first: the one list every incident number and
 * the risk engine's recent-incident factor are taken from.
 */
export function incidentsStartedIn(org: Organisation, from: number, to: number): { doc: Incident; startedAt: number }[] {
  const out: { doc: Incident; startedAt: number }[] = [];
  for (const { doc } of org.incidents.values()) {
    const started = at(doc.spec.startedAt);
    if (started !== undefined && started >= from && started < to) out.push({ doc, startedAt: started });
  }
  return out.sort((a, b) => a.startedAt - b.startedAt || (a.doc.metadata.name < b.doc.metadata.name ? -1 : 1));
}

export function collectIncidents(org: Organisation, q: IncidentQuery): IncidentFacts[] {
  return incidentsStartedIn(org, q.from, q.to).map(({ doc, startedAt }) => {
    const s = doc.spec;
    const detected = at(s.detectedAt);
    const facts: IncidentFacts = {
      id: doc.metadata.name,
      severity: s.severity,
      status: s.status,
      startedAt,
      month: monthOf(startedAt, q.timeZone),
      ...attribution(org, doc),
      causedBy: Array.isArray(s.causedBy) ? [...s.causedBy] : [],
      errorBudget: (s.impact?.errorBudget ?? []).map((e) => ({ slo: e.slo, minutes: e.minutes })),
    };
    const put = (key: 'detectMs' | 'acknowledgeMs' | 'mitigateMs' | 'resolveMs', ms: number | undefined) => {
      if (ms !== undefined) facts[key] = ms;
    };
    put('detectMs', span(startedAt, detected));
    put('acknowledgeMs', span(detected, at(s.acknowledgedAt)));
    put('mitigateMs', span(startedAt, at(s.mitigatedAt)));
    put('resolveMs', span(startedAt, at(s.resolvedAt)));
    return facts;
  });
}

function durations(values: readonly number[]): DurationFigures {
  return { count: values.length, meanSeconds: seconds(mean(values)), medianSeconds: seconds(median(values)) };
}

/** The incident figures of some incidents. */
export function incidentMetricSet(incidents: readonly IncidentFacts[]): IncidentMetricSet {
  const pick = (key: 'detectMs' | 'acknowledgeMs' | 'mitigateMs' | 'resolveMs') => incidents.flatMap((i) => (i[key] === undefined ? [] : [i[key]!]));
  const bySeverity = Object.fromEntries(INCIDENT_SEVERITIES.map((s) => [s, 0])) as Record<IncidentSeverity, number>;
  const budget = new Map<string, { minutes: number; incidents: string[] }>();
  for (const i of incidents) {
    bySeverity[i.severity]++;
    for (const e of i.errorBudget) {
      const row = budget.get(e.slo) ?? { minutes: 0, incidents: [] };
      row.minutes += e.minutes;
      if (!row.incidents.includes(i.id)) row.incidents.push(i.id);
      budget.set(e.slo, row);
    }
  }
  return {
    incidents: incidents.length,
    bySeverity,
    causedByChange: incidents.filter((i) => i.causedBy.length > 0).length,
    unresolved: incidents.filter((i) => i.resolveMs === undefined).length,
    timeToDetect: durations(pick('detectMs')),
    timeToAcknowledge: durations(pick('acknowledgeMs')),
    timeToMitigate: durations(pick('mitigateMs')),
    timeToResolve: durations(pick('resolveMs')),
    errorBudget: [...budget].sort(([a], [b]) => (a < b ? -1 : 1)).map(([slo, r]) => ({ slo, minutes: r.minutes, incidents: r.incidents })),
  };
}

function groupBy(incidents: readonly IncidentFacts[], keys: (i: IncidentFacts) => readonly string[]): [string, IncidentFacts[]][] {
  const out = new Map<string, IncidentFacts[]>();
  for (const i of incidents) {
    for (const k of keys(i)) {
      const list = out.get(k) ?? [];
      list.push(i);
      out.set(k, list);
    }
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function row(i: IncidentFacts): IncidentRow {
  const secs = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 1000));
  return {
    incident: i.id,
    severity: i.severity,
    status: i.status,
    startedAt: new Date(i.startedAt).toISOString(),
    month: i.month,
    services: i.services,
    teams: i.teams,
    causedBy: i.causedBy,
    timeToDetectSeconds: secs(i.detectMs),
    timeToAcknowledgeSeconds: secs(i.acknowledgeMs),
    timeToMitigateSeconds: secs(i.mitigateMs),
    timeToResolveSeconds: secs(i.resolveMs),
  };
}

export function incidentsReport(org: Organisation, q: IncidentQuery): IncidentsReport {
  const incidents = collectIncidents(org, q);
  const months = monthsBetween(q.from, q.to, q.timeZone).map((m) => m.month);
  // Every month of the window for each service and team: a quiet month is a zero, not a gap.
  const perMonth = (list: readonly IncidentFacts[]) => months.map((month) => ({ month, incidents: list.filter((i) => i.month === month).length }));
  const byMonth = new Map(groupBy(incidents, (i) => [i.month]));
  return {
    ...incidentMetricSet(incidents),
    services: groupBy(incidents, (i) => i.services).map(([service, list]) => ({ service, team: org.services.get(service)?.doc.spec.owner ?? null, ...incidentMetricSet(list), perMonth: perMonth(list) })),
    teams: groupBy(incidents, (i) => i.teams).map(([team, list]) => ({ team, ...incidentMetricSet(list), perMonth: perMonth(list) })),
    severities: INCIDENT_SEVERITIES.map((severity) => ({ severity, ...incidentMetricSet(incidents.filter((i) => i.severity === severity)) })),
    months: months.map((month) => ({ month, ...incidentMetricSet(byMonth.get(month) ?? []) })),
    list: incidents.map(row),
  };
}
