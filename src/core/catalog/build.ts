import { incidentPage, incidentsIndexPage, problemPage } from './incidents.js';
import { indexCalendar, monthView, type CalendarChange, type CalendarIndex } from './calendar-month.js';
import { changePage } from './change-page.js';
import { apiPage, apisListPage, domainPage, indexGrouping, systemPage, systemsListPage } from './grouping.js';
import { ciPage } from './ci-page.js';
import { byName, createContext, type CatalogContext } from './context.js';
import { pagePath } from './links.js';
import { readinessPage } from './readiness-page.js';
import { auditPage } from './audit-page.js';
import { searchIndex } from './search-index.js';
import { servicePage } from './service-page.js';
import { teamPage } from './team-page.js';
import { formatAt, instantOf, monthKey, toLocal } from './time.js';
import { SERVICE_LEVELS } from '../readiness/types.js';
import type { CalendarPage, CatalogInput, CatalogSite, IndexPage, ListPage, Page } from './types.js';
import { isOpen } from '../change-phase.js';

/** Rows per page of the plain lists (services, teams, CMDB, changes). */
export const LIST_PAGE_SIZE = 500;
/** Services the index renders into its HTML; the search script takes over from there. */
export const INDEX_PRERENDERED = 100;
const UPCOMING = 8;

function* listPages<Item, Row>(
  template: ListPage<Row>['template'],
  folder: string,
  section: ListPage<Row>['section'],
  items: readonly Item[],
  row: (item: Item) => Row,
): Generator<ListPage<Row>> {
  const pages = Math.max(1, Math.ceil(items.length / LIST_PAGE_SIZE));
  for (let n = 1; n <= pages; n++) {
    yield {
      template,
      path: pagePath.list(folder, n),
      heading: '',
      section,
      rows: items.slice((n - 1) * LIST_PAGE_SIZE, n * LIST_PAGE_SIZE).map(row),
      page: n,
      pages,
      total: items.length,
      prev: n > 1 ? pagePath.list(folder, n - 1) : undefined,
      next: n < pages ? pagePath.list(folder, n + 1) : undefined,
    };
  }
}

function calendarChanges(ctx: CatalogContext, ids: readonly string[]): CalendarChange[] {
  return ids.map((id) => {
    const doc = ctx.input.org.changes.get(id)!.doc;
    const row = ctx.changeRow(id);
    return {
      id,
      title: doc.metadata.title,
      startMs: ctx.startOf.get(id)!,
      endMs: instantOf(doc.spec.schedule.end) ?? ctx.startOf.get(id)!,
      type: row.type,
      phase: doc.status?.phase,
      riskClass: row.riskClass,
    };
  });
}

function indexPage(ctx: CatalogContext, serviceNames: readonly string[], teamNames: readonly string[], changeIds: readonly string[]): IndexPage {
  const { org, now, occurrences } = ctx.input;
  const upcoming = changeIds
    .filter((id) => ctx.startOf.get(id)! >= now && isOpen(org.changes.get(id)!.doc))
    .reverse()
    .slice(0, UPCOMING);
  return {
    template: 'index',
    path: pagePath.index,
    heading: '',
    section: 'services',
    services: serviceNames.slice(0, INDEX_PRERENDERED).map(ctx.summary),
    total: serviceNames.length,
    teams: teamNames.map(ctx.teamRef),
    counts: { services: org.services.size, teams: org.teams.size, cis: org.cis.size, changes: org.changes.size },
    upcoming: upcoming.map(ctx.changeRow),
    activeWindows: occurrences.filter((o) => o.startMs <= now && o.endMs > now).map((o) => ({ name: o.name, kind: o.kind, to: formatAt(o.endMs, ctx.zone) })),
    // Without readiness rules there is nothing to filter on; offering the levels would find nothing.
    readinessLevels: ctx.readinessPolicy ? SERVICE_LEVELS : [],
    systems: [...org.systems.keys()].sort(byName).map(ctx.systemRef),
  };
}

/**
 * Builds the catalog's view model from already-loaded data. Pure: no files, clock or git; the
 * caller passes the time, the calendar occurrences, the risk engine and the history. Indexes
 * over the organisation are built once; pages are produced one at a time, so a 10k-service site
 * never holds all its pages in memory.
 */
