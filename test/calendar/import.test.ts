import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCalendarYaml } from '../../src/core/calendar/calendar-yaml.js';
import { expandWindows } from '../../src/core/calendar/expand.js';
import { importArgoCd, parseGoDuration } from '../../src/core/calendar/import-argocd.js';
import { importGitLab } from '../../src/core/calendar/import-gitlab.js';
import { importedCalendar, type ImportResult } from '../../src/core/calendar/import.js';
import { preciseParse } from '../../src/core/parse/precise.js';
import { makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';
import { ms } from './helpers.js';

const ARGOCD = join(PROJECT_ROOT, 'test', 'fixtures', 'argocd');
const SINCE = ms('2026-03-01T00:00:00Z');

function documents(text: string): unknown[] {
  return preciseParse(text).documents.map((d) => d.value);
}
const argocdFile = (name: string) => documents(readFileSync(join(ARGOCD, name), 'utf8'));

async function validates(result: ImportResult): Promise<void> {
  const { calendar, windows } = importedCalendar('imported', result.windows);
  const yaml = renderCalendarYaml(calendar, windows);
  const { report } = await validateJson(makeOrg({ 'changes/imported-calendar.yaml': yaml }));
  expect(report.diagnostics).toEqual([]);
}

describe('Argo CD sync windows (real files from the Argo CD repository)', () => {
  it('maps the operator manual project: deny → freeze, allow → maintenance, cron → rule, Go duration → ours', () => {
    const r = importArgoCd(argocdFile('project.yaml'), { since: SINCE });
    expect(r.problems).toEqual([]);
    expect(r.windows.map((w) => w.window)).toEqual([
      { name: 'my-project-maintenance-1', kind: 'maintenance', start: '2026-03-01T01:10:00', rrule: 'FREQ=DAILY', duration: '1h', timeZone: 'UTC', reason: 'Argo CD allow sync window of AppProject my-project' },
      { name: 'my-project-maintenance-2', kind: 'maintenance', start: '2026-03-01T09:00:00', rrule: 'FREQ=DAILY', duration: '8h', timeZone: 'UTC', reason: 'Argo CD allow sync window of AppProject my-project' },
      { name: 'my-project-freeze-3', kind: 'freeze', start: '2026-03-01T22:00:00', rrule: 'FREQ=DAILY', duration: '1h', timeZone: 'UTC', reason: 'Argo CD deny sync window of AppProject my-project' },
      { name: 'my-project-maintenance-4', kind: 'maintenance', start: '2026-03-01T23:00:00', rrule: 'FREQ=DAILY', duration: '1h', timeZone: 'UTC', reason: 'Argo CD allow sync window of AppProject my-project' },
      // Argo CD syncs only inside allow windows: the rest of each day is a freeze.
      ...[
        ['2026-03-01T02:10:00', '6h50m'],
        ['2026-03-01T17:00:00', '6h'],
        ['2026-03-01T00:00:00', '1h10m'],
      ].map(([start, duration], i) => ({ name: `my-project-outside-allow-${i + 1}`, kind: 'freeze', start, rrule: 'FREQ=DAILY', duration, timeZone: 'UTC', reason: 'Argo CD syncs the applications of AppProject my-project only inside its allow windows (syncWindows[0], syncWindows[1], syncWindows[3])' })),
    ]);
    // What has no opsledger equivalent is said, not dropped silently.
    expect(r.windows[0]!.notes.join('\n')).toMatch(/applications \*-prod/);
    expect(r.windows[0]!.notes.join('\n')).toMatch(/manualSync/);
    expect(r.windows[2]!.notes.join('\n')).toMatch(/namespaces default/);
    expect(r.windows[3]!.notes.join('\n')).toMatch(/clusters in-cluster, cluster1/);
  });

  it('reads the time zone of the user-guide example and keeps the deny window at 22:00 Amsterdam across DST', () => {
    const r = importArgoCd(argocdFile('sync-windows-doc.yaml'), { since: SINCE });
    expect(r.problems).toEqual([]);
    const deny = r.windows.find((w) => w.window.kind === 'freeze')!.window;
    expect(deny).toMatchObject({ name: 'default-freeze-3', timeZone: 'Europe/Amsterdam', start: '2026-03-01T22:00:00', rrule: 'FREQ=DAILY' });
    const around = expandWindows([deny], { from: ms('2026-03-28T00:00:00Z'), to: ms('2026-03-31T00:00:00Z') });
    expect(around.map((o) => [o.start, o.localStart])).toEqual([
      ['2026-03-28T21:00:00Z', '2026-03-28T22:00:00+01:00'],
      ['2026-03-29T20:00:00Z', '2026-03-29T22:00:00+02:00'],
      ['2026-03-30T20:00:00Z', '2026-03-30T22:00:00+02:00'],
    ]);
  });

  it.each(['project.yaml', 'project-v2.14.0.yaml', 'sync-windows-doc.yaml'])('imports %s into a calendar that validates', async (file) => {
    const r = importArgoCd(argocdFile(file), { since: SINCE, environment: 'production' });
    expect(r.problems).toEqual([]);
    expect(r.windows.every((w) => w.window.scope?.environments?.[0] === 'production')).toBe(true);
    await validates(r);
  });

  it('says when a file holds no AppProject (the CRD)', () => {
    const r = importArgoCd(argocdFile('appproject-crd.yaml'), { since: SINCE });
    expect(r.windows).toEqual([]);
    expect(r.problems).toEqual([{ document: 0, pointer: '', code: 'import.no-windows', message: 'no Argo CD AppProject (kind: AppProject) in this file', severity: 'warning' }]);
  });

  it('turns exact application names into services, and starts a window that is running now at its current occurrence', () => {
    const doc = documents(`apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: shop}
spec:
  syncWindows:
    - {kind: deny, schedule: "0 18 * * 5", duration: 60h, applications: [checkout-api, cart], timeZone: Europe/Berlin, description: "Weekend freeze"}
`);
    // Saturday noon: the Friday 18:00 window is in force, so it is the window's start.
    const r = importArgoCd(doc, { since: ms('2026-03-07T12:00:00+01:00') });
    expect(r.problems).toEqual([]);
    expect(r.windows[0]!.window).toEqual({
      name: 'shop-freeze-1',
      kind: 'freeze',
      start: '2026-03-06T18:00:00',
      rrule: 'FREQ=WEEKLY;BYDAY=FR',
      duration: '60h',
      timeZone: 'Europe/Berlin',
      scope: { services: ['checkout-api', 'cart'] },
      reason: 'Weekend freeze',
    });
  });

  it.each([
    ['schedule: "0 22 * * 8"', '/spec/syncWindows/0/schedule', 'import.cron', /day-of-week: 8 is out of range 0-7/],
    ['schedule: "0 22 1 * 1"', '/spec/syncWindows/0/schedule', 'import.cron', /day-of-month: .*both restricted/],
    ['schedule: "{{.window}}"', '/spec/syncWindows/0/schedule', 'import.cron', /fields?; a schedule has five/],
    ['schedule: 22', '/spec/syncWindows/0/schedule', 'import.cron', /cron expression/],
    ['duration: 1d', '/spec/syncWindows/0/duration', 'import.duration', /not a Go duration/],
    ['duration: 500ms', '/spec/syncWindows/0/duration', 'import.duration', /whole seconds/],
    ['timeZone: CEST', '/spec/syncWindows/0/timeZone', 'import.timezone', /not an IANA time zone/],
    ['kind: block', '/spec/syncWindows/0/kind', 'import.shape', /allow or deny/],
  ])('reports %s at %s', (override, pointer, code, message) => {
    const [key] = override.split(':');
    const base: Record<string, string> = { kind: 'deny', schedule: '"0 22 * * *"', duration: '1h' };
    base[key!] = override.slice(key!.length + 1).trim();
    const yaml = `kind: AppProject\nmetadata: {name: p}\nspec:\n  syncWindows:\n    - ${Object.entries(base).map(([k, v]) => `${k}: ${v}`).join('\n      ')}\n`;
    const r = importArgoCd(documents(yaml), { since: SINCE });
    expect(r.windows).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ document: 0, pointer, code, severity: 'error' });
    expect(r.problems[0]!.message).toMatch(message);
  });

  it.each([
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2h45m30s', 9_930_000],
    ['300ms', 300],
    ['1d', undefined],
    ['', undefined],
    ['h', undefined],
  ])('Go duration %j is %s ms', (text, expected) => {
    expect(parseGoDuration(text)).toBe(expected);
  });
});

