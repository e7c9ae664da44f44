import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { beforeAll, describe, expect, it } from 'vitest';
import { valueMessage } from '../../src/catalog/messages.js';
import type { LoadedOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { pageRenderer } from '../../src/catalog/render-page.js';
import { buildChangeForm } from '../../src/core/change-form/build.js';
import type { ChangeForm } from '../../src/core/change-form/types.js';
import type { ChangePage } from '../../src/core/catalog/types.js';
import { organisationZone } from '../../src/core/evidence-time.js';
import { activePolicy } from '../../src/core/organisation.js';
import type { RiskReport } from '../../src/core/risk/types.js';
import { FORM_SECTIONS, WEEKDAYS, type FormSectionKey } from '../../src/report/change-form.js';
import { MAX_COMMENT, pullRequestComment, type CommentSubject } from '../../src/report/pull-request.js';
import { EXAMPLE_NOW, EXAMPLE_PULL, exampleForms, type ExampleForms } from '../helpers/change-forms.js';

/**
 * The change form of every change in the example organisation, rendered both ways: the pull
 * request comment through a GFM renderer (what GitHub shows) and the catalog's change page.
 * The two come from one view model; the tests read each fact of the model back out of both.
 */
const NOW = EXAMPLE_NOW;
const PULL = EXAMPLE_PULL;
const MARKER = '<!-- opsledger:risk -->';

const toHtml = (md: string) => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

/** Text as a reader sees it: entities decoded, the escaper's zero-width joiners dropped, lower case. */
function seen(html: string): string {
  return html
    .replace(/\u200d/g, '')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .toLowerCase();
}

/** Every element opened is closed, in order (void elements aside). */
function balanced(html: string): string[] {
  const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link']);
  const stack: string[] = [];
  const problems: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/gi)) {
    const [, close, name] = [m[0], m[1], m[2]!.toLowerCase()];
    if (VOID.has(name) || m[3]) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> at ${m.index}`);
  }
  return [...problems, ...stack.map((t) => `<${t}> never closed`)];
}

/** Every GFM table: each row has as many cells as its header; no table line leaked into a paragraph. */
function tableProblems(md: string, html: string): string[] {
  const out: string[] = [];
  for (const t of html.matchAll(/<table>([\s\S]*?)<\/table>/g)) {
    const rows = [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][\s>]/g)].length);
    if (rows.some((n) => n !== rows[0])) out.push(`uneven table: ${rows.join(',')}`);
  }
  for (const p of html.matchAll(/<p>([\s\S]*?)<\/p>/g)) if (/^\|/.test(p[1]!.trim())) out.push(`table text in a paragraph: ${p[1]!.slice(0, 60)}`);
  const mdTables = md.split('\n').filter((l) => /^\| --- /.test(l) || /^\| ---: /.test(l)).length;
  if (mdTables !== [...html.matchAll(/<table>/g)].length) out.push(`${mdTables} tables written, ${[...html.matchAll(/<table>/g)].length} rendered`);
  return out;
}

let loaded: LoadedOrganisation;
let reports: Map<string, RiskReport>;
let formFor: ExampleForms['formFor'];
const forms = new Map<string, ChangeForm>();
const subjects = new Map<string, CommentSubject>();

function catalogHtml(form: ChangeForm): string {
  const render = pageRenderer({ locale: 'en', version: 'test', zone: form.header.zone, builtAt: '2026-11-22 12:00' });
  const page: ChangePage = {
    template: 'change',
    path: `changes/${form.id}.html`,
    heading: form.id,
    section: 'changes',
    id: form.id,
    title: form.title,
    description: [],
    labels: [],
    links: [],
    services: form.header.services.map((name) => ({ kind: 'service', name, title: undefined, href: `services/${name}.html` })),
    cis: form.header.cis.map((name) => ({ kind: 'ci', name, title: undefined, href: `cis/${name}.html` })),
    justification: [],
    form,
    hrefs: {},
    evidence: {},
    incidents: [],
    riskStatus: form.verdict ? 'assessed' : 'closed',
  } as ChangePage;
  return render(page);
}

beforeAll(async () => {
  ({ loaded, reports, formFor } = await exampleForms());
  for (const id of reports.keys()) {
    const { form, subject } = formFor(id);
    forms.set(id, form);
    subjects.set(id, subject);
  }
}, 60_000);

const IDS = (): string[] => [...forms.keys()];

describe('the example organisation', () => {
  it('has changes of every type and every risk class, so the tests below cover each', () => {
    const all = [...reports.values()];
    expect(new Set(all.map((r) => r.type))).toEqual(new Set(['standard', 'normal', 'emergency']));
    expect(new Set(all.map((r) => r.class))).toEqual(new Set(['low', 'medium', 'high', 'critical']));
  });
});

describe('the pull request comment, rendered as GitHub renders it (GFM)', () => {
  it('renders every change of the example organisation with the verdict first, every <details> closed and every table whole', () => {
    for (const id of IDS()) {
      const { body, folded } = pullRequestComment(MARKER, [subjects.get(id)!], [], [], { forms });
      const html = toHtml(body);
      expect(folded, id).toEqual([]);
      // The first thing a reader sees is the verdict line: the change, its class.
      const first = /<p>([\s\S]*?)<\/p>/.exec(html.slice(html.indexOf(MARKER) + MARKER.length))![1]!;
      expect(first, id).toContain(`<strong>${id}</strong>`);
      expect(first, id).toContain(`<strong>${reports.get(id)!.class.toUpperCase()}</strong>`);
      expect(balanced(html), id).toEqual([]);
      expect([...html.matchAll(/<details/g)].length, id).toBe([...html.matchAll(/<\/details>/g)].length);
      expect(tableProblems(body, html), id).toEqual([]);
      // Every section, in the one order both renderers use.
      const summaries = [...html.matchAll(/<summary>([^<]*)<\/summary>/g)].map((m) => sectionOf(m[1]!));
      expect(summaries, id).toEqual(FORM_SECTIONS.filter((k) => k !== 'risk' || forms.get(id)!.risk));
    }
  });

  it('renders all changes in one comment, one verdict line each, in order', () => {
    const ids = IDS();
    const { body } = pullRequestComment(MARKER, ids.map((id) => subjects.get(id)!), [], [], { forms });
    const lines = body.split('\n').slice(1, 1 + ids.length);
    expect(lines.map((l) => /\*\*(CR-\d{4}-\d{4})\*\*/.exec(l)?.[1])).toEqual(ids);
    expect(balanced(toHtml(body))).toEqual([]);
  });

  it('links each approval to its GitHub review and names who can still approve', () => {
    const id = IDS().find((x) => forms.get(x)!.approvals!.rows.length > 1)!;
    const f = forms.get(id)!;
    const html = toHtml(pullRequestComment(MARKER, [subjects.get(id)!], [], [], { forms }).body);
    const [row] = f.approvals!.rows;
    expect(row!.approvedBy).toHaveLength(1);
    expect(html).toContain(`href="${PULL}#pullrequestreview-`);
    for (const c of f.approvals!.rows[1]!.candidates) expect(seen(html)).toContain(`@${c}`);
  });
});

