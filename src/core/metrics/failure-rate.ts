import { isCancelled } from '../change-phase.js';
import { parseInstant } from '../calendar/local-time.js';
import type { ChangeRequest, OutcomeResult } from '../model.js';
import type { Organisation } from '../organisation.js';
import { ratio } from './stats.js';
import type { ChangeFailureRate } from './types.js';

/**
 * The change failure rate, defined once: `opsledger metrics` prints it for every service, team
 * and month, and the risk engine's recent-failure factor quotes it for the services a change
 * affects. docs/metrics.md ("What counts") is the one description of both.
 *
 * - A deployment is a change with an outcome whose implementedAt can be placed in time, that was
 *   not cancelled. A cancelled change is no deployment even if it carries an outcome: it is in
 *   neither the numerator nor the denominator.
 * - A change counts for every service it names and for the owning service of every CI it names,
 *   so a change that only lists checkout-db is a deployment (and possibly a failure) of
 *   checkout-api (DESIGN.md: impact follows what depends on a CI; so does its track record).
 * - A failure is a failed or rolled-back result; partial is a deployment that did not fail.
 */

const FAILURES: ReadonlySet<OutcomeResult> = new Set(['failed', 'rolled-back']);

export function isFailure(result: OutcomeResult): boolean {
  return FAILURES.has(result);
}

/** The services a change counts for: those it names, plus the owning service of every CI it names. */
export function servicesCountedFor(org: Organisation, change: ChangeRequest): string[] {
  const services = new Set(change.spec.services ?? []);
  for (const name of change.spec.configurationItems ?? []) {
    const owner = org.cis.get(name)?.doc.spec.service;
    if (owner) services.add(owner);
  }
  return [...services].sort();
}

export type DeploymentAnswer =
  | { deployed: true; implementedAt: number; implementedAtText: string; result: OutcomeResult }
  | { deployed: false; excluded?: 'no-implemented-at' | 'cancelled' };

/** Whether a change is a deployment, and when; `excluded` says why a change with an outcome is not one. */
export function deploymentOf(change: ChangeRequest): DeploymentAnswer {
  const outcome = change.status?.outcome;
  if (!outcome) return { deployed: false };
  if (isCancelled(change)) return { deployed: false, excluded: 'cancelled' };
  const implementedAt = outcome.implementedAt === undefined ? undefined : parseInstant(outcome.implementedAt);
  if (implementedAt === undefined) return { deployed: false, excluded: 'no-implemented-at' };
  return { deployed: true, implementedAt, implementedAtText: outcome.implementedAt!, result: outcome.result };
}

/** The failure rate of some deployments: (failed + rolledBack) / deployments. */
export function changeFailureRate(deployments: readonly { result: OutcomeResult }[]): ChangeFailureRate {
  let failed = 0;
  let rolledBack = 0;
  let partial = 0;
  for (const d of deployments) {
    if (d.result === 'failed') failed++;
    else if (d.result === 'rolled-back') rolledBack++;
    else if (d.result === 'partial') partial++;
  }
  return { deployments: deployments.length, failed, rolledBack, partial, rate: ratio(failed + rolledBack, deployments.length) };
}

/** True when the rate is strictly above `threshold`, compared exactly (not on the rounded rate). */
export function rateAbove(rate: ChangeFailureRate, threshold: number): boolean {
  return rate.deployments > 0 && rate.failed + rate.rolledBack > threshold * rate.deployments;
}

interface Placed {
  id: string;
  at: number;
  result: OutcomeResult;
}

/**
 * Deployments by environment and service, oldest first, built once per organisation: the
 * risk engine asks for every open change, and a scan of the whole history each time would
 * grow with the square of it.
 */
const indexes = new WeakMap<Organisation, Map<string, Placed[]>>();

function indexOf(org: Organisation): Map<string, Placed[]> {
  let index = indexes.get(org);
  if (!index) {
    index = new Map();
    for (const [id, { doc }] of org.changes) {
      const d = deploymentOf(doc);
      if (!d.deployed) continue;
      for (const s of servicesCountedFor(org, doc)) {
        const key = `${doc.spec.environment}\u0000${s}`;
        const list = index.get(key);
        const row = { id, at: d.implementedAt, result: d.result };
        if (list) list.push(row);
        else index.set(key, [row]);
      }
    }
    for (const list of index.values()) list.sort((a, b) => a.at - b.at);
    indexes.set(org, index);
  }
  return index;
}

export interface FailureRateQuery {
  /** Deployments counted for any of these services, each once. */
  services: readonly string[];
  environment: string;
  /** [from, to), epoch ms: implementedAt inside it. */
  from: number;
  to: number;
}

/** The change failure rate of the services in an environment over a period, as `metrics` counts it. */
export function failureRateOf(org: Organisation, q: FailureRateQuery): ChangeFailureRate {
  const index = indexOf(org);
  const seen = new Map<string, Placed>();
  for (const s of q.services) {
    for (const d of index.get(`${q.environment}\u0000${s}`) ?? []) {
      if (d.at >= q.from && d.at < q.to) seen.set(d.id, d);
    }
  }
  return changeFailureRate([...seen.values()]);
}
