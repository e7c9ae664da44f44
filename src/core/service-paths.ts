import type { Diagnostic } from './diagnostics.js';
import { matchingPaths } from './glob.js';
import type { ChangeRequest, PolicySpec } from './model.js';
import type { Organisation } from './organisation.js';
import { english, phrase } from './phrase.js';

/**
 * Paths the policy ties to a service (spec.servicePaths: deploy manifests, infrastructure
 * code), and what covers a change to them. The audit, the CAB (the pull request review) and
 * the gate all ask here, so they cannot disagree on which service a path belongs to nor on which
 * change request covers it. Every caller passes the map of the policy at the pull request's base
 * (or the unit's): a pull request that loosens the map is judged by the map before it.
 */

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The changed paths the policy ties to a service, each with every service it is tied to:
 * changing one is a change to each. Sorted by path, then service.
 */
export function tiedPaths(changed: readonly string[], policy: Pick<PolicySpec, 'servicePaths'> | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const [service, globs] of Object.entries(policy?.servicePaths ?? {})) for (const path of matchingPaths(changed, globs)) out.push([path, service]);
  return out.sort(([a, x], [b, y]) => cmp(a, b) || cmp(x, y));
}

/**
 * What approving a change covers: its services, its CIs and the services that own them (as
 * `org`, the base, has them). A tied path of service x is covered by a change whose scopes hold
 * `service:x`.
 */
export function changeScopes(change: ChangeRequest, org: Organisation): string[] {
  const out = new Set<string>();
  for (const s of change.spec.services ?? []) out.add(`service:${s}`);
  for (const ci of change.spec.configurationItems ?? []) {
    out.add(`ci:${ci}`);
    const service = org.cis.get(ci)?.doc.spec.service;
    if (service) out.add(`service:${service}`);
  }
  return [...out].sort();
}

/** One service a pull request changes through tied paths, and the change requests in it that cover the service. */
export interface TiedService {
  service: string;
  /** The changed paths tied to it, sorted. */
  paths: string[];
  /** The change requests of the pull request whose scopes hold the service, sorted; empty: nothing covers it. */
  changes: string[];
}

/** The services the changed paths are tied to, each with the changes (id and scopes) that cover it. */
export function tiedServices(changed: readonly string[], policy: Pick<PolicySpec, 'servicePaths'> | undefined, changes: readonly { id: string; scopes: readonly string[] }[]): TiedService[] {
  const byService = new Map<string, string[]>();
  for (const [path, service] of tiedPaths(changed, policy)) {
    if (!byService.has(service)) byService.set(service, []);
    byService.get(service)!.push(path);
  }
  return [...byService]
    .sort(([a], [b]) => cmp(a, b))
    .map(([service, paths]) => ({ service, paths, changes: changes.filter((c) => c.scopes.includes(`service:${service}`)).map((c) => c.id).sort() }));
}

export const SERVICE_PATH_UNCOVERED = 'cab.service-path-uncovered';

/**
 * One error per tied path no change request of the pull request covers, on the path itself
 * (line 1: the whole file is the change), naming each service it is tied to and nobody covers.
 */
export function uncoveredServicePaths(tied: readonly TiedService[]): Diagnostic[] {
  const services = new Map<string, string[]>();
  for (const t of tied) {
    if (t.changes.length) continue;
    for (const p of t.paths) services.set(p, [...(services.get(p) ?? []), t.service]);
  }
  return [...services]
    .sort(([a], [b]) => cmp(a, b))
    .map(([file, names]) => ({
      file,
      line: 1,
      column: 1,
      severity: 'error' as const,
      code: SERVICE_PATH_UNCOVERED,
      message: english(phrase('servicePath.uncovered', { path: file, services: names })),
      pointer: '',
    }));
}
