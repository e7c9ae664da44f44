import dagre from '@dagrejs/dagre';
import type { Neighbourhood, NeighbourNode } from '../core/catalog/neighbourhood.js';

/**
 * Lays out a service's dependency neighbourhood with dagre at build time, so the site draws it
 * as plain SVG and needs no layout script. Wide screens get one drawing, left to right: what
 * uses the service, the service, what it uses. A phone's width holds two columns of readable
 * boxes, not three, so phones get the two halves stacked: what uses it, then what it uses.
 * Every box has the same size and labels are clipped to fit, so a layout depends only on how
 * many boxes each side has; each shape is laid out once and reused (dagre takes milliseconds
 * per graph, which 10k service pages cannot afford each time).
 */
export interface GraphNodeBox {
  id: string;
  role: 'center' | 'up' | 'down' | 'more';
  kind: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Label anchor. */
  tx: number;
  ty: number;
  label: string;
  full: string;
  href?: string;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: GraphNodeBox[];
  edges: { d: string; type: string }[];
  columns: { x: number; y: number; label: string }[];
}

export interface GraphDrawing {
  wide: GraphLayout;
  narrow: GraphLayout;
  caption: string;
}

interface Geometry {
  name: 'wide' | 'narrow';
  nodeW: number;
  centerW: number;
  ranksep: number;
  /** Characters that fit in a box at the drawing's font size. */
  label: number;
}
const WIDE: Geometry = { name: 'wide', nodeW: 196, centerW: 220, ranksep: 90, label: 26 };
const NARROW: Geometry = { name: 'narrow', nodeW: 138, centerW: 138, ranksep: 36, label: 17 };
const NODE_H = 38;
const CENTER_H = 48;
/** Room above the boxes for the column headings. */
const TOP = 26;
/** Between the two halves of the phone drawing. */
const GAP = 18;

