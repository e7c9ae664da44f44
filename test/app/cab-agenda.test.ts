import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { cabAgenda } from '../../src/app/cab-agenda.js';
import { loadOrganisation } from '../../src/app/load-organisation.js';
import type { AgendaReport } from '../../src/core/cab-agenda/build.js';
import { openQuestions } from '../../src/core/cab-agenda/questions.js';
import type { AgendaQuestion, ChangeRequest, PolicySpec } from '../../src/core/model.js';
import { copyExampleOrg } from '../helpers/example-org.js';
import { cli } from '../helpers/org.js';

/**
 * `opsledger cab agenda` over the shipped example organisation (Northwind), the two weeks from
 * Thursday 3 December 2026 14:00 KST (the CAB's meeting time), checked against what the YAML
 * says when read by hand:
 * - open changes in the period: CR-2026-0174 (standard, its template covers it: pre-approved,
 *   not on the agenda), CR-2026-0176 and CR-2026-0177 (both Tuesday 8 Dec, checkout-api, high,
 *   overlapping each other), CR-2026-0187 (a draft, Tuesday 15 Dec, search-api, high);
 * - CR-2026-0176 records itself as approved and answers both questions (rehearsed 2026-11-19,
 *   a communication plan); CR-2026-0177 and CR-2026-0187 have neither;
 * - CR-2026-0177 names checkout-api and two CIs, vault-prod being k8s-platform's: two owner
 *   requirements, then two cab approvals;
 * - windows: the US-East Sunday window on 6 and 13 Dec, the Tuesday window on 8 and 15 Dec;
 *   the year-end freeze starts 18 Dec 00:00 KST, after the period;
 * - no emergency change without its review (CR-2026-0142 and CR-2026-0158 have theirs).
 */
const AT = '2026-12-03T14:00:00+09:00';
const CAB = ['hyejin-seo', 'eunbi-cho', 'marcus-webb', 'yuna-lee', 'daniel-ortiz', 'soyeon-jang', 'ravi-menon', 'jae-kwon'];
const CHECKOUT = ['yuna-lee', 'dohyun-kang', 'sarah-okafor', 'junho-shin', 'lucia-ferraro'];
const PLATFORM = ['hyejin-seo', 'kenji-mori', 'taeyang-moon', 'nadia-rahman', 'chris-ahn', 'oleksandr-kovalenko', 'jisoo-ryu'];
const STOREFRONT = ['soyeon-jang', 'emma-lindqvist', 'minho-cha', 'grace-lim', 'kwame-asante'];

