import { ciId, dependentsWalk, pathIn, serviceId, type Graph } from '../graph.js';
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
  /** Why no service set the level, when none did: the policy's impact.unowned, or an unknown scored as the worst. */
  reason?: string;
  blastRadius: BlastRadiusEntry[];
  /** Every node reached, listed or not. */
  blastRadiusTotal: number;
}

export function changeTargets(services: readonly string[] = [], cis: readonly string[] = []): string[] {
  return [...services.map(serviceId), ...cis.map(ciId)];
}

export function impactLevel(policy: PolicySpec, exposure: Exposure, tier: number): number {
  const row = policy.impact.matrix[exposure];
  return row?.[tier - 1] ?? 1;
}

/**
 * `listed` caps the blast-radius rows built (the nearest first; the level still weighs every
 * node reached): a page that shows 200 rows of a change that reaches 8,000 nodes need not
 * build 8,000 paths. `blastRadiusTotal` counts them all.
 */
export function assessImpact(org: Organisation, graph: Graph, policy: PolicySpec, targets: readonly string[], listed = Infinity): ImpactResult {
  const walk = dependentsWalk(graph, targets);
  const blastRadius: BlastRadiusEntry[] = [];
  let best: { level: number; scope: Exposure; severity: number; ref: string } | undefined;
  for (let k = 0; k < walk.nodes.length; k++) {
    const node = walk.nodes[k]!;
    const spec = node.kind !== 'service' ? undefined : node.tier !== undefined && node.exposure ? node : org.services.get(node.name)?.doc.spec;
    if (k < listed) {
      const path = pathIn(walk, k);
      const direct = walk.distance[k] === 0;
      blastRadius.push(spec ? { ref: node.id, tier: spec.tier!, exposure: spec.exposure!, path, direct } : { ref: node.id, path, direct });
    }
    if (!spec) continue;
    const tier = spec.tier!;
    const exposure = spec.exposure!;
    const level = impactLevel(policy, exposure, tier);
    if (!best || level > best.level || (level === best.level && (tier < best.severity || (tier === best.severity && EXPOSURES.indexOf(exposure) < EXPOSURES.indexOf(best.scope))))) {
      best = { level, scope: exposure, severity: tier, ref: node.id };
    }
  }
  // The walk lists direct targets first (distance 0), then by distance, then by id: the order
  // a reviewer reads in, so the blast radius keeps it.
  const total = walk.nodes.length;
  if (!best) return { ...withoutService(policy, targets), blastRadius, blastRadiusTotal: total };
  return { level: best.level, scope: best.scope, severity: best.severity, decidedBy: best.ref, blastRadius, blastRadiusTotal: total };
}

/**
 * A blast radius that reaches no service (a CI nobody owns or depends on) has no exposure or
 * tier to read. The policy may say what to assume (impact.unowned); otherwise the impact is
 * unknown and scored as the worst cell of the matrix, so an unmapped CI can never lower a score.
 * Either way the report carries the reason.
 */
function withoutService(policy: PolicySpec, targets: readonly string[]): { level: number; scope: Exposure; severity: number; reason: string } {
  const what = targets.length ? `${targets.join(', ')} reach${targets.length === 1 ? 'es' : ''} no service` : 'the change names nothing';
  const declared = policy.impact.unowned;
  if (declared) {
    return { level: impactLevel(policy, declared.exposure, declared.tier), scope: declared.exposure, severity: declared.tier, reason: `${what}; scored as the policy's impact.unowned (${declared.exposure}, tier ${declared.tier})` };
  }
  let worst = { level: 0, scope: 'external' as Exposure, severity: 1 };
  for (const exposure of EXPOSURES) {
    (policy.impact.matrix[exposure] ?? []).forEach((level, i) => {
      if (level > worst.level) worst = { level, scope: exposure, severity: i + 1 };
    });
  }
  return { ...worst, reason: `${what}, so the impact is unknown; scored as the worst the matrix gives until the policy declares impact.unowned or a service owns it` };
}
