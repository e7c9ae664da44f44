import { parseTypedRef } from './facts.js';
import type { Organisation } from './organisation.js';

/**
 * The dependency graph over services and configuration items. An edge runs from the dependent
 * to what it depends on, so "what breaks if X fails" is the reverse closure from X.
 *
 * Edge types: a service's `dependsOn`; a CI's typed relations; and `owns`, from a CI's owning
 * service to the CI (a service depends on its own database even when it does not list it).
 * `connectsTo` is a peer link: drawn, but it does not carry impact.
 */
export type EdgeType = 'dependsOn' | 'runsOn' | 'hostedOn' | 'connectsTo' | 'owns';

export interface Edge {
  from: string;
  to: string;
  type: EdgeType;
}

export interface GraphNode {
  id: string;
  kind: 'service' | 'ci';
  name: string;
}

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Outgoing edges: what a node depends on. */
  out: Map<string, Edge[]>;
  /** Incoming edges: what depends on a node. */
  in: Map<string, Edge[]>;
}

export const IMPACT_EDGES: ReadonlySet<EdgeType> = new Set(['dependsOn', 'runsOn', 'hostedOn', 'owns']);

export function serviceId(name: string): string {
  return `service:${name}`;
}
export function ciId(name: string): string {
  return `ci:${name}`;
}

export function createGraph(): Graph {
  return { nodes: new Map(), out: new Map(), in: new Map() };
}

export function addNode(g: Graph, id: string): void {
  if (g.nodes.has(id)) return;
  const ref = parseTypedRef(id);
  if (!ref || (ref.kind !== 'service' && ref.kind !== 'ci')) return;
  g.nodes.set(id, { id, kind: ref.kind, name: ref.name });
}

export function addEdge(g: Graph, from: string, to: string, type: EdgeType): void {
  if (!g.nodes.has(from) || !g.nodes.has(to)) return;
  const edge = { from, to, type };
  const out = g.out.get(from);
  if (out) {
    if (out.some((e) => e.to === to && e.type === type)) return;
    out.push(edge);
  } else g.out.set(from, [edge]);
  const inc = g.in.get(to);
  if (inc) inc.push(edge);
  else g.in.set(to, [edge]);
}

export function buildGraph(org: Organisation): Graph {
  const g = createGraph();
  for (const name of org.services.keys()) addNode(g, serviceId(name));
  for (const name of org.cis.keys()) addNode(g, ciId(name));
  for (const [name, { doc }] of org.services) {
    for (const dep of doc.spec.dependsOn ?? []) addEdge(g, serviceId(name), dep, 'dependsOn');
  }
  for (const [name, { doc }] of org.cis) {
    for (const rel of doc.spec.relations ?? []) addEdge(g, ciId(name), rel.target, rel.type);
    if (doc.spec.service) addEdge(g, serviceId(doc.spec.service), ciId(name), 'owns');
  }
  return g;
}

export interface Reached {
  id: string;
  /** Hops from the nearest start node (0 for a start node). */
  distance: number;
  /** Node ids from a start node to this one, in the direction travelled. */
  path: string[];
}

/**
 * Breadth-first closure from `starts`, along incoming edges (`dependents`: what is impacted) or
 * outgoing ones (`dependencies`: what it needs). Each node is reached once, by a shortest path,
 * so cycles are harmless and the cost is linear in the graph's size. `limit` stops the search
 * once that many nodes are reached (the nearest ones), for callers that summarise closures of
 * every node and cannot afford the whole graph each time.
 */
function closure(g: Graph, starts: readonly string[], direction: 'in' | 'out', types: ReadonlySet<EdgeType>, limit = Infinity): Map<string, Reached> {
  const parent = new Map<string, string | null>();
  const distance = new Map<string, number>();
  const queue: string[] = [];
  for (const s of starts) {
    if (!g.nodes.has(s) || parent.has(s)) continue;
    parent.set(s, null);
    distance.set(s, 0);
    queue.push(s);
  }
  for (let head = 0; head < queue.length && queue.length < limit; head++) {
    const node = queue[head]!;
    const edges = (direction === 'in' ? g.in : g.out).get(node) ?? [];
    for (const e of edges) {
      if (!types.has(e.type)) continue;
      const next = direction === 'in' ? e.from : e.to;
      if (parent.has(next)) continue;
      if (queue.length >= limit) break;
      parent.set(next, node);
      distance.set(next, distance.get(node)! + 1);
      queue.push(next);
    }
  }
  const out = new Map<string, Reached>();
  for (const id of queue) {
    const path: string[] = [];
    for (let cur: string | null | undefined = id; cur; cur = parent.get(cur)) path.push(cur);
    out.set(id, { id, distance: distance.get(id)!, path: path.reverse() });
  }
  return out;
}

/** What breaks if the start nodes fail or change: the reverse closure with paths. */
export function dependents(g: Graph, starts: readonly string[], types: ReadonlySet<EdgeType> = IMPACT_EDGES, limit?: number): Map<string, Reached> {
  return closure(g, starts, 'in', types, limit);
}

/** What the start nodes need, transitively. */
export function dependencies(g: Graph, starts: readonly string[], types: ReadonlySet<EdgeType> = IMPACT_EDGES): Map<string, Reached> {
  return closure(g, starts, 'out', types);
}