/** Which section a summary heads, from its first words. */
function sectionOf(summary: string): FormSectionKey | string {
  const starts: [string, FormSectionKey][] = [
    ['Risk:', 'risk'],
    ['Implementation', 'implementation'],
    ['Verification', 'verification'],
    ['Rollback', 'rollback'],
    ['Progressive delivery', 'delivery'],
    ['Pre-mortem', 'premortem'],
    ['Communication', 'communication'],
    ['Blast radius', 'blast-radius'],
    ['Conflicts', 'conflicts'],
    ['History', 'history'],
    ['Readiness', 'readiness'],
  ];
  return starts.find(([p]) => summary.startsWith(p))?.[1] ?? summary;
}

/** The comment's HTML cut into its fields: the header rows by label, approvals, each <details> by section. */
function commentFields(html: string): Map<string, string> {
  const out = new Map<string, string>();
  const header = /<table>[\s\S]*?<\/table>/.exec(html)![0];
  for (const row of header.matchAll(/<tr>\s*<td><strong>([^<]+)<\/strong><\/td>\s*<td>([\s\S]*?)<\/td>\s*<\/tr>/g)) out.set(`header:${row[1]}`, row[2]!);
  const approvals = html.indexOf('<strong>Approvals</strong>');
  out.set('approvals', html.slice(approvals, html.indexOf('<details', approvals)));
  out.set('verdict', /<p>([\s\S]*?)<\/p>/.exec(html)![1]!);
  for (const d of html.matchAll(/<details[^>]*><summary>([^<]*)<\/summary>([\s\S]*?)<\/details>/g)) out.set(sectionOf(d[1]!), d[1]! + d[2]!);
  return out;
}

