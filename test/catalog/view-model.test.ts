import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation, type LoadedOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { buildCatalog } from '../../src/core/catalog/build.js';
import { calendarMonths, indexCalendar, monthsRange, monthView } from '../../src/core/catalog/calendar-month.js';
import { safeHref } from '../../src/core/catalog/links.js';
import { sloView, windowMinutes } from '../../src/core/catalog/slo.js';
import type { CatalogInput, ChangePage, CiPage, FileHistory, IndexPage, ListPage, Page, ReadinessPage, ServicePage, ServiceSummary } from '../../src/core/catalog/types.js';
import { expandWindows } from '../../src/core/calendar/expand.js';
import { calendarWindows } from '../../src/core/calendar/organisation-calendar.js';
import { buildGraph } from '../../src/core/graph.js';
import { activePolicy } from '../../src/core/organisation.js';
import { assessChange } from '../../src/core/risk/assess.js';
import { calendarView } from '../../src/core/risk/calendar-view.js';
import type { RiskContext } from '../../src/core/risk/context.js';
import type { Slo } from '../../src/core/model.js';
import type { CoverageReport } from '../../src/core/readiness/coverage.js';
import type { ServiceReadiness } from '../../src/core/readiness/types.js';
import { SERVICE_LEVELS } from '../../src/core/readiness/types.js';
import { cli, PROJECT_ROOT } from '../helpers/org.js';

const AT = '2026-11-22T09:00:00+09:00';
const NOW = Date.parse(AT);
const ZONE = 'Asia/Seoul';