let root: string;
beforeAll(() => {
  root = copyExampleOrg();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const agenda = async (format: string, extra: string[] = []) => cli(['cab', 'agenda', '--root', root, '--at', AT, '--format', format, ...extra], root);
const ids = (r: AgendaReport) => r.classes.flatMap((c) => c.days.flatMap((d) => d.changes.map((x) => x.id)));
const item = (r: AgendaReport, id: string) => r.classes.flatMap((c) => c.days.flatMap((d) => d.changes)).find((x) => x.id === id)!;

describe('the example organisation, two weeks from the Thursday meeting', () => {
  let report: AgendaReport;
  beforeAll(async () => {
    const r = await agenda('json');
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout) as AgendaReport;
  });

  it('covers the default period (14 days from --at) in the organisation zone', () => {
    expect(report.period).toEqual({ from: '2026-12-03T05:00:00Z', to: '2026-12-17T05:00:00Z', localFrom: '2026-12-03T14:00:00+09:00', localTo: '2026-12-17T14:00:00+09:00' });
    expect(report.zone).toBe('Asia/Seoul');
    expect(report.groups).toEqual(['cab']);
  });

  it('groups the changes needing the CAB by class and local date', () => {
    expect(report.classes.map((c) => ({ class: c.class, days: c.days.map((d) => [d.date, d.changes.map((x) => x.id)]) }))).toEqual([
      { class: 'high', days: [['2026-12-08', ['CR-2026-0176', 'CR-2026-0177']], ['2026-12-15', ['CR-2026-0187']]] },
    ]);
    expect(ids(report)).not.toContain('CR-2026-0174');
  });

  it.each([
    ['CR-2026-0176', 'approved', []],
    ['CR-2026-0177', 'submitted', [['owner:checkout-api', 1, CHECKOUT], ['owner:k8s-platform', 1, PLATFORM], ['cab', 2, CAB]]],
    ['CR-2026-0187', 'draft', [['owner', 1, STOREFRONT], ['cab', 2, CAB]]],
  ] as const)('%s (%s) still needs %j', (id, phase, missing) => {
    const x = item(report, id);
    expect(x.phase).toBe(phase);
    expect(x.missingApprovals.map((a) => [a.group, a.count, a.members])).toEqual(missing);
    expect(x.approvals.map((a) => a.group)).toContain('cab');
  });

  it.each([
    ['CR-2026-0176', [], [['overlapping-change', 'warning', 'CR-2026-0177']]],
    ['CR-2026-0177', ['rehearsal', 'communication'], [['overlapping-change', 'warning', 'CR-2026-0176']]],
    ['CR-2026-0187', ['rehearsal', 'communication'], []],
  ] as const)('%s: open questions %j, conflicts %j', (id, questions, conflicts) => {
    const x = item(report, id);
    expect(x.questions.map((q) => q.id)).toEqual(questions);
    expect(x.conflicts.map((c) => [c.code, c.severity, c.with])).toEqual(conflicts);
    expect(x.verdict.class).toBe('high');
    expect(x.verdict.text.startsWith('high risk: impact 4 × likelihood')).toBe(true);
  });

  it('lists the windows in force over the period', () => {
    expect(report.windows.map((w) => [w.kind, w.name, w.start, w.end])).toEqual([
      ['maintenance', 'us-east-sunday-maintenance', '2026-12-06T08:00:00Z', '2026-12-06T12:00:00Z'],
      ['maintenance', 'weekly-maintenance', '2026-12-07T16:00:00Z', '2026-12-07T19:00:00Z'],
      ['maintenance', 'us-east-sunday-maintenance', '2026-12-13T08:00:00Z', '2026-12-13T12:00:00Z'],
      ['maintenance', 'weekly-maintenance', '2026-12-14T16:00:00Z', '2026-12-14T19:00:00Z'],
    ]);
    expect(report.emergencies).toEqual([]);
  });

  it('prints the same agenda as text', async () => {
    const r = await agenda('text');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('CAB agenda, 2026-12-03T14:00:00+09:00 to 2026-12-17T14:00:00+09:00 (Asia/Seoul)');
    // Change ids in the order of the JSON, under their class and date.
    expect(lines.filter((l) => /^ {6}CR-/.test(l)).map((l) => l.trim().slice(0, 12))).toEqual(ids(report));
    expect(lines.filter((l) => /^ {4}\d{4}-/.test(l)).map((l) => l.trim())).toEqual(['2026-12-08 Tuesday', '2026-12-15 Tuesday']);
    expect(lines.filter((l) => l.startsWith('  maintenance') || l.startsWith('  freeze'))).toHaveLength(4);
  });

  it('prints markdown that GitHub renders as headings, lists, task items and one well-formed table', async () => {
    const r = await agenda('markdown');
    expect(r.code).toBe(0);
    const html = micromark(r.stdout, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    expect([...html.matchAll(/<h5>([^<]*)<\/h5>/g)].map((m) => m[1])).toEqual(['2026-12-08 Tuesday', '2026-12-15 Tuesday']);
    expect([...html.matchAll(/<strong>(CR-[^<]*)<\/strong>/g)].map((m) => m[1])).toEqual(ids(report));
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html.match(/<tbody>[\s\S]*<\/tbody>/)![0].match(/<tr>/g)).toHaveLength(4);
    expect(html.match(/type="checkbox"/g)).toHaveLength(4);
  });

  it('exports the agenda as iCalendar: its changes with their class and the window occurrences of the period', async () => {
    const r = await agenda('ics');
    expect(r.code).toBe(0);
    const events = checkIcs(r.stdout);
    expect(events.filter((e) => e.categories.includes('change')).map((e) => [e.uid, e.risk])).toEqual([
      ['CR-2026-0176@opsledger', 'high'],
      ['CR-2026-0177@opsledger', 'high'],
      ['CR-2026-0187@opsledger', 'high'],
    ]);
    expect(events.filter((e) => !e.categories.includes('change')).map((e) => e.start)).toEqual(report.windows.map((w) => w.start));
  });
});

describe('a period with nothing for the CAB', () => {
  // A week in March 2027: no change is scheduled; only the weekly windows recur.
  const period = ['--from', '2027-03-01T00:00:00+09:00', '--to', '2027-03-08T00:00:00+09:00'];
  it.each([
    ['text', (out: string) => expect(out).toContain('  No change in this period needs the approval of cab.\n')],
    ['markdown', (out: string) => expect(out).toContain('\nNo change in this period needs the approval of cab.\n')],
    ['json', (out: string) => expect(JSON.parse(out)).toMatchObject({ classes: [], emergencies: [] })],
    ['ics', (out: string) => expect(checkIcs(out).filter((e) => e.categories.includes('change'))).toEqual([])],
  ])('%s says so', async (format, check) => {
    const r = await agenda(format, period);
    expect(r.code).toBe(0);
    check(r.stdout);
  });
});

describe('markdown from hostile YAML', () => {
  it('keeps titles and reasons words: no HTML, link, mention or broken table reaches GitHub', async () => {
    const hostile = '<img src=x onerror=alert(1)> @northwind/cab **urgent** | cell #12 https://evil.example [x](https://evil.example)';
    const files = { change: join(root, 'changes', 'CR-2026-0177.yaml'), calendar: join(root, 'changes', 'calendar.yaml') };
    const saved = { change: readFileSync(files.change, 'utf8'), calendar: readFileSync(files.calendar, 'utf8') };
    writeFileSync(files.change, saved.change.replace(/^  title: .*$/m, `  title: ${JSON.stringify(hostile)}`));
    writeFileSync(files.calendar, saved.calendar.replace('reason: Lowest-traffic hours of the week; the platform on-call is on the bridge', `reason: ${JSON.stringify(hostile)}`));
    try {
      const r = await agenda('markdown');
      expect(r.code).toBe(0);
      const html = micromark(r.stdout, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
      expect(html).not.toMatch(/<img|<a |<strong>urgent/);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      // Every body row of the window table still has its six cells.
      for (const row of html.match(/<tbody>[\s\S]*<\/tbody>/)![0].split('<tr>').slice(1)) expect(row.match(/<td/g)).toHaveLength(6);
    } finally {
      writeFileSync(files.change, saved.change);
      writeFileSync(files.calendar, saved.calendar);
    }
  });
});

interface IcsEvent {
  uid: string;
  start: string;
  end: string;
  categories: string[];
  risk?: string;
  summary: string;
  description: string;
}

/** RFC 5545 line rules checked on the text, then the file read by ical.js (an independent reader). */
function checkIcs(ics: string): IcsEvent[] {
  expect(ics.endsWith('\r\n')).toBe(true);
  expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const physical = ics.slice(0, -2).split('\r\n');
  for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  expect(physical[0]).toBe('BEGIN:VCALENDAR');
  const root = new ICAL.Component(ICAL.parse(ics));
  return root.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const risk = v.getFirstPropertyValue('x-opsledger-risk');
    return {
      uid: e.uid,
      start: e.startDate.toJSDate().toISOString().replace('.000Z', 'Z'),
      end: e.endDate.toJSDate().toISOString().replace('.000Z', 'Z'),
      categories: v.getAllProperties('categories').flatMap((p) => p.getValues() as string[]),
      ...(risk ? { risk: String(risk) } : {}),
      summary: e.summary,
      description: e.description ?? '',
    };
  });
}