/** The page's HTML cut into the same fields, by its data-field and data-form marks. */
function pageFields(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/data-field="([\w-]+)">([\s\S]*?)<\/(?:dd|p)>/g)) out.set(`field:${m[1]}`, m[2]!);
  const marks = [...html.matchAll(/data-form="([\w-]+)"/g)];
  marks.forEach((m, i) => out.set(m[1]!, html.slice(m.index!, marks[i + 1]?.index ?? html.length)));
  return out;
}

/** What each field of the form says, as the words both renderings must show. */
function expectations(f: ChangeForm): { comment: string; page: string; atoms: string[] }[] {
  const h = f.header;
  const day = (w: number) => WEEKDAYS[w]!;
  const out: { comment: string; page: string; atoms: string[] }[] = [
    { comment: 'header:Schedule', page: 'field:schedule', atoms: [`${day(h.start.weekday)} ${h.start.local}`, h.end.local.slice(11), h.zone] },
    { comment: 'header:Schedule (UTC)', page: 'field:schedule-utc', atoms: [`${day(h.start.utcWeekday)} ${h.start.utc}`, h.end.utc.slice(11)] },
    { comment: 'header:Duration', page: 'field:duration', atoms: [h.duration] },
    { comment: 'header:Environment', page: 'field:environment', atoms: [h.environment, ...(h.production ? ['production'] : [])] },
    { comment: 'header:Requester', page: 'field:requester', atoms: [h.requester] },
    { comment: 'header:Implementer', page: 'field:implementer', atoms: [h.implementer ?? 'not named'] },
    { comment: 'header:Type', page: 'field:type', atoms: [h.type, ...(h.template ? [h.template] : []), ...(h.effectiveType !== h.type ? [h.effectiveType] : [])] },
    { comment: 'header:Expected outage', page: 'field:outage', atoms: h.outage ? [h.outage.duration === '0m' ? 'none' : h.outage.duration, ...(h.outage.description ? [h.outage.description] : [])] : ['not stated'] },
    { comment: 'header:Services', page: 'field:services', atoms: h.services },
    { comment: 'header:CIs', page: 'field:cis', atoms: h.cis },
  ];
  if (f.verdict) {
    const v = f.verdict;
    out.push({ comment: 'verdict', page: 'field:verdict', atoms: [`impact ${v.impact} × likelihood ${v.likelihood}`, `${v.controlsMet}/${v.controlsRequired} controls met`, ...(v.blocking ? [`${v.blocking} blocking conflict`] : [])] });
    out.push({ comment: 'verdict', page: 'verdict', atoms: [v.class] });
  }
  if (f.approvals) {
    out.push({
      comment: 'approvals',
      page: 'approvals',
      atoms: [f.approvals.class, ...f.approvals.rows.flatMap((r) => [r.group, ...r.teams, ...r.approvedBy.map((a) => `@${a.login}`), ...r.approvedBy.flatMap((a) => (a.href ? [a.href] : [])), ...r.candidates.map((c) => `@${c}`)])],
    });
  }
  if (f.risk) out.push({ comment: 'risk', page: 'risk', atoms: [...f.risk.factors.flatMap((x) => [x.code, x.text]), ...f.risk.controls.flatMap((c) => [c.code, c.text])] });
  const s = f.sections;
  out.push({ comment: 'implementation', page: 'implementation', atoms: s.implementation });
  out.push({ comment: 'verification', page: 'verification', atoms: s.verification.flatMap((v) => [v.description, ...(v.at ? [v.at] : [])]) });
  out.push({
    comment: 'rollback',
    page: 'rollback',
    atoms: s.rollback ? [...s.rollback.steps, ...s.rollback.triggers, ...(s.rollback.expectedDuration ? [s.rollback.expectedDuration] : []), ...(s.rollback.rehearsal ? [s.rollback.rehearsal.at, ...(s.rollback.rehearsal.problem ? [s.rollback.rehearsal.problem.text] : [])] : ['never rehearsed'])] : [],
  });
  if (s.delivery) out.push({ comment: 'delivery', page: 'delivery', atoms: [valueMessage('en', 'strategy', s.delivery.strategy), ...s.delivery.stages.flatMap((st) => [`${st.traffic}%`, ...(st.duration ? [st.duration] : []), ...st.metrics])] });
  out.push({ comment: 'premortem', page: 'premortem', atoms: s.premortem.flatMap((p) => [p.risk, p.mitigation]) });
  out.push({ comment: 'communication', page: 'communication', atoms: s.communication.flatMap((c) => [c.audience, c.channel, c.message, c.when].filter((x): x is string => Boolean(x))) });
  if (f.blastRadius) out.push({ comment: 'blast-radius', page: 'blast-radius', atoms: [String(f.blastRadius.total), ...f.blastRadius.rows.flatMap((r) => [r.name, r.path.join(' → ')])] });
  out.push({ comment: 'conflicts', page: 'conflicts', atoms: f.conflicts.flatMap((c) => [c.code, c.text]) });
  out.push({
    comment: 'history',
    page: 'history',
    atoms: [f.history.from, f.history.to, ...f.history.changes.flatMap((c) => [c.id, `${day(c.start.weekday)} ${c.start.local}`, ...c.shared, ...c.incidents]), ...f.history.incidents.flatMap((i) => [i.id, i.title, i.severity, `${day(i.started.weekday)} ${i.started.local}`])],
  });
  out.push({ comment: 'readiness', page: 'readiness', atoms: f.readiness.map((r) => r.service) });
  return out;
}

