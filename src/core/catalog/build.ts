import { ciId, dependents, IMPACT_EDGES, serviceId } from '../graph.js';
import type { Service, Slo, Team } from '../model.js';
import type { RiskReport } from '../risk/types.js';
import { indexCalendar, monthView, type CalendarChange, type CalendarIndex } from './calendar-month.js';
import { linkView, linkViews, pagePath, safeHref } from './links.js';
import { neighbourhood } from './neighbourhood.js';
import { readiness, type Readiness } from './readiness.js';
import { sloView } from './slo.js';
import { instantToLocal } from '../calendar/local-time.js';
import { formatAt, instantOf, monthKey } from './time.js';
import type {
  CatalogInput,
  CatalogSite,
  ChangePage,
  ChangeRow,
  CiPage,
  CiRow,
  CommitView,
  ContactView,
  FileCommit,
  HistoryView,
  IndexPage,
  LabelView,
  ListPage,
  OwnerView,
  Page,
  RefView,
  RiskView,
  SearchIndex,
  ServicePage,
  ServiceSummary,
  TeamPage,
} from './types.js';

/** Rows per page of the plain lists (services, teams, CMDB, changes). */
export const LIST_PAGE_SIZE = 500;
/** Services the index renders into its HTML; the search script takes over from there. */
export const INDEX_PRERENDERED = 100;
const RECENT_CHANGES = 10;
const HISTORY_COMMITS = 15;
const IMPACT_LISTED = 50;
/** Transitive dependents counted per service before the page says "at least". */
const IMPACT_LIMIT = 200;
const BLAST_RADIUS_LISTED = 200;
const UPCOMING = 8;

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function paragraphs(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

function labels(map: Record<string, string> | undefined): LabelView[] {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value: String(value) }))
    .sort((a, b) => byName(a.key, b.key));
}

interface RiskSummary {
  class?: RiskReport['class'];
}

/**
 * Builds the catalog's view model from already-loaded data. Pure: no files, clock or git; the
 * caller passes the time, the calendar occurrences, the risk engine and the history. Indexes
 * over the organisation are built once; pages are produced one at a time so a 10k-service site
 * never holds all its pages in memory.
 */
