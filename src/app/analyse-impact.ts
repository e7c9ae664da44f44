import { buildGraph, dependentsWalk, hasNode, pathIn } from '../core/graph.js';
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
  /** The nearest dependents, up to the limit asked for. */
  dependents: ImpactEntry[];
  /** Present when the list was cut at the limit: how many dependents there are in all. */
  dependentsTotal?: number;
  /** Services among all the dependents, listed or not. */
  services: number;
  impact?: { level: number; scope: string; severity: number; decidedBy?: string; reason?: string };
}

export interface AnalyseImpactOptions {
  /**
   * Dependents to list, nearest first (default: all). A chain of n nodes has paths of every
   * length up to n, so listing all of them is quadratic in output even though the walk is not.
   */
  limit?: number;
}

/** What depends on the named services and CIs, transitively, with the path each is reached by. */
export function analyseImpact(loaded: LoadedOrganisation, targets: readonly string[], options: AnalyseImpactOptions = {}): ImpactResult {
  if (!targets.length) throw new InputError('name at least one service:<name> or ci:<name>');
  const graph = buildGraph(loaded.org);
  for (const ref of targets) {
    if (!hasNode(graph, ref)) {
      const hint = didYouMean(ref, graph.nodes.keys());
      throw new InputError(`${ref} is not a known service:<name> or ci:<name>${hint ? `; ${hint}` : ''}`);
    }
  }
  const policy = activePolicy(loaded.org)?.doc.spec;
  // The walk keeps one predecessor per node; a path is spelled out only for a row that is listed.
  const walk = dependentsWalk(graph, targets);
  const limit = options.limit ?? Infinity;
  const entries: ImpactEntry[] = [];
  let total = 0;
  let services = 0;
  // The walk's order (nearest first, then by id) is the order rows are listed in.
  for (let k = 0; k < walk.nodes.length; k++) {
    if (walk.distance[k] === 0) continue;
    const node = walk.nodes[k]!;
    total++;
    if (node.kind === 'service') services++;
    if (entries.length >= limit) continue;
    const svc = node.kind === 'service' ? loaded.org.services.get(node.name)?.doc.spec : undefined;
    entries.push({ ref: node.id, distance: walk.distance[k]!, path: pathIn(walk, k), ...(svc ? { tier: svc.tier, exposure: svc.exposure, owner: svc.owner } : {}) });
  }
  const impact = policy ? assessImpact(loaded.org, graph, policy, targets, 0) : undefined;
  return {
    targets: [...targets],
    dependents: entries,
    ...(total > entries.length ? { dependentsTotal: total } : {}),
    services,
    ...(impact ? { impact: { level: impact.level, scope: impact.scope, severity: impact.severity, ...(impact.decidedBy ? { decidedBy: impact.decidedBy } : {}), ...(impact.reason ? { reason: impact.reason } : {}) } } : {}),
  };
}
