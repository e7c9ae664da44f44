import { parseTypedRef } from './facts.js';
import type { Exposure } from './model.js';
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
  /** A service's tier and exposure, carried on the node: impact reads them for every node a walk reaches. */
  tier: number | undefined;
  exposure: Exposure | undefined;
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

export function addNode(g: Graph, id: string, service?: { tier: number; exposure: Exposure }): void {
  if (g.nodes.has(id)) return;
  const ref = parseTypedRef(id);
  if (!ref || (ref.kind !== 'service' && ref.kind !== 'ci')) return;
  putNode(g, id, ref.kind, ref.name, service);
  indexes.delete(g);
}

/** A node whose id is known to be well formed (buildGraph makes them), without parsing it again. */
function putNode(g: Graph, id: string, kind: 'service' | 'ci', name: string, service?: { tier: number; exposure: Exposure }): void {
  if (g.nodes.has(id)) return;
  // One object shape for every node (absent attributes are undefined), so walks stay monomorphic.
  g.nodes.set(id, { id, kind, name, tier: service?.tier, exposure: service?.exposure });
}

export function addEdge(g: Graph, from: string, to: string, type: EdgeType): void {
  indexes.delete(g);
  putEdge(g, from, to, type);
}

/** Per long edge list, the `type to` keys it holds: a document listing 100k dependencies must not cost 100k² comparisons. */
const edgeKeys = new WeakMap<Edge[], Set<string>>();
const SCAN_UP_TO = 16;

function isDuplicate(out: Edge[], to: string, type: EdgeType): boolean {
  if (out.length < SCAN_UP_TO) return out.some((e) => e.to === to && e.type === type);
  let keys = edgeKeys.get(out);
  if (!keys) edgeKeys.set(out, (keys = new Set(out.map((e) => `${e.type} ${e.to}`))));
  const key = `${type} ${to}`;
  if (keys.has(key)) return true;
  // The caller pushes the edge next.
  keys.add(key);
  return false;
}

function putEdge(g: Graph, from: string, to: string, type: EdgeType): void {
  if (!g.nodes.has(from) || !g.nodes.has(to)) return;
  const edge = { from, to, type };
  const out = g.out.get(from);
  if (out) {
    if (isDuplicate(out, to, type)) return;
    out.push(edge);
  } else g.out.set(from, [edge]);
  const inc = g.in.get(to);
  if (inc) inc.push(edge);
  else g.in.set(to, [edge]);
}

export function buildGraph(org: Organisation): Graph {
  // A new graph has no index to drop, and its ids are made here: the checks addNode and
  // addEdge make for other callers would be a third of the build on a 100k-node graph.
  const g = createGraph();
  for (const [name, { doc }] of org.services) putNode(g, serviceId(name), 'service', name, doc.spec);
  for (const name of org.cis.keys()) putNode(g, ciId(name), 'ci', name);
  for (const [name, { doc }] of org.services) {
    const from = serviceId(name);
    for (const dep of doc.spec.dependsOn ?? []) putEdge(g, from, dep, 'dependsOn');
  }
  for (const [name, { doc }] of org.cis) {
    const from = ciId(name);
    for (const rel of doc.spec.relations ?? []) putEdge(g, from, rel.target, rel.type);
    if (doc.spec.service) putEdge(g, serviceId(doc.spec.service), from, 'owns');
  }
  return g;
}

/** A closure's nodes, nearest first, then by id. */
export interface Walk {
  nodes: GraphNode[];
  /** Hops from the nearest start node, per node. */
  distance: Int32Array;
  /** Per node, the index of the node before it on its path (-1 for a start node). */
  via: Int32Array;
}

export interface Reached {
  id: string;
  node: GraphNode;
  /** Hops from the nearest start node (0 for a start node). */
  distance: number;
  /** Node ids from a start node to this one, in the direction travelled. */
  path: string[];
}

/**
 * The graph as integer arrays (compressed adjacency, each node's neighbours in id order), built
 * on the first closure and dropped whenever the graph changes. A blast radius over a 60k-node graph
 * walks thousands of nodes per change; string-keyed maps made that the slowest part of
 * scoring every open change and of the catalog's 10k impact lists.
 */
