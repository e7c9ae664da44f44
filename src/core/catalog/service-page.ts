import { dependentsWalk, IMPACT_EDGES, pathIn, serviceId } from '../graph.js';
import type { CatalogContext } from './context.js';
import { byName, nameOf, ownerEntries, metadataView } from './context.js';
import { linkView, linkViews, pagePath } from './links.js';
import { neighbourhood } from './neighbourhood.js';
import { pathKey } from '../path-key.js';
import { serviceIncidents } from './incidents.js';
import { sloView } from './slo.js';
import { formatAt } from './time.js';
import type { ServiceReadiness } from '../readiness/types.js';
import type { CommitView, FileCommit, HistoryView, OwnerView, RefView, ScorecardView, ServicePage } from './types.js';

const RECENT_CHANGES = 10;
const HISTORY_COMMITS = 15;
const IMPACT_LISTED = 50;
/** Transitive dependents counted per service before the page says "at least". */
const IMPACT_LIMIT = 100;

function historyOf(ctx: CatalogContext, files: Iterable<string>): HistoryView {
  const history = ctx.input.history;
  if (!history) return { available: false, commits: [] };
  const seen = new Map<string, FileCommit>();
  for (const f of files) for (const c of history.get(pathKey(f)) ?? []) if (!seen.has(c.hash)) seen.set(c.hash, c);
  const commits: CommitView[] = [...seen.values()]
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
    .slice(0, HISTORY_COMMITS)
    .map((c) => ({ hash: c.hash, date: c.date, author: c.author, subject: c.subject, short: c.hash.slice(0, 7), day: c.date.slice(0, 10) }));
  return { available: true, commits };
}

function withVia(ref: RefView, via: string[]): RefView & { via: string[] } {
  return { kind: ref.kind, name: ref.name, title: ref.title, href: ref.href, via };
}

/** What breaks if the service fails: nearest first, then the most critical. */
function impactOf(ctx: CatalogContext, id: string): ServicePage['impact'] {
  const walk = dependentsWalk(ctx.input.graph, [id], IMPACT_EDGES, IMPACT_LIMIT + 1);
  // The node's own name and tier, not ones sliced out of its id: see nodeRef.
  const services: { k: number; tier: number }[] = [];
  walk.nodes.forEach((node, k) => {
    if (walk.distance[k]! > 0 && node.kind === 'service') services.push({ k, tier: node.tier ?? ctx.tierOf.get(node.name) ?? 9 });
  });
  services.sort((a, b) => walk.distance[a.k]! - walk.distance[b.k]! || a.tier - b.tier || byName(walk.nodes[a.k]!.id, walk.nodes[b.k]!.id));
  const listed = services.slice(0, IMPACT_LISTED);
  return {
    services: listed.map(({ k }) => withVia(ctx.serviceRef(walk.nodes[k]!.name), pathIn(walk, k).slice(1, -1).map(nameOf))),
    servicesTotal: services.length,
    servicesMore: services.length - listed.length,
    capped: walk.nodes.length > IMPACT_LIMIT,
  };
}

/** The scorecard as the page shows it: the rules that stand in the next level's way by their descriptions, not only their ids. */
export function scorecardView(r: ServiceReadiness): ScorecardView {
  const described = new Map(r.rules.map((rule) => [rule.id, rule.description]));
  return {
    level: r.level,
    rules: r.rules,
    counts: r.counts,
    next: r.next ? { level: r.next.level, failing: r.next.failing.map((id) => ({ id, description: described.get(id) ?? id })) } : undefined,
  };
}

export function servicePage(ctx: CatalogContext, name: string): ServicePage {
  const { org, graph } = ctx.input;
  const { doc, file } = org.services.get(name)!;
  const s = doc.spec;
  const id = serviceId(name);
  const around = neighbourhood(graph, id, ctx.titleOf)!;
  const owners: OwnerView[] = ownerEntries(doc).map(({ team, role, primary }) => {
    const t = org.teams.get(team)?.doc;
    const schedule = t?.spec.oncall?.schedule;
    return {
      team: ctx.teamRef(team),
      role,
      primary,
      oncall: schedule ? linkView(schedule, schedule) : undefined,
      escalation: t?.spec.oncall?.escalation ?? [],
      contacts: ctx.contacts(t),
    };
  });
  const ciNames = ctx.cisByService.get(name) ?? [];
  const changeIds = ctx.changesByService.get(name) ?? [];
  const files = new Set([file, ...(ctx.sloFiles.get(name) ?? []), ...ciNames.map((c) => org.cis.get(c)!.file)]);
  // The lists' headings already say "depends on"; only the other relations are worth a word.
  const otherRelations = (via: string[]) => via.filter((v) => v !== 'dependsOn');
  const scorecard = ctx.scorecard(name);
  const incidents = serviceIncidents(ctx, name);
  return {
    template: 'service',
    path: pagePath.service(name),
    heading: doc.metadata.title ?? name,
    section: 'services',
    name,
    ...metadataView(doc.metadata),
    tier: s.tier,
    exposure: s.exposure,
    lifecycle: s.lifecycle,
    readiness: scorecard ? scorecardView(scorecard) : undefined,
    owners,
    ...(s.system ? { system: ctx.systemRef(s.system) } : {}),
    ...(s.system && org.systems.get(s.system)?.doc.spec.domain ? { domain: ctx.domainRef(org.systems.get(s.system)!.doc.spec.domain!) } : {}),
    providesApis: (s.providesApis ?? []).map(ctx.apiRef),
    consumesApis: (s.consumesApis ?? []).map(ctx.apiRef),
    runbooks: linkViews(s.runbooks),
    playbooks: linkViews(s.playbooks),
    dashboards: linkViews(s.dashboards),
    repository: s.repository ? linkView(s.repository, s.repository) : undefined,
    continuity: s.continuity,
    slos: (ctx.slosByService.get(name) ?? []).map((slo) => sloView(slo, (t) => formatAt(t, ctx.zone))),
    graph: around.drawing,
    upstream: around.upstream.map((n) => withVia(ctx.nodeRef(n.id), otherRelations(n.via))),
    downstream: around.downstream.map((n) => withVia(ctx.nodeRef(n.id), otherRelations(n.via))),
    impact: impactOf(ctx, id),
    cis: ciNames.slice().sort(byName).map(ctx.ciRow),
    changes: changeIds.slice(0, RECENT_CHANGES).map(ctx.changeRow),
    changesTotal: changeIds.length,
    incidents: incidents.rows,
    incidentsTotal: incidents.total,
    history: historyOf(ctx, files),
    file,
  };
}
