import { holdsItsWindow } from '../change-phase.js';
import { dependentsWalk, pathIn, type Graph, type GraphNode, type Walk } from '../graph.js';
import type { ChangeRequest } from '../model.js';
import { indexOfMap, type MapStep } from '../map-step.js';
import type { Located, Organisation } from '../organisation.js';
import { instant } from './context.js';
import { targetsOf } from './factors.js';

/**
 * Two changes at the same time whose blast radii meet at a critical service collide there even
 * when neither names it: a requester who lists only the leaf service must not hide that both
 * changes reach checkout. Each change's blast radius is walked once per graph (linear), the
 * critical services in it kept as a set; a path is built only for the service a conflict names.
 */
export interface SharedDependent {
  /** The other change. */
  id: string;
  /** The shared service, e.g. `service:payments-api`. */
  service: string;
  tier: number;
  /** How this change reaches it, from what it names to the service. */
  path: string[];
  /** How the other change reaches it. */
  otherPath: string[];
  /** Every critical service both reach (the one above included). */
  sharedCount: number;
}

/** Tiers whose services a collision matters on: tier 1 and 2, what the impact matrix weighs most. */
const CRITICAL_TIER = 2;

function tierOf(org: Organisation, walk: Walk, k: number): number | undefined {
  const node = walk.nodes[k]!;
  if (node.kind !== 'service') return undefined;
  return node.tier ?? org.services.get(node.name)?.doc.spec.tier;
}

/** The critical services a walk reaches, each with its place in the walk. */
function criticalIn(org: Organisation, walk: Walk): Map<GraphNode, number> {
  const out = new Map<GraphNode, number>();
  for (let k = 0; k < walk.nodes.length; k++) {
    const tier = tierOf(org, walk, k);
    if (tier !== undefined && tier <= CRITICAL_TIER) out.set(walk.nodes[k]!, k);
  }
  return out;
}

// Per change, its critical services as the graph's own node objects: a plain array, so holding
// every open change's reach costs a pointer per service, not a set entry and a string.
const reaches = new WeakMap<Graph, WeakMap<ChangeRequest, readonly GraphNode[]>>();

function criticalReach(org: Organisation, graph: Graph, change: ChangeRequest): readonly GraphNode[] {
  let byChange = reaches.get(graph);
  if (!byChange) reaches.set(graph, (byChange = new WeakMap()));
  let nodes = byChange.get(change);
  if (!nodes) byChange.set(change, (nodes = [...criticalIn(org, dependentsWalk(graph, targetsOf(change))).keys()]));
  return nodes;
}

interface Scheduled {
  doc: ChangeRequest;
  start: number;
  end: number;
}
/** Changes holding their windows, by start, and the longest of them: who overlaps is a range search. */
interface ScheduleIndex {
  byStart: Scheduled[];
  longest: number;
}
// By the changes Map: organisations that share their changes share this index.
const schedules = new WeakMap<object, ScheduleIndex>();
// Each document's own answer, kept by the document: the index is built again for every changes Map.
const scheduled = new WeakMap<ChangeRequest, Scheduled | null>();

function scheduledOf(doc: ChangeRequest): Scheduled | null {
  let entry = scheduled.get(doc);
  if (entry === undefined) {
    const start = holdsItsWindow(doc) ? instant(doc.spec.schedule.start) : undefined;
    const end = start === undefined ? undefined : instant(doc.spec.schedule.end);
    scheduled.set(doc, (entry = start === undefined || end === undefined || end <= start ? null : { doc, start, end }));
  }
  return entry;
}

/** The first place in byStart whose start is above `start` (after every equal one). */
function after(byStart: readonly Scheduled[], start: number): number {
  let lo = 0;
  let hi = byStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byStart[mid]!.start <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function scheduleIndex(org: Organisation): ScheduleIndex {
  const build = (): ScheduleIndex => {
    const byStart: Scheduled[] = [];
    let longest = 0;
    for (const { doc } of org.changes.values()) {
      const entry = scheduledOf(doc);
      if (!entry) continue;
      byStart.push(entry);
      longest = Math.max(longest, entry.end - entry.start);
    }
    byStart.sort((a, b) => a.start - b.start);
    return { byStart, longest };
  };
  // A step of the changes Map copies the list (pointers) and moves only what the step changed;
  // changes starting together may stand in another order, which no reader depends on.
  const derive = (prev: ScheduleIndex, step: MapStep<Located<ChangeRequest>>): ScheduleIndex => {
    const byStart = [...prev.byStart];
    let longest = prev.longest;
    let shortened = false;
    for (const [, { doc }] of step.removed) {
      const entry = scheduledOf(doc);
      if (!entry) continue;
      for (let k = after(byStart, entry.start) - 1; k >= 0 && byStart[k]!.start === entry.start; k--) {
        if (byStart[k] !== entry) continue;
        byStart.splice(k, 1);
        if (entry.end - entry.start === longest) shortened = true;
        break;
      }
    }
    for (const [, { doc }] of step.added) {
      const entry = scheduledOf(doc);
      if (!entry) continue;
      byStart.splice(after(byStart, entry.start), 0, entry);
      longest = Math.max(longest, entry.end - entry.start);
    }
    if (shortened) longest = byStart.reduce((m, e) => Math.max(m, e.end - e.start), 0);
    return { byStart, longest };
  };
  return indexOfMap(schedules, org.changes, build, derive);
}

/** Changes holding their windows whose schedules overlap [start, end). */
function overlappingInTime(org: Organisation, start: number, end: number): Scheduled[] {
  const { byStart, longest } = scheduleIndex(org);
  // Nothing starting before start - longest can still be running at start.
  let lo = 0;
  let hi = byStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byStart[mid]!.start <= start - longest) lo = mid + 1;
    else hi = mid;
  }
  const out: Scheduled[] = [];
  for (let k = lo; k < byStart.length && byStart[k]!.start < end; k++) if (byStart[k]!.end > start) out.push(byStart[k]!);
  return out;
}

/**
 * Other changes overlapping [start, end) whose blast radius shares a tier-1 or tier-2 service
 * with this change's, each with the most critical shared service (then the nearest to this
 * change, then by id) and how both changes reach it. `skip` lists changes already reported
 * as colliding more directly.
 */
export function sharedDependents(org: Organisation, graph: Graph, change: ChangeRequest, start: number, end: number, skip: ReadonlySet<string>): SharedDependent[] {
  const id = change.metadata.name;
  const others = overlappingInTime(org, start, end).filter((o) => o.doc.metadata.name !== id && !skip.has(o.doc.metadata.name));
  if (!others.length) return [];
  const walk = dependentsWalk(graph, targetsOf(change));
  const mine = criticalIn(org, walk);
  if (!mine.size) return [];
  const out: SharedDependent[] = [];
  for (const other of others) {
    const theirs = criticalReach(org, graph, other.doc);
    let best: { id: string; k: number; tier: number } | undefined;
    let count = 0;
    for (const service of theirs) {
      const k = mine.get(service);
      if (k === undefined) continue;
      count++;
      const tier = tierOf(org, walk, k)!;
      // The walk is nearest first, then by id, so a lower index is the nearer (or first) service.
      if (!best || tier < best.tier || (tier === best.tier && k < best.k)) best = { id: service.id, k, tier };
    }
    if (!best) continue;
    const otherWalk = dependentsWalk(graph, targetsOf(other.doc));
    const at = otherWalk.nodes.findIndex((n) => n.id === best.id);
    out.push({ id: other.doc.metadata.name, service: best.id, tier: best.tier, path: pathIn(walk, best.k), otherPath: pathIn(otherWalk, at), sharedCount: count });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
