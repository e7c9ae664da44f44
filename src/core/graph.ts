import { parseTypedRef } from './facts.js';
import type { MapStep } from './map-step.js';
import type { Exposure, Service } from './model.js';
import type { Located, Organisation } from './organisation.js';

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

/**
 * A graph from buildGraph makes these maps the first time one is read (the catalog reads them;
 * impact and risk never do: they walk the integer index and ask `hasNode` and `neighbourIds`).
 */
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
  // Once the graph changes, the maps are the graph and its index is made again from them.
  materialise(g);
  g.nodes.set(id, newNode(id, ref.kind, ref.name, service));
  indexes.delete(g);
}

// One object shape for every node (absent attributes are undefined), so walks stay monomorphic.
function newNode(id: string, kind: 'service' | 'ci', name: string, service?: { tier: number; exposure: Exposure }): GraphNode {
  return { id, kind, name, tier: service?.tier, exposure: service?.exposure };
}

export function addEdge(g: Graph, from: string, to: string, type: EdgeType): void {
  if (!g.nodes.has(from) || !g.nodes.has(to)) return;
  materialise(g);
  indexes.delete(g);
  const out = g.out.get(from);
  if (out?.some((e) => e.to === to && e.type === type)) return;
  const edge = { from, to, type };
  if (out) out.push(edge);
  else g.out.set(from, [edge]);
  const inc = g.in.get(to);
  if (inc) inc.push(edge);
  else g.in.set(to, [edge]);
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
 * The graph as integer arrays: node i is the i-th id in sorted order (so "by id" is "by
 * number" and needs no comparator), edges as compressed adjacency per direction, each node's
 * neighbours in id order. `buildGraph` makes it straight from the organisation, with one
 * string lookup per node and per edge; the graph's maps (`nodes`, `out`, `in`) are then made
 * only if a caller reads them. Keyed maps of 100k nodes cost about a microsecond per lookup on
 * a busy machine, and the build used to make fifteen per node.
 */
interface Indexed {
  /** GraphNode i has id ids[i]; ids are sorted. */
  ids: string[];
  nodes: GraphNode[];
  /**
   * Node numbers by name, one map per kind: a name is the organisation's own map key, already
   * hashed and flat, where an id made by concatenation would be hashed (and flattened) again.
   */
  at: NodeNumbers;
  /** Edges in the order they were added (the order the maps list them in), without duplicates. */
  edges: EdgeList;
  /** Per direction: start offsets (n + 1), the neighbour at each edge, the edge's type. */
  in: Adjacency;
  out: Adjacency;
  /** Visit stamps: a node is reached in the current walk when its stamp equals `walk`. */
  stamp: Uint32Array;
  parent: Int32Array;
  /** A reached node's place in the walk's order (scratch, valid for the current walk). */
  position: Int32Array;
  queue: Int32Array;
  walk: number;
}
interface NodeNumbers {
  service: Map<string, number>;
  ci: Map<string, number>;
}

/** The number of the node `id` (`service:<name>` or `ci:<name>`), if it is one. */
function numberOf(at: NodeNumbers, id: string): number | undefined {
  if (id.startsWith('service:')) return at.service.get(id.slice(8));
  if (id.startsWith('ci:')) return at.ci.get(id.slice(3));
  return undefined;
}

interface EdgeList {
  count: number;
  from: Int32Array;
  to: Int32Array;
  type: Uint8Array;
}
interface Adjacency {
  offsets: Int32Array;
  nodes: Int32Array;
  types: Uint8Array;
  /** Per node (the same offsets), its edges' numbers in the order they were added. */
  added: Int32Array;
}

const EDGE_TYPES: readonly EdgeType[] = ['dependsOn', 'runsOn', 'hostedOn', 'connectsTo', 'owns'];
const TYPE_INDEX: Readonly<Record<EdgeType, number>> = { dependsOn: 0, runsOn: 1, hostedOn: 2, connectsTo: 3, owns: 4 };
const indexes = new WeakMap<Graph, Indexed>();

function adjacency(n: number, edges: EdgeList, direction: 'in' | 'out'): Adjacency {
  const [own, other] = direction === 'in' ? [edges.to, edges.from] : [edges.from, edges.to];
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < edges.count; e++) offsets[own[e]! + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  // A stable counting sort: each node's edges in the order they were added.
  const added = new Int32Array(edges.count);
  const fill = offsets.slice(0, n);
  for (let e = 0; e < edges.count; e++) added[fill[own[e]!]!++] = e;
  // Each edge as one integer, the neighbour then the type (8 types fit in 3 bits), so a node's
  // neighbours are put in id order by a plain numeric sort.
  const keys = new Int32Array(edges.count);
  for (let k = 0; k < keys.length; k++) keys[k] = (other[added[k]!]! << 3) | edges.type[added[k]!]!;
  // Neighbours in id order, so a walk cut short by its limit keeps the same nodes whatever order the edges came in.
  for (let i = 0; i < n; i++) if (offsets[i + 1]! - offsets[i]! > 1) keys.subarray(offsets[i]!, offsets[i + 1]!).sort();
  const nodes = new Int32Array(keys.length);
  const types = new Uint8Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    nodes[k] = keys[k]! >> 3;
    types[k] = keys[k]! & 7;
  }
  return { offsets, nodes, types, added };
}

function makeIndex(ids: string[], nodes: GraphNode[], at: NodeNumbers, edges: EdgeList): Indexed {
  const n = ids.length;
  return { ids, nodes, at, edges, in: adjacency(n, edges, 'in'), out: adjacency(n, edges, 'out'), stamp: new Uint32Array(n), parent: new Int32Array(n), position: new Int32Array(n), queue: new Int32Array(n), walk: 0 };
}

/** An edge list that grows as edges are added. */
function edgeList(capacity: number): EdgeList {
  const c = Math.max(16, capacity);
  return { count: 0, from: new Int32Array(c), to: new Int32Array(c), type: new Uint8Array(c) };
}
function pushEdge(list: EdgeList, from: number, to: number, type: number): void {
  if (list.count === list.from.length) {
    const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    list.from = grow(list.from);
    list.to = grow(list.to);
    list.type = grow(list.type);
  }
  list.from[list.count] = from;
  list.to[list.count] = to;
  list.type[list.count] = type;
  list.count++;
}

/** The index of a graph made or changed through its maps (createGraph, addNode, addEdge). */
function indexed(g: Graph): Indexed {
  let x = indexes.get(g);
  if (x) return x;
  // The default sort compares strings by UTF-16 code units, as < does, and needs no comparator calls.
  const ids = [...g.nodes.keys()].sort();
  const nodes = ids.map((id) => g.nodes.get(id)!);
  const at: NodeNumbers = { service: new Map(), ci: new Map() };
  nodes.forEach((node, i) => at[node.kind].set(node.name, i));
  const edges = edgeList(0);
  for (const list of g.out.values()) for (const e of list) pushEdge(edges, numberOf(at, e.from)!, numberOf(at, e.to)!, TYPE_INDEX[e.type]);
  x = makeIndex(ids, nodes, at, edges);
  indexes.set(g, x);
  return x;
}

/**
 * A graph made by buildGraph: its index is the truth, and the maps are made from it the first
 * time anyone reads them, listing nodes and edges in the order the build met them.
 */
class BuiltGraph implements Graph {
  private maps: Pick<Graph, 'nodes' | 'out' | 'in'> | undefined;
  /** Set once a node or edge is added: from then on the maps are the graph. */
  changed = false;

  constructor(
    readonly x: Indexed,
    /** Node indices in the order the organisation lists them (services, then CIs). */
    readonly order: Int32Array,
  ) {}

  get nodes(): Map<string, GraphNode> {
    return this.materialised().nodes;
  }
  get out(): Map<string, Edge[]> {
    return this.materialised().out;
  }
  get in(): Map<string, Edge[]> {
    return this.materialised().in;
  }

  materialised(): Pick<Graph, 'nodes' | 'out' | 'in'> {
    if (this.maps) return this.maps;
    const { ids, nodes: list, edges } = this.x;
    const nodes = new Map<string, GraphNode>();
    for (const i of this.order) nodes.set(ids[i]!, list[i]!);
    const out = new Map<string, Edge[]>();
    const inc = new Map<string, Edge[]>();
    for (let e = 0; e < edges.count; e++) {
      const edge: Edge = { from: ids[edges.from[e]!]!, to: ids[edges.to[e]!]!, type: EDGE_TYPES[edges.type[e]!]! };
      const o = out.get(edge.from);
      if (o) o.push(edge);
      else out.set(edge.from, [edge]);
      const i = inc.get(edge.to);
      if (i) i.push(edge);
      else inc.set(edge.to, [edge]);
    }
    return (this.maps = { nodes, out, in: inc });
  }
}

function materialise(g: Graph): void {
  if (!(g instanceof BuiltGraph)) return;
  g.materialised();
  g.changed = true;
}

/** Is `id` a node of the graph? (Without making the graph's maps.) */
export function hasNode(g: Graph, id: string): boolean {
  return numberOf(indexed(g).at, id) !== undefined;
}

/**
 * A node's direct neighbours along its edges in the order they were added: what it depends
 * on (`out`) or what depends on it (`in`), as `g.out` and `g.in` list them.
 */
export function neighbourIds(g: Graph, id: string, direction: 'in' | 'out'): string[] {
  if (!(g instanceof BuiltGraph) || g.changed) return (g[direction].get(id) ?? []).map((e) => (direction === 'in' ? e.from : e.to));
  const { at, ids, edges } = g.x;
  const i = numberOf(at, id);
  if (i === undefined) return [];
  const { offsets, added } = g.x[direction];
  const other = direction === 'in' ? edges.from : edges.to;
  const out: string[] = [];
  for (let k = offsets[i]!; k < offsets[i + 1]!; k++) out.push(ids[other[added[k]!]!]!);
  return out;
}

/** Names sorted by UTF-16 code units (as <), as positions into the list; linear when they already are. */
function sortedOrder(names: readonly string[]): number[] {
  const order = names.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < names.length && sorted; i++) sorted = names[i - 1]! < names[i]!;
  if (!sorted) order.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  return order;
}

