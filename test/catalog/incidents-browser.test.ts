import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/catalog/messages.js';
import { makeOrg } from '../helpers/org.js';
import { launch, SKIP_BROWSER, watchedContext, type Watch } from './browser.js';
import { buildSite, fileUrl } from './site.js';

/** Screenshots for a person to look at; outside the repository. */
const SHOTS = process.env.OPSLEDGER_SHOTS;

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

/** The minimal organisation with one incident whose every free text is markup, caused by a change that went live before it. */
function hostileOrg(): string {
  return makeOrg({
    'changes/CR-2026-0002.yaml': `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0002, title: Raise the pool size}
spec:
  type: normal
  requester: mina-park
  services: [checkout-api]
  environment: production
  schedule: {start: "2026-11-01T01:00:00+09:00", end: "2026-11-01T02:00:00+09:00"}
  description: Raise the connection pool.
status:
  phase: completed
  outcome: {result: failed, implementedAt: "2026-11-01T01:10:00+09:00", failureDetectedAt: "2026-11-01T01:40:00+09:00", restoredAt: "2026-11-01T02:00:00+09:00"}
`,
    'incidents/INC-2026-0001.yaml': `apiVersion: opsledger/v1
kind: Incident
metadata:
  name: INC-2026-0001
  title: '${HOSTILE}'
spec:
  severity: sev2
  status: resolved
  startedAt: "2026-11-01T01:20:00+09:00"
  detectedAt: "2026-11-01T01:40:00+09:00"
  acknowledgedAt: "2026-11-01T01:42:00+09:00"
  mitigatedAt: "2026-11-01T01:55:00+09:00"
  resolvedAt: "2026-11-01T02:00:00+09:00"
  services: [checkout-api]
  configurationItems: [checkout-db]
  causedBy: [CR-2026-0002]
  commander: mina-park
  impact: {summary: '${HOSTILE}', users: 10, minutes: 20}
  timeline:
    - {at: "2026-11-01T01:40:00+09:00", kind: detection, text: '${HOSTILE}'}
    - {at: "2026-11-01T01:55:00+09:00", kind: mitigation, text: Rolled back}
  review:
    summary: Pool too large for the database.
    actionItems:
      - {title: Cap the pool, owner: checkout, due: "2026-11-05", state: open}
      - {title: Alert on connections, owner: checkout, due: "2026-12-30", state: open}
`,
  });
}

