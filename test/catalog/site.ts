import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, PROJECT_ROOT } from '../helpers/org.js';

/** Builds an organisation's catalog with the real CLI into a fresh temp folder. */
export async function buildSite(root = PROJECT_ROOT, extra: string[] = []): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site');
  const r = await cli(['catalog', '--root', root, '--out', out, ...extra], root);
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
