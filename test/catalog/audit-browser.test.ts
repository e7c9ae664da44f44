import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit/reconcile.js';
import { cli, PROJECT_ROOT } from '../helpers/org.js';
import { launch, SKIP_BROWSER, watchedContext, type Watch } from './browser.js';
import { buildSite, EXAMPLE_AT, fileUrl } from './site.js';

/** Screenshots for a person to look at; outside the repository. */
const SHOTS = process.env.OPSLEDGER_SHOTS;

const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
const sha = (c: string) => c.repeat(40);

/**
 * A report as `opsledger audit --report` writes it (typed as the command's own AuditReport):
 * a change with a page in the example organisation, an emergency change without one, a
 * standard change outside its template, and an exception whose paths are markup.
 */
const REPORT: AuditReport = {
  period: { since: '2026-09-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' },
  offline: false,
  changes: [
    {
      change: 'CR-2026-0176', declaredType: 'normal', type: 'normal', class: 'medium', policyCommit: sha('1'), pullRequest: 7, mergedAt: '2026-11-20T09:00:00Z', commit: sha('2'), approved: true,
      approvals: [{ login: 'joel-ortiz', reviewId: 41, commit: sha('3'), submittedAt: '2026-11-19T10:00:00Z', groups: ['owner'] }],
      gates: [{ at: '2026-11-21T01:00:00.000Z', environment: 'production', allowed: true, sha: sha('2'), checkRunId: 1000, app: 'github-actions' }],
      outcome: 'successful', implementedAt: '2026-11-21T02:00:00Z', review: null, template: null, unverified: [],
    },
    {
      change: 'CR-2026-9999', declaredType: 'emergency', type: 'emergency', class: 'high', policyCommit: null, pullRequest: null, mergedAt: null, commit: sha('4'), approved: false, approvals: [],
      gates: [{ at: '2026-11-10T01:00:00.000Z', environment: 'prod', allowed: false, sha: sha('4'), checkRunId: 1001, app: null }],
      outcome: 'successful', implementedAt: '2026-11-10T00:00:00Z', review: { required: true, due: '2026-11-15T00:00:00.000Z', done: false, overdue: true }, template: null, unverified: [],
    },
    {
      change: 'CR-2026-0178', declaredType: 'standard', type: 'normal', class: 'low', policyCommit: null, pullRequest: 9, mergedAt: null, commit: sha('5'), approved: true, approvals: [], gates: [],
      outcome: null, implementedAt: null, review: null, template: { name: HOSTILE, inside: false, reason: HOSTILE }, unverified: [],
    },
  ],
  exceptions: [
    { code: 'audit.unauthorised-change', commit: sha('6'), pullRequest: null, change: null, detail: 'pushed', reason: { key: 'audit.unauthorised.push', args: { paths: [`deploy/${HOSTILE}.yaml`] } } },
    { code: 'audit.emergency-review-overdue', commit: sha('4'), pullRequest: null, change: 'CR-2026-9999', detail: 'overdue', reason: { key: 'audit.review.overdue', args: { due: '2026-11-15T00:00:00.000Z' } } },
    { code: 'audit.standard-outside-template', commit: sha('5'), pullRequest: 9, change: 'CR-2026-0178', detail: 'outside', reason: { key: 'audit.standard.outside', args: { why: { key: 'template.none' } } } },
  ],
  summary: { commits: 12, units: 10, changes: 3, exceptions: 3, unverified: 0 },
};

function reportFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'opsledger-audit-report-')), 'audit.json');
  writeFileSync(file, content);
  return file;
}