describe('GitLab deploy freeze periods', () => {
  const api = (periods: object[]) => [periods];

  it('turns a weekend freeze into one window with a fixed duration, starting with the one in force', async () => {
    // 2026-03-01T00:00Z is Sunday 01:00 in Berlin, inside the Friday-to-Monday freeze.
    const r = importGitLab(api([{ id: 7, freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1', cron_timezone: 'Europe/Berlin', created_at: '2026-01-01T00:00:00Z' }]), { since: SINCE });
    expect(r.problems).toEqual([]);
    expect(r.windows[0]!.window).toEqual({
      name: 'gitlab-freeze-7',
      kind: 'freeze',
      start: '2026-02-27T23:00:00',
      rrule: 'FREQ=WEEKLY;BYDAY=FR',
      duration: '2d8h',
      timeZone: 'Europe/Berlin',
      reason: 'GitLab deploy freeze from "0 23 * * 5" to "0 7 * * 1" (Europe/Berlin)',
    });
    // The freeze ends Monday 07:00 Berlin even across the March DST change.
    const [o] = expandWindows([r.windows[0]!.window], { from: ms('2026-03-28T00:00:00Z'), to: ms('2026-03-29T00:00:00Z') });
    expect([o!.localStart, o!.localEnd]).toEqual(['2026-03-27T23:00:00+01:00', '2026-03-30T07:00:00+02:00']);
    await validates(r);
  });

  it.each([
    ['a nightly freeze', { freeze_start: '0 20 * * *', freeze_end: '0 6 * * *', cron_timezone: 'UTC' }, 'FREQ=DAILY', '10h'],
    ['year-end, with freeze_periods wrapping', { freeze_start: '0 0 20 12 *', freeze_end: '0 0 3 1 *', cron_timezone: 'Asia/Seoul' }, 'FREQ=MONTHLY;BYMONTH=12;BYMONTHDAY=20', '14d'],
    ['no cron_timezone means UTC', { freeze_start: '0 22 * * 5', freeze_end: '0 6 * * 1' }, 'FREQ=WEEKLY;BYDAY=FR', '2d8h'],
  ])('%s', (_what, period, rrule, duration) => {
    const r = importGitLab([{ freeze_periods: [period] }], { since: SINCE });
    expect(r.problems).toEqual([]);
    expect(r.windows[0]!.window).toMatchObject({ rrule, duration });
  });

  it.each([
    [{ freeze_start: '0 23 * * *', freeze_end: '0 7 * * 1' }, '/0/freeze_end', 'import.gitlab-span', /by a fixed time \(8h after the first start, 6d8h after the one on 2026-03-02\)/],
    [{ freeze_start: '0 23 * * 9', freeze_end: '0 7 * * 1' }, '/0/freeze_start', 'import.cron', /day-of-week: 9 is out of range/],
    [{ freeze_start: '0 23 * * 5', freeze_end: '0 7 1 * 1' }, '/0/freeze_end', 'import.cron', /EITHER/],
    [{ freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1', cron_timezone: 'Pacific Time (US & Canada)' }, '/0/cron_timezone', 'import.timezone', /IANA/],
    [{ freeze_start: 5, freeze_end: '0 7 * * 1' }, '/0/freeze_start', 'import.cron', /cron expression/],
  ])('refuses %j at %s', (period, pointer, code, message) => {
    const r = importGitLab(api([period]), { since: SINCE });
    expect(r.windows).toEqual([]);
    expect(r.problems[0]).toMatchObject({ pointer, code, severity: 'error' });
    expect(r.problems[0]!.message).toMatch(message);
  });

  it('refuses a file that is not a list of freeze periods', () => {
    expect(importGitLab([{ hello: 'world' }], { since: SINCE }).problems[0]).toMatchObject({ code: 'import.shape', pointer: '' });
  });
});

describe('importedCalendar', () => {
  it('keeps names unique so the calendar validates', () => {
    const r = importArgoCd([...argocdFile('sync-windows-doc.yaml'), ...argocdFile('sync-windows-doc.yaml')], { since: SINCE });
    const { calendar } = importedCalendar('imported', r.windows);
    const names = calendar.spec.windows.map((w) => w.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('default-freeze-3-2');
  });

  it('renders YAML with the schema line, sources and notes as comments, and quoted dates', () => {
    const r = importArgoCd(argocdFile('project.yaml'), { since: SINCE });
    const { calendar, windows } = importedCalendar('argocd', r.windows);
    const yaml = renderCalendarYaml(calendar, windows, ['Imported for a test']);
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=https://opsledger.dev/schemas/v1/change-calendar.schema.json');
    expect(yaml).toContain('# Imported for a test');
    expect(yaml).toContain('# Argo CD AppProject my-project, spec.syncWindows[2]: deny "0 22 * * *" for 1h in UTC');
    expect(yaml).toContain('# note: namespaces default');
    expect(yaml).toContain('start: "2026-03-01T22:00:00"');
  });
});
