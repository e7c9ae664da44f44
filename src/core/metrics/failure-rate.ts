import { isCancelled } from '../change-phase.js';
import { parseInstant } from '../calendar/local-time.js';
import type { ChangeRequest, Incident, OutcomeResult } from '../model.js';
import { MapDraft, ownedLists } from '../layered-map.js';
import { stepOf } from '../map-step.js';
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
 * - A failure is a failed or rolled-back result, or a deployment an incident names as its cause
 *   (`causedBy`) whatever its outcome says: a requester who recorded success does not hide the
 *   outage their change caused. Partial is a deployment that did not fail, unless an incident
 *   names it.
 */

const FAILURES: ReadonlySet<OutcomeResult> = new Set(['failed', 'rolled-back']);

export function isFailure(result: OutcomeResult): boolean {
  return FAILURES.has(result);
}

/** What a change or an incident names: the services and configuration items it touches. */
export interface Touches {
  spec: { services?: readonly string[]; configurationItems?: readonly string[] };
}

/**
 * The services a change (or an incident) counts for: those it names, plus the owning service of
 * every CI it names. Changes and incidents are attributed the same way, so a service's
 * deployments and its incidents are counted over the same things.
 */
export function servicesCountedFor(org: Organisation, change: Touches): string[] {
  const services = new Set(change.spec.services ?? []);
  for (const name of change.spec.configurationItems ?? []) {
    const owner = org.cis.get(name)?.doc.spec.service;
    if (owner) services.add(owner);
  }
  return [...services].sort();
}

/**
 * The incidents that name each change as their cause, built once per organisation. A pull
 * request is judged in an organisation whose incidents are the base's (review-org.ts), so a
 * branch cannot unname its change from an incident.
 */
const causes = new WeakMap<object, Map<string, string[]>>();

export function incidentsCausedBy(org: Organisation, change: string): readonly string[] {
  // By the incidents Map: the organisations of a history that changed no incident share it.
  let index = causes.get(org.incidents);
  if (!index) {
    index = new Map();
    const sorted = [...org.incidents.values()].map((i) => i.doc as Incident).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const inc of sorted) {
      if (!Array.isArray(inc.spec.causedBy)) continue;
      for (const id of new Set(inc.spec.causedBy)) {
        const list = index.get(id);
        if (list) list.push(inc.metadata.name);
        else index.set(id, [inc.metadata.name]);
      }
    }
    causes.set(org.incidents, index);
  }
  return index.get(change) ?? [];
}

/** A deployment as the failure rate sees it: its recorded result and the incidents naming it. */
export interface Judged {
  result: OutcomeResult;
  causedIncidents: readonly string[];
}

/** Whether a deployment failed: its outcome says so, or an incident names it as its cause. */
export function isFailedDeployment(d: Judged): boolean {
  return isFailure(d.result) || d.causedIncidents.length > 0;
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

/** The failure rate of some deployments: (failed + rolledBack + incidentOnly) / deployments. */
export function changeFailureRate(deployments: readonly Judged[]): ChangeFailureRate {
  let failed = 0;
  let rolledBack = 0;
  let partial = 0;
  let incidentOnly = 0;
  let causedIncidents = 0;
  for (const d of deployments) {
    if (d.result === 'failed') failed++;
    else if (d.result === 'rolled-back') rolledBack++;
    else if (d.result === 'partial') partial++;
    if (d.causedIncidents.length > 0) {
      causedIncidents++;
      if (!isFailure(d.result)) incidentOnly++;
    }
  }
  return { deployments: deployments.length, failed, rolledBack, partial, incidentOnly, causedIncidents, rate: ratio(failed + rolledBack + incidentOnly, deployments.length) };
}

/** The failed deployments a rate counts (its numerator). */
export function failuresIn(rate: ChangeFailureRate): number {
  return rate.failed + rate.rolledBack + rate.incidentOnly;
}

/** True when the rate is strictly above `threshold`, compared exactly (not on the rounded rate). */
export function rateAbove(rate: ChangeFailureRate, threshold: number): boolean {
  return rate.deployments > 0 && failuresIn(rate) > threshold * rate.deployments;
}

interface Placed extends Judged {
  id: string;
  at: number;
}

/**
 * Deployments by environment and service, oldest first, built once per organisation: the
 * risk engine asks for every open change, and a scan of the whole history each time would
 * grow with the square of it.
 */
const indexes = new WeakMap<object, WeakMap<object, WeakMap<object, Map<string, Placed[]>>>>();
// A change's own answer, kept by its document (a document is never changed once read): the
// audit builds this index once per unit of work over a history of 20k changes.
const deployments = new WeakMap<ChangeRequest, DeploymentAnswer>();
const counted = new WeakMap<object, WeakMap<ChangeRequest, string[]>>();

function memo<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/** The rows a change adds to the index, under each of its keys. */
function placedRows(org: Organisation, id: string, doc: ChangeRequest): [string, Placed][] {
  const d = memo(deployments, doc, () => deploymentOf(doc));
  if (!d.deployed) return [];
  const servicesOf = memo(counted, org.cis, () => new WeakMap<ChangeRequest, string[]>());
  return memo(servicesOf, doc, () => servicesCountedFor(org, doc)).map((s) => [`${doc.spec.environment}\u0000${s}`, { id, at: d.implementedAt, result: d.result, causedIncidents: incidentsCausedBy(org, id) }]);
}

/** Keyed by the Maps it reads (changes, CIs, incidents), not the organisation object. */
function indexOf(org: Organisation): Map<string, Placed[]> {
  const byIncidents = memo(memo(indexes, org.changes, () => new WeakMap()), org.cis, () => new WeakMap());
  let index = byIncidents.get(org.incidents);
  if (index) return index;
  // A step of the changes Map with the same CIs and incidents (the audit's walk) is derived from
  // the index before it: only the lists of the keys it touches are copied, each kept by time
  // (deployments at the same moment may stand in another order; the rate only counts them).
  const step = stepOf(org.changes);
  const from = step?.from.deref();
  const prev = from ? indexes.get(from)?.get(org.cis)?.get(org.incidents) : undefined;
  if (step && prev) {
    const draft = new MapDraft(prev);
    const listOf = ownedLists(draft);
    for (const [id, { doc }] of step.removed) {
      for (const [key] of placedRows(org, id, doc)) {
        const list = listOf(key);
        const at = list.findIndex((r) => r.id === id);
        if (at >= 0) list.splice(at, 1);
      }
    }
    for (const [id, { doc }] of step.added) {
      for (const [key, row] of placedRows(org, id, doc)) {
        const list = listOf(key);
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid]!.at <= row.at) lo = mid + 1;
          else hi = mid;
        }
        list.splice(lo, 0, row);
      }
    }
    index = draft.done();
  } else {
    index = new Map();
    for (const [id, { doc }] of org.changes) {
      for (const [key, row] of placedRows(org, id, doc)) {
        const list = index.get(key);
        if (list) list.push(row);
        else index.set(key, [row]);
      }
    }
    for (const list of index.values()) list.sort((a, b) => a.at - b.at);
  }
  byIncidents.set(org.incidents, index);
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