export function buildGraph(org: Organisation): Graph {
  const services = [...org.services.values()];
  const serviceNames = [...org.services.keys()];
  const cis = [...org.cis.values()];
  const ciNames = [...org.cis.keys()];
  // Every "ci:" id sorts before every "service:" id, and within a kind ids sort as names do.
  const ciOrder = sortedOrder(ciNames);
  const serviceOrder = sortedOrder(serviceNames);
  const nc = cis.length;
  const n = nc + services.length;
  const ids = new Array<string>(n);
  const nodes = new Array<GraphNode>(n);
  const at: NodeNumbers = { service: new Map(), ci: new Map() };
  // Where each document's node went: services first, then CIs, as the organisation lists them.
  const order = new Int32Array(n);
  ciOrder.forEach((p, i) => {
    const name = ciNames[p]!;
    const id = ciId(name);
    ids[i] = id;
    nodes[i] = newNode(id, 'ci', name);
    at.ci.set(name, i);
    order[services.length + p] = i;
  });
  serviceOrder.forEach((p, r) => {
    const i = nc + r;
    const name = serviceNames[p]!;
    const id = serviceId(name);
    ids[i] = id;
    nodes[i] = newNode(id, 'service', name, services[p]!.doc.spec);
    at.service.set(name, i);
    order[p] = i;
  });

  const edges = edgeList(n);
  // One document's edges to targets that are nodes, each (target, type) once.
  const addAll = (from: number, targets: readonly string[], types: readonly number[] | number) => {
    const first = edges.count;
    const seen = targets.length > 16 ? new Set<number>() : undefined;
    targets.forEach((target, k) => {
      const to = numberOf(at, target);
      if (to === undefined) return;
      const type = typeof types === 'number' ? types : types[k]!;
      if (seen) {
        const key = to * 8 + type;
        if (seen.has(key)) return;
        seen.add(key);
      } else {
        for (let e = first; e < edges.count; e++) if (edges.to[e] === to && edges.type[e] === type) return;
      }
      pushEdge(edges, from, to, type);
    });
  };
  services.forEach(({ doc }, p) => {
    const deps = doc.spec.dependsOn;
    if (deps?.length) addAll(order[p]!, deps, TYPE_INDEX.dependsOn);
  });
  cis.forEach(({ doc }, p) => {
    const from = order[services.length + p]!;
    const relations = doc.spec.relations ?? [];
    if (relations.length) addAll(from, relations.map((r) => r.target), relations.map((r) => TYPE_INDEX[r.type]));
    const owner = doc.spec.service ? at.service.get(doc.spec.service) : undefined;
    // A CI is its owner's only edge to it of type owns: no other document adds one.
    if (owner !== undefined) pushEdge(edges, owner, from, TYPE_INDEX.owns);
  });
  const x = makeIndex(ids, nodes, at, edges);
  const g = new BuiltGraph(x, order);
  indexes.set(g, x);
  return g;
}