describe('the comment and the catalog page: one view model, the same facts', () => {
  it('show every field of every change of the example organisation, each in its own place', () => {
    let compared = 0;
    for (const id of IDS()) {
      const f = forms.get(id)!;
      const comment = commentFields(toHtml(pullRequestComment(MARKER, [subjects.get(id)!], [], [], { forms }).body));
      const page = pageFields(catalogHtml(f));
      for (const e of expectations(f)) {
        const c = comment.get(e.comment);
        const p = page.get(e.page);
        expect(c, `${id}: the comment has no ${e.comment}`).toBeDefined();
        expect(p, `${id}: the page has no ${e.page}`).toBeDefined();
        for (const atom of e.atoms) {
          expect(seen(c!), `${id} ${e.comment}`).toContain(atom.toLowerCase());
          expect(seen(p!), `${id} ${e.page}`).toContain(atom.toLowerCase());
          compared++;
        }
      }
    }
    // Not a comparison of empty fields: the example organisation fills them.
    expect(compared).toBeGreaterThan(1000);
  });

  it('both say the same thing about a change that was not assessed', () => {
    const org = loaded.org;
    const id = IDS()[0]!;
    const form = buildChangeForm({ org, id, policy: activePolicy(org)!.doc.spec, zone: organisationZone(org), now: NOW });
    expect(form.verdict).toBeUndefined();
    const page = pageFields(catalogHtml(form));
    expect(page.has('field:verdict')).toBe(false);
    const body = pullRequestComment(MARKER, [{ ...subjects.get(id)!, report: undefined }], [], [], { forms: new Map([[id, form]]) }).body;
    expect(body.split('\n')[1]).toContain('not assessed');
  });
});

describe('the change form, from the organisation', () => {
  it('lists the earlier changes and incidents on what a change affects, within 90 days before it, with outcomes', () => {
    const withHistory = IDS().filter((id) => forms.get(id)!.history.changes.length || forms.get(id)!.history.incidents.length);
    expect(withHistory.length).toBeGreaterThan(0);
    for (const id of withHistory) {
      const h = forms.get(id)!.history;
      for (const c of h.changes) {
        expect(c.start.local >= h.from && c.start.local.slice(0, 10) <= h.to, `${id}: ${c.id}`).toBe(true);
        expect(c.shared.length).toBeGreaterThan(0);
        expect(c.id).not.toBe(id);
      }
    }
    // An incident caused by a change appears on that change's history row.
    const linked = IDS().flatMap((id) => forms.get(id)!.history.changes.filter((c) => c.incidents.length));
    for (const c of linked) for (const inc of c.incidents) expect(loaded.org.incidents.has(inc) || loaded.org.changes.get(c.id)!.doc.status?.outcome?.incidents?.includes(inc)).toBe(true);
  });

  it('links to the change page only when the catalog URL is configured', () => {
    const id = IDS()[0]!;
    expect(forms.get(id)!.catalogHref).toBeUndefined();
    const { form } = formFor(id, 'https://catalog.example.com/ops');
    expect(form.catalogHref).toBe(`https://catalog.example.com/ops/changes/${id}.html`);
    const body = pullRequestComment(MARKER, [subjects.get(id)!], [], [], { forms: new Map([[id, form]]) }).body;
    expect(toHtml(body)).toContain(`href="https://catalog.example.com/ops/changes/${id}.html"`);
  });
});

