import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core (no browser download). The suite needs it; on a
 * developer machine without it the suite is skipped with a message, in CI it must run.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_BROWSER = !HAVE_CHROMIUM && !process.env.CI;
if (SKIP_BROWSER) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI runs them`);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** What a page did that it must not: console errors, uncaught exceptions, requests leaving file://. */
export interface Watch {
  errors: string[];
  outside: string[];
}

/**
 * A browser context in which every request is checked: file:// goes through, anything else is
 * recorded and aborted (so a test never depends on the network and a leak is seen, not hidden).
 */
export async function watchedContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await browser.newContext(options);
  const watch: Watch = { errors: [], outside: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    watch.outside.push(url);
    return route.abort();
  });
  context.on('request', (request) => {
    if (!request.url().startsWith('file://') && !watch.outside.includes(request.url())) watch.outside.push(request.url());
  });
  context.on('page', (page) => observe(page, watch));
  return { context, watch };
}

function observe(page: Page, watch: Watch): void {
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => watch.errors.push(`${page.url()}: ${e.message}`));
}