/**
 * The graph of an organisation whose services Map differs from `prev`'s by the step alone,
 * when the step only edits services without touching what they depend on (a tier, an
 * exposure, an owner), the CIs being the same: `prev`'s nodes, edges and order with the edited
 * services' nodes made again. Undefined when the step could change the edges or the nodes,
 * which only buildGraph settles. The audit meets such a step every time a unit of work edits a
 * service, and a graph of the L organisation costs a second to build.
 */
export function graphAfterServiceEdits(prev: Graph, step: MapStep<Located<Service>>): Graph | undefined {
  if (!(prev instanceof BuiltGraph) || prev.changed || step.removed.length !== step.added.length) return undefined;
  const x = prev.x;
  const was = new Map(step.removed);
  const nodes = [...x.nodes];
  for (const [name, { doc }] of step.added) {
    const old = was.get(name);
    const i = x.at.service.get(name);
    if (!old || i === undefined || JSON.stringify(old.doc.spec.dependsOn ?? []) !== JSON.stringify(doc.spec.dependsOn ?? [])) return undefined;
    nodes[i] = newNode(serviceId(name), 'service', name, doc.spec);
  }
  const n = x.ids.length;
  const next: Indexed = { ...x, nodes, stamp: new Uint32Array(n), parent: new Int32Array(n), position: new Int32Array(n), queue: new Int32Array(n), walk: 0 };
  const g = new BuiltGraph(next, prev.order);
  indexes.set(g, next);
  return g;
}