interface Indexed {
  nodes: GraphNode[];
  at: Map<string, number>;
  /** Per direction: start offsets (n + 1), the neighbour at each edge, the edge's type. */
  in: Adjacency;
  out: Adjacency;
  /** Each node's place in the ids' sorted order. */
  rank: Int32Array;
  byRank: Int32Array;
  /** Visit stamps: a node is reached in the current walk when its stamp equals `walk`. */
  stamp: Uint32Array;
  parent: Int32Array;
  /** A reached node's place in the walk's order (scratch, valid for the current walk). */
  position: Int32Array;
  walk: number;
}
interface Adjacency {
  offsets: Int32Array;
  nodes: Int32Array;
  types: Uint8Array;
}

const EDGE_TYPES: readonly EdgeType[] = ['dependsOn', 'runsOn', 'hostedOn', 'connectsTo', 'owns'];
const indexes = new WeakMap<Graph, Indexed>();

const TYPE_INDEX: Readonly<Record<EdgeType, number>> = { dependsOn: 0, runsOn: 1, hostedOn: 2, connectsTo: 3, owns: 4 };

function adjacency(g: Graph, ids: readonly string[], at: Map<string, number>, rank: Int32Array, byRank: Int32Array, direction: 'in' | 'out'): Adjacency {
  const lists = ids.map((id) => (direction === 'in' ? g.in : g.out).get(id));
  const n = ids.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + (lists[i]?.length ?? 0);
  // Each edge as one integer, the neighbour's rank then the type (8 types fit in 3 bits), so
  // a node's neighbours are put in id order by a plain numeric sort, without a comparator.
  const keys = new Int32Array(offsets[n]!);
  for (let i = 0; i < n; i++) {
    const edges = lists[i];
    if (!edges) continue;
    let k = offsets[i]!;
    for (const e of edges) keys[k++] = (rank[at.get(direction === 'in' ? e.from : e.to)!]! << 3) | TYPE_INDEX[e.type];
    // Neighbours in id order, so a walk cut short by its limit keeps the same nodes whatever order the edges came in.
    if (edges.length > 1) keys.subarray(offsets[i]!, k).sort();
  }
  const nodes = new Int32Array(keys.length);
  const types = new Uint8Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    nodes[k] = byRank[keys[k]! >> 3]!;
    types[k] = keys[k]! & 7;
  }
  return { offsets, nodes, types };
}

function indexed(g: Graph): Indexed {
  let x = indexes.get(g);
  if (x) return x;
  const ids = [...g.nodes.keys()];
  const at = new Map(ids.map((id, i) => [id, i]));
  // The default sort compares strings by UTF-16 code units, as < does, and needs no comparator calls.
  const byRank = Int32Array.from([...ids].sort(), (id) => at.get(id)!);
  const rank = new Int32Array(ids.length);
  byRank.forEach((node, r) => (rank[node] = r));
  const n = ids.length;
  x = { nodes: [...g.nodes.values()], at, in: adjacency(g, ids, at, rank, byRank, 'in'), out: adjacency(g, ids, at, rank, byRank, 'out'), rank, byRank, stamp: new Uint32Array(n), parent: new Int32Array(n), position: new Int32Array(n), walk: 0 };
  indexes.set(g, x);
  return x;
}

/** Puts queue[from..to) in id order (ranks are sorted as integers, without a comparator). */
function sortSegment(x: Indexed, queue: number[], from: number, to: number): void {
  if (to - from < 2) return;
  const ranks = new Int32Array(to - from);
  for (let k = from; k < to; k++) ranks[k - from] = x.rank[queue[k]!]!;
  ranks.sort();
  for (let k = from; k < to; k++) queue[k] = x.byRank[ranks[k - from]!]!;
}