describe.skipIf(SKIP_BROWSER)('incident pages in Chromium', () => {
  let browser: Browser;
  let site: string;
  let koSite: string;
  let hostile: string;
  let page: Page;
  let watch: Watch;

  beforeAll(async () => {
    [browser, site, koSite, hostile] = await Promise.all([launch(), buildSite(), buildSite(undefined, ['--locale', 'ko']), buildSite(hostileOrg())]);
    const ctx = await watchedContext(browser, { viewport: { width: 1280, height: 900 } });
    watch = ctx.watch;
    page = await ctx.context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function shot(name: string): Promise<void> {
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  /** Every link on the page that stays in the site, and whether its file exists. */
  async function missingTargets(): Promise<string[]> {
    const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href));
    return hrefs.filter((h) => h.startsWith('file://') && !existsSync(fileURLToPath(h.split('#')[0]!)));
  }

  it.each([
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }],
  ])('lists every incident and filters by severity, status, service and month (%s)', { timeout: 60_000 }, async (_name, viewport) => {
    await page.setViewportSize(viewport);
    await page.goto(fileUrl(site, 'incidents/index.html'));
    const rows = page.locator('table.incidents tbody tr');
    expect(await rows.count()).toBe(8);
    expect(await page.locator('#incident-filters').isVisible()).toBe(true);
    await shot(`incidents-index-${_name}`);
    await page.selectOption('#f-severity', 'sev2');
    // What the reader sees, not what the attribute says: the phone layout restyles rows.
    const visible = async () => {
      const out: string[] = [];
      for (const row of await page.locator('table.incidents tbody tr').all()) if (await row.isVisible()) out.push((await row.locator('th a').textContent())!);
      return out;
    };
    const sev2 = await visible();
    expect(sev2.length).toBeGreaterThan(0);
    for (const id of sev2) expect(await page.locator(`tr:has(a:text-is("${id}"))`).getAttribute('data-severity')).toBe('sev2');
    await page.selectOption('#f-service', 'payments-api');
    const both = await visible();
    for (const id of both) {
      const row = page.locator(`tr:has(a:text-is("${id}"))`);
      expect(await row.getAttribute('data-severity')).toBe('sev2');
      expect((await row.getAttribute('data-services'))!.split(' ')).toContain('payments-api');
    }
    expect(await page.locator('#incident-count').textContent()).toBe(`${both.length} of 8 incidents`);
    await page.click('#clear');
    // Offered values are only those some incident has; a combination may still match none.
    await page.selectOption('#f-month', { index: 1 });
    const month = await page.inputValue('#f-month');
    for (const id of await visible()) expect(await page.locator(`tr:has(a:text-is("${id}"))`).getAttribute('data-month')).toBe(month);
    await page.selectOption('#f-severity', 'sev1');
    await page.selectOption('#f-status', { index: 1 });
    expect(await page.locator('#incident-none').isVisible()).toBe((await visible()).length === 0);
    await page.click('#clear');
    expect(await visible()).toHaveLength(8);
    expect(await missingTargets()).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows an incident with its timeline, affected services, causing change, problem and overdue action items', async () => {
    await page.goto(fileUrl(site, 'incidents/INC-2026-0377.html'));
    await shot('incident-0377');
    expect(await page.locator('#affected-services a').allTextContents()).not.toEqual([]);
    expect(await page.locator('#problems a').allTextContents()).toEqual([expect.stringContaining('autoscaler')]);
    // Due 2026-11-27 and open: not overdue on 2026-11-22; the item due 2026-11-20 and done: not overdue either.
    expect(await page.locator('table.actions .badge.overdue').count()).toBe(0);
    await page.goto(fileUrl(site, 'incidents/INC-2026-0342.html'));
    await shot('incident-0342');
    // Open and due 2026-11-20: overdue at the build's instant (2026-11-22).
    expect(await page.locator('table.actions tr.overdue-row').count()).toBe(1);
    await page.click('#caused-by a');
    expect(page.url()).toMatch(/changes\/CR-2026-0137\.html$/);
    expect(await page.locator('#incidents-h + .table-wrap a', { hasText: 'INC-2026-0342' }).count()).toBe(1);
    await page.goto(fileUrl(site, 'incidents/INC-2026-0311.html'));
    const times = await page.locator('.timeline li > .nowrap').allTextContents();
    expect(times).toEqual([...times].sort());
    for (const href of ['#caused-by a', '#affected-services a', '#affected-cis a']) {
      const target = await page.locator(href).first().evaluate((a) => (a as HTMLAnchorElement).href);
      expect(existsSync(fileURLToPath(target))).toBe(true);
    }
    expect(await missingTargets()).toEqual([]);
  });

  it('shows a problem with its known error, its incidents and the changes that fix it', async () => {
    await page.goto(fileUrl(site, 'problems/PRB-2026-0004.html'));
    await shot('problem-0004');
    expect(await page.locator('table.incidents tbody tr th a').allTextContents()).toEqual(['INC-2026-0401', 'INC-2026-0377']);
    expect(await page.locator('#fixes a').allTextContents()).toEqual(['CR-2026-0158']);
    expect(await missingTargets()).toEqual([]);
  });

  it('lists a service’s incidents on its page', async () => {
    await page.goto(fileUrl(site, 'services/payments-api.html'));
    const listed = await page.locator('#incidents-h ~ .table-wrap table.incidents tbody th a').allTextContents();
    expect(listed).toEqual(expect.arrayContaining(['INC-2026-0377', 'INC-2026-0311']));
    await page.locator('#incidents-h').scrollIntoViewIfNeeded();
    if (SHOTS) await page.locator('section:has(#incidents-h)').screenshot({ path: join(SHOTS, 'service-incidents.png') });
  });

  it('speaks Korean on a Korean site', async () => {
    await page.goto(fileUrl(koSite, 'incidents/INC-2026-0342.html'));
    await shot('incident-0342-ko');
    expect(await page.locator('#timeline-h').textContent()).toContain(MESSAGES.ko['incident.timeline']);
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
  });

  it('shows a hostile title, impact and timeline entry as text, and runs none of it', async () => {
    await page.goto(fileUrl(hostile, 'incidents/INC-2026-0001.html'));
    await shot('incident-hostile');
    expect(await page.locator('.incident-title').textContent()).toBe(HOSTILE);
    expect(await page.locator('.timeline-text').first().textContent()).toBe(HOSTILE);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    // The overdue item (due 2026-11-05, open) is marked, the one due later is not.
    expect(await page.locator('table.actions tr.overdue-row td:first-child').allTextContents()).toEqual(['Cap the pool']);
    await page.goto(fileUrl(hostile, 'incidents/index.html'));
    expect(await page.locator('table.incidents tbody td').first().evaluate((td) => td.firstChild?.textContent?.trim())).toBe(HOSTILE);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.goto(fileUrl(hostile, 'changes/CR-2026-0002.html'));
    expect(await page.locator('#incidents-h ~ .table-wrap a').allTextContents()).toContain('INC-2026-0001');
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
  });
});
