import dagre from '@dagrejs/dagre';
import type { GroupGraph } from '../core/catalog/types.js';

/**
 * Lays out service dependencies grouped by system: each system is a box (a dagre cluster)
 * holding its services, edges run left to right from a service to what it depends on. Laid out
 * at build time like the service neighbourhood, so the page is plain SVG.
 */
export interface GroupDrawing {
  width: number;
  height: number;
  groups: { x: number; y: number; w: number; h: number; label: string; href?: string; focus: boolean; tx: number; ty: number }[];
  nodes: { id: string; x: number; y: number; w: number; h: number; tx: number; ty: number; label: string; full: string; href?: string; more: boolean }[];
  edges: { d: string }[];
  caption: string;
}

export interface GroupWords {
  noSystem: string;
  more: (n: number) => string;
  caption: string;
}

const NODE_W = 170;
const NODE_H = 34;
const LABEL = 22;
/** Room at the top of a system's box for its name. */
const HEAD = 22;

const clip = (text: string) => {
  const chars = [...text];
  return chars.length > LABEL ? chars.slice(0, LABEL - 1).join('') + '…' : text;
};

export function layoutGroups(graph: GroupGraph, words: GroupWords): GroupDrawing | undefined {
  if (!graph.groups.some((gr) => gr.nodes.length || gr.more)) return undefined;
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const gr of graph.groups) {
    g.setNode(gr.id, { paddingTop: HEAD + 8, paddingLeft: 12, paddingRight: 12, paddingBottom: 10 });
    for (const n of gr.nodes) {
      g.setNode(n.id, { width: NODE_W, height: NODE_H });
      g.setParent(n.id, gr.id);
    }
    if (gr.more) {
      g.setNode(`${gr.id}:more`, { width: NODE_W, height: NODE_H });
      g.setParent(`${gr.id}:more`, gr.id);
    }
  }
  for (const e of graph.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  type Box = { x: number; y: number; width: number; height: number };
  const box = (id: string) => g.node(id) as unknown as Box;
  const nodes: GroupDrawing['nodes'] = [];
  const groups: GroupDrawing['groups'] = [];
  for (const gr of graph.groups) {
    const b = box(gr.id);
    const x = Math.round(b.x - b.width / 2);
    const y = Math.round(b.y - b.height / 2);
    const label = gr.label || words.noSystem;
    groups.push({ x, y, w: Math.round(b.width), h: Math.round(b.height), label: clip(label), href: gr.href, focus: gr.focus, tx: x + 10, ty: y + 16 });
    const place = (id: string, text: string, full: string, href: string | undefined, more: boolean) => {
      const n = box(id);
      const nx = Math.round(n.x - n.width / 2);
      const ny = Math.round(n.y - n.height / 2);
      nodes.push({ id, x: nx, y: ny, w: n.width, h: n.height, tx: nx + n.width / 2, ty: ny + n.height / 2 + 5, label: clip(text), full, href, more });
    };
    for (const n of gr.nodes) place(n.id, n.label, n.label, n.href, false);
    if (gr.more) place(`${gr.id}:more`, words.more(gr.more), words.more(gr.more), gr.href, true);
  }
  const edges = g.edges().map((e: { v: string; w: string }) => {
    const points = (g.edge(e) as { points: { x: number; y: number }[] }).points;
    return { d: points.map((p, i) => `${i ? 'L' : 'M'}${Math.round(p.x)} ${Math.round(p.y)}`).join('') };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), groups, nodes, edges, caption: words.caption };
}