/** Puts queue[from..to) in id order (node numbers are ranks). */
function sortSegment(queue: Int32Array, from: number, to: number): void {
  if (to - from > 1) queue.subarray(from, to).sort();
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
  const { stamp, parent, walk, queue } = x;
  let tail = 0;
  for (const s of starts) {
    const i = numberOf(x.at, s);
    if (i === undefined || stamp[i] === walk) continue;
    stamp[i] = walk;
    parent[i] = -1;
    queue[tail++] = i;
  }
  let levelEnd = tail;
  sortSegment(queue, 0, levelEnd);
  for (let head = 0; head < tail && tail < limit; head++) {
    if (head === levelEnd) {
      sortSegment(queue, head, tail);
      levelEnd = tail;
    }
    const node = queue[head]!;
    for (let k = offsets[node]!, end = offsets[node + 1]!; k < end; k++) {
      if (!(mask & (1 << edgeTypes[k]!))) continue;
      const next = nodes[k]!;
      if (stamp[next] === walk) continue;
      if (tail >= limit) break;
      stamp[next] = walk;
      parent[next] = node;
      queue[tail++] = next;
    }
  }
  // The level found last was never expanded (or was cut by the limit): order it too.
  sortSegment(queue, levelEnd, tail);
  // Breadth-first order puts every parent before its children.
  const nodesOut = new Array<GraphNode>(tail);
  const distance = new Int32Array(tail);
  const via = new Int32Array(tail);
  for (let k = 0; k < tail; k++) {
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
