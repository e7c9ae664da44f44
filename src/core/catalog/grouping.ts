import type { Organisation } from '../organisation.js';
import type { CatalogContext } from './context.js';
import { byName, metadataView } from './context.js';
import { linkView, pagePath } from './links.js';
import type { ApiPage, ApiRow, DomainPage, GroupGraph, ListPage, RefView, SystemPage, SystemRow, SystemsListPage } from './types.js';

/**
 * Systems, domains and APIs in the catalog: who is in which system, which domain a system is
 * part of, who provides and who consumes each API, and the dependency graph grouped by system.
 * Built once per catalog from the organisation; pages read it.
 */
export interface GroupingIndex {
  servicesBySystem: Map<string, string[]>;
  systemsByDomain: Map<string, string[]>;
  apisBySystem: Map<string, string[]>;
  providers: Map<string, string[]>;
  consumers: Map<string, string[]>;
  /** Services that name no system (or one no document defines). */
  ungrouped: string[];
}

const push = (m: Map<string, string[]>, k: string, v: string) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export function indexGrouping(org: Organisation): GroupingIndex {
  const index: GroupingIndex = { servicesBySystem: new Map(), systemsByDomain: new Map(), apisBySystem: new Map(), providers: new Map(), consumers: new Map(), ungrouped: [] };
  for (const [name, { doc }] of org.services) {
    const system = doc.spec.system;
    if (system && org.systems.has(system)) push(index.servicesBySystem, system, name);
    else index.ungrouped.push(name);
    for (const a of doc.spec.providesApis ?? []) push(index.providers, a, name);
    for (const a of doc.spec.consumesApis ?? []) push(index.consumers, a, name);
  }
  for (const [name, { doc }] of org.systems) if (doc.spec.domain) push(index.systemsByDomain, doc.spec.domain, name);
  for (const [name, { doc }] of org.apis) if (doc.spec.system) push(index.apisBySystem, doc.spec.system, name);
  for (const m of [index.servicesBySystem, index.systemsByDomain, index.apisBySystem, index.providers, index.consumers]) for (const list of m.values()) list.sort(byName);
  index.ungrouped.sort(byName);
  return index;
}

/**
 * Services drawn inside one system's box before a "+N more" box stands for the rest, and systems
 * drawn on one graph (the rest are counted, not drawn). A system page draws its own services
 * generously and its neighbours briefly: at 10k services there are hundreds of system pages,
 * each laid out by dagre, whose time grows with the boxes.
 */
export const DRAWN_PER_SYSTEM = 8;
export const DRAWN_SYSTEMS = 30;
const DRAWN_FOCUS = 12;
const DRAWN_PER_NEIGHBOUR = 4;
const DRAWN_NEIGHBOURS = 10;
const NO_SYSTEM = '';

/**
 * Service-to-service dependencies drawn inside system boxes. `focus` limits the drawing to one
 * system and the services its own depend on or are used by; without it every system is drawn
 * (up to DRAWN_SYSTEMS). An edge whose end is not drawn goes to its system's "+N more" box.
 */
