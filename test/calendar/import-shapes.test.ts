import { describe, expect, it } from 'vitest';
import { expandWindows } from '../../src/core/calendar/expand.js';
import { importArgoCd } from '../../src/core/calendar/import-argocd.js';
import { importGitLab } from '../../src/core/calendar/import-gitlab.js';

/**
 * GitLab's two API answers (the list from GET .../freeze_periods, the one period from
 * GET .../freeze_periods/:id), and Argo CD's allow windows, which block every sync outside
 * them for the applications they match.
 */
const SINCE = Date.parse('2026-03-01T00:00:00Z');
const ms = (t: string) => Date.parse(t);
const PERIOD = { id: 1, freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1', cron_timezone: 'UTC', created_at: '2020-05-15T17:03:35.702Z', updated_at: '2020-05-15T17:06:41.566Z' };

describe('GitLab freeze periods in both API shapes', () => {
  it('reads one period (an object) as it reads a list of one', () => {
    const single = importGitLab([PERIOD], { since: SINCE });
    const list = importGitLab([[PERIOD]], { since: SINCE });
    expect(single.problems).toEqual([]);
    expect(single.windows.map((w) => w.window)).toEqual(list.windows.map((w) => w.window));
    expect(single.windows[0]!.window).toMatchObject({ name: 'gitlab-freeze-1', rrule: 'FREQ=WEEKLY;BYDAY=FR', duration: '2d8h' });
  });

  it('points into the object itself when one period is wrong', () => {
    const r = importGitLab([{ ...PERIOD, freeze_end: '0 7 * * 9' }], { since: SINCE });
    expect(r.problems[0]).toMatchObject({ pointer: '/freeze_end', code: 'import.cron', severity: 'error' });
  });
});

const project = (windows: string) => [
  {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'prod' },
    spec: { syncWindows: JSON.parse(windows) as unknown[] },
  },
];

describe('Argo CD allow windows', () => {
  it('make the time outside them a freeze, weekdays and weekend apart', () => {
    // Syncs allowed 10:00-16:00 Seoul time on weekdays only.
    const r = importArgoCd(project('[{"kind":"allow","schedule":"0 10 * * 1-5","duration":"6h","applications":["*"],"timeZone":"Asia/Seoul"}]'), { since: SINCE });
    expect(r.problems).toEqual([]);
    const outside = r.windows.filter((w) => w.window.kind === 'freeze').map((w) => w.window);
    expect(outside.map((w) => [w.rrule, w.duration, w.timeZone])).toEqual([
      ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', '18h', 'Asia/Seoul'],
      ['FREQ=WEEKLY;BYDAY=FR', '2d18h', 'Asia/Seoul'],
    ]);
    // Over one week, allowed and frozen time together cover every minute exactly once.
    const week = { from: ms('2026-03-09T00:00:00+09:00'), to: ms('2026-03-16T00:00:00+09:00') };
    const all = expandWindows(r.windows.map((w) => w.window), { from: week.from - 7 * 86_400_000, to: week.to });
    const covered = all.reduce((n, o) => n + Math.max(0, Math.min(o.endMs, week.to) - Math.max(o.startMs, week.from)), 0);
    expect(covered).toBe(week.to - week.from);
  });

  it('leaves no freeze when the allow windows cover the whole week', () => {
    const r = importArgoCd(project('[{"kind":"allow","schedule":"0 0 * * *","duration":"24h"}]'), { since: SINCE });
    expect(r.windows.map((w) => w.window.kind)).toEqual(['maintenance']);
  });

  it('says so, rather than guessing, when an allow window does not repeat weekly', () => {
    const r = importArgoCd(project('[{"kind":"allow","schedule":"0 10 1 * *","duration":"2h"}]'), { since: SINCE });
    expect(r.problems).toEqual([expect.objectContaining({ pointer: '/spec/syncWindows/0', code: 'import.allow-outside', severity: 'warning' })]);
  });

  it('lets emergency changes through a deny window with manualSync, as Argo CD lets a person sync by hand', () => {
    const r = importArgoCd(project('[{"kind":"deny","schedule":"0 22 * * *","duration":"1h","manualSync":true},{"kind":"deny","schedule":"0 20 * * *","duration":"1h"}]'), { since: SINCE });
    expect(r.windows.map((w) => w.window.allow)).toEqual([['emergency'], undefined]);
  });
});
