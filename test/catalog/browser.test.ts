import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { MESSAGES } from '../../src/catalog/messages.js';
import type { CoverageReport } from '../../src/core/readiness/coverage.js';
import { SERVICE_LEVELS, type ServiceReadiness } from '../../src/core/readiness/types.js';
import { cli, makeOrg, PROJECT_ROOT } from '../helpers/org.js';
import { launch, SKIP_BROWSER, watchedContext, type Watch } from './browser.js';
import { buildSite, EXAMPLE_AT, fileUrl, htmlPages } from './site.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'catalog');

/** Card names shown in the index's result list. */
function shownNames(page: Page): Promise<string[]> {
  return page.locator('#results .card-name code').allTextContents();
}

interface CrawlResult {
  visited: Set<string>;
  broken: string[];
  graphs: { page: string; up: number; down: number; listedUp: number; listedDown: number; narrowUp: number; narrowDown: number }[];
}

/**
 * Follows every internal link from the index, breadth first. A link is broken when its file does
 * not exist or its #fragment names no element of the target page.
 */
async function crawl(page: Page, site: string): Promise<CrawlResult> {
  const root = fileUrl(site, '') + '/';
  const visited = new Set<string>();
  const broken: string[] = [];
  const graphs: CrawlResult['graphs'] = [];
  const ids = new Map<string, Set<string>>();
  const fragments: { from: string; file: string; id: string }[] = [];
  const queue = ['index.html'];
  while (queue.length) {
    const rel = queue.shift()!;
    if (visited.has(rel)) continue;
    visited.add(rel);
    await page.goto(root + rel);
    const info = await page.evaluate(() => ({
      links: Array.from(document.querySelectorAll('a[href]'), (a) => new URL(a.getAttribute('href')!, location.href).href),
      ids: Array.from(document.querySelectorAll('[id]'), (e) => e.id),
      up: document.querySelectorAll('.dep-graph.wide [data-side="up"]').length,
      down: document.querySelectorAll('.dep-graph.wide [data-side="down"]').length,
      narrowUp: document.querySelectorAll('.dep-graph.narrow [data-side="up"]').length,
      narrowDown: document.querySelectorAll('.dep-graph.narrow [data-side="down"]').length,
      listedUp: document.querySelectorAll('#upstream + ul > li').length,
      listedDown: document.querySelectorAll('#downstream + ul > li').length,
    }));
    ids.set(rel, new Set(info.ids));
    if (rel.startsWith('services/') && rel !== 'services/index.html' && !rel.startsWith('services/page-')) graphs.push({ page: rel, up: info.up, down: info.down, listedUp: info.listedUp, listedDown: info.listedDown, narrowUp: info.narrowUp, narrowDown: info.narrowDown });
    for (const href of info.links) {
      if (!href.startsWith('file://')) continue;
      const url = new URL(href);
      const file = fileURLToPath(url);
      if (!existsSync(file)) {
        broken.push(`${rel} -> ${href}`);
        continue;
      }
      const target = decodeURIComponent(url.pathname).slice(decodeURIComponent(new URL(root).pathname).length);
      if (url.hash) fragments.push({ from: rel, file: target, id: decodeURIComponent(url.hash.slice(1)) });
      if (target.endsWith('.html') && !visited.has(target)) queue.push(target);
    }
  }
  for (const f of fragments) if (!ids.get(f.file)?.has(f.id)) broken.push(`${f.from} -> ${f.file}#${f.id}`);
  return { visited, broken, graphs };
}