/**
 * Breadth-first closure from `starts`, along incoming edges (`dependents`: what is impacted) or
 * outgoing ones (`dependencies`: what it needs), nearest first, then by id. Each node is
 * reached once, by a shortest path, so cycles are harmless and the walk is linear in the
 * graph's size. Each distance is expanded in id order, so of several shortest paths the one
 * through the first ids is kept: the answer does not depend on the order files were read in.
 * `limit` stops the search once that many nodes are reached (the nearest ones), for callers
 * that summarise closures of every node and cannot afford the whole graph each time.
 */
function walk(g: Graph, starts: readonly string[], direction: 'in' | 'out', types: ReadonlySet<EdgeType>, limit = Infinity): Walk {
  const x = indexed(g);
  const { offsets, nodes, types: edgeTypes } = x[direction];
  let mask = 0;
  EDGE_TYPES.forEach((t, i) => (mask |= types.has(t) ? 1 << i : 0));
  if (++x.walk === 0xffffffff) {
    x.stamp.fill(0);
    x.walk = 1;
  }
  const { stamp, parent, walk } = x;
  const queue: number[] = [];
  for (const s of starts) {
    const i = x.at.get(s);
    if (i === undefined || stamp[i] === walk) continue;
    stamp[i] = walk;
    parent[i] = -1;
    queue.push(i);
  }
  let levelEnd = queue.length;
  sortSegment(x, queue, 0, levelEnd);
  for (let head = 0; head < queue.length && queue.length < limit; head++) {
    if (head === levelEnd) {
      sortSegment(x, queue, head, queue.length);
      levelEnd = queue.length;
    }
    const node = queue[head]!;
    for (let k = offsets[node]!, end = offsets[node + 1]!; k < end; k++) {
      if (!(mask & (1 << edgeTypes[k]!))) continue;
      const next = nodes[k]!;
      if (stamp[next] === walk) continue;
      if (queue.length >= limit) break;
      stamp[next] = walk;
      parent[next] = node;
      queue.push(next);
    }
  }
  // The level found last was never expanded (or was cut by the limit): order it too.
  sortSegment(x, queue, levelEnd, queue.length);
  // Breadth-first order puts every parent before its children.
  const n = queue.length;
  const nodesOut = new Array<GraphNode>(n);
  const distance = new Int32Array(n);
  const via = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = queue[k]!;
    x.position[i] = k;
    nodesOut[k] = x.nodes[i]!;
    const p = parent[i]!;
    via[k] = p < 0 ? -1 : x.position[p]!;
    distance[k] = p < 0 ? 0 : distance[via[k]!]! + 1;
  }
  return { nodes: nodesOut, distance, via };
}

/** Node ids from a start node to the walk's k-th node, in the direction travelled. */
export function pathIn(w: Walk, k: number): string[] {
  const out: string[] = [];
  for (let at = k; at >= 0; at = w.via[at]!) out.push(w.nodes[at]!.id);
  return out.reverse();
}

function closure(g: Graph, starts: readonly string[], direction: 'in' | 'out', types: ReadonlySet<EdgeType>, limit = Infinity): Map<string, Reached> {
  const w = walk(g, starts, direction, types, limit);
  const out = new Map<string, Reached>();
  w.nodes.forEach((node, k) => out.set(node.id, { id: node.id, node, distance: w.distance[k]!, path: pathIn(w, k) }));
  return out;
}

/**
 * The reverse closure as `dependents` finds it, in the same order, with each node's
 * predecessor instead of its whole path: a caller that lists only the nearest few hundred of
 * thousands of nodes builds only their paths (`pathIn`).
 */
export function dependentsWalk(g: Graph, starts: readonly string[], types: ReadonlySet<EdgeType> = IMPACT_EDGES, limit?: number): Walk {
  return walk(g, starts, 'in', types, limit);
}

/** What breaks if the start nodes fail or change: the reverse closure with paths. */
export function dependents(g: Graph, starts: readonly string[], types: ReadonlySet<EdgeType> = IMPACT_EDGES, limit?: number): Map<string, Reached> {
  return closure(g, starts, 'in', types, limit);
}

/** What the start nodes need, transitively. */
export function dependencies(g: Graph, starts: readonly string[], types: ReadonlySet<EdgeType> = IMPACT_EDGES): Map<string, Reached> {
  return closure(g, starts, 'out', types);
}