describe('the terminal calendar lists scheduled changes with their class', () => {
  const TO = '2026-12-17T14:00:00+09:00';
  it.each([
    ['everyone', [], [['CR-2026-0176', 'high'], ['CR-2026-0177', 'high'], ['CR-2026-0174', 'medium']]],
    ['a service a change names', ['--service', 'checkout-api'], [['CR-2026-0176', 'high'], ['CR-2026-0177', 'high']]],
    // CR-2026-0177 names vault-prod, a CI of k8s-platform.
    ['a service reached through a CI', ['--service', 'k8s-platform'], [['CR-2026-0177', 'high']]],
    ['another environment', ['--env', 'staging'], []],
    ['one change', ['--change', 'CR-2026-0174'], [['CR-2026-0174', 'medium']]],
  ])('%s', async (_what, args, expected) => {
    const r = await cli(['calendar', '--root', root, '--at', AT, '--to', TO, '--format', 'json', ...args], root);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { changes: { id: string; class: string }[] }).changes.map((c) => [c.id, c.class])).toEqual(expected);
  });

  it('prints them after the windows, and not with --no-changes', async () => {
    const on = await cli(['calendar', '--root', root, '--at', AT, '--to', TO], root);
    expect(on.stdout).toMatch(/\nScheduled changes from 2026-12-03T05:00:00Z to 2026-12-17T05:00:00Z: 3\n {2}CR-2026-0176 +high +normal /);
    const off = await cli(['calendar', '--root', root, '--at', AT, '--to', TO, '--no-changes', '--format', 'json'], root);
    expect(JSON.parse(off.stdout)).not.toHaveProperty('changes');
    expect((await cli(['calendar', '--root', root, '--at', AT, '--to', TO, '--no-changes'], root)).stdout).not.toContain('Scheduled changes');
  });
});

