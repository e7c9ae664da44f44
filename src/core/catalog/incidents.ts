import type { Incident, IncidentSeverity, IncidentStatus } from '../model.js';
import { INCIDENT_SEVERITIES } from '../model.js';
import { activePolicy, type Located, type Organisation } from '../organisation.js';
import { overdueFollowUps, reviewDueAt } from '../incidents/follow-up.js';
import { organisationZone } from '../evidence-time.js';
import type { CatalogContext } from './context.js';
import { byName, paragraphs, metadataView } from './context.js';
import { linkView, pagePath } from './links.js';
import { formatAt, instantOf, monthKey, toLocal } from './time.js';
import type { ActionItemView, IncidentPage, IncidentRow, IncidentsIndexPage, ProblemPage, RefView } from './types.js';

/** Incidents a service or change page lists; the index lists them all. */
export const RECENT_INCIDENTS = 10;

const STATUSES: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring', 'resolved', 'reviewed'];
const TIMES = ['startedAt', 'detectedAt', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt'] as const;

/**
 * The services an incident touched: those it names, and the owners of the CIs it names. The
 * same reading as incidentsOf (src/core/incidents/follow-up.ts), made once per incident rather
 * than once per service so a 10k-service site does not scan every CI per service; a test holds
 * the two to the same answer.
 */
export function servicesTouched(org: Organisation, incident: Incident): string[] {
  const out = new Set(incident.spec.services ?? []);
  for (const ci of incident.spec.configurationItems ?? []) {
    const owner = org.cis.get(ci)?.doc.spec.service;
    if (owner) out.add(owner);
  }
  return [...out];
}

/** What the catalog knows about incidents and problems, indexed once per build. */
export interface IncidentIndex {
  /** Newest first by start. */
  ids: string[];
  problemIds: string[];
  byService: Map<string, string[]>;
  byChange: Map<string, string[]>;
  problemsByIncident: Map<string, string[]>;
  /** Incidents with something overdue at the build's time. */
  overdue: Set<string>;
  row(id: string): IncidentRow;
  incidentRef(id: string): RefView;
  problemRef(id: string): RefView;
  changeRef(id: string): RefView;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexIncidents(ctx: Pick<CatalogContext, 'input' | 'zone' | 'serviceRef'>): IncidentIndex {
  const { org, now } = ctx.input;
  const policy = activePolicy(org)?.doc.spec.incidents;
  const startOf = (id: string) => instantOf(org.incidents.get(id)!.doc.spec.startedAt) ?? 0;
  const ids = [...org.incidents.keys()].sort((a, b) => startOf(b) - startOf(a) || byName(b, a));
  const problemIds = [...org.problems.keys()].sort(byName);
  const byService = new Map<string, string[]>();
  const byChange = new Map<string, string[]>();
  const problemsByIncident = new Map<string, string[]>();
  const touched = new Map<string, string[]>();
  for (const id of ids) {
    const doc = org.incidents.get(id)!.doc;
    const services = servicesTouched(org, doc);
    touched.set(id, services);
    for (const s of services) push(byService, s, id);
    if (Array.isArray(doc.spec.causedBy)) for (const c of new Set(doc.spec.causedBy)) push(byChange, c, id);
  }
  for (const id of problemIds) for (const i of new Set(org.problems.get(id)!.doc.spec.incidents)) push(problemsByIncident, i, id);
  const follow = overdueFollowUps(org.incidents.values(), policy, now, { zone: organisationZone(org) });
  const overdue = new Set([...follow.reviews.map((r) => r.incident), ...follow.actions.map((a) => a.incident)]);

  const made = new Map<string, RefView>();
  const ref = (kind: RefView['kind'], name: string, title: string | undefined, href: string | undefined): RefView => {
    const key = `${kind}:${name}`;
    let r = made.get(key);
    if (!r) made.set(key, (r = { kind, name, title, href }));
    return r;
  };
  const incidentRef = (id: string) => {
    const doc = org.incidents.get(id)?.doc;
    return ref('incident', id, doc?.metadata.title, doc ? pagePath.incident(id) : undefined);
  };
  const problemRef = (id: string) => {
    const doc = org.problems.get(id)?.doc;
    return ref('problem', id, doc?.metadata.title, doc ? pagePath.problem(id) : undefined);
  };
  // A change reference shows the id: it is what people quote, and titles are long.
  const changeRef = (id: string) => ref('change', id, undefined, org.changes.has(id) ? pagePath.change(id) : undefined);

  const rows = new Map<string, IncidentRow>();
  const row = (id: string): IncidentRow => {
    let r = rows.get(id);
    if (r) return r;
    const doc = org.incidents.get(id)!.doc;
    const start = startOf(id);
    const services = touched.get(id)!.slice().sort(byName);
    rows.set(
      id,
      (r = {
        id,
        title: doc.metadata.title,
        href: pagePath.incident(id),
        severity: doc.spec.severity,
        status: doc.spec.status,
        start: formatAt(start, ctx.zone),
        month: monthKey(toLocal(start, ctx.zone)),
        services: services.map(ctx.serviceRef),
        serviceKeys: services.join(' '),
        overdue: overdue.has(id),
      }),
    );
    return r;
  };
  return { ids, problemIds, byService, byChange, problemsByIncident, overdue, row, incidentRef, problemRef, changeRef };
}

export function incidentsIndexPage(ctx: CatalogContext): IncidentsIndexPage {
  const { org } = ctx.input;
  const index = ctx.incidents;
  const rows = index.ids.map(index.row);
  const has = <T>(values: readonly T[], of: (r: IncidentRow) => T) => values.filter((v) => rows.some((r) => of(r) === v));
  return {
    template: 'incidents-list',
    path: pagePath.incidents,
    heading: '',
    section: 'incidents',
    rows,
    problems: index.problemIds.map((id) => ({ ref: index.problemRef(id), state: org.problems.get(id)!.doc.spec.state, incidents: org.problems.get(id)!.doc.spec.incidents.length })),
    filters: {
      severities: has<IncidentSeverity>(INCIDENT_SEVERITIES, (r) => r.severity),
      statuses: has(STATUSES, (r) => r.status),
      services: [...index.byService.keys()].sort(byName).map(ctx.serviceRef),
      months: [...new Set(rows.map((r) => r.month))].sort().reverse(),
    },
    overdue: index.overdue.size,
  };
}

function actionItems(ctx: CatalogContext, located: Located<Incident>, overdueIndexes: Set<number>): ActionItemView[] {
  return (located.doc.spec.review?.actionItems ?? []).map((item, i) => ({
    title: item.title,
    owner: ctx.teamRef(item.owner),
    due: item.due,
    state: item.state,
    overdue: overdueIndexes.has(i),
    change: item.change ? ctx.incidents.changeRef(item.change) : undefined,
    link: item.url ? linkView(item.url, item.url) : undefined,
  }));
}

export function incidentPage(ctx: CatalogContext, id: string): IncidentPage {
  const { org, now } = ctx.input;
  const located = org.incidents.get(id)!;
  const { doc, file } = located;
  const s = doc.spec;
  const policy = activePolicy(org)?.doc.spec.incidents;
  const at = (t: string | undefined) => {
    const ms = instantOf(t);
    return ms === undefined ? (t ?? '') : formatAt(ms, ctx.zone);
  };
  // The one overdue reading (readiness uses it too), asked about this incident alone.
  const clock = { zone: organisationZone(org) };
  const follow = overdueFollowUps([located], policy, now, clock);
  const dueAt = reviewDueAt(doc, policy, clock);
  const timeline = (s.timeline ?? [])
    .map((e, i) => ({ e, i, t: instantOf(e.at) ?? 0 }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map(({ e }) => ({ at: at(e.at), author: e.author, kind: e.kind, text: e.text }));
  const review = s.review;
  return {
    template: 'incident',
    path: pagePath.incident(id),
    heading: `${id}: ${doc.metadata.title}`,
    section: 'incidents',
    id,
    ...metadataView(doc.metadata),
    severity: s.severity,
    severityMeaning: policy?.severities[s.severity]?.description,
    status: s.status,
    times: TIMES.filter((k) => s[k]).map((k) => ({ key: k, at: at(s[k]) })),
    services: (s.services ?? []).map(ctx.serviceRef),
    cis: (s.configurationItems ?? []).map(ctx.ciRef),
    impact: s.impact && { summary: s.impact.summary, users: s.impact.users, minutes: s.impact.minutes, errorBudget: s.impact.errorBudget ?? [] },
    cause: Array.isArray(s.causedBy) ? 'changes' : s.causedBy === 'none' ? 'none' : 'unknown',
    causedBy: Array.isArray(s.causedBy) ? s.causedBy.map(ctx.incidents.changeRef) : [],
    commander: s.commander,
    responders: s.responders ?? [],
    timeline,
    review: review && {
      summary: review.summary,
      completedAt: review.completedAt ? at(review.completedAt) : undefined,
      contributingFactors: review.contributingFactors ?? [],
      wentWell: review.wentWell ?? [],
      actionItems: actionItems(ctx, located, new Set(follow.actions.map((a) => a.index))),
    },
    reviewOverdue: follow.reviews.length && dueAt !== undefined ? { due: formatAt(dueAt, ctx.zone), within: follow.reviews[0]!.reviewWithin } : undefined,
    problems: (ctx.incidents.problemsByIncident.get(id) ?? []).map(ctx.incidents.problemRef),
    file,
  };
}

export function problemPage(ctx: CatalogContext, id: string): ProblemPage {
  const { doc, file } = ctx.input.org.problems.get(id)!;
  const s = doc.spec;
  const index = ctx.incidents;
  const known = s.incidents.filter((i) => ctx.input.org.incidents.has(i));
  return {
    template: 'problem',
    path: pagePath.problem(id),
    heading: `${id}: ${doc.metadata.title}`,
    section: 'incidents',
    id,
    ...metadataView(doc.metadata),
    state: s.state,
    rootCause: paragraphs(s.rootCause),
    workaround: paragraphs(s.workaround),
    services: (s.services ?? []).map(ctx.serviceRef),
    incidents: index.ids.filter((i) => known.includes(i)).map(index.row),
    fixes: (s.fixes ?? []).map(index.changeRef),
    file,
  };
}

/** The incidents a service page lists: newest first, and how many there are in all. */
export function serviceIncidents(ctx: CatalogContext, service: string): { rows: IncidentRow[]; total: number } {
  const ids = ctx.incidents.byService.get(service) ?? [];
  return { rows: ids.slice(0, RECENT_INCIDENTS).map(ctx.incidents.row), total: ids.length };
}

/** The incidents a change caused (their causedBy names it), newest first. */
export function changeIncidents(ctx: CatalogContext, change: string): IncidentRow[] {
  return (ctx.incidents.byChange.get(change) ?? []).map(ctx.incidents.row);
}