describe('safeHref', () => {
  it.each([
    ['https://wiki.example.com/rb?a=1', 'https://wiki.example.com/rb?a=1'],
    ['http://grafana.example.com/d/x', 'http://grafana.example.com/d/x'],
    ['mailto:team@example.com', 'mailto:team@example.com'],
    ['javascript:alert(1)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['  javascript:alert(1)', undefined],
    ['java\tscript:alert(1)', undefined],
    ['java\nscript:alert(1)', undefined],
    ['vbscript:msgbox(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['file:///etc/passwd', undefined],
    ['//evil.example.com/x', undefined],
    ['/relative/path', undefined],
    ['#slack-channel', undefined],
    ['not a url', undefined],
  ])('%j -> %j', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});

describe('SLO view', () => {
  const slo = (target: number, remaining?: number, duration = '28d'): Slo => ({
    apiVersion: 'opsledger/v1',
    kind: 'SLO',
    metadata: { name: 'x' },
    spec: { service: 's', timeWindow: [{ duration, isRolling: true }], budgetingMethod: 'Occurrences', objectives: [{ target }] },
    ...(remaining === undefined ? {} : { status: { errorBudgetRemaining: remaining } }),
  });

  it('turns the target and window into a budget in minutes and what is left of it', () => {
    const v = sloView(slo(0.9995, 0.12));
    expect(v.objectives).toEqual([{ targetPercent: 99.95, budgetMinutes: 20.2, remainingMinutes: 2.4 }]);
    expect(v).toMatchObject({ window: '28d', rolling: true, remaining: 0.12, remainingPercent: 12, exhausted: false });
    expect(sloView(slo(0.99, -0.1)).exhausted).toBe(true);
    expect(sloView(slo(0.99)).objectives[0]).toEqual({ targetPercent: 99, budgetMinutes: 403.2 });
  });

  it('reads OpenSLO window units, months and quarters at their average length', () => {
    expect(windowMinutes('1w')).toBe(10_080);
    expect(windowMinutes('30d')).toBe(43_200);
    expect(windowMinutes('1M')).toBe(43_830);
    expect(windowMinutes('1Q')).toBe(131_490);
    expect(windowMinutes('2h')).toBe(120);
    expect(windowMinutes('1 month')).toBeUndefined();
  });
});

describe('calendar months', () => {
  it('span the scheduled changes, at least three months ahead, at most two years either way', () => {
    expect(calendarMonths([], NOW, ZONE)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(calendarMonths([Date.parse('2026-08-11T01:00:00+09:00')], NOW, ZONE)[0]).toBe('2026-08');
    const wide = calendarMonths([Date.parse('2019-01-01T00:00:00Z'), Date.parse('2035-01-01T00:00:00Z')], NOW, ZONE);
    expect(wide[0]).toBe('2024-11');
    expect(wide[wide.length - 1]).toBe('2028-11');
  });

  it('lay a month out Monday first and put windows on every day they touch', async () => {
    const { org } = await loadOrganisation(PROJECT_ROOT);
    const months = calendarMonths([], NOW, ZONE);
    const occurrences = expandWindows(calendarWindows(org), monthsRange(months));
    const change = { id: 'CR-2026-9999', startMs: Date.parse('2026-11-24T15:00:00+09:00'), endMs: Date.parse('2026-11-24T16:00:00+09:00'), type: 'normal' as const };
    const view = monthView(indexCalendar(months, [change], occurrences, NOW, ZONE), '2026-11');
    for (const week of view.weeks) expect(week).toHaveLength(7);
    expect(view.weeks[0]![0]!.date).toBe('2026-10-26');
    const day = (d: string) => view.weeks.flat().find((c) => c.date === d)!;
    // Black Friday freeze: 25 Nov 00:00 to 2 Dec 09:00 KST.
    for (const d of ['2026-11-25', '2026-11-27', '2026-11-30']) expect(day(d).windows.map((w) => w.name)).toContain('black-friday-cyber-monday-2026');
    expect(day('2026-11-24').windows.map((w) => w.name)).not.toContain('black-friday-cyber-monday-2026');
    expect(day('2026-11-24').changes).toEqual([expect.objectContaining({ id: 'CR-2026-9999', time: '15:00', href: 'changes/CR-2026-9999.html' })]);
    expect(day('2026-11-22').today).toBe(true);
    expect(view.agenda.find((a) => a.date === '2026-11-24')?.changes).toHaveLength(1);
    expect(view.prev).toBeUndefined();
    expect(view.next?.path).toBe('calendar/2026-12.html');
  });
});

describe('the catalog view model of the example organisation', () => {
  let loaded: LoadedOrganisation;
  let pages: Page[];
  let pageCount: number;
  let input: CatalogInput;
  const history: FileHistory = new Map([
    ['services/payments-api/service.yaml', [{ hash: 'a'.repeat(40), date: '2026-11-20T10:00:00+09:00', author: 'Alice', subject: 'Add a runbook' }]],
    ['services/payments-api/slos.yaml', [{ hash: 'b'.repeat(40), date: '2026-11-21T10:00:00+09:00', author: 'Bob', subject: 'Tighten the SLO' }]],
  ]);

  beforeAll(async () => {
    loaded = await loadOrganisation(PROJECT_ROOT);
    const { org } = loaded;
    const graph = buildGraph(org);
    const risk: RiskContext = { org, graph, policy: activePolicy(org)!.doc.spec, calendar: calendarView(org, activePolicy(org)!.doc.spec), now: NOW };
    const months = calendarMonths([...org.changes.values()].map((c) => Date.parse(c.doc.spec.schedule.start)), NOW, ZONE);
    input = { org, graph, now: NOW, timeZone: ZONE, risk: (id) => assessChange(risk, id), months, occurrences: expandWindows(calendarWindows(org), monthsRange(months)), history };
    const site = buildCatalog(input);
    pages = [...site.pages()];
    pageCount = site.pageCount;
  });

  it('has one page per document and list, each at its own path', () => {
    const { org } = loaded;
    expect(pages).toHaveLength(pageCount);
    expect(new Set(pages.map((p) => p.path)).size).toBe(pages.length);
    const count = (t: Page['template']) => pages.filter((p) => p.template === t).length;
    expect([count('service'), count('team'), count('ci'), count('change')]).toEqual([org.services.size, org.teams.size, org.cis.size, org.changes.size]);
    expect(pages.map((p) => p.path)).toEqual(expect.arrayContaining(['index.html', 'calendar/index.html', 'metrics.html', 'services/index.html', 'cis/index.html']));
  });

  it('gives a service its owners, SLOs, neighbourhood, impact, CIs, changes and history', () => {
    const p = pages.find((x) => x.path === 'services/payments-api.html') as ServicePage;
    expect(p.owners.map((o) => [o.team.name, o.role, o.primary])).toEqual([
      ['payments', 'owner', true],
      ['platform', 'secondary on-call', false],
    ]);
    expect(p.owners[0]!.contacts.find((c) => c.kind === 'email')).toEqual({ kind: 'email', text: 'payments@northwind.example', href: 'mailto:payments@northwind.example' });
    expect(p.slos.map((s) => s.name)).toEqual(['payments-availability', 'payments-authorise-latency']);
    expect(p.slos[0]!.measuredAt).toBe('2026-11-22 09:00');
    expect(p.graph.upstream).toHaveLength(9);
    expect(p.upstream.find((u) => u.name === 'payments-db')?.via).toEqual(['owns']);
    expect(p.upstream.find((u) => u.name === 'ledger')?.via).toEqual([]);
    expect(p.downstream.map((d) => d.name)).toEqual(expect.arrayContaining(['checkout-api']));
    expect(p.impact.services.find((s) => s.name === 'storefront-web')?.via).toEqual(['checkout-api']);
    expect(p.cis.map((c) => c.name)).toEqual(['payments-db', 'pg-stripe', 'pg-tosspayments']);
    expect(p.changes.map((c) => c.id)).toContain('CR-2026-0158');
    expect(p.changes.every((c) => c.riskClass !== undefined)).toBe(true);
    expect(p.history).toEqual({ available: true, commits: [expect.objectContaining({ short: 'bbbbbbb', subject: 'Tighten the SLO' }), expect.objectContaining({ short: 'aaaaaaa', day: '2026-11-20' })] });
    // Held at bronze by INC-2026-0311's overdue action item (readiness.test.ts checks it by hand).
    expect(p.readiness?.level).toBe('bronze');
  });

  it('grades every service as `opsledger readiness --format json` does, rule by rule', async () => {
    const r = await cli(['readiness', '--format', 'json', '--at', AT]);
    expect(r.code).toBe(0);
    const expected = (JSON.parse(r.stdout) as { services: ServiceReadiness[] }).services;
    expect(expected).toHaveLength(loaded.org.services.size);
    const servicePages = new Map(pages.filter((x): x is ServicePage => x.template === 'service').map((x) => [x.name, x]));
    const summaries = new Map(pages.filter((x) => x.template === 'services-list').flatMap((x) => (x as ListPage<ServiceSummary>).rows.map((row) => [row.name, row.readiness])));
    const searchRows = new Map(buildCatalog(input).searchIndex.services.map((row) => [row[0], row[5]]));
    for (const s of expected) {
      const card = servicePages.get(s.service)!.readiness!;
      expect({ service: s.service, level: card.level, rules: card.rules, counts: card.counts, next: card.next && { level: card.next.level, failing: card.next.failing.map((f) => f.id) } }).toEqual({
        service: s.service,
        level: s.level,
        rules: s.rules,
        counts: s.counts,
        next: s.next,
      });
      expect([s.service, summaries.get(s.service), searchRows.get(s.service)]).toEqual([s.service, s.level, s.level]);
    }
    // The example has a service at each of several levels, so the comparison is not all one value.
    expect(new Set(expected.map((s) => s.level))).toEqual(new Set(['gold', 'silver', 'bronze', 'not-rated']));
    const index = pages.find((x) => x.template === 'index') as IndexPage;
    expect(index.readinessLevels).toEqual(SERVICE_LEVELS);
  });

  it('names the rules that stand in the way of the next level by their descriptions', () => {
    const p = pages.find((x) => x.path === 'services/coupon-legacy.html') as ServicePage;
    expect(p.readiness?.level).toBe('bronze');
    expect(p.readiness?.next).toEqual({
      level: 'silver',
      failing: [
        { id: 'dashboard', description: 'At least one dashboard with the service\'s golden signals' },
        { id: 'playbook', description: 'At least one playbook for the service\'s alerts' },
      ],
    });
    const top = pages.find((x) => x.path === 'services/identity-api.html') as ServicePage;
    expect(top.readiness?.level).toBe('gold');
    expect(top.readiness?.next).toBeUndefined();
  });

  it('has a coverage page with the numbers and gaps of `opsledger readiness`, each service and CI a link', async () => {
    const r = await cli(['readiness', '--format', 'json', '--at', AT]);
    const coverage = (JSON.parse(r.stdout) as { coverage: CoverageReport }).coverage;
    const p = pages.find((x) => x.template === 'readiness') as ReadinessPage;
    expect(p.path).toBe('readiness.html');
    expect(p.configured).toBe(true);
    expect(p.services).toBe(coverage.services);
    expect(Object.fromEntries(p.levels.map((l) => [l.level, l.count]))).toEqual(coverage.levels);
    expect(p.levels.map((l) => l.level)).toEqual(SERVICE_LEVELS);
    expect(p.rules.map(({ description: _d, ...counts }) => counts)).toEqual(coverage.rules);
    expect(p.rules.find((x) => x.id === 'oncall')?.description).toBe('The owning team has an on-call schedule, so a page reaches a person');
    expect(p.gaps.servicesWithoutSlo.map((g) => [g.service.name, g.tier, g.service.href])).toEqual(coverage.gaps.servicesWithoutSlo.map((g) => [g.service, g.tier, `services/${g.service}.html`]));
    expect(p.gaps.servicesWithoutSlo.length).toBeGreaterThan(0);
    expect(p.gaps.tier1WithoutRunbooks.map((g) => g.service.name)).toEqual(coverage.gaps.tier1WithoutRunbooks);
    expect(p.gaps.servicesWithoutOncall.map((g) => g.service.name)).toEqual(coverage.gaps.servicesWithoutOncall);
    expect(p.gaps.cisWithoutOwner.map((c) => c.name)).toEqual(coverage.gaps.cisWithoutOwner);
    expect(p.gaps.deprecatedDependencies.map((g) => [g.service.name, g.dependsOn.map((d) => d.name)])).toEqual(coverage.gaps.deprecatedDependencies.map((g) => [g.service, g.dependsOn]));
  });

  it('scores nothing when the policy has no readiness rules, and still lists the gaps from the data', () => {
    const { org } = loaded;
    const policies = new Map(
      [...org.policies].map(([name, located]) => {
        const { readiness: _r, ...spec } = located.doc.spec;
        return [name, { ...located, doc: { ...located.doc, spec } }];
      }),
    );
    const site = buildCatalog({ ...input, org: { ...org, policies } });
    const all = [...site.pages()];
    expect(all.filter((x): x is ServicePage => x.template === 'service').map((x) => x.readiness)).toEqual([...org.services.keys()].map(() => undefined));
    expect(new Set(site.searchIndex.services.map((row) => row[5]))).toEqual(new Set(['']));
    expect((all.find((x) => x.template === 'index') as IndexPage).readinessLevels).toEqual([]);
    const bare = all.find((x) => x.template === 'readiness') as ReadinessPage;
    const full = pages.find((x) => x.template === 'readiness') as ReadinessPage;
    expect(bare.configured).toBe(false);
    expect(bare.rules).toEqual([]);
    expect(bare.gaps).toEqual(full.gaps);
  });

  it('splits the same pages into lanes: change pages first, service pages heavy, the rest light', () => {
    const { first, heavy, light } = buildCatalog(input).lanes();
    const a = [...first];
    // Drawn light before heavy, the pages are still those pages() gives: after the change
    // pages, the two lanes share nothing one of their pages needs from the other.
    const c = [...light];
    const b = [...heavy];
    expect(new Set(a.map((p) => p.template))).toEqual(new Set(['change']));
    expect(new Set(b.map((p) => p.template))).toEqual(new Set(['service']));
    expect(c.some((p) => p.template === 'change' || p.template === 'service')).toBe(false);
    expect([...a, ...b, ...c]).toEqual(pages);
  });

  it('gives a CI each neighbour once, with every relation between them', () => {
    const p = pages.find((x) => x.path === 'cis/payments-db.html') as CiPage;
    expect(p.usedBy.map((u) => [u.name, [...u.types].sort()])).toEqual([['payments-api', ['dependsOn', 'owns']]]);
    expect(p.relations.map((r) => [r.name, r.types])).toEqual([
      ['vpc-prod-seoul', ['hostedOn']],
      ['backup-vault-seoul', ['connectsTo']],
    ]);
    expect(p.service?.href).toBe('services/payments-api.html');
  });

  it('puts the risk report on the change page', () => {
    const p = pages.find((x) => x.path === 'changes/CR-2026-0158.html') as ChangePage;
    expect(['low', 'medium', 'high', 'critical']).toContain(p.risk?.class);
    expect(p.form.verdict?.class).toBe(p.risk?.class);
    expect(p.form.risk!.factors.length).toBeGreaterThan(0);
    expect(p.form.blastRadius!.rows[0]!.direct).toBe(true);
    expect(p.outcome?.result).toBe('successful');
  });

  it('says so when there is no git history, and builds without a risk engine', () => {
    const { history: _h, risk: _r, ...bare } = input;
    const site = buildCatalog(bare);
    const all = [...site.pages()];
    const service = all.find((x) => x.path === 'services/payments-api.html') as ServicePage;
    expect(service.history).toEqual({ available: false, commits: [] });
    expect((all.find((x) => x.template === 'change') as ChangePage).risk).toBeUndefined();
  });

  it('indexes every service for search with its owners and labels', () => {
    const site = buildCatalog(input);
    const { org } = loaded;
    expect(site.searchIndex.services).toHaveLength(org.services.size);
    const row = site.searchIndex.services.find((r) => r[0] === 'payments-api')!;
    expect(row[6].map((i) => site.searchIndex.teams[i]![0])).toEqual(['payments', 'platform']);
    const index = pages.find((x) => x.template === 'index') as IndexPage;
    expect(index.total).toBe(org.services.size);
    expect(index.upcoming.every((c) => c.start >= '2026-11-22')).toBe(true);
  });
});
