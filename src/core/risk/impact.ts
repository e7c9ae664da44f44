import { ciId, dependents, serviceId, type Graph } from '../graph.js';
import { EXPOSURES, type Exposure, type PolicySpec } from '../model.js';
import type { Organisation } from '../organisation.js';
import type { BlastRadiusEntry } from './types.js';

/**
 * Impact = matrix[scope][severity] over the blast radius: the services and CIs a change touches
 * and everything that depends on them, transitively. The widest, most severe impacted service
 * decides; CIs carry impact only through the services that depend on them.
 */
export interface ImpactResult {
  level: number;
  scope: Exposure;
  severity: number;
  /** The service that set the level, e.g. `service:payments-api`. */
  decidedBy?: string;
  blastRadius: BlastRadiusEntry[];
}

export function changeTargets(services: readonly string[] = [], cis: readonly string[] = []): string[] {
  return [...services.map(serviceId), ...cis.map(ciId)];
}

export function impactLevel(policy: PolicySpec, exposure: Exposure, tier: number): number {
  const row = policy.impact.matrix[exposure];
  return row?.[tier - 1] ?? 1;
}

export function assessImpact(org: Organisation, graph: Graph, policy: PolicySpec, targets: readonly string[]): ImpactResult {
  const reached = dependents(graph, targets);
  const blastRadius: BlastRadiusEntry[] = [];
  let best: { level: number; scope: Exposure; severity: number; ref: string } | undefined;
  for (const r of reached.values()) {
    const { node } = r;
    const spec = node.kind !== 'service' ? undefined : node.tier !== undefined && node.exposure ? node : org.services.get(node.name)?.doc.spec;
    if (!spec) {
      blastRadius.push({ ref: r.id, path: r.path, direct: r.distance === 0 });
      continue;
    }
    const tier = spec.tier!;
    const exposure = spec.exposure!;
    blastRadius.push({ ref: r.id, tier, exposure, path: r.path, direct: r.distance === 0 });
    const level = impactLevel(policy, exposure, tier);
    if (!best || level > best.level || (level === best.level && (tier < best.severity || (tier === best.severity && EXPOSURES.indexOf(exposure) < EXPOSURES.indexOf(best.scope))))) {
      best = { level, scope: exposure, severity: tier, ref: r.id };
    }
  }
  // dependents() lists direct targets first (distance 0), then by distance, then by id: the
  // order a reviewer reads in, so the blast radius keeps it.
  if (!best) return { level: impactLevel(policy, 'team', 4), scope: 'team', severity: 4, blastRadius };
  return { level: best.level, scope: best.scope, severity: best.severity, decidedBy: best.ref, blastRadius };
}
