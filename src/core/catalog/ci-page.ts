import { ciId } from '../graph.js';
import type { CatalogContext } from './context.js';
import { byName, metadataView } from './context.js';
import { pagePath, safeHref } from './links.js';
import type { CiPage, RefView } from './types.js';

const RECENT_CHANGES = 10;

function withTypes(ref: RefView, types: string[]): RefView & { types: string[] } {
  return { kind: ref.kind, name: ref.name, title: ref.title, href: ref.href, types };
}

/** Edges to or from one CI, one entry per other end with every relation between them. */
function grouped(ctx: CatalogContext, edges: { other: string; type: string }[]): (RefView & { types: string[] })[] {
  const byOther = new Map<string, string[]>();
  for (const e of edges) {
    const types = byOther.get(e.other);
    if (!types) byOther.set(e.other, [e.type]);
    else if (!types.includes(e.type)) types.push(e.type);
  }
  return [...byOther].map(([other, types]) => withTypes(ctx.nodeRef(other), types));
}

function attribute(key: string, value: unknown): CiPage['attributes'][number] {
  if (typeof value !== 'string') return { key, text: JSON.stringify(value), href: undefined };
  // Only absolute web addresses become links; "16.4" or "multi-az" stay text.
  return { key, text: value, href: /^https?:\/\//i.test(value) ? safeHref(value) : undefined };
}

export function ciPage(ctx: CatalogContext, name: string): CiPage {
  const { org, graph } = ctx.input;
  const doc = org.cis.get(name)!.doc;
  const changeIds = ctx.changesByCi.get(name) ?? [];
  return {
    template: 'ci',
    path: pagePath.ci(name),
    heading: doc.metadata.title ?? name,
    section: 'cis',
    name,
    ...metadataView(doc.metadata),
    class: doc.spec.class,
    environment: doc.spec.environment === undefined ? undefined : ctx.environmentName(doc.spec.environment),
    service: doc.spec.service ? ctx.serviceRef(doc.spec.service) : undefined,
    owner: doc.spec.owner ? ctx.teamRef(doc.spec.owner) : undefined,
    relations: grouped(
      ctx,
      (doc.spec.relations ?? []).map((r) => ({ other: r.target, type: r.type })),
    ),
    usedBy: grouped(
      ctx,
      (graph.in.get(ciId(name)) ?? []).map((e) => ({ other: e.from, type: e.type })),
    ).sort((a, b) => byName(a.kind, b.kind) || byName(a.name, b.name)),
    attributes: Object.entries(doc.spec.attributes ?? {}).map(([key, value]) => attribute(key, value)),
    changes: changeIds.slice(0, RECENT_CHANGES).map(ctx.changeRow),
    changesTotal: changeIds.length,
  };
}