export function buildCatalog(input: CatalogInput): CatalogSite {
  const ctx = createContext(input);
  const { org, now, months } = input;
  const zone = ctx.zone;
  const serviceNames = [...org.services.keys()].sort(byName);
  const teamNames = [...org.teams.keys()].sort(byName);
  const ciNames = [...org.cis.keys()].sort(byName);
  const changeIds = [...org.changes.keys()].sort(ctx.newestFirst);
  const currentMonth = monthKey(toLocal(now, zone));
  const calendarMonth = months.includes(currentMonth) ? currentMonth : months[0];

  function* calendarPages(): Generator<CalendarPage> {
    let index: CalendarIndex | undefined;
    const list = months.map((key) => ({ key, path: pagePath.month(key), current: key === currentMonth }));
    for (const key of months) {
      index ??= indexCalendar(months, calendarChanges(ctx, changeIds), input.occurrences, now, zone);
      const month = monthView(index, key);
      const page = (path: string): CalendarPage => ({ template: 'calendar', path, heading: '', section: 'calendar', month, months: list, icsPath: input.icsPath });
      yield page(month.path);
      // The calendar's front page is this month's page at a fixed address.
      if (key === calendarMonth) yield page(pagePath.calendar);
    }
  }

  // Change pages first: assessing each change once gives every later list its risk class.
  function* first(): Generator<Page> {
    for (const id of changeIds) yield changePage(ctx, id);
  }
  function* heavy(): Generator<Page> {
    for (const name of serviceNames) yield servicePage(ctx, name);
  }
  function* light(): Generator<Page> {
    for (const name of teamNames) yield teamPage(ctx, name);
    for (const name of ciNames) yield ciPage(ctx, name);
    yield* listPages('services-list', 'services', 'services', serviceNames, ctx.summary);
    yield* listPages('teams-list', 'teams', 'teams', teamNames, (n) => {
      const ref = ctx.teamRef(n);
      return { kind: ref.kind, name: ref.name, title: ref.title, href: ref.href, members: org.teams.get(n)!.doc.spec.members?.length ?? 0, services: ctx.servicesByTeam.get(n)?.length ?? 0 };
    });
    yield* listPages('cis-list', 'cis', 'cis', ciNames, ctx.ciRow);
    yield* listPages('changes-list', 'changes', 'changes', changeIds, ctx.changeRow);
    // Systems, domains and APIs: usually tens, so each list is one page.
    const grouping = indexGrouping(org);
    for (const name of [...org.systems.keys()].sort(byName)) yield systemPage(ctx, grouping, name);
    for (const name of [...org.domains.keys()].sort(byName)) yield domainPage(ctx, grouping, name);
    for (const name of [...org.apis.keys()].sort(byName)) yield apiPage(ctx, grouping, name);
    yield systemsListPage(ctx, grouping);
    yield apisListPage(ctx, grouping);
    yield* calendarPages();
    yield { template: 'metrics', path: pagePath.metrics, heading: '', section: 'metrics', metrics: input.metrics };
    yield readinessPage(ctx);
    if (input.audit) yield auditPage(input.audit, (id) => org.changes.has(id));
    for (const id of ctx.incidents.ids) yield incidentPage(ctx, id);
    for (const id of ctx.incidents.problemIds) yield problemPage(ctx, id);
    yield incidentsIndexPage(ctx);
    yield indexPage(ctx, serviceNames, teamNames, changeIds);
  }

  const lists = [serviceNames, teamNames, ciNames, changeIds].reduce((n, items) => n + Math.max(1, Math.ceil(items.length / LIST_PAGE_SIZE)), 0);
  function* pages(): Generator<Page> {
    yield* first();
    yield* heavy();
    yield* light();
  }

  return {
    zone,
    builtAt: formatAt(now, zone),
    searchIndex: searchIndex(ctx, serviceNames, teamNames),
    pages,
    lanes: () => ({ first: first(), heavy: heavy(), light: light() }),
    pageCount: changeIds.length + serviceNames.length + teamNames.length + ciNames.length + lists + months.length + (calendarMonth ? 1 : 0) + 3 + org.incidents.size + org.problems.size + 1 + org.systems.size + org.domains.size + org.apis.size + 2 + (input.audit ? 1 : 0),
    audit: input.audit !== undefined,
  };
}
