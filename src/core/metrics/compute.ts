import { activePolicy, type Organisation } from '../organisation.js';
import { canonicalEnvironment, environmentsOf } from '../environments.js';
import { collectDeployments, type DeploymentFacts, type DeploymentQuery } from './deployments.js';
import { monthsBetween } from './months.js';
import { changeFailureRate } from './failure-rate.js';
import { incidentsReport } from './incidents.js';
import { mean, median, ratio, seconds } from './stats.js';
import type { Deployment, MetricSet, MetricsReport } from './types.js';

/**
 * `opsledger metrics`: every number over one list of deployments, overall and broken down by
 * service, team and month. Pure: git lead-time starts come in through the query.
 */
const DAY_MS = 86_400_000;

/** The metrics of some deployments over a period of `days`. */
export function metricSet(deployments: readonly DeploymentFacts[], days: number): MetricSet {
  const n = deployments.length;
  const lead = deployments.flatMap((d) => (d.leadTimeMs === undefined ? [] : [d.leadTimeMs]));
  // Every failure, by outcome or by incident; only outcomes carry detection and restoration times.
  const failures = deployments.filter((d) => d.failed);
  const failureRate = changeFailureRate(deployments);
  const detect = failures.flatMap((d) => (d.detectMs === undefined ? [] : [d.detectMs]));
  const restore = failures.flatMap((d) => (d.restoreMs === undefined ? [] : [d.restoreMs]));
  const emergency = deployments.filter((d) => d.type === 'emergency').length;
  const perDay = days > 0 ? n / days : 0;
  return {
    deploymentFrequency: { deployments: n, days: round(days, 2), perDay: round(perDay, 4), perWeek: round(perDay * 7, 4) },
    leadTime: { count: lead.length, unknown: n - lead.length, medianSeconds: seconds(median(lead)), meanSeconds: seconds(mean(lead)) },
    changeFailureRate: failureRate,
    timeToRestore: { count: restore.length, unmeasured: failures.length - restore.length, medianSeconds: seconds(median(restore)), meanSeconds: seconds(mean(restore)) },
    timeToDetect: { count: detect.length, meanSeconds: seconds(mean(detect)), medianSeconds: seconds(median(detect)) },
    emergencyChangeRatio: { emergency, deployments: n, ratio: ratio(emergency, n) },
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function groupBy(deployments: readonly DeploymentFacts[], keys: (d: DeploymentFacts) => readonly string[]): Map<string, DeploymentFacts[]> {
  const out = new Map<string, DeploymentFacts[]>();
  for (const d of deployments) {
    for (const k of keys(d)) {
      const list = out.get(k) ?? [];
      list.push(d);
      out.set(k, list);
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const secondsOrNull = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 1000));

function publicDeployment(d: DeploymentFacts): Deployment {
  return {
    change: d.change,
    type: d.type,
    result: d.result,
    failed: d.failed,
    causedIncidents: [...d.causedIncidents],
    implementedAt: d.implementedAtText,
    month: d.month,
    services: d.services,
    teams: d.teams,
    leadTimeSeconds: secondsOrNull(d.leadTimeMs),
    timeToDetectSeconds: secondsOrNull(d.detectMs),
    timeToRestoreSeconds: secondsOrNull(d.restoreMs),
  };
}

export interface MetricsQuery extends Omit<DeploymentQuery, 'environments' | 'timeZone'> {
  /** Environments whose deployments count (names or aliases); the policy's production environments when absent. */
  environments?: readonly string[];
  timeZone?: string;
}

export function computeMetrics(org: Organisation, query: MetricsQuery): MetricsReport {
  const policy = activePolicy(org)?.doc.spec;
  // The policy says which environments are production; the names asked for count by their canonical name.
  const asked = query.environments ?? (policy ? environmentsOf(policy).production : ['production']);
  const environments = [...new Set(asked.map((e) => (policy ? canonicalEnvironment(policy, e) : e)))];
  const q: DeploymentQuery = { ...query, environments, timeZone: query.timeZone ?? 'UTC' };
  const { deployments, excluded } = collectDeployments(org, q);
  const days = (q.to - q.from) / DAY_MS;
  const byMonth = groupBy(deployments, (d) => [d.month]);
  return {
    window: { from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), days: round(days, 2), environments: [...q.environments], timeZone: q.timeZone },
    ...metricSet(deployments, days),
    services: [...groupBy(deployments, (d) => d.services)].map(([service, list]) => ({
      service,
      team: org.services.get(service)?.doc.spec.owner ?? null,
      ...metricSet(list, days),
    })),
    teams: [...groupBy(deployments, (d) => d.teams)].map(([team, list]) => ({ team, ...metricSet(list, days) })),
    // Every month of the window, empty ones too: a chart with gaps would hide quiet months.
    months: monthsBetween(q.from, q.to, q.timeZone).map((m) => ({ month: m.month, ...metricSet(byMonth.get(m.month) ?? [], (m.to - m.from) / DAY_MS) })),
    deployments: deployments.map(publicDeployment),
    excluded,
    incidents: incidentsReport(org, { from: q.from, to: q.to, timeZone: q.timeZone }),
  };
}
