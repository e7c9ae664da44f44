import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/catalog/messages.js';
import { DATA_FOLDERS } from '../../src/core/data-folders.js';
import { PROJECT_ROOT } from '../helpers/org.js';
import { buildSite, htmlPages } from './site.js';

/**
 * The Korean catalog of the example organisation holds no English the catalog wrote itself.
 *
 * The words to look for are every word of the English message catalogue (which includes the
 * sentences the risk engine and readiness compose), plus the English words of the relative
 * times Intl writes, so the list grows with the catalogue and cannot go stale. Words the Korean
 * catalogue uses too (SLO, CMDB, GitHub, opsledger) are names, not leftovers. What the
 * organisation wrote (titles, descriptions, reasons, names, every string in its YAML) is data and
 * shown as written, so it is taken out of the page first, as are code spans, which hold
 * identifiers. The organisation is copied out of git so the page's history (commit subjects,
 * also data) is empty.
 */
const words = (text: string) => text.replace(/\{\w+\}/g, ' ').match(/[A-Za-z]{3,}/g)?.map((w) => w.toLowerCase()) ?? [];

function englishWords(): Set<string> {
  const korean = new Set(Object.values(MESSAGES.ko).flatMap(words));
  const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
  const intl = [-1, -2].flatMap((n) => (['second', 'minute', 'hour', 'day', 'week', 'month', 'year'] as const).map((unit) => relative.format(n, unit)));
  return new Set([...Object.values(MESSAGES.en), ...intl].flatMap(words).filter((w) => !korean.has(w)));
}

/** Every string the organisation's documents hold, keys included, longest first. */
function dataStrings(root: string, files: string[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        out.add(k);
        walk(x);
      }
  };
  for (const f of files) for (const d of parseAllDocuments(readFileSync(join(root, f), 'utf8'))) walk(d.toJS());
  return [...out].filter((s) => /[A-Za-z]/.test(s)).sort((a, b) => b.length - a.length);
}

const decode = (s: string) => s.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&');

/** The text a reader meets: element text and the attributes that are read out or shown, without scripts, styles and code spans. */
function readableText(html: string): string[] {
  const body = html.replace(/<(script|style|code|svg)\b[\s\S]*?<\/\1>/g, ' ');
  const attributes = [...body.matchAll(/\s(?:title|aria-label|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]!);
  const text = body.replace(/<[^>]*>/g, '\n').split('\n');
  return [...text, ...attributes].map((t) => decode(t).trim()).filter(Boolean);
}

describe('the Korean catalog', () => {
  let site: string;
  let data: string[];
  beforeAll(async () => {
    const org = mkdtempSync(join(tmpdir(), 'opsledger-ko-'));
    const files: string[] = [];
    for (const folder of DATA_FOLDERS) {
      if (!existsSync(join(PROJECT_ROOT, folder))) continue;
      cpSync(join(PROJECT_ROOT, folder), join(org, folder), { recursive: true });
    }
    const walk = (dir: string) => {
      for (const name of readdirSync(join(org, dir))) {
        const rel = dir ? `${dir}/${name}` : name;
        if (statSync(join(org, rel)).isDirectory()) walk(rel);
        else if (/\.ya?ml$/.test(name)) files.push(rel);
      }
    };
    walk('');
    data = dataStrings(org, files);
    site = await buildSite(org, ['--locale', 'ko']);
  }, 120_000);

  it('shows no English word of the catalogue outside what the organisation wrote', { timeout: 60_000 }, () => {
    const english = englishWords();
    // The list is the catalogue's, so it holds the sentences the engine composes.
    expect(['deploys', 'applies', 'ago', 'rehearsed', 'change'].filter((w) => !english.has(w))).toEqual([]);
    const found = new Map<string, string>();
    const escaped = data.map((s) => [s, new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g')] as const);
    for (const page of htmlPages(site)) {
      const html = readFileSync(join(site, page), 'utf8');
      expect(html).toMatch(/<html lang="ko"/);
      for (const line of readableText(html)) {
        if (!words(line).some((w) => english.has(w))) continue;
        let rest = line;
        for (const [text, re] of escaped) if (rest.includes(text)) rest = rest.replace(re, ' ');
        // Links written as text are addresses, not words.
        rest = rest.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
        for (const w of words(rest)) if (english.has(w) && !found.has(w)) found.set(w, `${page}: ${line}`);
      }
    }
    expect([...found.values()]).toEqual([]);
  });
});
