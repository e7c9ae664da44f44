import type { EdgeType, Graph } from '../graph.js';
import { pagePath } from './links.js';

/**
 * A service's direct neighbourhood in the dependency graph: what it depends on (upstream,
 * including its own CIs) and what depends on it (downstream). This is what the service page
 * draws; longer chains are listed as text, since a drawing of hundreds of nodes helps nobody.
 */
export interface NeighbourNode {
  id: string;
  kind: 'service' | 'ci';
  name: string;
  title?: string;
  href: string;
  /** Edge types joining it to the centre, e.g. ["dependsOn"] or ["owns"]. */
  via: EdgeType[];
}

export interface Neighbourhood {
  center: NeighbourNode;
  upstream: NeighbourNode[];
  downstream: NeighbourNode[];
  /** Neighbours beyond the drawing's limit, per side (they are still listed). */
  upstreamMore: number;
  downstreamMore: number;
}

/** Per side, how many neighbours the drawing shows before a "+N more" node. */
export const DRAWN_PER_SIDE = 12;

export function nodeHref(kind: 'service' | 'ci', name: string): string {
  return kind === 'service' ? pagePath.service(name) : pagePath.ci(name);
}

function neighbours(g: Graph, id: string, direction: 'in' | 'out', titleOf: (id: string) => string | undefined): NeighbourNode[] {
  const byId = new Map<string, NeighbourNode>();
  for (const e of (direction === 'out' ? g.out : g.in).get(id) ?? []) {
    const other = direction === 'out' ? e.to : e.from;
    const node = g.nodes.get(other);
    if (!node || other === id) continue;
    const seen = byId.get(other);
    if (seen) {
      if (!seen.via.includes(e.type)) seen.via.push(e.type);
      continue;
    }
    byId.set(other, { id: other, kind: node.kind, name: node.name, title: titleOf(other), href: nodeHref(node.kind, node.name), via: [e.type] });
  }
  // Services before CIs, then by name: the order of the lists under the drawing.
  return [...byId.values()].sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.kind === 'service' ? -1 : 1));
}

export function neighbourhood(g: Graph, id: string, titleOf: (id: string) => string | undefined): { upstream: NeighbourNode[]; downstream: NeighbourNode[]; drawing: Neighbourhood } | undefined {
  const node = g.nodes.get(id);
  if (!node) return undefined;
  const center: NeighbourNode = { id, kind: node.kind, name: node.name, title: titleOf(id), href: nodeHref(node.kind, node.name), via: [] };
  const upstream = neighbours(g, id, 'out', titleOf);
  const downstream = neighbours(g, id, 'in', titleOf);
  return {
    upstream,
    downstream,
    drawing: {
      center,
      upstream: upstream.slice(0, DRAWN_PER_SIDE),
      downstream: downstream.slice(0, DRAWN_PER_SIDE),
      upstreamMore: Math.max(0, upstream.length - DRAWN_PER_SIDE),
      downstreamMore: Math.max(0, downstream.length - DRAWN_PER_SIDE),
    },
  };
}