describe.skipIf(SKIP_BROWSER)('the audit page in Chromium', () => {
  let browser: Browser;
  let site: string;
  let koSite: string;
  let plain: string;
  let page: Page;
  let watch: Watch;

  beforeAll(async () => {
    const file = reportFile(JSON.stringify(REPORT, null, 2));
    [browser, site, koSite, plain] = await Promise.all([launch(), buildSite(PROJECT_ROOT, ['--audit', file]), buildSite(PROJECT_ROOT, ['--audit', file, '--locale', 'ko']), buildSite()]);
    const ctx = await watchedContext(browser, { viewport: { width: 1280, height: 900 } });
    watch = ctx.watch;
    page = await ctx.context.newPage();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function missingTargets(): Promise<string[]> {
    const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href));
    return hrefs.filter((h) => h.startsWith('file://') && !existsSync(fileURLToPath(h.split('#')[0]!)));
  }

  it('shows every exception and change of the report, linked to the change pages that exist', async () => {
    await page.goto(fileUrl(site, 'audit.html'));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'audit-desktop.png'), fullPage: true });
    expect(await page.locator('table.audit-exceptions tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(REPORT.exceptions.map((e) => e.code));
    expect(await page.locator('table.audit-changes tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-change')))).toEqual(['CR-2026-0176', 'CR-2026-9999', 'CR-2026-0178']);
    // A change the organisation has links to its page; one it does not have is named only.
    expect(await page.locator('table.audit-changes tbody tr[data-change="CR-2026-0176"] th a').getAttribute('href')).toBe('changes/CR-2026-0176.html');
    expect(await page.locator('table.audit-changes tbody tr[data-change="CR-2026-9999"] th a').count()).toBe(0);
    expect(await missingTargets()).toEqual([]);
    expect(await page.locator('nav.site-nav a[aria-current="page"]').textContent()).toBe('Audit');
  });

  it('prints markup in the report as text and runs none of it', async () => {
    await page.goto(fileUrl(site, 'audit.html'));
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('tr[data-code="audit.unauthorised-change"] td').last().textContent()).toContain(`deploy/${HOSTILE}.yaml`);
    expect(watch.errors).toEqual([]);
    expect(watch.outside).toEqual([]);
  });

  it('reads in Korean, reasons included', async () => {
    await page.goto(fileUrl(koSite, 'audit.html'));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'audit-ko.png'), fullPage: true });
    expect(await page.locator('h1').textContent()).toBe('변경 감사');
    expect(await page.locator('tr[data-code="audit.emergency-review-overdue"] td').last().textContent()).toBe('구현 후 검토 기한은 2026-11-15T00:00:00.000Z였으나 기록되지 않았습니다');
  });

  it('is linked from the navigation only when the site has one', async () => {
    await page.goto(fileUrl(site, 'index.html'));
    expect(await page.locator('nav.site-nav a[href="audit.html"]').count()).toBe(1);
    await page.goto(fileUrl(plain, 'index.html'));
    expect(await page.locator('nav.site-nav a[href="audit.html"]').count()).toBe(0);
    expect(existsSync(join(plain, 'audit.html'))).toBe(false);
  });
});

describe('opsledger catalog --audit: the report is checked before anything is built', () => {
  const broken = JSON.stringify(REPORT, null, 2).replace('"class": "high"', '"class": "severe"');
  it.each([
    ['a field of another value', broken, broken.split('\n').findIndex((l) => l.includes('"severe"')) + 1, '/changes/1/class'],
    ['a reason opsledger never writes', JSON.stringify({ ...REPORT, exceptions: [{ ...REPORT.exceptions[0], reason: { key: 'made.up' } }] }), 1, '/exceptions/0/reason'],
    ['not JSON', '{"period": ', 1, ''],
  ])('%s: audit.report-invalid at its line, exit 1, no site', async (_, content, line, pointer) => {
    const out = join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site');
    const r = await cli(['catalog', '--root', PROJECT_ROOT, '--out', out, '--at', EXAMPLE_AT, '--audit', reportFile(content)], PROJECT_ROOT);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`audit\\.report-invalid`));
    expect(r.stderr).toContain(`audit.json:${line}:`);
    if (pointer) expect(r.stderr).toContain(pointer.split('/').at(-1)!);
    expect(existsSync(out)).toBe(false);
  });
});
