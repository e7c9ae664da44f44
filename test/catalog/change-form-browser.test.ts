import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestComment } from '../../src/report/pull-request.js';
import { exampleForms } from '../helpers/change-forms.js';
import { PROJECT_ROOT } from '../helpers/org.js';
import { launch, SKIP_BROWSER, watchedContext } from './browser.js';
import { buildSite, fileUrl } from './site.js';

/**
 * A HIGH change's form twice, as a CAB member meets it: the catalog's change page in Chromium,
 * and beside it the pull request comment rendered by a GFM renderer (GitHub's own styles are not
 * at hand; plain table borders stand in). The screenshots go to test-artifacts/catalog/ to be
 * looked at; the assertions are what a screenshot cannot be trusted to show.
 */
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'catalog');
const HIGH = 'CR-2026-0180';

describe.skipIf(SKIP_BROWSER)(`the change form of ${HIGH} (HIGH) in Chromium`, () => {
  let browser: Browser;
  let site: string;
  let commentFile: string;

  beforeAll(async () => {
    const example = await exampleForms();
    expect(example.reports.get(HIGH)!.class).toBe('high');
    const { form, subject } = example.formFor(HIGH);
    const body = pullRequestComment('<!-- opsledger:risk -->', [subject], [], [], { forms: new Map([[HIGH, form]]) }).body;
    const html = micromark(body, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    const style = 'body{font:14px/1.5 system-ui,sans-serif;max-width:860px;margin:16px auto;padding:0 16px}table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 10px}details{margin:8px 0}summary{cursor:pointer;font-weight:600}pre{background:#f6f8fa;padding:8px;overflow:auto}';
    commentFile = join(mkdtempSync(join(tmpdir(), 'opsledger-comment-')), 'comment.html');
    writeFileSync(commentFile, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>comment</title><style>${style}</style></head><body>${html}</body></html>`);
    [site, browser] = await Promise.all([buildSite(), launch()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows every part of the form on the page, with nothing broken and nothing fetched from outside', { timeout: 60_000 }, async () => {
    const { context, watch } = await watchedContext(browser, { viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(fileUrl(site, `changes/${HIGH}.html`));
    for (const part of ['verdict', 'header', 'approvals', 'risk', 'implementation', 'verification', 'rollback', 'delivery', 'premortem', 'communication', 'blast-radius', 'conflicts', 'history', 'readiness']) {
      await expect(page.locator(`[data-form="${part}"]`).first().isVisible(), part).resolves.toBe(true);
    }
    // The fields a CAB decides by, as the example writes them.
    await expect(page.locator('[data-field="implementer"]').textContent()).resolves.toContain('emma-lindqvist');
    await expect(page.locator('[data-field="schedule-utc"]').textContent()).resolves.toContain('2026-12-21 01:00');
    await expect(page.locator('[data-form="conflicts"] [data-code="freeze"]').count()).resolves.toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `change-form-${HIGH}-page.png`), fullPage: true });

    const comment = await context.newPage();
    await comment.goto(pathToFileURL(commentFile).href);
    // Open every section, as a reviewer reading it all would.
    await comment.evaluate(() => document.querySelectorAll('details').forEach((d) => d.setAttribute('open', '')));
    await comment.screenshot({ path: join(ARTIFACTS, `change-form-${HIGH}-comment.png`), fullPage: true });
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
    await context.close();
  });
});
