import { parseInstant } from '../calendar/local-time.js';
import type { ChangeType, OutcomeResult } from '../model.js';
import { activePolicy, type Organisation } from '../organisation.js';
import { canonicalEnvironment } from '../environments.js';
import { monthOf } from './months.js';
import { deploymentOf, incidentsCausedBy, isFailedDeployment, isFailure, servicesCountedFor, type Touches } from './failure-rate.js';

/**
 * Turns change requests into deployments: a change counts once it has an outcome with an
 * implementedAt inside the window, in one of the chosen environments. Every metric is computed
 * over this one list, so the numbers of a service, a team and a month always add up to the
 * same deployments.
 */
export interface DeploymentFacts {
  change: string;
  type: ChangeType;
  result: OutcomeResult;
  /** Incidents naming this change as their cause. */
  causedIncidents: readonly string[];
  /** Failed by its outcome or by an incident (isFailedDeployment). */
  failed: boolean;
  implementedAtText: string;
  implementedAt: number;
  month: string;
  services: string[];
  teams: string[];
  leadTimeMs?: number;
  detectMs?: number;
  restoreMs?: number;
}

export interface DeploymentQuery {
  from: number;
  to: number;
  environments: readonly string[];
  timeZone: string;
  /** When work on the change began (first commit of its pull request or file); from git. */
  leadTimeStart?(change: string): number | undefined;
}

export interface Excluded {
  change: string;
  reason: 'no-implemented-at' | 'cancelled';
}

/**
 * The services a change (or an incident) counts for: those it names, plus the owning service of
 * every CI it names (a change to checkout-db is a deployment of checkout-api even when the
 * requester only listed the CI). Teams are the owners of those services, or a CI's own owner
 * when it has no service.
 */
export function attribution(org: Organisation, change: Touches): { services: string[]; teams: string[] } {
  const services = servicesCountedFor(org, change);
  const teams = new Set<string>();
  for (const name of change.spec.configurationItems ?? []) {
    const ci = org.cis.get(name)?.doc.spec;
    if (!ci?.service && ci?.owner) teams.add(ci.owner);
  }
  for (const s of services) {
    const owner = org.services.get(s)?.doc.spec.owner;
    if (owner) teams.add(owner);
  }
  return { services, teams: [...teams].sort() };
}

const instantOf = (text: string | undefined) => (text === undefined ? undefined : parseInstant(text));

export { isFailure, isFailedDeployment };

export function collectDeployments(org: Organisation, q: DeploymentQuery): { deployments: DeploymentFacts[]; excluded: Excluded[] } {
  const deployments: DeploymentFacts[] = [];
  const excluded: Excluded[] = [];
  const envs = new Set(q.environments);
  const policy = activePolicy(org)?.doc.spec;
  for (const [id, { doc }] of org.changes) {
    if (!envs.has(policy ? canonicalEnvironment(policy, doc.spec.environment) : doc.spec.environment)) continue;
    const deployed = deploymentOf(doc);
    if (!deployed.deployed) {
      if (deployed.excluded) excluded.push({ change: id, reason: deployed.excluded });
      continue;
    }
    const outcome = doc.status!.outcome!;
    const implementedAt = deployed.implementedAt;
    if (implementedAt < q.from || implementedAt >= q.to) continue;
    const detected = instantOf(outcome.failureDetectedAt);
    const restored = instantOf(outcome.restoredAt);
    const start = q.leadTimeStart?.(id);
    const failure = isFailure(outcome.result);
    const causedIncidents = incidentsCausedBy(org, id);
    const facts: DeploymentFacts = {
      change: id,
      type: doc.spec.type,
      result: outcome.result,
      causedIncidents,
      failed: isFailedDeployment({ result: outcome.result, causedIncidents }),
      implementedAtText: outcome.implementedAt!,
      implementedAt,
      month: monthOf(implementedAt, q.timeZone),
      ...attribution(org, doc),
    };
    // A start after the deployment means the change was written down afterwards: no lead time.
    if (start !== undefined && start <= implementedAt) facts.leadTimeMs = implementedAt - start;
    if (failure && detected !== undefined && detected >= implementedAt) facts.detectMs = detected - implementedAt;
    if (failure && detected !== undefined && restored !== undefined && restored >= detected) facts.restoreMs = restored - detected;
    deployments.push(facts);
  }
  deployments.sort((a, b) => a.implementedAt - b.implementedAt || (a.change < b.change ? -1 : 1));
  excluded.sort((a, b) => (a.change < b.change ? -1 : 1));
  return { deployments, excluded };
}
