import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { MESSAGES } from '../../src/catalog/messages.js';
import { PROJECT_ROOT } from '../helpers/org.js';
import { launch, SKIP_BROWSER, watchedContext } from './browser.js';
import { buildSite, fileUrl } from './site.js';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'catalog');

/**
 * Systems, domains and APIs in the built catalog of the example organisation, checked against
 * the organisation as loaded: what the pages list is what the documents say.
 */
describe.skipIf(SKIP_BROWSER)('systems, domains and APIs in Chromium', () => {
  let browser: Browser;
  let site: string;
  const loaded = loadOrganisation(PROJECT_ROOT);

  beforeAll(async () => {
    [browser, site] = await Promise.all([launch(), buildSite()]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the system filter narrows the index to exactly the services that name the system, and combines with the others', async () => {
    const { org } = await loaded;
    const inSystem = (s: string) => [...org.services].filter(([, { doc }]) => doc.spec.system === s).map(([n]) => n).sort();
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    await page.goto(fileUrl(site));
    expect(await page.locator('#f-system option').allTextContents()).toEqual([MESSAGES.en['filter.any'], 'Checkout', 'Payments', 'Shop']);
    for (const system of org.systems.keys()) {
      await page.selectOption('#f-system', system);
      expect((await page.locator('#results .card-name code').allTextContents()).sort()).toEqual(inSystem(system));
    }
    await page.selectOption('#f-system', 'payments');
    await page.selectOption('#f-tier', '1');
    expect(await page.locator('#results .card-name code').allTextContents()).toEqual(inSystem('payments').filter((n) => org.services.get(n)!.doc.spec.tier === 1));
    await page.reload();
    expect(await page.inputValue('#f-system')).toBe('payments');
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
    await context.close();
  });

  it('a system page lists its services and APIs and draws them inside its own box, with an arrow per dependency', async () => {
    const { org } = await loaded;
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    for (const system of org.systems.keys()) {
      await page.goto(fileUrl(site, `systems/${system}.html`));
      const members = [...org.services].filter(([, { doc }]) => doc.spec.system === system).map(([n]) => n).sort();
      const listed = await page.locator('#services-h + .table-wrap tbody th code, #services-h + .table-wrap tbody th a').evaluateAll((els) => els.map((e) => (e.tagName === 'CODE' ? e.textContent : null)).filter(Boolean));
      expect(listed.sort()).toEqual(members.filter((m) => org.services.get(m)!.doc.metadata.title));
      expect(await page.locator('#apis-h + .table-wrap tbody tr').count()).toBe([...org.apis.values()].filter((a) => a.doc.spec.system === system).length);
      // Every member is a node of the drawing, and every dependency into, out of or inside the system an edge.
      const drawn = await page.locator('.group-graph [data-node^="s:"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')!.slice(2)));
      for (const m of members) expect(drawn).toContain(m);
      const edges = [...org.services].flatMap(([n, { doc }]) => (doc.spec.dependsOn ?? []).filter((d) => d.startsWith('service:')).map((d) => [n, d.slice(8)] as const)).filter(([a, b]) => (members.includes(a) || members.includes(b)) && drawn.includes(a) && drawn.includes(b));
      expect(await page.locator('.group-graph path.edge').count()).toBe(edges.length);
      expect(await page.locator('.group-graph .system-focus').count()).toBe(1);
    }
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('an API page lists who provides and who consumes it; a domain page its systems; a service page its system, domain and APIs', async () => {
    const { org } = await loaded;
    const { context, watch } = await watchedContext(browser);
    const page = await context.newPage();
    for (const [name] of org.apis) {
      await page.goto(fileUrl(site, `apis/${name}.html`));
      const names = (list: 'providesApis' | 'consumesApis') => [...org.services].filter(([, { doc }]) => doc.spec[list]?.includes(name)).map(([n]) => org.services.get(n)!.doc.metadata.title ?? n).sort();
      expect((await page.locator('#providers-h + ul li').allTextContents()).sort()).toEqual(names('providesApis'));
      expect((await page.locator('#consumers-h + ul li').allTextContents()).sort()).toEqual(names('consumesApis'));
      expect(await page.locator('.badge.risk-high').count()).toBe(0);
    }
    await page.goto(fileUrl(site, 'domains/commerce.html'));
    expect((await page.locator('#systems-h + .table-wrap tbody th a').allTextContents()).sort()).toEqual(['Checkout', 'Shop']);
    await page.goto(fileUrl(site, 'services/checkout-api.html'));
    expect(await page.locator('.grouping a').allTextContents()).toEqual(['Checkout', 'Commerce']);
    expect(await page.locator('#apis-h ~ .columns .panel').first().locator('li').allTextContents()).toEqual(['Order events']);
    expect(await page.locator('#apis-h ~ .columns .panel').nth(1).locator('li').allTextContents()).toEqual(['Payments API v2']);
    expect(watch.errors).toEqual([]);
    await context.close();
  });

  it('takes screenshots of the systems page, a system, an API and a service with its system (desktop and phone)', { timeout: 120_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shots: string[] = [];
    for (const [device, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const { context, watch } = await watchedContext(browser, { viewport, deviceScaleFactor: 1 });
      const page = await context.newPage();
      for (const [name, rel] of [
        ['systems', 'systems/index.html'],
        ['system', 'systems/checkout.html'],
        ['api', 'apis/payments.html'],
        ['service-grouping', 'services/checkout-api.html'],
      ]) {
        await page.goto(fileUrl(site, rel));
        const file = join(ARTIFACTS, `${name}-${device}.png`);
        await page.screenshot({ path: file, fullPage: true });
        shots.push(file);
      }
      expect(watch.errors).toEqual([]);
      await context.close();
    }
    for (const f of shots) expect(existsSync(f)).toBe(true);
  });
});