interface Slot {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Shape {
  width: number;
  height: number;
  center: Slot;
  up: Slot[];
  down: Slot[];
}

const shapes = new Map<string, Shape>();

function shapeFor(up: number, down: number, geo: Geometry): Shape {
  const key = `${geo.name}:${up}:${down}`;
  let shape = shapes.get(key);
  if (shape) return shape;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: geo.ranksep, marginx: 4, marginy: 4 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode('c', { width: geo.centerW, height: CENTER_H });
  for (let i = 0; i < up; i++) {
    g.setNode(`u${i}`, { width: geo.nodeW, height: NODE_H });
    g.setEdge('c', `u${i}`);
  }
  for (let i = 0; i < down; i++) {
    g.setNode(`d${i}`, { width: geo.nodeW, height: NODE_H });
    g.setEdge(`d${i}`, 'c');
  }
  dagre.layout(g);
  const slot = (id: string): Slot => {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    return { x: Math.round(n.x - n.width / 2), y: Math.round(n.y - n.height / 2) + TOP, w: n.width, h: n.height };
  };
  const label = g.graph() as { width?: number; height?: number };
  shape = {
    width: Math.ceil(label.width ?? geo.centerW),
    height: Math.ceil(label.height ?? CENTER_H) + TOP,
    center: slot('c'),
    // Top to bottom, so the boxes read in the order of the lists under the drawing.
    up: Array.from({ length: up }, (_, i) => slot(`u${i}`)).sort((a, b) => a.y - b.y),
    down: Array.from({ length: down }, (_, i) => slot(`d${i}`)).sort((a, b) => a.y - b.y),
  };
  shapes.set(key, shape);
  return shape;
}

function shifted(s: Slot, dy: number): Slot {
  return { x: s.x, y: s.y + dy, w: s.w, h: s.h };
}

/** A horizontal S-curve from the right side of one box to the left side of another. */
function curve(from: Slot, to: Slot): string {
  const x1 = from.x + from.w;
  const y1 = from.y + from.h / 2;
  const x2 = to.x;
  const y2 = to.y + to.h / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}`;
}

export interface GraphWords {
  usedBy: string;
  dependsOn: string;
  more: (n: number) => string;
  caption: (name: string) => string;
}

interface Side {
  nodes: NeighbourNode[];
  more: number;
}

/** Draws one side (or both) around the centre into `out`, with the shape moved down by `dy`. */
function drawSides(n: Neighbourhood, shape: Shape, dy: number, sides: { up?: Side; down?: Side }, geo: Geometry, words: GraphWords, out: GraphLayout): void {
  const clip = (text: string) => {
    const chars = [...text];
    return chars.length > geo.label ? chars.slice(0, geo.label - 1).join('') + '…' : text;
  };
  const describe = (node: NeighbourNode) => (node.title ? `${node.title} (${node.id})` : node.id);
  const box = (slot: Slot, role: GraphNodeBox['role'], node: NeighbourNode | undefined, label: string): GraphNodeBox => ({
    id: node?.id ?? `${role}-more`,
    role,
    kind: node?.kind ?? 'more',
    x: slot.x,
    y: slot.y,
    w: slot.w,
    h: slot.h,
    tx: slot.x + slot.w / 2,
    ty: slot.y + slot.h / 2 + 5,
    label: clip(label),
    full: node ? describe(node) : label,
    href: node?.href,
  });
  const center = shifted(shape.center, dy);
  out.nodes.push(box(center, 'center', n.center, n.center.title ?? n.center.name));
  for (const [role, side, slots] of [
    ['up', sides.up, shape.up],
    ['down', sides.down, shape.down],
  ] as const) {
    if (!side) continue;
    const at = (i: number) => shifted(slots[i]!, dy);
    const edge = (slot: Slot, type: string) => out.edges.push({ d: role === 'up' ? curve(center, slot) : curve(slot, center), type });
    side.nodes.forEach((node, i) => {
      out.nodes.push(box(at(i), role, node, node.title ?? node.name));
      edge(at(i), node.via[0] ?? 'dependsOn');
    });
    if (side.more) {
      const slot = at(side.nodes.length);
      out.nodes.push(box(slot, 'more', undefined, words.more(side.more)));
      edge(slot, 'more');
    }
    if (slots.length) out.columns.push({ x: slots[0]!.x + geo.nodeW / 2, y: dy + 14, label: role === 'up' ? words.dependsOn : words.usedBy });
  }
}

export function layoutNeighbourhood(n: Neighbourhood, words: GraphWords): GraphDrawing {
  const up: Side = { nodes: n.upstream, more: n.upstreamMore };
  const down: Side = { nodes: n.downstream, more: n.downstreamMore };
  const upCount = up.nodes.length + (up.more ? 1 : 0);
  const downCount = down.nodes.length + (down.more ? 1 : 0);

  const wideShape = shapeFor(upCount, downCount, WIDE);
  const wide: GraphLayout = { width: wideShape.width, height: wideShape.height, nodes: [], edges: [], columns: [] };
  drawSides(n, wideShape, 0, { up, down }, WIDE, words, wide);

  // The phone drawing: what uses the service on top, what it uses below (a side with nothing
  // on it is left out, unless both are empty and the centre stands alone).
  const narrow: GraphLayout = { width: 0, height: 0, nodes: [], edges: [], columns: [] };
  let dy = 0;
  for (const [count, sides] of [
    [downCount, { down }],
    [upCount, { up }],
  ] as const) {
    if (!count && (dy > 0 || upCount > 0)) continue;
    const shape = shapeFor(count && 'up' in sides ? count : 0, count && 'down' in sides ? count : 0, NARROW);
    drawSides(n, shape, dy, sides, NARROW, words, narrow);
    narrow.width = Math.max(narrow.width, shape.width);
    dy += shape.height + GAP;
  }
  narrow.height = dy - GAP;
  return { wide, narrow, caption: words.caption(n.center.title ?? n.center.name) };
}
