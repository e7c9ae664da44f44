import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

const ARGOCD = join(PROJECT_ROOT, 'test', 'fixtures', 'argocd');
const json = async (args: string[], cwd = PROJECT_ROOT) => {
  const r = await cli([...args, '--format', 'json'], cwd);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown> & { active: { name: string; blocking: boolean }[]; occurrences: { name: string; start: string; end: string; kind: string }[] };
};

describe('opsledger calendar on the example organisation', () => {
  it('is closed by the year-end freeze, with every contract key', async () => {
    const r = await json(['calendar', '--at', '2026-12-20T00:00:00+09:00']);
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['state', 'at', 'nextTransition', 'active', 'occurrences']));
    expect(r).toMatchObject({ state: 'closed', at: '2026-12-19T15:00:00Z', nextTransition: '2027-01-04T00:00:00Z', maintenance: false, range: { from: '2026-12-19T15:00:00Z', to: '2027-01-18T15:00:00Z' } });
    expect(r.active.map((a) => [a.name, a.blocking])).toEqual([['year-end-freeze-2026', true]]);
    expect(r.occurrences[0]).toEqual({
      name: 'year-end-freeze-2026',
      kind: 'freeze',
      start: '2026-12-17T15:00:00Z',
      end: '2027-01-04T00:00:00Z',
      localStart: '2026-12-18T00:00:00+09:00',
      localEnd: '2027-01-04T09:00:00+09:00',
      recurring: false,
      calendar: 'production',
      scope: { environments: ['production'] },
      allow: ['emergency'],
      reason: 'Holiday peak, reduced staffing and the year-end financial close',
    });
    const names = r.occurrences.map((o) => o.name);
    expect(names).toContain('us-east-sunday-maintenance');
    expect(names).not.toContain('black-friday-cyber-monday-2026');
  });

  it('answers for one service: payments-api is open until the seller payout freeze', async () => {
    const r = await json(['calendar', '--at', '2026-03-03T00:00:00Z', '--service', 'payments-api', '--to', '2026-04-03T00:00:00Z']);
    expect(r).toMatchObject({ state: 'open', nextTransition: '2026-03-27T00:00:00Z', subject: { services: ['payments-api'] } });
    expect([...new Set(r.occurrences.map((o) => o.name))].sort()).toEqual(['month-end-close', 'seller-payout-day', 'weekly-maintenance']);
  });

  it('answers for a change: CR-2026-0180 (normal, storefront-web) sits in the year-end freeze', async () => {
    const r = await json(['calendar', '--change', 'CR-2026-0180', '--at', '2026-12-21T10:00:00+09:00']);
    expect(r).toMatchObject({ state: 'closed', nextTransition: '2027-01-04T00:00:00Z', subject: { change: 'CR-2026-0180', services: ['storefront-web'], environments: ['production'], type: 'normal' } });
    expect(r.active.map((a) => a.name)).toEqual(['year-end-freeze-2026']);
  });

  it('inside the US window on a DST Sunday: maintenance at 03:00 New York time', async () => {
    const r = await json(['calendar', '--at', '2026-03-08T03:30:00-04:00', '--service', 'storefront-web']);
    expect(r).toMatchObject({ state: 'open', maintenance: true });
    expect(r.active.map((a) => a.name)).toEqual(['us-east-sunday-maintenance']);
  });

  it('defaults --at to now', async () => {
    const before = Date.now();
    const r = await json(['calendar']);
    expect(Date.parse(r.at as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(r.at as string)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('prints text by default', async () => {
    const r = await cli(['calendar', '--at', '2026-12-20T00:00:00+09:00']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('year-end-freeze-2026');
  });

  it.each([
    [['--at', '2026-12-20T00:00:00'], /--at takes an ISO 8601 instant with an offset/],
    [['--at', 'yesterday'], /--at takes/],
    [['--from', '2026-12-20T00:00:00Z', '--to', '2026-12-19T00:00:00Z'], /--to must come after --from/],
    [['--from', '2026-01-01T00:00:00Z', '--to', '2040-01-01T00:00:00Z'], /at most 3660 days/],
    [['--service', 'paymnts-api'], /no service "paymnts-api"; did you mean payments-api/],
    [['--change', 'CR-2026-9999'], /no change "CR-2026-9999"/],
    [['--change', 'CR-2026-0180', '--service', 'ledger'], /do not combine/],
    [['--format', 'xml'], /unknown format "xml"/],
    [['--with-changes'], /give --ics FILE too/],
    [['now'], /unexpected argument "now"/],
    [['--out', 'x.yaml'], /--out belongs to `opsledger calendar import`/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await cli(['calendar', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('opsledger calendar on fixture organisations', () => {
  it('reads the minimal organisation: the year-end freeze and the weekly window', async () => {
    const root = makeOrg();
    const r = await json(['calendar', '--root', root, '--at', '2026-12-21T00:00:00Z', '--to', '2026-12-29T00:00:00Z']);
    expect(r).toMatchObject({ state: 'closed', nextTransition: '2027-01-02T15:00:00Z' });
    expect(r.occurrences.map((o) => [o.name, o.start])).toEqual([
      ['year-end-freeze', '2026-12-19T15:00:00Z'],
      ['weekly-maintenance', '2026-12-21T16:00:00Z'],
      ['weekly-maintenance', '2026-12-28T16:00:00Z'],
    ]);
  });

  it('refuses to answer from a calendar that does not validate (its freezes would vanish)', async () => {
    const root = makeOrg({
      'changes/calendar.yaml': 'apiVersion: opsledger/v1\nkind: ChangeCalendar\nmetadata: {name: production}\nspec:\n  windows:\n    - {name: bad, kind: freeze, start: "2026-01-06T01:00:00", rrule: "FREQ=WEEKLY;BYDAY=XX", duration: 3h, timeZone: Asia/Seoul}\n',
    });
    const r = await cli(['calendar', '--root', root, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('calendar.rrule');
  });

  it('is open with no calendar at all', async () => {
    const root = makeOrg({ 'changes/calendar.yaml': '# no calendar\n' });
    const r = await json(['calendar', '--root', root, '--at', '2026-12-21T00:00:00Z']);
    expect(r).toMatchObject({ state: 'open', nextTransition: null, active: [], occurrences: [] });
  });
});

describe('opsledger calendar --ics', () => {
  it('writes an .ics that ical.js reads, with scheduled changes when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-ics-'));
    const target = join(dir, 'calendar.ics');
    const ok = await json(['calendar', '--at', '2026-12-20T00:00:00+09:00', '--ics', target, '--with-changes']);
    // 7 windows and the 22 changes less the three drafts and cancelled ones.
    expect(ok.ics).toEqual({ file: target, events: 7 + 19 });
    const ics = readFileSync(target, 'utf8');
    const uids = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('uid'));
    expect(uids).toHaveLength(26);
    expect(uids).toContain('year-end-freeze-2026.production@opsledger');
    expect(uids).toContain('CR-2026-0180@opsledger');
    expect(uids).not.toContain('CR-2026-0166@opsledger');
    expect(readdirSync(dir)).toEqual(['calendar.ics']);
  });

  it('exports only the windows that apply to --service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-ics-'));
    const target = join(dir, 'ledger.ics');
    await json(['calendar', '--service', 'ledger', '--ics', target]);
    const uids = new ICAL.Component(ICAL.parse(readFileSync(target, 'utf8'))).getAllSubcomponents('vevent').map((e) => String(e.getFirstPropertyValue('uid')).split('.')[0]);
    expect(uids.sort()).toEqual(['black-friday-cyber-monday-2026', 'month-end-close', 'seller-payout-day', 'weekly-maintenance', 'year-end-freeze-2026']);
  });

  it('leaves nothing half-written when the file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-ics-'));
    mkdirSync(join(dir, 'taken.ics'));
    writeFileSync(join(dir, 'keep.ics'), 'old content');
    const r = await cli(['calendar', '--ics', join(dir, 'taken.ics')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cannot write ${join(dir, 'taken.ics')}`);
    expect(readdirSync(dir).sort()).toEqual(['keep.ics', 'taken.ics']);
    expect(readdirSync(join(dir, 'taken.ics'))).toEqual([]);
    expect(readFileSync(join(dir, 'keep.ics'), 'utf8')).toBe('old content');
  });
});

describe('opsledger calendar import', () => {
  it('prints a ChangeCalendar for the Argo CD operator-manual project that validates', async () => {
    const r = await cli(['calendar', 'import', 'argocd', join(ARGOCD, 'project.yaml'), '--since', '2026-03-01T00:00:00Z', '--env', 'production', '--name', 'argocd']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('# yaml-language-server: $schema=https://opsledger.dev/schemas/v1/change-calendar.schema.json');
    const { report } = await validateJson(makeOrg({ 'changes/argocd.yaml': r.stdout }));
    expect(report.diagnostics).toEqual([]);
    const listed = await json(['calendar', '--root', makeOrg({ 'changes/calendar.yaml': r.stdout }), '--at', '2026-03-02T22:30:00Z', '--to', '2026-03-03T00:00:00Z']);
    expect(listed).toMatchObject({ state: 'closed', nextTransition: '2026-03-02T23:00:00Z' });
    // 17:00 to 23:00 lies outside every allow window, so Argo CD would not sync then either.
    expect(listed.occurrences.map((o) => o.name)).toEqual(['my-project-outside-allow-2', 'my-project-freeze-3', 'my-project-maintenance-4']);
  });

  it('writes --out atomically and reports where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-import-'));
    const r = await cli(['calendar', 'import', 'argocd', join(ARGOCD, 'sync-windows-doc.yaml'), join(ARGOCD, 'project-v2.14.0.yaml'), '--out', join(dir, 'calendar.yaml'), '--since', '2026-03-01T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['calendar.yaml']);
    const text = readFileSync(join(dir, 'calendar.yaml'), 'utf8');
    expect(text).toContain('name: default-freeze-3');
    expect(text).toContain('name: my-project-freeze-2');
    const { report } = await validateJson(makeOrg({ 'changes/calendar.yaml': text }));
    expect(report.diagnostics).toEqual([]);
  });

  it('imports GitLab freeze periods from the API JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-import-'));
    writeFileSync(join(dir, 'freeze_periods.json'), JSON.stringify([{ id: 1, freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1', cron_timezone: 'UTC', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' }]));
    const r = await cli(['calendar', 'import', 'gitlab', 'freeze_periods.json', '--since', '2026-03-02T12:00:00Z'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('name: gitlab-freeze-1');
    expect(r.stdout).toContain('duration: 2d8h');
    expect(r.stdout).toContain('start: "2026-03-06T23:00:00"');
  });

  it('reports a bad cron at its line and column, exits 1 and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-import-'));
    writeFileSync(join(dir, 'project.yaml'), 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: shop}\nspec:\n  syncWindows:\n    - kind: deny\n      schedule: "0 22 * * 8"\n      duration: 1h\n');
    const r = await cli(['calendar', 'import', 'argocd', 'project.yaml', '--out', 'calendar.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('project.yaml:7:17');
    expect(r.stderr).toContain('import.cron');
    expect(r.stderr).toContain('day-of-week: 8 is out of range 0-7');
    expect(existsSync(join(dir, 'calendar.yaml'))).toBe(false);
  });

  it('warns about a file without sync windows and still prints a valid (empty) calendar', async () => {
    const r = await cli(['calendar', 'import', 'argocd', join(ARGOCD, 'appproject-crd.yaml'), '--since', '2026-03-01T00:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('import.no-windows');
    expect(r.stdout).toContain('windows: []');
  });

  it.each([
    [['calendar', 'import'], /name what to import from: argocd or gitlab/],
    [['calendar', 'import', 'jenkins', 'x'], /cannot import calendars from "jenkins"/],
    [['calendar', 'import', 'argocd'], /name the argocd files/],
    [['calendar', 'import', 'argocd', 'missing.yaml'], /no such file: missing.yaml/],
    [['calendar', 'import', 'argocd', 'x.yaml', '--since', 'soon'], /--since takes an ISO 8601 instant/],
    [['calendar', 'import', 'argocd', 'x.yaml', '--name', 'Bad Name'], /--name "Bad Name" must be a lowercase DNS label/],
    [['calendar', 'import', 'argocd', 'x.yaml', '--at', '2026-01-01T00:00:00Z'], /--at does not apply/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