describe.skipIf(SKIP_BROWSER)('catalog in Chromium', () => {
  let browser: Browser;
  let site: string;
  let koSite: string;

  beforeAll(async () => {
    [browser, site, koSite] = await Promise.all([launch(), buildSite(), buildSite(PROJECT_ROOT, ['--locale', 'ko'])]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('search narrows the list and filters combine', async () => {
    const { org } = await loadOrganisation(PROJECT_ROOT);
    const expected = (pred: (s: { tier: number; exposure: string; owners: string[] }) => boolean) =>
      [...org.services]
        .filter(([, { doc }]) => pred({ tier: doc.spec.tier, exposure: doc.spec.exposure, owners: [doc.spec.owner, ...(doc.spec.owners ?? []).map((o) => o.team)] }))
        .map(([name]) => name)
        .sort();
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(fileUrl(site));
    const all = await shownNames(page);
    expect(all).toHaveLength(org.services.size);

    await page.fill('#q', 'payments');
    const searched = await shownNames(page);
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.length).toBeLessThan(all.length);
    for (const card of await page.locator('#results > li').allTextContents()) expect(card.toLowerCase()).toContain('payments');
    await expect.poll(() => page.textContent('#result-count')).toContain(`${searched.length} of ${all.length}`);

    await page.fill('#q', '');
    await page.selectOption('#f-tier', '1');
    expect((await shownNames(page)).sort()).toEqual(expected((s) => s.tier === 1));
    await page.selectOption('#f-exposure', 'company');
    const both = expected((s) => s.tier === 1 && s.exposure === 'company');
    expect(both.length).toBeGreaterThan(0);
    expect((await shownNames(page)).sort()).toEqual(both);
    await page.selectOption('#f-owner', 'platform');
    expect((await shownNames(page)).sort()).toEqual(expected((s) => s.tier === 1 && s.exposure === 'company' && s.owners.includes('platform')));

    // The filters live in the address, so a reload (or a shared link) shows the same list.
    await page.reload();
    expect(await page.inputValue('#f-exposure')).toBe('company');
    expect((await shownNames(page)).sort()).toEqual(expected((s) => s.tier === 1 && s.exposure === 'company' && s.owners.includes('platform')));

    await page.fill('#q', 'no-such-service-anywhere');
    expect(await shownNames(page)).toEqual([]);
    expect(await page.textContent('#result-count')).toBe(MESSAGES.en['search.none']);
    await page.click('#clear');
    expect(await shownNames(page)).toHaveLength(all.length);
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
    await context.close();
  });

  it('every internal link resolves, every page is reachable, graphs draw a node per dependency, nothing errs or leaves the site', { timeout: 180_000 }, async () => {
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    const result = await crawl(page, site);
    expect(result.broken).toEqual([]);
    expect([...result.visited].sort()).toEqual(htmlPages(site));
    expect(result.graphs.length).toBeGreaterThan(0);
    for (const g of result.graphs) {
      // The example's services have few enough neighbours that the drawing shows them all, on
      // wide screens and on phones alike.
      expect({ page: g.page, up: g.up, down: g.down }).toEqual({ page: g.page, up: g.listedUp, down: g.listedDown });
      expect({ page: g.page, up: g.narrowUp, down: g.narrowDown }).toEqual({ page: g.page, up: g.listedUp, down: g.listedDown });
    }
    const payments = result.graphs.find((g) => g.page === 'services/payments-api.html')!;
    expect(payments.up).toBe(9);
    expect(payments.down).toBeGreaterThan(0);
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
    await context.close();
  });

  it('keyboard: the skip link comes first and moves focus to the content', async () => {
    const { context } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(fileUrl(site, 'services/payments-api.html'));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    const landmarks = await page.evaluate(() => ['header', 'nav', 'main', 'footer'].map((t) => document.querySelectorAll(t).length));
    expect(landmarks.every((n) => n >= 1)).toBe(true);
    await context.close();
  });

  it('on a phone the main navigation is one row, and each section page opens with its own item fully in view', async () => {
    const { context, watch } = await watchedContext(browser, { viewport: { width: 390, height: 700 } });
    const page = await context.newPage();
    await page.goto(fileUrl(site));
    const sections = await page.$$eval('.site-nav a', (links) => links.map((a) => a.getAttribute('href')!));
    expect(sections.length).toBeGreaterThanOrEqual(8);
    for (const href of sections) {
      await page.goto(new URL(href, fileUrl(site)).href);
      await page.waitForLoadState('load');
      const shape = await page.evaluate(() => {
        const nav = document.querySelector('.site-nav ul')!;
        const tops = new Set([...nav.querySelectorAll('li')].map((li) => Math.round(li.getBoundingClientRect().top)));
        const cur = nav.querySelector('[aria-current]')!.getBoundingClientRect();
        const box = nav.getBoundingClientRect();
        return { rows: tops.size, inView: cur.left >= box.left - 0.5 && cur.right <= box.right + 0.5, pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth };
      });
      expect([href, shape]).toEqual([href, { rows: 1, inView: true, pageScrollsSideways: false }]);
    }
    expect([watch.errors, watch.outside]).toEqual([[], []]);
    await context.close();
  });

  it('Korean: lang=ko and no interface string left in English', { timeout: 120_000 }, async () => {
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    const english = new Set(Object.entries(MESSAGES.en).filter(([k, v]) => MESSAGES.ko[k as keyof typeof MESSAGES.ko] !== v).map(([, v]) => v));
    const found: string[] = [];
    const pages = htmlPages(koSite);
    for (const rel of pages) {
      await page.goto(fileUrl(koSite, rel));
      expect(await page.getAttribute('html', 'lang')).toBe('ko');
      const texts = await page.evaluate(() => {
        const out: string[] = [];
        const ui = 'thead th, label, legend, button, .site-nav a, h2, caption, figcaption, .lede, .skip-link, option, .crumbs > a, .site-footer p';
        for (const e of Array.from(document.querySelectorAll(ui))) out.push((e.textContent ?? '').trim());
        for (const e of Array.from(document.querySelectorAll('[aria-label], [placeholder], [data-label]'))) {
          for (const a of ['aria-label', 'placeholder', 'data-label']) if (e.hasAttribute(a)) out.push(e.getAttribute(a)!.trim());
        }
        out.push(document.title.split(' · ').pop() ?? '');
        return out;
      });
      for (const t of texts) if (english.has(t)) found.push(`${rel}: ${t}`);
    }
    expect(found).toEqual([]);
    // The search script takes its words from the page, so its messages are Korean too.
    await page.goto(fileUrl(koSite));
    await page.fill('#q', 'payments');
    expect(await page.textContent('#result-count')).toMatch(/^서비스 \d+개 중 \d+개$/);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('the metrics page draws the same numbers as `opsledger metrics`, as charts per month and tables per team', async () => {
    const cliMetrics = await cli(['metrics', '--format', 'json', '--until', EXAMPLE_AT]);
    const report = JSON.parse(cliMetrics.stdout) as { changeFailureRate: { rate: number }; teams: { team: string }[]; incidents: { incidents: number; teams: { team: string }[] } };
    const { context, watch } = await watchedContext(browser, { viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    await page.goto(fileUrl(site, 'metrics.html'));
    // Five charts (the fifth: incidents by severity), each an inline SVG with an accessible title, and bars for the deployments.
    expect(await page.locator('figure.chart svg').count()).toBe(5);
    expect(await page.locator('figure.chart svg > title').count()).toBe(5);
    expect(await page.locator('#chart-incidents-by-severity svg rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-deployments-by-team svg rect').count()).toBeGreaterThan(0);
    const boxes = await page.locator('figure.chart svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of boxes) expect(w).toBeGreaterThan(200);
    const rate = Math.round(report.changeFailureRate.rate * 1000) / 10;
    expect(await page.textContent('.metrics-overall')).toContain(`${rate}%`);
    const teams = await page.locator('section[aria-labelledby="metrics-teams-h"] tbody th').allTextContents();
    // A team with incidents and no deployment in the window has a row too.
    expect(teams.map((t) => t.trim())).toEqual([...new Set([...report.teams, ...report.incidents.teams].map((t) => t.team))].sort());
    expect(await page.textContent('.metrics-incidents')).toContain(String(report.incidents.incidents));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'metrics-desktop-light.png'), fullPage: true });
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('the readiness filter narrows the index to exactly the services `opsledger readiness` puts at that level', async () => {
    const r = await cli(['readiness', '--format', 'json', '--at', EXAMPLE_AT]);
    const graded = (JSON.parse(r.stdout) as { services: ServiceReadiness[] }).services;
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(fileUrl(site));
    expect(await page.locator('#f-readiness option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['', ...SERVICE_LEVELS]);
    const seen = new Set<string>();
    for (const level of SERVICE_LEVELS) {
      await page.selectOption('#f-readiness', level);
      const expected = graded.filter((s) => s.level === level).map((s) => s.service).sort();
      expect({ level, shown: (await shownNames(page)).sort() }).toEqual({ level, shown: expected });
      // Each card the script draws carries the level it was filtered on.
      expect(new Set(await page.locator('#results .badge.readiness').evaluateAll((bs) => bs.map((b) => b.className)))).toEqual(expected.length ? new Set([`badge readiness readiness-${level}`]) : new Set());
      if (expected.length) seen.add(level);
    }
    expect(seen.size).toBeGreaterThan(2);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('the readiness page lists the coverage gaps of `opsledger readiness`, each a link to the service or CI', async () => {
    const r = await cli(['readiness', '--format', 'json', '--at', EXAMPLE_AT]);
    const coverage = (JSON.parse(r.stdout) as { coverage: CoverageReport }).coverage;
    expect(coverage.gaps.servicesWithoutSlo.length).toBeGreaterThan(0);
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(fileUrl(site));
    await page.click('.site-nav a[href$="readiness.html"]');
    expect(new URL(page.url()).pathname.endsWith('/readiness.html')).toBe(true);
    /** The rows under a gap's heading: the first link of each row (the service or CI) and its cells. */
    const gapRows = (id: string) =>
      page.evaluate((headingId) => {
        const heading = document.getElementById(headingId)!;
        let el = heading.nextElementSibling;
        while (el && !el.querySelector('table') && el.tagName !== 'H3') el = el.nextElementSibling;
        const table = el?.querySelector('table');
        return table ? Array.from(table.tBodies[0]!.rows, (row) => ({ href: row.querySelector('a')!.getAttribute('href'), cells: Array.from(row.cells, (c) => c.textContent!.trim()) })) : [];
      }, id);
    const noSlo = await gapRows('gap-no-slo');
    expect(noSlo.map((row) => row.href)).toEqual(coverage.gaps.servicesWithoutSlo.map((g) => `services/${g.service}.html`));
    expect(noSlo.map((row) => row.cells[1])).toEqual(coverage.gaps.servicesWithoutSlo.map((g) => MESSAGES.en[`tier.${g.tier}` as keyof typeof MESSAGES.en]));
    expect((await gapRows('gap-tier1-no-runbook')).map((row) => row.href)).toEqual(coverage.gaps.tier1WithoutRunbooks.map((n) => `services/${n}.html`));
    expect((await gapRows('gap-no-oncall')).map((row) => row.href)).toEqual(coverage.gaps.servicesWithoutOncall.map((n) => `services/${n}.html`));
    expect((await gapRows('gap-ci-no-owner')).map((row) => row.href)).toEqual(coverage.gaps.cisWithoutOwner.map((n) => `cis/${n}.html`));
    expect((await gapRows('gap-deprecated-dependencies')).map((row) => row.href)).toEqual(coverage.gaps.deprecatedDependencies.map((g) => `services/${g.service}.html`));
    // The level tiles and the rule table carry the report's numbers.
    const tiles = await page.locator('.level-stat').evaluateAll((ls) => ls.map((l) => [(l as HTMLElement).dataset.level, Number(l.querySelector('.stat-n')!.textContent)]));
    expect(Object.fromEntries(tiles)).toEqual(coverage.levels);
    const rules = await page.locator('.coverage-rules tbody tr').evaluateAll((rows) => rows.map((row) => [row.querySelector('code')!.textContent, ...Array.from(row.querySelectorAll('td.num'), (c) => Number(c.textContent))]));
    expect(rules).toEqual(coverage.rules.map((x) => [x.id, x.passed, x.failed, x.notApplicable]));
    // A gap's link opens the service's page, whose scorecard says what stands in its way.
    await page.click(`#gap-no-slo ~ .table-wrap a[href="services/${coverage.gaps.servicesWithoutSlo[0]!.service}.html"]`);
    expect(await page.locator('.scorecard tbody tr').count()).toBeGreaterThan(0);
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
    await context.close();
  });

  it('a scorecard links each rule in the way of the next level to its row', async () => {
    const r = await cli(['readiness', 'coupon-legacy', '--format', 'json', '--at', EXAMPLE_AT]);
    const [card] = (JSON.parse(r.stdout) as { services: ServiceReadiness[] }).services;
    expect(card!.next!.failing.length).toBeGreaterThan(0);
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(fileUrl(site, 'services/coupon-legacy.html'));
    expect(await page.locator('.blockers a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(card!.next!.failing.map((id) => `#rule-${id}`));
    const rows = await page.locator('.scorecard tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.id, tr.className]));
    expect(rows).toEqual(card!.rules.map((rule) => [`rule-${rule.id}`, `rule rule-${rule.status}`]));
    await page.click('.blockers a >> nth=0');
    expect(await page.evaluate(() => document.querySelector(':target')?.id)).toBe(`rule-${card!.next!.failing[0]}`);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('takes screenshots of the index, a service, the calendar, the readiness page and a scorecard (desktop and phone, light and dark)', { timeout: 120_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shots: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [device, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const { context, watch } = await watchedContext(browser, { viewport, colorScheme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        for (const [name, rel] of [
          ['index', 'index.html'],
          ['service', 'services/payments-api.html'],
          ['calendar', 'calendar/index.html'],
          ['readiness', 'readiness.html'],
          // A service below the top level: its scorecard has failing and not-applicable rules.
          ['scorecard', 'services/coupon-legacy.html'],
        ]) {
          await page.goto(fileUrl(site, rel));
          const file = join(ARTIFACTS, `${name}-${device}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          shots.push(file);
        }
        expect(watch.errors).toEqual([]);
        await context.close();
      }
    }
    for (const f of shots) expect(existsSync(f)).toBe(true);
  });
});

describe.skipIf(SKIP_BROWSER)('a hostile organisation in Chromium', () => {
  const PWN = 'window.__pwned=1';
  let browser: Browser;
  let site: string;

  beforeAll(async () => {
    const org = makeOrg({
      'services/checkout/service.yaml': [
        'apiVersion: opsledger/v1',
        'kind: Service',
        'metadata:',
        '  name: checkout-api',
        `  title: "<script>${PWN}</script>Checkout <img src=x onerror=${PWN}>"`,
        `  description: "<img src=x onerror=\\"${PWN}\\"> <iframe src=javascript:${PWN}></iframe>"`,
        `  labels: {domain: "\\"><svg onload=${PWN}>", "x.example/evil": "</script><script>${PWN}</script>"}`,
        '  links:',
        `    - {title: "<b onmouseover=${PWN}>docs</b>", url: "https://evil.example/javascript:${PWN}"}`,
        `    - {title: "vb", url: "https://evil.example/vbscript:msgbox(1)"}`,
        'spec:',
        '  owner: checkout',
        '  tier: 1',
        '  exposure: external',
        '  lifecycle: production',
        '  system: evil',
        '  providesApis: [evil-api]',
        '  dependsOn: [service:cart, ci:checkout-db]',
        `  runbooks: [{title: "Restart\\" onfocus=\\"${PWN}", url: "https://evil.example/JaVaScRiPt:${PWN}"}]`,
        `  playbooks: [{title: Data, url: "https://evil.example/data:text/html,hello"}]`,
        `  repository: "https://evil.example/javascript:${PWN}"`,
        '---',
        'apiVersion: opsledger/v1',
        'kind: Service',
        'metadata: {name: cart, title: "{{constructor.constructor(\'window.__pwned=1\')()}}"}',
        'spec: {owner: checkout, tier: 2, exposure: external, lifecycle: production}',
        '',
      ].join('\n'),
      'teams/teams.yaml': [
        'apiVersion: opsledger/v1',
        'kind: Team',
        `metadata: {name: checkout, title: "<svg/onload=${PWN}>"}`,
        'spec:',
        '  members: [mina-park]',
        `  oncall: {schedule: "https://evil.example/javascript:${PWN}", escalation: [mina-park]}`,
        `  contact: {slack: "javascript:${PWN}", chat: "javascript:${PWN}", pager: "<script>${PWN}</script>"}`,
        '---',
        'apiVersion: opsledger/v1',
        'kind: Team',
        'metadata: {name: cab, title: CAB}',
        'spec: {members: [dana-lee]}',
        '---',
        'apiVersion: opsledger/v1',
        'kind: Team',
        'metadata: {name: ecab, title: ECAB}',
        'spec: {members: [dana-lee]}',
        '',
      ].join('\n'),
      'changes/CR-2026-0001.yaml': [
        'apiVersion: opsledger/v1',
        'kind: ChangeRequest',
        `metadata: {name: CR-2026-0001, title: "<script>${PWN}</script>"}`,
        'spec:',
        '  type: normal',
        '  requester: mina-park',
        '  services: [checkout-api]',
        '  configurationItems: [checkout-db]',
        '  environment: production',
        '  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}',
        `  description: "<a href=javascript:${PWN}>click</a>"`,
        `  verification: [{description: "<img src=x onerror=${PWN}>", evidence: "see javascript:${PWN}"}]`,
        'status:',
        '  phase: submitted',
        '',
      ].join('\n'),
      // Systems, domains and APIs: their pages and the grouped graph show the same strings as text.
      'systems/evil.yaml': [
        'apiVersion: opsledger/v1',
        'kind: System',
        `metadata: {name: evil, title: "<script>${PWN}</script>Evil <img src=x onerror=${PWN}>", description: "<svg onload=${PWN}>"}`,
        'spec: {owner: checkout, domain: evil-domain}',
        '---',
        'apiVersion: opsledger/v1',
        'kind: Domain',
        `metadata: {name: evil-domain, title: "<iframe src=javascript:${PWN}></iframe>"}`,
        'spec: {owner: checkout}',
        '',
      ].join('\n'),
      'apis/evil-api.yaml': [
        'apiVersion: opsledger/v1',
        'kind: API',
        `metadata: {name: evil-api, title: "<b onmouseover=${PWN}>api</b>"}`,
        `spec: {type: openapi, owner: checkout, lifecycle: production, system: evil, definition: "https://evil.example/javascript:${PWN}"}`,
        '',
      ].join('\n'),
      'services/checkout/cmdb.yaml': [
        'apiVersion: opsledger/v1',
        'kind: ConfigurationItem',
        `metadata: {name: checkout-db, title: "<style>body{display:none}</style><script>${PWN}</script>"}`,
        'spec:',
        '  class: database',
        '  service: checkout-api',
        '  environment: production',
        '  relations: [{type: runsOn, target: ci:k8s-prod}]',
        `  attributes: {console: "javascript:${PWN}", note: "<script>${PWN}</script>"}`,
        '---',
        'apiVersion: opsledger/v1',
        'kind: ConfigurationItem',
        'metadata: {name: k8s-prod}',
        'spec: {class: cluster, environment: production}',
        '',
      ].join('\n'),
    });
    [browser, site] = await Promise.all([launch(), buildSite(org)]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  // URLs with script, data or file schemes are schema errors now (test/link-schemes.test.ts),
  // so the catalog never sees them; the URLs here carry the payload where a valid URL may.
  it('script in titles, descriptions, labels and URLs does not run on any page', { timeout: 60_000 }, async () => {
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    const pages = htmlPages(site);
    expect(pages).toContain('services/checkout-api.html');
    for (const rel of pages) {
      await page.goto(fileUrl(site, rel));
      const state = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        badLinks: Array.from(document.querySelectorAll('a[href]'), (a) => a.getAttribute('href')!).filter((h) => !/^(https?:|mailto:|[^:]*$)/i.test(h)),
        injected: document.querySelectorAll('main img, main iframe, main svg:not(.dep-graph):not(.group-graph):not(.ol-chart), main script, main style, b[onmouseover]').length,
        inlineScripts: Array.from(document.scripts).filter((s) => !s.src).length,
      }));
      expect({ rel, ...state }).toEqual({ rel, pwned: undefined, badLinks: [], injected: 0, inlineScripts: 0 });
    }
    // The hostile strings are shown as text, not dropped.
    await page.goto(fileUrl(site, 'services/checkout-api.html'));
    expect(await page.textContent('h1')).toContain('<script>window.__pwned=1</script>');
    await page.goto(fileUrl(site, 'systems/evil.html'));
    expect(await page.textContent('h1')).toContain('<script>window.__pwned=1</script>Evil');
    expect(await page.locator('.group-graph .system-focus text').textContent()).toContain('<script>');
    await page.goto(fileUrl(site, 'services/checkout-api.html'));
    expect(await page.textContent('main')).toContain(`javascript:${PWN}`);
    // Search results are built by the script from the index: the same strings stay text there.
    await page.goto(fileUrl(site));
    await page.fill('#q', 'script');
    expect(await page.locator('#results > li').count()).toBe(1);
    await page.fill('#q', 'constructor');
    expect(await page.locator('#results > li').count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(watch.outside).toEqual([]);
    // A blocked inline script would show as a CSP error: there must be none to block.
    expect(watch.errors).toEqual([]);
    await context.close();
  });
});