describe('calendar --from/--to narrow the .ics export', () => {
  const FROM = '2026-12-03T14:00:00+09:00';
  it.each([
    // A week: two window occurrences and the two changes of Tuesday 8 Dec.
    ['a week', '2026-12-10T00:00:00+09:00', ['us-east-sunday-maintenance.production.20261206T080000Z@opsledger', 'weekly-maintenance.production.20261207T160000Z@opsledger', 'CR-2026-0176@opsledger', 'CR-2026-0177@opsledger']],
    // Into the year-end freeze: its one-off window keeps the UID of the whole export.
    ['into the year-end freeze', '2026-12-19T00:00:00+09:00', [
      'us-east-sunday-maintenance.production.20261206T080000Z@opsledger',
      'weekly-maintenance.production.20261207T160000Z@opsledger',
      'us-east-sunday-maintenance.production.20261213T080000Z@opsledger',
      'weekly-maintenance.production.20261214T160000Z@opsledger',
      'year-end-freeze-2026.production@opsledger',
      'CR-2026-0176@opsledger',
      'CR-2026-0177@opsledger',
      'CR-2026-0174@opsledger',
    ]],
  ])('%s', async (_what, to, uids) => {
    const file = join(root, 'narrow.ics');
    const r = await cli(['calendar', '--root', root, '--at', AT, '--from', FROM, '--to', to, '--ics', file, '--with-changes', '--format', 'json'], root);
    expect(r.code).toBe(0);
    const events = checkIcs(readFileSync(file, 'utf8'));
    expect(events.map((e) => e.uid)).toEqual(uids);
    expect(JSON.parse(r.stdout).ics.events).toBe(uids.length);
    // Every event overlaps the range; none needs a time zone of its own.
    for (const e of events) expect(e.start < new Date(to).toISOString() && e.end > new Date(FROM).toISOString()).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('BEGIN:VTIMEZONE');
    // Text is escaped as RFC 5545 asks and read back intact.
    const weekly = events.find((e) => e.uid.startsWith('weekly-maintenance'))!;
    expect(weekly.description).toContain('Lowest-traffic hours of the week; the platform on-call is on the bridge');
    expect(readFileSync(file, 'utf8')).toContain('Lowest-traffic hours of the week\\; the platform on-call');
  });

  it('without --from/--to the export keeps every window whole, as before', async () => {
    const file = join(root, 'whole.ics');
    const r = await cli(['calendar', '--root', root, '--at', AT, '--ics', file], root);
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('RRULE:FREQ=WEEKLY;BYDAY=TU');
    expect(text).toContain('BEGIN:VTIMEZONE');
  });
});

describe('emergency changes awaiting their post-implementation review', () => {
  const emergency = (id: string, start: string, end: string, status: string) =>
    readFileSync(join(root, 'changes', 'CR-2026-0158.yaml'), 'utf8')
      .replace('name: CR-2026-0158', `name: ${id}`)
      .replace(/schedule: \{[^}]*\}/, `schedule: {start: "${start}", end: "${end}"}`)
      .replace(/status:[\s\S]*$/, status);
  const completed = (implementedAt: string, review = false) => `status:\n  phase: completed\n  outcome:\n    result: successful\n    implementedAt: "${implementedAt}"\n${review ? '    review: https://wiki.northwind.example/ops/pir/x\n' : ''}`;

  it.each([
    // Implemented on Tuesday 1 Dec, review due five days later: on the agenda, not yet overdue.
    ['recent, no review', '2026-12-01T20:00:00+09:00', completed('2026-12-01T20:10:00+09:00'), { implementedAt: '2026-12-01T11:10:00Z', due: '2026-12-06T11:10:00Z', overdue: false }],
    // Implemented on 20 Nov: due on 25 Nov, overdue at the meeting.
    ['older, no review', '2026-11-20T20:00:00+09:00', completed('2026-11-20T20:05:00+09:00'), { implementedAt: '2026-11-20T11:05:00Z', due: '2026-11-25T11:05:00Z', overdue: true }],
    // Without an implementation time the schedule's start stands for it.
    ['no outcome yet', '2026-12-02T09:00:00+09:00', 'status:\n  phase: implementing\n', { implementedAt: '2026-12-02T00:00:00Z', due: '2026-12-07T00:00:00Z', overdue: false }],
    ['reviewed', '2026-12-01T20:00:00+09:00', completed('2026-12-01T20:10:00+09:00', true), undefined],
    ['cancelled', '2026-12-01T20:00:00+09:00', 'status:\n  phase: cancelled\n', undefined],
    ['scheduled after the meeting', '2026-12-05T20:00:00+09:00', 'status:\n  phase: approved\n', undefined],
  ])('%s', async (_what, start, status, expected) => {
    const end = new Date(Date.parse(start) + 3_600_000).toISOString();
    const file = join(root, 'changes', 'CR-2026-0990.yaml');
    writeFileSync(file, emergency('CR-2026-0990', start, end, status));
    try {
      const loaded = await loadOrganisation(worktreeSource(root));
      expect(loaded.validation.summary.errors).toBe(0);
      const now = Date.parse(AT);
      const report = cabAgenda(loaded, { shallow: false, byId: new Map() }, { now, from: now, to: now + 14 * 86_400_000 });
      const found = report.emergencies.find((e) => e.id === 'CR-2026-0990');
      if (!expected) expect(found).toBeUndefined();
      else {
        expect(found).toMatchObject(expected);
        expect(report.emergencies.map((e) => e.id)).toEqual(['CR-2026-0990']);
      }
    } finally {
      rmSync(file);
    }
  });
});