export function groupGraph(ctx: CatalogContext, g: GroupingIndex, focus?: string): GroupGraph {
  const { org } = ctx.input;
  // Without a system there is nothing to group by: no drawing rather than one box of everything.
  if (focus === undefined && g.servicesBySystem.size === 0) return { groups: [], edges: [], hiddenSystems: 0 };
  const systemOf = (service: string) => {
    const s = org.services.get(service)?.doc.spec.system;
    return s && org.systems.has(s) ? s : NO_SYSTEM;
  };
  const edges: { from: string; to: string }[] = [];
  for (const [name, { doc }] of org.services) {
    for (const d of doc.spec.dependsOn ?? []) {
      if (!d.startsWith('service:')) continue;
      const to = d.slice('service:'.length);
      if (!org.services.has(to) || to === name) continue;
      if (focus !== undefined && systemOf(name) !== focus && systemOf(to) !== focus) continue;
      edges.push({ from: name, to });
    }
  }
  // Which services each drawn box shows: for a focus, its own, and its neighbours' in two boxes
  // per system, what uses the focus and what the focus uses, so each side reads one way.
  const members = new Map<string, string[]>();
  const SIDE = '\u0000';
  if (focus !== undefined) {
    members.set(focus, [...(g.servicesBySystem.get(focus) ?? [])]);
    const dependedOn = new Set(edges.filter((e) => systemOf(e.from) === focus).map((e) => e.to));
    for (const e of edges) {
      for (const s of [e.from, e.to]) if (systemOf(s) !== focus) push(members, `${systemOf(s)}${SIDE}${dependedOn.has(s) ? 'out' : 'in'}`, s);
    }
  } else {
    for (const [system, services] of g.servicesBySystem) members.set(system, [...services]);
    if (edges.some((e) => systemOf(e.from) === NO_SYSTEM || systemOf(e.to) === NO_SYSTEM)) members.set(NO_SYSTEM, [...new Set(edges.flatMap((e) => [e.from, e.to]).filter((s) => systemOf(s) === NO_SYSTEM))]);
  }
  const systemOfKey = (key: string) => key.split(SIDE)[0]!;
  // The focus first, then systems by name; services without a system last.
  const order = [...members.keys()].sort(
    (a, b) => Number(b === focus) - Number(a === focus) || Number(systemOfKey(a) === NO_SYSTEM) - Number(systemOfKey(b) === NO_SYSTEM) || byName(a, b),
  );
  const drawnSystems = order.slice(0, focus === undefined ? DRAWN_SYSTEMS : DRAWN_NEIGHBOURS + 1);
  const nodeOf = new Map<string, string>();
  const groups: GroupGraph['groups'] = drawnSystems.map((key) => {
    const system = systemOfKey(key);
    const services = [...new Set(members.get(key)!)].sort(byName);
    const cap = focus === undefined ? DRAWN_PER_SYSTEM : system === focus ? DRAWN_FOCUS : DRAWN_PER_NEIGHBOUR;
    const shown = services.slice(0, cap);
    const more = services.length - shown.length;
    const id = `g:${key.replace(SIDE, ':')}`;
    for (const s of shown) nodeOf.set(s, `s:${s}`);
    for (const s of services.slice(cap)) nodeOf.set(s, `${id}:more`);
    const ref: RefView | undefined = system === NO_SYSTEM ? undefined : ctx.systemRef(system);
    return {
      id,
      label: ref ? (ref.title ?? ref.name) : '',
      href: ref?.href,
      focus: key === focus,
      nodes: shown.map((s) => {
        const r = ctx.serviceRef(s);
        return { id: `s:${s}`, label: r.title ?? r.name, href: r.href };
      }),
      more,
    };
  });
  const seen = new Set<string>();
  const drawnEdges: GroupGraph['edges'] = [];
  for (const e of edges) {
    const from = nodeOf.get(e.from);
    const to = nodeOf.get(e.to);
    if (!from || !to || from === to) continue;
    const key = `${from}>${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    drawnEdges.push({ from, to });
  }
  return { groups, edges: drawnEdges, hiddenSystems: order.length - drawnSystems.length, focus };
}

function systemRow(ctx: CatalogContext, g: GroupingIndex, name: string): SystemRow {
  const doc = ctx.input.org.systems.get(name)!.doc;
  const ref = ctx.systemRef(name);
  return {
    kind: ref.kind,
    name,
    title: ref.title,
    href: ref.href,
    owner: ctx.teamRef(doc.spec.owner),
    domain: doc.spec.domain ? ctx.domainRef(doc.spec.domain) : undefined,
    services: g.servicesBySystem.get(name)?.length ?? 0,
    apis: g.apisBySystem.get(name)?.length ?? 0,
  };
}

export function apiRow(ctx: CatalogContext, g: GroupingIndex, name: string): ApiRow {
  const doc = ctx.input.org.apis.get(name)!.doc;
  const ref = ctx.apiRef(name);
  const providers = g.providers.get(name)?.length ?? 0;
  const consumers = g.consumers.get(name)?.length ?? 0;
  return {
    kind: ref.kind,
    name,
    title: ref.title,
    href: ref.href,
    type: doc.spec.type,
    lifecycle: doc.spec.lifecycle,
    owner: ctx.teamRef(doc.spec.owner),
    system: doc.spec.system ? ctx.systemRef(doc.spec.system) : undefined,
    providers,
    consumers,
    unprovided: consumers > 0 && providers === 0,
  };
}

export function systemsListPage(ctx: CatalogContext, g: GroupingIndex): SystemsListPage {
  const { org } = ctx.input;
  const names = [...org.systems.keys()].sort(byName);
  return {
    template: 'systems-list',
    path: pagePath.list('systems', 1),
    heading: '',
    section: 'systems',
    rows: names.map((n) => systemRow(ctx, g, n)),
    total: names.length,
    domains: [...org.domains.keys()].sort(byName).map((d) => ({ ...ctx.domainRef(d), owner: ctx.teamRef(org.domains.get(d)!.doc.spec.owner), systems: (g.systemsByDomain.get(d) ?? []).map(ctx.systemRef) })),
    ungrouped: g.ungrouped.length,
    graph: groupGraph(ctx, g),
  };
}

export function systemPage(ctx: CatalogContext, g: GroupingIndex, name: string): SystemPage {
  const { org } = ctx.input;
  const { doc } = org.systems.get(name)!;
  return {
    template: 'system',
    path: pagePath.system(name),
    heading: doc.metadata.title ?? name,
    section: 'systems',
    name,
    ...metadataView(doc.metadata),
    owner: ctx.teamRef(doc.spec.owner),
    domain: doc.spec.domain ? ctx.domainRef(doc.spec.domain) : undefined,
    services: (g.servicesBySystem.get(name) ?? []).map(ctx.summary),
    apis: (g.apisBySystem.get(name) ?? []).map((a) => apiRow(ctx, g, a)),
    graph: groupGraph(ctx, g, name),
  };
}

export function domainPage(ctx: CatalogContext, g: GroupingIndex, name: string): DomainPage {
  const { doc } = ctx.input.org.domains.get(name)!;
  return {
    template: 'domain',
    path: pagePath.domain(name),
    heading: doc.metadata.title ?? name,
    section: 'systems',
    name,
    ...metadataView(doc.metadata),
    owner: ctx.teamRef(doc.spec.owner),
    systems: (g.systemsByDomain.get(name) ?? []).map((s) => systemRow(ctx, g, s)),
  };
}

export function apisListPage(ctx: CatalogContext, g: GroupingIndex): ListPage<ApiRow> {
  const names = [...ctx.input.org.apis.keys()].sort(byName);
  return { template: 'apis-list', path: pagePath.list('apis', 1), heading: '', section: 'apis', rows: names.map((n) => apiRow(ctx, g, n)), page: 1, pages: 1, total: names.length };
}

export function apiPage(ctx: CatalogContext, g: GroupingIndex, name: string): ApiPage {
  const { doc } = ctx.input.org.apis.get(name)!;
  const row = apiRow(ctx, g, name);
  return {
    template: 'api',
    path: pagePath.api(name),
    heading: doc.metadata.title ?? name,
    section: 'apis',
    name,
    ...metadataView(doc.metadata),
    type: doc.spec.type,
    lifecycle: doc.spec.lifecycle,
    owner: row.owner,
    system: row.system,
    definition: doc.spec.definition ? linkView(doc.spec.definition, doc.spec.definition) : undefined,
    providers: (g.providers.get(name) ?? []).map(ctx.summary),
    consumers: (g.consumers.get(name) ?? []).map(ctx.summary),
    unprovided: row.unprovided,
  };
}
