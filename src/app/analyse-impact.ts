import { buildGraph, dependents } from '../core/graph.js';
import { activePolicy } from '../core/organisation.js';
import { assessImpact } from '../core/risk/impact.js';
import { didYouMean } from '../core/suggest.js';
import { InputError } from './errors.js';
import type { LoadedOrganisation } from './load-organisation.js';

export interface ImpactEntry {
  ref: string;
  distance: number;
  path: string[];
  tier?: number;
  exposure?: string;
  owner?: string;
}

export interface ImpactResult {
  targets: string[];
  dependents: ImpactEntry[];
  services: number;
  impact?: { level: number; scope: string; severity: number; decidedBy?: string };
}

/** What depends on the named services and CIs, transitively, with the path each is reached by. */
export function analyseImpact(loaded: LoadedOrganisation, targets: readonly string[]): ImpactResult {
  if (!targets.length) throw new InputError('name at least one service:<name> or ci:<name>');
  const graph = buildGraph(loaded.org);
  for (const ref of targets) {
    if (!graph.nodes.has(ref)) {
      const hint = didYouMean(ref, graph.nodes.keys());
      throw new InputError(`${ref} is not a known service:<name> or ci:<name>${hint ? `; ${hint}` : ''}`);
    }
  }
  const policy = activePolicy(loaded.org)?.doc.spec;
  const reached = [...dependents(graph, targets).values()].filter((r) => r.distance > 0);
  const entries: ImpactEntry[] = reached.map((r) => {
    const node = graph.nodes.get(r.id)!;
    const svc = node.kind === 'service' ? loaded.org.services.get(node.name)?.doc.spec : undefined;
    return { ref: r.id, distance: r.distance, path: r.path, ...(svc ? { tier: svc.tier, exposure: svc.exposure, owner: svc.owner } : {}) };
  });
  entries.sort((a, b) => a.distance - b.distance || (a.ref < b.ref ? -1 : 1));
  const impact = policy ? assessImpact(loaded.org, graph, policy, targets) : undefined;
  return {
    targets: [...targets],
    dependents: entries,
    services: entries.filter((e) => e.ref.startsWith('service:')).length,
    ...(impact ? { impact: { level: impact.level, scope: impact.scope, severity: impact.severity, ...(impact.decidedBy ? { decidedBy: impact.decidedBy } : {}) } } : {}),
  };
}
