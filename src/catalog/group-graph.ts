import type { GroupGraph } from '../core/catalog/types.js';

/**
 * Lays out service dependencies grouped by system: each system is a box holding its services,
 * the boxes stand in columns, left to right from what depends to what is depended on, and an
 * arrow runs from a service to each service it depends on. Laid out at build time, so the page
 * is plain SVG.
 *
 * Not dagre: its cluster layout took half a second for seven boxes of four services and half a
 * minute for thirty, and gave up on some shapes. Columns by longest path over the systems'
 * own graph are linear in the edges, never fail, and read the same way.
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
const NODE_GAP = 8;
const PAD = 12;
/** Room at the top of a system's box for its name. */
const HEAD = 28;
const GROUP_GAP = 18;
const COLUMN_GAP = 90;
const MARGIN = 8;
const LABEL = 22;

const clip = (text: string) => {
  const chars = [...text];
  return chars.length > LABEL ? chars.slice(0, LABEL - 1).join('') + '…' : text;
};

export function layoutGroups(graph: GroupGraph, words: GroupWords): GroupDrawing | undefined {
  const groups = graph.groups.filter((gr) => gr.nodes.length || gr.more);
  if (!groups.length) return undefined;
  const groupOfNode = new Map<string, number>();
  groups.forEach((gr, i) => {
    for (const n of gr.nodes) groupOfNode.set(n.id, i);
    if (gr.more) groupOfNode.set(`${gr.id}:more`, i);
  });
  const edges = graph.edges.filter((e) => e.from !== e.to && groupOfNode.has(e.from) && groupOfNode.has(e.to));
  // Column = longest path from a system nothing in the drawing depends on; a cycle between
  // systems stops growing after as many rounds as there are systems.
  const column = groups.map(() => 0);
  const between = [...new Set(edges.map((e) => `${groupOfNode.get(e.from)}>${groupOfNode.get(e.to)}`))].map((k) => k.split('>').map(Number) as [number, number]).filter(([a, b]) => a !== b);
  for (let round = 0; round < groups.length; round++) {
    let moved = false;
    for (const [a, b] of between) {
      if (column[b]! < column[a]! + 1 && column[a]! + 1 < groups.length) {
        column[b] = column[a]! + 1;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const used = [...new Set(column)].sort((a, b) => a - b);
  const at = new Map(used.map((c, i) => [c, i]));
  const boxW = NODE_W + 2 * PAD;
  const heights = groups.map((gr) => HEAD + (gr.nodes.length + (gr.more ? 1 : 0)) * (NODE_H + NODE_GAP) - NODE_GAP + PAD);
  const columnY = used.map(() => MARGIN);
  const out: GroupDrawing = { width: 0, height: 0, groups: [], nodes: [], edges: [], caption: words.caption };
  const slot = new Map<string, { x: number; y: number }>();
  groups.forEach((gr, i) => {
    const c = at.get(column[i]!)!;
    const x = MARGIN + c * (boxW + COLUMN_GAP);
    const y = columnY[c]!;
    columnY[c] = y + heights[i]! + GROUP_GAP;
    out.groups.push({ x, y, w: boxW, h: heights[i]!, label: clip(gr.label || words.noSystem), href: gr.href, focus: gr.focus, tx: x + 10, ty: y + 18 });
    const place = (id: string, k: number, text: string, href: string | undefined, more: boolean) => {
      const nx = x + PAD;
      const ny = y + HEAD + k * (NODE_H + NODE_GAP);
      slot.set(id, { x: nx, y: ny });
      out.nodes.push({ id, x: nx, y: ny, w: NODE_W, h: NODE_H, tx: nx + NODE_W / 2, ty: ny + NODE_H / 2 + 5, label: clip(text), full: text, href, more });
    };
    gr.nodes.forEach((n, k) => place(n.id, k, n.label, n.href, false));
    if (gr.more) place(`${gr.id}:more`, gr.nodes.length, words.more(gr.more), gr.href, true);
  });
  for (const e of edges) {
    const a = slot.get(e.from)!;
    const b = slot.get(e.to)!;
    const y1 = a.y + NODE_H / 2;
    const y2 = b.y + NODE_H / 2;
    if (b.x > a.x) {
      // Right side to left side, an S-curve across the gap.
      const x1 = a.x + NODE_W;
      const x2 = b.x;
      const mid = (x1 + x2) / 2;
      out.edges.push({ d: `M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}` });
    } else {
      // Same column or backwards (a cycle): an arc out of the right side and back into it.
      const x1 = a.x + NODE_W;
      const x2 = b.x + NODE_W;
      const bulge = Math.max(x1, x2) + PAD + 30;
      out.edges.push({ d: `M${x1} ${y1}C${bulge} ${y1} ${bulge} ${y2} ${x2} ${y2}` });
    }
  }
  out.width = MARGIN * 2 + used.length * boxW + (used.length - 1) * COLUMN_GAP + 50;
  out.height = Math.max(...columnY) - GROUP_GAP + MARGIN;
  return out;
}
