import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, PROJECT_ROOT } from '../helpers/org.js';

/**
 * The time the example organisation was written at: its SLO statuses were measured then and
 * its planned changes lie ahead of it. Sites built "now" would age with the calendar.
 */
export const EXAMPLE_AT = '2026-11-22T12:00:00+09:00';

/** Builds an organisation's catalog with the real CLI into a fresh temp folder, as of EXAMPLE_AT unless `extra` says otherwise. */
export async function buildSite(root = PROJECT_ROOT, extra: string[] = []): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site');
  const at = extra.includes('--at') ? [] : ['--at', EXAMPLE_AT];
  const r = await cli(['catalog', '--root', root, '--out', out, ...at, ...extra], root);
  if (r.code !== 0) throw new Error(`catalog exited ${r.code}: ${r.stdout}\n${r.stderr}`);
  return out;
}

export function fileUrl(site: string, page = 'index.html'): string {
  return pathToFileURL(join(site, page)).href;
}

/** Every HTML page of a built site, site-relative. */
export function htmlPages(site: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.html')) out.push(relative(site, p).split('\\').join('/'));
    }
  };
  walk(site);
  return out.sort();
}
