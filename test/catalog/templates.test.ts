import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { EXPOSURES, INCIDENT_SEVERITIES, RELATION_TYPES, RISK_CLASSES } from '../../src/core/model.js';
import { SERVICE_LEVELS } from '../../src/core/readiness/types.js';
import { LOCALES, MESSAGES } from '../../src/catalog/messages.js';
import { CSP, SEARCH_INDEX_FILE } from '../../src/catalog/render-site.js';
import { expandPartials, inlineMessages, TEMPLATE_DIR } from '../../src/catalog/templates.js';
import { makeOrg } from '../helpers/org.js';
import { buildSite, htmlPages } from './site.js';

function templates(): { name: string; source: string }[] {
  return ['pages', 'partials'].flatMap((folder) =>
    readdirSync(join(TEMPLATE_DIR, folder))
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => ({ name: `${folder}/${f}`, source: readFileSync(join(TEMPLATE_DIR, folder, f), 'utf8') })),
  );
}

/** Attributes people read: their values must come from the messages table too. */
const READ_ATTRIBUTES = /\b(title|aria-label|placeholder|alt|data-label|data-msg-[a-z]+)="([^"]*)"/g;

describe('catalog templates', () => {
  it('contain no interface words of their own: every string a reader sees comes from the messages table', () => {
    const offenders: string[] = [];
    for (const { name, source } of templates()) {
      const withoutExpressions = source.replace(/\{\{!--[\s\S]*?--\}\}/g, '').replace(/\{\{[\s\S]*?\}\}/g, '');
      for (const m of withoutExpressions.matchAll(READ_ATTRIBUTES)) if (/\p{L}/u.test(m[2]!)) offenders.push(`${name}: ${m[0]}`);
      const text = withoutExpressions.replace(/<[^>]*>/g, ' ');
      for (const word of text.match(/\p{L}[\p{L}\p{N}-]*/gu) ?? []) offenders.push(`${name}: "${word}"`);
    }
    expect(offenders).toEqual([]);
  });

  it('never use triple braces, which would print data unescaped', () => {
    for (const { name, source } of templates()) expect(`${name}: ${source.includes('{{{')}`).toBe(`${name}: false`);
  });

  it('use only message keys that exist, and every enumerated value has its words in every locale', () => {
    const keys = new Set(Object.keys(MESSAGES.en));
    const missing: string[] = [];
    for (const { name, source } of templates()) {
      for (const m of source.matchAll(/\bt "([^"]+)"/g)) if (!keys.has(m[1]!)) missing.push(`${name}: ${m[1]}`);
      for (const m of source.matchAll(/\bempty="([^"]+)"/g)) if (!keys.has(m[1]!)) missing.push(`${name}: ${m[1]}`);
    }
    const groups: Record<string, readonly (string | number)[]> = {
      tier: [1, 2, 3, 4],
      exposure: EXPOSURES,
      lifecycle: ['experimental', 'production', 'deprecated'],
      readiness: SERVICE_LEVELS,
      ruleStatus: ['passed', 'failed', 'not-applicable'],
      risk: RISK_CLASSES,
      type: ['standard', 'normal', 'emergency'],
      phase: ['draft', 'submitted', 'approved', 'scheduled', 'implementing', 'completed', 'cancelled'],
      outcome: ['successful', 'failed', 'rolled-back', 'partial'],
      strategy: ['canary', 'blue-green', 'rolling', 'one-box', 'none'],
      window: ['freeze', 'maintenance'],
      kind: ['service', 'ci'],
      edgeOut: [...RELATION_TYPES, 'owns'],
      edgeIn: [...RELATION_TYPES, 'owns'],
      contact: ['slack', 'email', 'chat', 'pager'],
      budgeting: ['Occurrences', 'Timeslices', 'RatioTimeslices'],
      month: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      weekday: [0, 1, 2, 3, 4, 5, 6],
      weekdayShort: [0, 1, 2, 3, 4, 5, 6],
      severity: INCIDENT_SEVERITIES,
      incidentStatus: ['investigating', 'identified', 'monitoring', 'resolved', 'reviewed'],
      incidentTime: ['startedAt', 'detectedAt', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt'],
      timelineKind: ['detection', 'escalation', 'action', 'communication', 'mitigation', 'resolution', 'note'],
      actionState: ['open', 'in-progress', 'done', 'wont-do'],
      problemState: ['open', 'known-error', 'resolved', 'closed'],
    };
    for (const [group, values] of Object.entries(groups)) for (const v of values) if (!keys.has(`${group}.${v}`)) missing.push(`${group}.${v}`);
    expect(missing).toEqual([]);
  });

  it('have the same keys and the same {arguments} in every locale', () => {
    const args = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const en = MESSAGES.en as Record<string, string>;
    for (const locale of LOCALES) {
      const table = MESSAGES[locale] as Record<string, string>;
      expect(Object.keys(table).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(table)) expect({ key, args: args(text) }).toEqual({ key, args: args(en[key]!) });
    }
  });
});

describe('the built example catalog', () => {
  let site: string;
  beforeAll(async () => {
    site = await buildSite();
  });

  it('carries the strict CSP on every page and nothing inline for it to block', () => {
    const pages = htmlPages(site);
    expect(pages.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const rel of pages) {
      const html = readFileSync(join(site, rel), 'utf8');
      if (!html.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP.replace(/'/g, '&#x27;')}">`)) problems.push(`${rel}: no CSP`);
      if (!html.startsWith('<!doctype html>\n<html lang="en">')) problems.push(`${rel}: no lang`);
      if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push(`${rel}: inline script`);
      if (/<style[\s>]|\sstyle="/i.test(html)) problems.push(`${rel}: inline style`);
      if (/\son[a-z]+="/i.test(html)) problems.push(`${rel}: event handler attribute`);
      if (/(src|href)="(https?:)?\/\//i.test(html.replace(/<a [^>]*>/g, ''))) problems.push(`${rel}: loads something from elsewhere`);
    }
    expect(problems).toEqual([]);
    expect(CSP).toMatch(/script-src 'self'/);
    expect(CSP).toMatch(/style-src 'self'/);
    expect(CSP).toMatch(/default-src 'none'/);
  });

  it('shows a risk report on open changes and the outcome on closed ones', () => {
    const open = readFileSync(join(site, 'changes', 'CR-2026-0177.html'), 'utf8');
    expect(open).toContain(MESSAGES.en['risk.factors']);
    expect(open).toMatch(/class="risk-class-big risk-(low|medium|high|critical)"/);
    const closed = readFileSync(join(site, 'changes', 'CR-2026-0158.html'), 'utf8');
    expect(closed).toContain('Risk is assessed while a change is open; this one is Completed.');
    expect(closed).toContain(MESSAGES.en['change.outcome']);
  });

  it('ships the search index as a script that sets a global, and the calendar download', () => {
    const index = readFileSync(join(site, SEARCH_INDEX_FILE), 'utf8');
    expect(index.startsWith('window.OPSLEDGER_INDEX={')).toBe(true);
    const data = JSON.parse(index.slice('window.OPSLEDGER_INDEX='.length).replace(/;\s*$/, '')) as { services: unknown[][] };
    expect(data.services).toHaveLength(24);
    expect(data.services.find((r) => r[0] === 'payments-api')).toEqual(['payments-api', 'Payments API', 1, 'external', 'production', 'bronze', expect.any(Array), 'domain=finance pci=true', 'payments']);
    expect(data.services.find((r) => r[0] === 'order-admin')![8]).toBe('');
    expect(gzipSync(index).length).toBeLessThan(10_000);
    const ics = readFileSync(join(site, 'calendar', 'opsledger.ics'), 'utf8');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('RRULE:FREQ=WEEKLY;BYDAY=TU');
    expect(readFileSync(join(site, 'calendar', 'index.html'), 'utf8')).toContain('href="../calendar/opsledger.ics"');
    // GitHub Pages publishes it as it is, without a Jekyll build.
    expect(readFileSync(join(site, '.nojekyll'), 'utf8')).toBe('');
  });
});

describe('a catalog of an organisation whose policy has no readiness rules', () => {
  let site: string;
  beforeAll(async () => {
    const root = makeOrg();
    const file = join(root, 'changes', 'policy.yaml');
    const policy = parseDocument(readFileSync(file, 'utf8'));
    policy.deleteIn(['spec', 'readiness']);
    writeFileSync(file, policy.toString());
    site = await buildSite(root);
  });

  it('scores nothing: no level badge, no readiness filter, and the pages say readiness is not configured', () => {
    const index = readFileSync(join(site, SEARCH_INDEX_FILE), 'utf8');
    const data = JSON.parse(index.slice('window.OPSLEDGER_INDEX='.length).replace(/;\s*$/, '')) as { services: unknown[][] };
    expect(data.services.map((r) => r[5])).toEqual(['', '']);
    const home = readFileSync(join(site, 'index.html'), 'utf8');
    expect(home).not.toContain('id="f-readiness"');
    expect(home).not.toMatch(/class="badge readiness /);
    const service = readFileSync(join(site, 'services', 'checkout-api.html'), 'utf8');
    expect(service).toContain(MESSAGES.en['scorecard.notConfigured']);
    expect(service).not.toMatch(/class="badge readiness /);
    expect(service).not.toContain('id="rule-');
  });

  it('still lists the coverage gaps, which come from the data rather than from rules', () => {
    const html = readFileSync(join(site, 'readiness.html'), 'utf8');
    expect(html).toContain(MESSAGES.en['scorecard.notConfigured']);
    expect(html).not.toContain('id="levels-h"');
    /** The links under a gap's heading, up to the next heading. */
    const linksUnder = (id: string) => {
      const start = html.indexOf(`id="${id}"`);
      const end = html.indexOf('<h3', start + 1);
      return [...html.slice(start, end < 0 ? undefined : end).matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(linksUnder('gap-no-slo')).toEqual(['services/cart.html', 'teams/checkout.html']);
    expect(linksUnder('gap-tier1-no-runbook')).toEqual(['services/checkout-api.html', 'teams/checkout.html']);
    expect(linksUnder('gap-no-oncall')).toEqual(['services/cart.html', 'teams/checkout.html', 'services/checkout-api.html', 'teams/checkout.html']);
    expect(linksUnder('gap-ci-no-owner')).toEqual(['cis/k8s-prod.html']);
    expect(linksUnder('gap-deprecated-dependencies')).toEqual([]);
  });
});

describe('expandPartials', () => {
  const partials = new Map([
    ['ref', '<a href="{{href}}">{{title}}</a>'],
    ['row', '<li>{{> ref}}</li>'],
    ['parent', '{{../name}}'],
  ]);
  it.each([
    ['a call sharing its line is written in', 'x {{> ref}} y', 'x <a href="{{href}}">{{title}}</a> y'],
    ['a call alone on its line stays a call', '  {{> ref}}\nz', '  {{> ref}}\nz'],
    ['partials inside partials are written in too', '<ul>{{> row}}</ul>', '<ul><li><a href="{{href}}">{{title}}</a></li></ul>'],
    ['a partial that looks outside its context stays a call', 'x {{> parent}}', 'x {{> parent}}'],
    ['an unknown partial stays a call', 'x {{> nowhere}}', 'x {{> nowhere}}'],
    ['a call with arguments stays a call', 'x {{> ref title=name}}', 'x {{> ref title=name}}'],
  ])('%s', (_, source, expected) => {
    expect(expandPartials(source, partials)).toBe(expected);
  });
});

describe('inlineMessages', () => {
  const words: Record<string, string> = { 'nav.home': 'Home', 'risk.high': 'High <risk> & "more"', 'graph.more': '+{n} more', 'odd.brace': 'a } b' };
  const translate = (key: string) => {
    const text = words[key];
    if (text === undefined) throw new Error(`no catalog message "${key}"`);
    return text;
  };
  it.each([
    ['a fixed message becomes its text', '<h1>{{t "nav.home"}}</h1>', '<h1>Home</h1>'],
    ['the text is escaped as the helper would print it', '{{t "risk.high"}}', 'High &lt;risk&gt; &amp; &quot;more&quot;'],
    ['a message with arguments stays a call', '{{t "graph.more" n=3}}', '{{t "graph.more" n=3}}'],
    ['text handlebars would read as syntax stays a call', '{{t "graph.more"}} {{t "odd.brace"}}', '{{t "graph.more"}} {{t "odd.brace"}}'],
    ['a triple-stashed call stays a call', '{{{t "nav.home"}}}', '{{{t "nav.home"}}}'],
    ['a trimmed call stays a call', '{{~t "nav.home"~}}', '{{~t "nav.home"~}}'],
    ['a key from a value stays a call', '{{t key}}', '{{t key}}'],
  ])('%s', (_, source, expected) => {
    expect(inlineMessages(source, translate)).toBe(expected);
  });

  it('fails the compile on a key it does not know', () => {
    expect(() => inlineMessages('{{t "nav.nowhere"}}', translate)).toThrow(/nav\.nowhere/);
  });
});