describe('open questions', () => {
  const policy = { evidence: { maxAge: '90d', hosts: ['github.com'] } } as unknown as PolicySpec;
  const change = (spec: Partial<ChangeRequest['spec']>) =>
    ({ metadata: { name: 'CR-2026-0001' }, spec: { type: 'normal', requester: 'x', environment: 'production', schedule: { start: '2026-12-08T01:00:00+09:00', end: '2026-12-08T04:00:00+09:00' }, ...spec } }) as ChangeRequest;
  const NOW = Date.parse('2026-12-03T05:00:00Z');
  const rehearsal = (within?: string): AgendaQuestion => ({ id: 'q', check: 'rollback-rehearsed', ...(within ? { within } : {}) });

  it.each<[string, AgendaQuestion, Partial<ChangeRequest['spec']>, boolean, boolean]>([
    ['no rehearsal at all', rehearsal(), {}, false, true],
    ['rehearsed 19 days before the start', rehearsal(), { rollback: { tested: { at: '2026-11-19' } } }, false, false],
    ['rehearsed 31 days before, within 30d asked', rehearsal(), { rollback: { tested: { at: '2026-11-06' } } }, false, true],
    ['rehearsed 31 days before, within 60d asked', rehearsal('60d'), { rollback: { tested: { at: '2026-11-06' } } }, false, false],
    // Evidence from after the assessment never answers the question.
    ['rehearsal dated in the future', rehearsal(), { rollback: { tested: { at: '2026-12-05' } } }, false, true],
    // A link the evidence policy would refuse is the control's business, not this question's.
    ['rehearsal with an untrusted link', rehearsal(), { rollback: { tested: { at: '2026-11-19', evidence: 'https://paste.example/x' } } }, false, false],
    ['no pre-mortem', { id: 'q', check: 'premortem' }, {}, false, true],
    ['a pre-mortem', { id: 'q', check: 'premortem' }, { premortem: [{ risk: 'r', mitigation: 'm' }] }, false, false],
    ['no verification', { id: 'q', check: 'verification' }, {}, false, true],
    ['no communication plan', { id: 'q', check: 'communication' }, { communication: [] }, false, true],
    ['outside maintenance', { id: 'q', check: 'maintenance-window' }, {}, false, true],
    ['inside maintenance', { id: 'q', check: 'maintenance-window' }, {}, true, false],
    ['asked only of critical changes', { id: 'q', check: 'premortem', classes: ['critical'] }, {}, false, false],
  ])('%s', (_what, question, spec, inMaintenance, open) => {
    const asked = openQuestions([question], change(spec), { class: 'high', inMaintenance, zone: 'Asia/Seoul' }, policy, NOW);
    expect(asked.map((q) => q.id)).toEqual(open ? ['q'] : []);
  });
});

describe('usage', () => {
  it.each([
    [['cab', 'agenda', '--from', '2026-12-10T00:00:00Z', '--to', '2026-12-01T00:00:00Z']],
    [['cab', 'agenda', '--from', 'next thursday']],
    [['cab', 'agenda', '--from', '2026-01-01T00:00:00Z', '--to', '2028-01-01T00:00:00Z']],
    [['cab', 'agenda', 'extra']],
    [['cab', 'agenda', '--pr', '12']],
    [['cab', 'agenda', '--format', 'sarif']],
    [['cab', '--from', '2026-12-10T00:00:00Z']],
    [['cab', '--format', 'markdown']],
    [['cab', 'minutes']],
    [['calendar', '--changes', '--no-changes']],
  ])('%j exits 2', async (args) => {
    const r = await cli([...args, '--root', root], root);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
