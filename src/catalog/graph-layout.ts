import dagre from '@dagrejs/dagre';
import type { Neighbourhood, NeighbourNode } from '../core/catalog/neighbourhood.js';

/**
 * Lays out a service's dependency neighbourhood with dagre at build time, so the site draws it
 * as plain SVG and needs no layout script. Left to right: what uses the service, the service,
 * what it uses. Every box has the same size and labels are clipped to fit, so the layout
 * depends only on how many boxes each side has; that shape is laid out once and reused (dagre
 * takes milliseconds per graph, which 10k service pages cannot afford each time).
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
  columns: { x: number; label: string }[];
  caption: string;
}

const NODE_W = 196;
const NODE_H = 38;
const CENTER_W = 220;
const CENTER_H = 48;
/** Room above the boxes for the column headings. */
const TOP = 26;
const MAX_LABEL = 26;

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

function shapeFor(up: number, down: number): Shape {
  const key = `${up}:${down}`;
  let shape = shapes.get(key);
  if (shape) return shape;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 10, ranksep: 90, marginx: 4, marginy: 4 });
  g.setDefaultEdgeLabel(() => ({}));
  g.setNode('c', { width: CENTER_W, height: CENTER_H });
  for (let i = 0; i < up; i++) {
    g.setNode(`u${i}`, { width: NODE_W, height: NODE_H });
    g.setEdge('c', `u${i}`);
  }
  for (let i = 0; i < down; i++) {
    g.setNode(`d${i}`, { width: NODE_W, height: NODE_H });
    g.setEdge(`d${i}`, 'c');
  }
  dagre.layout(g);
  const slot = (id: string): Slot => {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    return { x: Math.round(n.x - n.width / 2), y: Math.round(n.y - n.height / 2) + TOP, w: n.width, h: n.height };
  };
  const label = g.graph() as { width?: number; height?: number };
  shape = {
    width: Math.ceil(label.width ?? CENTER_W),
    height: Math.ceil(label.height ?? CENTER_H) + TOP,
    center: slot('c'),
    // Top to bottom, so the boxes read in the order of the lists under the drawing.
    up: Array.from({ length: up }, (_, i) => slot(`u${i}`)).sort((a, b) => a.y - b.y),
    down: Array.from({ length: down }, (_, i) => slot(`d${i}`)).sort((a, b) => a.y - b.y),
  };
  shapes.set(key, shape);
  return shape;
}

function clip(text: string): string {
  const chars = [...text];
  return chars.length > MAX_LABEL ? chars.slice(0, MAX_LABEL - 1).join('') + '…' : text;
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

export function layoutNeighbourhood(n: Neighbourhood, words: GraphWords): GraphLayout {
  const upCount = n.upstream.length + (n.upstreamMore ? 1 : 0);
  const downCount = n.downstream.length + (n.downstreamMore ? 1 : 0);
  const shape = shapeFor(upCount, downCount);
  const nodes: GraphNodeBox[] = [];
  const edges: GraphLayout['edges'] = [];
  const box = (slot: Slot, role: GraphNodeBox['role'], node: NeighbourNode | undefined, label: string, full: string): GraphNodeBox => ({
    id: node?.id ?? `${role}-more`,
    role,
    kind: node?.kind ?? 'more',
    ...slot,
    tx: slot.x + slot.w / 2,
    ty: slot.y + slot.h / 2 + 5,
    label: clip(label),
    full,
    ...(node ? { href: node.href } : {}),
  });
  const describe = (node: NeighbourNode) => (node.title ? `${node.title} (${node.id})` : node.id);
  nodes.push(box(shape.center, 'center', n.center, n.center.title ?? n.center.name, describe(n.center)));
  n.upstream.forEach((node, i) => {
    nodes.push(box(shape.up[i]!, 'up', node, node.title ?? node.name, describe(node)));
    edges.push({ d: curve(shape.center, shape.up[i]!), type: node.via[0] ?? 'dependsOn' });
  });
  if (n.upstreamMore) {
    const slot = shape.up[n.upstream.length]!;
    nodes.push(box(slot, 'more', undefined, words.more(n.upstreamMore), words.more(n.upstreamMore)));
    edges.push({ d: curve(shape.center, slot), type: 'more' });
  }
  n.downstream.forEach((node, i) => {
    nodes.push(box(shape.down[i]!, 'down', node, node.title ?? node.name, describe(node)));
    edges.push({ d: curve(shape.down[i]!, shape.center), type: node.via[0] ?? 'dependsOn' });
  });
  if (n.downstreamMore) {
    const slot = shape.down[n.downstream.length]!;
    nodes.push(box(slot, 'more', undefined, words.more(n.downstreamMore), words.more(n.downstreamMore)));
    edges.push({ d: curve(slot, shape.center), type: 'more' });
  }
  const columns: GraphLayout['columns'] = [];
  if (downCount) columns.push({ x: shape.down[0]!.x + NODE_W / 2, label: words.usedBy });
  if (upCount) columns.push({ x: shape.up[0]!.x + NODE_W / 2, label: words.dependsOn });
  return { width: shape.width, height: shape.height, nodes, edges, columns, caption: words.caption(n.center.title ?? n.center.name) };
}