describe("a change too large for one comment", () => {
  /** The largest form of the example, inflated past GitHub's limit many times over. */
  function huge(catalogUrl?: string): { form: ChangeForm; subject: CommentSubject } {
    const id = IDS().find((x) => reports.get(x)!.class === 'high')!;
    const { form, subject } = formFor(id, catalogUrl);
    const long = (i: number, what: string) => `${what} ${i}: ${'drain the node, wait for the pool to settle | then **check** <the> dashboards '.repeat(3)}`;
    form.sections.implementation = Array.from({ length: 3000 }, (_, i) => long(i, 'step'));
    form.sections.premortem = Array.from({ length: 800 }, (_, i) => ({ risk: long(i, 'risk'), mitigation: long(i, 'mitigation') }));
    form.sections.communication = Array.from({ length: 500 }, (_, i) => ({ audience: `team ${i}`, channel: '#ops', message: long(i, 'message') }));
    form.history.changes = Array.from({ length: 2000 }, (_, i) => ({ ...form.history.changes[0], id: `CR-2026-${String(i).padStart(4, '0')}`, start: form.header.start, environment: 'production', shared: ['service:x'], phase: 'completed' as const, result: 'failed' as const, incidents: [] }));
    return { form, subject };
  }

  it.each([
    ['the catalog URL is configured', 'https://catalog.example.com/', undefined, 'catalog.example.com/changes/'],
    ['the run writes a job summary', undefined, 'https://github.com/northwind/ops/actions/runs/42', 'actions/runs/42'],
    ['there is neither', undefined, undefined, 'not published by this run'],
  ])('folds whole sections to fit when %s, and says where they are', (_, catalogUrl, jobSummaryUrl, where) => {
    const { form, subject } = huge(catalogUrl);
    const { body, folded } = pullRequestComment(MARKER, [subject], [], [], { forms: new Map([[form.id, form]]), ...(jobSummaryUrl ? { jobSummaryUrl } : {}) });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT);
    expect(folded).toEqual(expect.arrayContaining([`${form.id}: history`, `${form.id}: implementation`]));
    // The sections a reviewer decides by stay: approvals and the conflicts.
    expect(folded).not.toContain(`${form.id}: conflicts`);
    expect(folded).not.toContain(`${form.id}: rollback`);
    const html = toHtml(body);
    expect(balanced(html)).toEqual([]);
    expect(tableProblems(body, html)).toEqual([]);
    expect(body.split('\n')[1]).toContain(`**${form.id}**`);
    const foldedBlocks = [...html.matchAll(/<summary>([^<]*)\(folded\)<\/summary>([\s\S]*?)<\/details>/g)];
    expect(foldedBlocks.length).toBe(folded.length);
    for (const b of foldedBlocks) expect(seen(b[2]!)).toContain(where);
  });

  it('keeps as many whole verdict lines as fit when hundreds of changes come in one pull request', () => {
    const { form, subject } = formFor(IDS().find((x) => reports.get(x)!.class === 'high')!);
    const many = Array.from({ length: 1500 }, (_, i) => ({ ...subject, subject: `CR-2027-${String(i).padStart(4, '0')}` }));
    const manyForms = new Map(many.map((s) => [s.subject, { ...form, id: s.subject }]));
    const { body } = pullRequestComment(MARKER, many, [], [], { forms: manyForms });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT);
    expect(balanced(toHtml(body))).toEqual([]);
    expect(body).toMatch(/… and \d+ more changes, not shown/);
  });
});

describe('risk reasons read as dates on the organisation clock (#23.5)', () => {
  it('names the first peak minute with its ISO date and weekday, never an RFC 5545 day code', () => {
    const peak = [...reports.values()].flatMap((r) => r.factors.filter((f) => f.code === 'peak-hours'));
    expect(peak.length).toBeGreaterThan(0);
    for (const f of peak) {
      expect(f.reason).toMatch(/first at \d{4}-\d{2}-\d{2} \d{2}:\d{2} \((Mon|Tue|Wed|Thu|Fri|Sat|Sun), Asia\/Seoul\)/);
      expect(f.reason).not.toMatch(/\b(MO|TU|WE|TH|FR|SA|SU)\b/);
    }
  });

  it('shows every time a reason carries on the organisation clock', () => {
    const texts = [...reports.values()].flatMap((r) => [...r.factors.map((f) => f.reason), ...r.controls.map((c) => c.detail), ...r.conflicts.map((c) => c.message)]);
    for (const t of texts) {
      expect(t).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z/);
      expect(t).not.toMatch(/\b(MO|TU|WE|TH|FR|SA|SU) \d{2}:\d{2}/);
    }
  });
});