export function buildCatalog(input: CatalogInput): CatalogSite {
  const { org, graph, now, timeZone: zone } = input;

  const teamRef = (name: string): RefView => {
    const t = org.teams.get(name)?.doc;
    return { kind: 'team', name, ...(t?.metadata.title ? { title: t.metadata.title } : {}), ...(t ? { href: pagePath.team(name) } : {}) };
  };
  const serviceRef = (name: string): RefView => {
    const s = org.services.get(name)?.doc;
    return { kind: 'service', name, ...(s?.metadata.title ? { title: s.metadata.title } : {}), ...(s ? { href: pagePath.service(name) } : {}) };
  };
  const ciRef = (name: string): RefView => {
    const c = org.cis.get(name)?.doc;
    return { kind: 'ci', name, ...(c?.metadata.title ? { title: c.metadata.title } : {}), ...(c ? { href: pagePath.ci(name) } : {}) };
  };
  /** A graph id (`service:x` / `ci:y`) as a reference. */
  const nodeRef = (id: string): RefView => (id.startsWith('service:') ? serviceRef(id.slice(8)) : ciRef(id.slice(3)));
  const titleOf = (id: string) => (id.startsWith('service:') ? org.services.get(id.slice(8))?.doc.metadata.title : org.cis.get(id.slice(3))?.doc.metadata.title);

  // ---- indexes, built once
  const slosByService = new Map<string, Slo[]>();
  const sloFiles = new Map<string, Set<string>>();
  for (const { doc, file } of org.slos.values()) {
    push(slosByService, doc.spec.service, doc);
    let files = sloFiles.get(doc.spec.service);
    if (!files) sloFiles.set(doc.spec.service, (files = new Set()));
    files.add(file);
  }
  const cisByService = new Map<string, string[]>();
  const cisByTeam = new Map<string, string[]>();
  for (const [name, { doc }] of org.cis) {
    if (doc.spec.service) push(cisByService, doc.spec.service, name);
    if (doc.spec.owner) push(cisByTeam, doc.spec.owner, name);
  }
  const servicesByTeam = new Map<string, { service: string; role: string }[]>();
  for (const [name, { doc }] of org.services) {
    push(servicesByTeam, doc.spec.owner, { service: name, role: 'owner' });
    for (const o of doc.spec.owners ?? []) if (o.team !== doc.spec.owner) push(servicesByTeam, o.team, { service: name, role: o.role });
  }
  const startOf = new Map<string, number>();
  for (const [id, { doc }] of org.changes) startOf.set(id, instantOf(doc.spec.schedule.start) ?? 0);
  const newestFirst = (a: string, b: string) => startOf.get(b)! - startOf.get(a)! || byName(b, a);
  const changesByService = new Map<string, string[]>();
  const changesByCi = new Map<string, string[]>();
  for (const [id, { doc }] of org.changes) {
    const services = new Set(doc.spec.services ?? []);
    for (const ci of doc.spec.configurationItems ?? []) {
      push(changesByCi, ci, id);
      const owner = org.cis.get(ci)?.doc.spec.service;
      if (owner) services.add(owner);
    }
    for (const s of services) push(changesByService, s, id);
  }
  for (const list of changesByService.values()) list.sort(newestFirst);
  for (const list of changesByCi.values()) list.sort(newestFirst);

  const tierOf = new Map<string, number>();
  for (const [name, { doc }] of org.services) tierOf.set(name, doc.spec.tier);
  const readinessOf = new Map<string, Readiness>();
  for (const [name, { doc }] of org.services) {
    readinessOf.set(name, readiness(doc, org.teams.get(doc.spec.owner)?.doc, slosByService.get(name)?.length ?? 0, now));
  }

  // Risk is assessed once per change: the change page keeps the report, every list the class.
  const riskCache = new Map<string, RiskSummary>();
  const riskReport = (id: string): RiskReport | undefined => {
    let report: RiskReport | undefined;
    try {
      report = input.risk?.(id);
    } catch {
      // A change the engine cannot score is shown without a risk class rather than failing the site.
      report = undefined;
    }
    riskCache.set(id, report ? { class: report.class } : {});
    return report;
  };
  const riskClassOf = (id: string) => {
    if (!riskCache.has(id)) riskReport(id);
    return riskCache.get(id)!.class;
  };

  // A change appears in several lists; its start is formatted once (Intl is not cheap).
  const startText = new Map<string, string>();
  const changeRow = (id: string): ChangeRow => {
    const doc = org.changes.get(id)!.doc;
    const cls = riskClassOf(id);
    let start = startText.get(id);
    if (start === undefined) startText.set(id, (start = formatAt(startOf.get(id)!, zone)));
    return {
      id,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      href: pagePath.change(id),
      start,
      type: doc.spec.type,
      environment: doc.spec.environment,
      ...(doc.status?.phase ? { phase: doc.status.phase } : {}),
      ...(cls ? { riskClass: cls } : {}),
      ...(doc.status?.outcome?.result ? { outcome: doc.status.outcome.result } : {}),
      services: (doc.spec.services ?? []).map(serviceRef),
    };
  };

  const ciRow = (name: string): CiRow => {
    const doc = org.cis.get(name)!.doc;
    return {
      name,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      href: pagePath.ci(name),
      class: doc.spec.class,
      ...(doc.spec.environment ? { environment: doc.spec.environment } : {}),
      ...(doc.spec.service ? { service: serviceRef(doc.spec.service) } : {}),
    };
  };

  const contacts = (team: Team | undefined): ContactView[] => {
    const c = team?.spec.contact;
    if (!c) return [];
    const out: ContactView[] = [];
    const add = (kind: ContactView['kind'], text: string | undefined, href?: string) => {
      if (text) out.push({ kind, text, ...(href ? { href } : {}) });
    };
    add('slack', c.slack, safeHref(c.slack));
    add('email', c.email, c.email ? safeHref(`mailto:${c.email}`) : undefined);
    add('chat', c.chat, safeHref(c.chat));
    add('pager', c.pager, safeHref(c.pager));
    return out;
  };

  const summary = (name: string, doc: Service): ServiceSummary => ({
    name,
    ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
    href: pagePath.service(name),
    tier: doc.spec.tier,
    exposure: doc.spec.exposure,
    lifecycle: doc.spec.lifecycle,
    readiness: readinessOf.get(name)!.level,
    owners: ownerNames(doc).map(teamRef),
    labels: labels(doc.metadata.labels),
  });

  const historyOf = (files: Iterable<string>): HistoryView => {
    if (!input.history) return { available: false, commits: [] };
    const seen = new Map<string, FileCommit>();
    for (const f of files) for (const c of input.history.get(f) ?? []) if (!seen.has(c.hash)) seen.set(c.hash, c);
    const commits: CommitView[] = [...seen.values()]
      .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
      .slice(0, HISTORY_COMMITS)
      .map((c) => ({ ...c, short: c.hash.slice(0, 7), day: c.date.slice(0, 10) }));
    return { available: true, commits };
  };

  // ---- pages
  function servicePage(name: string): ServicePage {
    const { doc, file } = org.services.get(name)!;
    const s = doc.spec;
    const id = serviceId(name);
    const around = neighbourhood(graph, id, titleOf)!;
    const owners: OwnerView[] = ownerEntries(doc).map(({ team, role, primary }) => {
      const t = org.teams.get(team)?.doc;
      const schedule = t?.spec.oncall?.schedule;
      return {
        team: teamRef(team),
        role,
        primary,
        ...(schedule ? { oncall: linkView(schedule, schedule) } : {}),
        escalation: t?.spec.oncall?.escalation ?? [],
        contacts: contacts(t),
      };
    });
    const reached = dependents(graph, [id], IMPACT_EDGES, IMPACT_LIMIT + 1);
    const impacted = [...reached.values()].filter((r) => r.distance > 0);
    // Nearest first, then the most critical: the order in which an incident would spread.
    const impactedServices = impacted
      .filter((r) => r.id.startsWith('service:'))
      .map((r) => ({ r, tier: tierOf.get(r.id.slice(8)) ?? 9 }))
      .sort((a, b) => a.r.distance - b.r.distance || a.tier - b.tier || byName(a.r.id, b.r.id))
      .map((x) => x.r);
    const listed = impactedServices.slice(0, IMPACT_LISTED);
    const ciNames = cisByService.get(name) ?? [];
    const changeIds = changesByService.get(name) ?? [];
    const files = new Set([file, ...(sloFiles.get(name) ?? []), ...ciNames.map((c) => org.cis.get(c)!.file)]);
    return {
      template: 'service',
      path: pagePath.service(name),
      heading: doc.metadata.title ?? name,
      section: 'services',
      name,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      description: paragraphs(doc.metadata.description),
      labels: labels(doc.metadata.labels),
      links: linkViews(doc.metadata.links),
      tier: s.tier,
      exposure: s.exposure,
      lifecycle: s.lifecycle,
      readiness: readinessOf.get(name)!,
      owners,
      runbooks: linkViews(s.runbooks),
      playbooks: linkViews(s.playbooks),
      dashboards: linkViews(s.dashboards),
      ...(s.repository ? { repository: linkView(s.repository, s.repository) } : {}),
      ...(s.continuity ? { continuity: s.continuity } : {}),
      slos: (slosByService.get(name) ?? []).map((slo) => sloView(slo, (t) => formatAt(t, zone))),
      graph: around.drawing,
      // The lists' headings already say "depends on"; only the other relations are worth a word.
      upstream: around.upstream.map((n) => ({ ...nodeRef(n.id), via: n.via.filter((v) => v !== 'dependsOn') })),
      downstream: around.downstream.map((n) => ({ ...nodeRef(n.id), via: n.via.filter((v) => v !== 'dependsOn') })),
      impact: {
        services: listed.map((r) => serviceRef(r.id.slice(8))),
        servicesTotal: impactedServices.length,
        servicesMore: impactedServices.length - listed.length,
        capped: reached.size > IMPACT_LIMIT,
        paths: Object.fromEntries(listed.map((r) => [r.id.slice(8), r.path.slice(1, -1).map((p) => p.replace(/^(service|ci):/, ''))])),
      },
      cis: ciNames.slice().sort(byName).map(ciRow),
      changes: changeIds.slice(0, RECENT_CHANGES).map(changeRow),
      changesTotal: changeIds.length,
      history: historyOf(files),
      file,
    };
  }

  function teamPage(name: string): TeamPage {
    const doc = org.teams.get(name)!.doc;
    const schedule = doc.spec.oncall?.schedule;
    return {
      template: 'team',
      path: pagePath.team(name),
      heading: doc.metadata.title ?? name,
      section: 'teams',
      name,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      description: paragraphs(doc.metadata.description),
      labels: labels(doc.metadata.labels),
      links: linkViews(doc.metadata.links),
      members: doc.spec.members ?? [],
      ...(doc.spec.github?.team ? { github: doc.spec.github.team } : {}),
      ...(schedule ? { oncall: linkView(schedule, schedule) } : {}),
      escalation: doc.spec.oncall?.escalation ?? [],
      contacts: contacts(doc),
      services: (servicesByTeam.get(name) ?? [])
        .slice()
        .sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner') || byName(a.service, b.service))
        .map(({ service, role }) => {
          const sd = org.services.get(service)!.doc.spec;
          return { ...serviceRef(service), role, tier: sd.tier, exposure: sd.exposure, lifecycle: sd.lifecycle };
        }),
      cis: (cisByTeam.get(name) ?? []).slice().sort(byName).map(ciRow),
    };
  }

  function ciPage(name: string): CiPage {
    const doc = org.cis.get(name)!.doc;
    const id = ciId(name);
    const changeIds = changesByCi.get(name) ?? [];
    return {
      template: 'ci',
      path: pagePath.ci(name),
      heading: doc.metadata.title ?? name,
      section: 'cis',
      name,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      description: paragraphs(doc.metadata.description),
      labels: labels(doc.metadata.labels),
      links: linkViews(doc.metadata.links),
      class: doc.spec.class,
      ...(doc.spec.environment ? { environment: doc.spec.environment } : {}),
      ...(doc.spec.service ? { service: serviceRef(doc.spec.service) } : {}),
      ...(doc.spec.owner ? { owner: teamRef(doc.spec.owner) } : {}),
      relations: (doc.spec.relations ?? []).map((r) => ({ ...refOfTarget(r.target), type: r.type })),
      usedBy: (graph.in.get(id) ?? []).map((e) => ({ ...nodeRef(e.from), type: e.type })).sort((a, b) => byName(a.kind + a.name, b.kind + b.name)),
      attributes: Object.entries(doc.spec.attributes ?? {}).map(([key, value]) => {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const href = typeof value === 'string' ? safeHref(value) : undefined;
        // Only absolute web addresses become links; "16.4" or "multi-az" stay text.
        return { key, text, ...(href && /^https?:\/\//i.test(value as string) ? { href } : {}) };
      }),
      changes: changeIds.slice(0, RECENT_CHANGES).map(changeRow),
      changesTotal: changeIds.length,
    };
  }

  const refOfTarget = (target: string): RefView => {
    const m = /^(service|ci):(.+)$/.exec(target);
    if (!m) return { kind: 'ci', name: target };
    return m[1] === 'service' ? serviceRef(m[2]!) : ciRef(m[2]!);
  };

  function changePage(id: string): ChangePage {
    const doc = org.changes.get(id)!.doc;
    const s = doc.spec;
    const report = riskReport(id);
    const outcome = doc.status?.outcome;
    const at = (t: string | undefined) => {
      const ms = instantOf(t);
      return ms === undefined ? undefined : formatAt(ms, zone);
    };
    return {
      template: 'change',
      path: pagePath.change(id),
      heading: doc.metadata.title ? `${id}: ${doc.metadata.title}` : id,
      section: 'changes',
      id,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      description: paragraphs(s.description ?? doc.metadata.description),
      labels: labels(doc.metadata.labels),
      links: linkViews(doc.metadata.links),
      type: s.type,
      ...(s.template ? { standardTemplate: s.template } : {}),
      requester: s.requester,
      environment: s.environment,
      start: at(s.schedule.start) ?? s.schedule.start,
      end: at(s.schedule.end) ?? s.schedule.end,
      ...(doc.status?.phase ? { phase: doc.status.phase } : {}),
      services: (s.services ?? []).map(serviceRef),
      cis: (s.configurationItems ?? []).map(ciRef),
      justification: paragraphs(s.justification),
      implementation: s.implementation ?? [],
      verification: (s.verification ?? []).map((v) => ({ description: v.description, ...(v.evidence ? { evidence: linkView(v.evidence, v.evidence) } : {}) })),
      ...(s.delivery
        ? {
            delivery: {
              strategy: s.delivery.strategy,
              ...(s.delivery.autoRollback !== undefined ? { autoRollback: s.delivery.autoRollback } : {}),
              stages: (s.delivery.stages ?? []).map((st) => ({ traffic: st.traffic, ...(st.duration ? { duration: st.duration } : {}), metrics: st.metrics ?? [] })),
            },
          }
        : {}),
      ...(s.rollback
        ? {
            rollback: {
              steps: s.rollback.steps ?? [],
              triggers: s.rollback.triggers ?? [],
              ...(s.rollback.expectedDuration ? { expectedDuration: s.rollback.expectedDuration } : {}),
              ...(s.rollback.tested?.at ? { testedAt: s.rollback.tested.at } : {}),
              ...(s.rollback.tested?.evidence ? { evidence: linkView(s.rollback.tested.evidence, s.rollback.tested.evidence) } : {}),
            },
          }
        : {}),
      premortem: s.premortem ?? [],
      communication: s.communication ?? [],
      ...(s.diff ? { diff: s.diff } : {}),
      ...(outcome
        ? {
            outcome: {
              result: outcome.result,
              ...optional('implementedAt', at(outcome.implementedAt)),
              ...optional('failureDetectedAt', at(outcome.failureDetectedAt)),
              ...optional('restoredAt', at(outcome.restoredAt)),
              ...optional('completedAt', at(outcome.completedAt)),
              incidents: outcome.incidents ?? [],
              ...optional('notes', outcome.notes),
              ...(outcome.review ? { review: linkView(outcome.review, outcome.review) } : {}),
            },
          }
        : {}),
      ...(report ? { risk: riskView(report) } : {}),
    };
  }

  function riskView(r: RiskReport): RiskView {
    const listed = r.blastRadius.slice(0, BLAST_RADIUS_LISTED);
    return {
      class: r.class,
      type: r.type,
      effectiveType: r.effectiveType,
      impact: { level: r.impact.level, scope: r.impact.scope, severity: r.impact.severity, ...(r.impact.decidedBy ? { decidedBy: nodeRef(r.impact.decidedBy) } : {}) },
      likelihood: r.likelihood,
      factors: r.factors,
      blastRadius: listed.map((b) => ({
        ...nodeRef(b.ref),
        ...(b.tier !== undefined ? { tier: b.tier } : {}),
        ...(b.exposure !== undefined ? { exposure: b.exposure } : {}),
        direct: b.direct,
        path: b.path.map(nodeRef),
      })),
      blastRadiusMore: r.blastRadius.length - listed.length,
      conflicts: r.conflicts,
      controls: r.controls,
    };
  }

  function* listPages<Item, Row>(
    template: ListPage<Row>['template'],
    folder: string,
    section: ListPage<Row>['section'],
    heading: string,
    items: readonly Item[],
    row: (item: Item) => Row,
  ): Generator<ListPage<Row>> {
    const pages = Math.max(1, Math.ceil(items.length / LIST_PAGE_SIZE));
    for (let n = 1; n <= pages; n++) {
      yield {
        template,
        path: pagePath.list(folder, n),
        heading,
        section,
        rows: items.slice((n - 1) * LIST_PAGE_SIZE, n * LIST_PAGE_SIZE).map(row),
        page: n,
        pages,
        total: items.length,
        ...(n > 1 ? { prev: pagePath.list(folder, n - 1) } : {}),
        ...(n < pages ? { next: pagePath.list(folder, n + 1) } : {}),
      };
    }
  }

  const serviceNames = [...org.services.keys()].sort(byName);
  const teamNames = [...org.teams.keys()].sort(byName);
  const ciNames = [...org.cis.keys()].sort(byName);
  const changeIds = [...org.changes.keys()].sort(newestFirst);

  let calendar: CalendarIndex | undefined;
  const calendarIndex = (): CalendarIndex => {
    calendar ??= indexCalendar(
      input.months,
      changeIds.map((id): CalendarChange => {
        const doc = org.changes.get(id)!.doc;
        const cls = riskClassOf(id);
        return {
          id,
          ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
          startMs: startOf.get(id)!,
          endMs: instantOf(doc.spec.schedule.end) ?? startOf.get(id)!,
          type: doc.spec.type,
          ...(doc.status?.phase ? { phase: doc.status.phase } : {}),
          ...(cls ? { riskClass: cls } : {}),
        };
      }),
      input.occurrences,
      now,
      zone,
    );
    return calendar;
  };

  function indexPage(): IndexPage {
    const upcoming = changeIds
      .filter((id) => startOf.get(id)! >= now && !['completed', 'cancelled'].includes(org.changes.get(id)!.doc.status?.phase ?? ''))
      .reverse()
      .slice(0, UPCOMING);
    return {
      template: 'index',
      path: pagePath.index,
      heading: '',
      section: 'services',
      services: serviceNames.slice(0, INDEX_PRERENDERED).map((n) => summary(n, org.services.get(n)!.doc)),
      total: serviceNames.length,
      teams: teamNames.map(teamRef),
      counts: { services: org.services.size, teams: org.teams.size, cis: org.cis.size, changes: org.changes.size },
      upcoming: upcoming.map(changeRow),
      activeWindows: input.occurrences.filter((o) => o.startMs <= now && o.endMs > now).map((o) => ({ name: o.name, kind: o.kind, to: formatAt(o.endMs, zone) })),
    };
  }

  const currentMonth = monthKey(instantToLocal(now, zone));
  const calendarMonth = input.months.includes(currentMonth) ? currentMonth : input.months[0];

  function* pages(): Generator<Page> {
    // Change pages first: assessing each change once fills the risk classes every list shows.
    for (const id of changeIds) yield changePage(id);
    for (const name of serviceNames) yield servicePage(name);
    for (const name of teamNames) yield teamPage(name);
    for (const name of ciNames) yield ciPage(name);
    yield* listPages('services-list', 'services', 'services', '', serviceNames, (n) => summary(n, org.services.get(n)!.doc));
    yield* listPages('teams-list', 'teams', 'teams', '', teamNames, (n) => ({
      ...teamRef(n),
      members: org.teams.get(n)!.doc.spec.members?.length ?? 0,
      services: servicesByTeam.get(n)?.length ?? 0,
    }));
    yield* listPages('cis-list', 'cis', 'cis', '', ciNames, ciRow);
    yield* listPages('changes-list', 'changes', 'changes', '', changeIds, changeRow);
    const months = input.months.map((key) => ({ key, path: pagePath.month(key), current: key === currentMonth }));
    for (const key of input.months) {
      const page = { template: 'calendar' as const, heading: '', section: 'calendar' as const, month: monthView(calendarIndex(), key), months, ...(input.icsPath ? { icsPath: input.icsPath } : {}) };
      yield { ...page, path: page.month.path };
      if (key === calendarMonth) yield { ...page, path: pagePath.calendar };
    }
    yield { template: 'metrics', path: pagePath.metrics, heading: '', section: 'metrics', ...(input.metrics ? { metrics: input.metrics } : {}) };
    yield indexPage();
  }

  const searchIndex = (): SearchIndex => {
    const teamAt = new Map(teamNames.map((n, i) => [n, i]));
    const teams: [string, string][] = teamNames.map((n) => [n, org.teams.get(n)!.doc.metadata.title ?? '']);
    // Owners named in a service but missing from teams/ still filter and search by name.
    const ownerIndex = (name: string) => {
      let i = teamAt.get(name);
      if (i === undefined) {
        i = teams.length;
        teams.push([name, '']);
        teamAt.set(name, i);
      }
      return i;
    };
    return {
      v: 1,
      services: serviceNames.map((n) => {
        const doc = org.services.get(n)!.doc;
        return [
          n,
          doc.metadata.title ?? '',
          doc.spec.tier,
          doc.spec.exposure,
          doc.spec.lifecycle,
          readinessOf.get(n)!.level,
          ownerNames(doc).map(ownerIndex),
          labels(doc.metadata.labels)
            .map((l) => `${l.key}=${l.value}`)
            .join(' '),
        ];
      }),
      teams,
    };
  };

  const listCount = (n: number) => Math.max(1, Math.ceil(n / LIST_PAGE_SIZE));
  return {
    zone,
    builtAt: formatAt(now, zone),
    searchIndex: searchIndex(),
    pages,
    pageCount:
      org.changes.size +
      org.services.size +
      org.teams.size +
      org.cis.size +
      listCount(serviceNames.length) +
      listCount(teamNames.length) +
      listCount(ciNames.length) +
      listCount(changeIds.length) +
      input.months.length +
      (calendarMonth ? 1 : 0) +
      2,
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function ownerEntries(doc: Service): { team: string; role: string; primary: boolean }[] {
  const out = [{ team: doc.spec.owner, role: 'owner', primary: true }];
  for (const o of doc.spec.owners ?? []) if (o.team !== doc.spec.owner) out.push({ team: o.team, role: o.role, primary: false });
  return out;
}

function ownerNames(doc: Service): string[] {
  return [...new Set(ownerEntries(doc).map((o) => o.team))];
}
