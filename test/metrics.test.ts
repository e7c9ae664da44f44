import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentOrigins } from '../src/adapters/git/document-origins.js';
import type { MetricsReport } from '../src/core/metrics/types.js';
import { renderMetricsHeadline } from '../src/report/metrics/text.js';
import { changeYaml, fixtureFiles, FIXTURE_CHANGES } from './helpers/metrics-fixture.js';
import { cli, makeOrg, PROJECT_ROOT } from './helpers/org.js';

/** `opsledger metrics` end to end: lead time from real git history, and the example organisation. */
async function metricsJson(root: string, args: string[]): Promise<MetricsReport> {
  const r = await cli(['metrics', '--root', root, '--format', 'json', ...args], root);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(r.stdout) as MetricsReport;
}

/** git with fixed author and committer dates, so history has the times the test reasons about. */
function git(root: string, args: string[], date = '2026-09-01T00:00:00Z'): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: '2026-11-20T00:00:00Z' },
  });
}

const UNTIL = ['--since', '2026-09-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'];

/**
 * History: the organisation (without changes 0101/0102) on main; a pull request branch whose
 * first commit (09-02 08:00) touches a runbook and whose second (09-03 10:00) adds CR-2026-0101,
 * merged with a merge commit; then CR-2026-0102 pushed straight to main (09-19 10:00). The
 * committer dates are all later (a rebase), so only author dates can give these lead times.
 */
async function repoWithHistory(): Promise<string> {
  const files = fixtureFiles();
  const first = FIXTURE_CHANGES.find((c) => c.id === 'CR-2026-0101')!;
  const second = FIXTURE_CHANGES.find((c) => c.id === 'CR-2026-0102')!;
  delete files['changes/CR-2026-0101.yaml'];
  delete files['changes/CR-2026-0102.yaml'];
  const root = makeOrg(files);
  git(root, ['init', '-q', '-b', 'main']);
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'Organisation'], '2026-08-01T00:00:00Z');
  git(root, ['checkout', '-q', '-b', 'feature']);
  writeFileSync(join(root, 'services', 'checkout', 'notes.md'), 'runbook draft\n');
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'Runbook first'], '2026-09-02T08:00:00Z');
  writeFileSync(join(root, 'changes', 'CR-2026-0101.yaml'), changeYaml(first));
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'Add CR-2026-0101'], '2026-09-03T10:00:00Z');
  git(root, ['checkout', '-q', 'main']);
  git(root, ['merge', '-q', '--no-ff', '-m', 'Merge pull request #1', 'feature'], '2026-09-04T00:00:00Z');
  writeFileSync(join(root, 'changes', 'CR-2026-0102.yaml'), changeYaml(second));
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'Add CR-2026-0102'], '2026-09-19T10:00:00Z');
  return root;
}

describe('lead time from git', () => {
  it('starts at the first commit of the pull request, or at the commit that added the file', async () => {
    const root = await repoWithHistory();
    const r = await metricsJson(root, UNTIL);
    const lead = Object.fromEntries(r.deployments.map((d) => [d.change, d.leadTimeSeconds]));
    // 0101: PR's first commit 09-02 08:00 -> implemented 09-05 10:00 = 3d 2h = 266400 s.
    // 0102: added on main 09-19 10:00 -> implemented 09-20 10:00 = 86400 s.
    // 0103..0105 were added with the organisation on 08-01: 0103 (10-02) 62d = 5356800 s,
    // 0104 (10-15 12:00) 75.5d = 6523200 s, 0105 (10-31 23:30) 91d 23h 30m = 7947000 s.
    expect(lead).toEqual({ 'CR-2026-0101': 266400, 'CR-2026-0102': 86400, 'CR-2026-0103': 5356800, 'CR-2026-0104': 6523200, 'CR-2026-0105': 7947000 });
    // Median of the five: 5356800; mean 20179800 / 5 = 4035960.
    expect(r.leadTime).toEqual({ count: 5, unknown: 0, medianSeconds: 5356800, meanSeconds: 4035960 });
  });

  it('knows nothing from a shallow clone, whose oldest commit only seems to add every file', async () => {
    const root = await repoWithHistory();
    const shallow = join(mkdtempSync(join(tmpdir(), 'opsledger-shallow-')), 'org');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${root}`, shallow]);
    const origins = await documentOrigins(shallow);
    expect(origins.shallow).toBe(true);
    expect([...origins.byId.values()].every((o) => 'unknown' in o)).toBe(true);
    expect((await metricsJson(shallow, UNTIL)).leadTime).toMatchObject({ count: 0, unknown: 5 });
  });

  it('is unknown outside git', async () => {
    expect((await metricsJson(makeOrg(fixtureFiles()), UNTIL)).leadTime).toEqual({ count: 0, unknown: 5, medianSeconds: null, meanSeconds: null });
  });
});

describe('the example organisation (Northwind), hand-checked', () => {
  // 90 days back from 2026-11-22T00:00+09:00 = from 2026-08-24T00:00+09:00. Production deployments:
  //   0124 payments-api  failed       09-08 16:24  detected 21:48 (+5h24m = 19440 s), restored 23:05 (+77m = 4620 s)
  //   0131 k8s-platform  successful   09-15
  //   0142 identity-api  emergency    10-08
  //   0137 search-api    rolled-back  10-20 01:14  detected 12:41 (+11h27m = 41220 s), restored 12:58 (+17m = 1020 s)
  //   0149 wms-sync      partial      10-27
  //   0153 k8s-platform  successful   10-29
  //   0158 payments-api  emergency    11-10
  //   0161 merch-insights successful  11-12
  //   0163 notification  failed       11-17 01:22  detected 08:52 (+7h30m = 27000 s), restored 10:41 (+109m = 6540 s)
  // 0112 (08-11) and 0118 (08-18) are before the window; 0178 is staging.
  const expected = {
    deploymentFrequency: { deployments: 9, days: 90, perDay: 0.1, perWeek: 0.7 }, // 9/90, 63/90
    changeFailureRate: { deployments: 9, failed: 2, rolledBack: 1, partial: 1, rate: 0.3333 }, // 3/9
    timeToRestore: { count: 3, unmeasured: 0, medianSeconds: 4620, meanSeconds: 4060 }, // (4620+1020+6540)/3
    timeToDetect: { count: 3, meanSeconds: 29220, medianSeconds: 27000 }, // (19440+41220+27000)/3
    emergencyChangeRatio: { emergency: 2, deployments: 9, ratio: 0.2222 }, // 2/9
  };

  it('has the headline figures worked out above', async () => {
    const r = await metricsJson(PROJECT_ROOT, ['--until', '2026-11-22T00:00:00+09:00', '--time-zone', 'Asia/Seoul']);
    expect(r).toMatchObject(expected);
    expect(r.deployments.map((d) => d.change)).toEqual(['CR-2026-0124', 'CR-2026-0131', 'CR-2026-0142', 'CR-2026-0137', 'CR-2026-0149', 'CR-2026-0153', 'CR-2026-0158', 'CR-2026-0161', 'CR-2026-0163']);
    // The change files entered git after these changes were implemented (the example was written
    // down after the fact), so no lead time is claimed for any of them.
    expect(r.leadTime).toMatchObject({ count: 0, unknown: 9 });
    // payments-api: 0124 failed and 0158 (emergency) succeeded.
    expect(r.services.find((s) => s.service === 'payments-api')).toMatchObject({ team: 'payments', changeFailureRate: { rate: 0.5 }, emergencyChangeRatio: { ratio: 0.5 } });
    // Seoul months: August from the 24th (8 days, none), September 2, October 4, November to the 22nd 3.
    expect(r.months.map((m) => [m.month, m.deploymentFrequency.deployments])).toEqual([['2026-08', 0], ['2026-09', 2], ['2026-10', 4], ['2026-11', 3]]);
  });

  it('fits the headline on four lines for npm start', async () => {
    const r = await metricsJson(PROJECT_ROOT, ['--until', '2026-11-22T00:00:00+09:00']);
    const lines = renderMetricsHeadline(r).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const figure of ['9 (0.70 a week)', '33% (3/9)', '1h17m', '8h7m', '22% (2/9)']) expect(lines.join('\n')).toContain(figure);
  });

  it.each(['text', 'markdown'])('prints the same figures as %s', async (format) => {
    const r = await cli(['metrics', '--root', PROJECT_ROOT, '--until', '2026-11-22T00:00:00+09:00', '--format', format], PROJECT_ROOT);
    expect(r.code).toBe(0);
    for (const figure of ['33% (3/9)', '22% (2/9)', '1h17m', '8h7m', '0.70']) expect(r.stdout).toContain(figure);
  });
});

describe("the example organisation's incidents (Northwind, six months), hand-checked", () => {
  // 180 days back from 2026-12-01T00:00+09:00 = from 2026-06-04T00:00+09:00: all eight incidents.
  // Times +09:00; detect = started→detected, ack = detected→acknowledged, mitigate = started→mitigated,
  // resolve = started→resolved, in seconds:
  //   0298 sev3 06-11 09:20  det 10:05 2700  ack 10:09  240  mit 11:40  8400  res 15:30 22200
  //   0325 sev3 08-27 19:02  det 19:20 1080  ack 19:24  240  mit 20:15  4380  res 21:40  9480
  //   0311 sev2 09-08 21:30  det 21:48 1080  ack 21:50  120  mit 23:05  5700  res 00:10  9600  CR-2026-0124
  //   0356 sev4 10-05 04:00  det 08:30 16200 ack 09:02 1920  mit 13:15 33300  res 13:15 33300
  //   0342 sev3 10-20 12:30  det 12:41  660  ack 12:43  120  mit 12:58  1680  res 13:30  3600  CR-2026-0137
  //   0377 sev1 11-10 20:05  det 20:09  240  ack 20:11  120  mit 21:04  3540  res 22:30  8700
  //   0389 sev2 11-17 07:00  det 08:52 6720  ack 09:01  540  mit 10:41 13260  res 11:30 16200  CR-2026-0163
  //   0401 sev2 11-27 21:12  det 21:14  120  ack 21:15   60  mit 21:39  1620  not resolved
  // MTTD = 28800 / 8 = 3600 (1h); median of 120 240 660 1080 1080 2700 6720 16200 = 1080.
  // MTTA = 3360 / 8 = 420 (7m); median of 60 120 120 120 240 240 540 1920 = 180.
  // Time to mitigate = 71880 / 8 = 8985 (2h29m45s); median (4380 + 5700) / 2 = 5040.
  // MTTR = 103080 / 7 = 14725.71 -> 14726 (4h5m); median of 3600 8700 9480 9600 16200 22200 33300 = 9600.
  // Error budget: payments-availability 18 (0311) + 11 (0377) + 4 (0401) = 33 minutes.
  // Change failure rate with incidents: 11 production deployments (the nine of the 90-day window,
  // plus 0112 on 08-11 and 0118 on 08-18). The three changes incidents name (0124, 0137, 0163) were
  // all recorded failed or rolled back, so incidents add no failure: 3 / 11 = 0.2727.
  const ARGS = ['--since', '180d', '--until', '2026-12-01T00:00:00+09:00', '--time-zone', 'Asia/Seoul'];

  it('has the figures worked out above', async () => {
    const r = await metricsJson(PROJECT_ROOT, ARGS);
    expect(r.changeFailureRate).toEqual({ deployments: 11, failed: 2, rolledBack: 1, partial: 1, incidentOnly: 0, causedIncidents: 3, rate: 0.2727 });
    expect(r.incidents).toMatchObject({
      incidents: 8,
      bySeverity: { sev1: 1, sev2: 3, sev3: 3, sev4: 1 },
      causedByChange: 3,
      unresolved: 1,
      timeToDetect: { count: 8, meanSeconds: 3600, medianSeconds: 1080 },
      timeToAcknowledge: { count: 8, meanSeconds: 420, medianSeconds: 180 },
      timeToMitigate: { count: 8, meanSeconds: 8985, medianSeconds: 5040 },
      timeToResolve: { count: 7, meanSeconds: 14726, medianSeconds: 9600 },
      errorBudget: [{ slo: 'payments-availability', minutes: 33, incidents: ['INC-2026-0311', 'INC-2026-0377', 'INC-2026-0401'] }],
    });
    // Seoul months June..November: 0298; none; 0325; 0311; 0356, 0342; 0377, 0389, 0401.
    expect(r.incidents.months.map((m) => [m.month, m.incidents])).toEqual([['2026-06', 1], ['2026-07', 0], ['2026-08', 1], ['2026-09', 1], ['2026-10', 2], ['2026-11', 3]]);
    // payments-api and checkout-api: 0311, 0377, 0401 (September, and two in November).
    expect(r.incidents.services.find((s) => s.service === 'payments-api')).toMatchObject({ team: 'payments', incidents: 3, perMonth: [{ incidents: 0 }, { incidents: 0 }, { incidents: 0 }, { incidents: 1 }, { incidents: 0 }, { incidents: 2 }] });
  });

  it.each([
    ['text', ['1h', '7m', '2h30m', '4h5m', '33 min', 'payments-availability: 33 min']],
    ['markdown', ['| 8 | 1 | 3 | 3 | 1 | 3 | 1h | 7m | 2h30m | 4h5m | 33 min |', '27% (3/11)']],
  ])('prints the same incident figures as %s', async (format, figures) => {
    const r = await cli(['metrics', '--root', PROJECT_ROOT, ...ARGS, '--format', format], PROJECT_ROOT);
    expect(r.code).toBe(0);
    for (const figure of figures) expect(r.stdout).toContain(figure);
  });
});

describe('metrics usage', () => {
  it.each([
    [['--since', 'three months']],
    [['--until', '2026-11-22']],
    [['--since', '2026-12-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z']],
    [['--until', '2026-11-01T00:00:00Z', '--at', '2026-10-01T00:00:00Z']],
    [['--time-zone', 'KST']],
    [['--format', 'csv']],
  ])('%j exits 2', async (args) => {
    const root = makeOrg();
    expect((await cli(['metrics', '--root', root, ...args], root)).code).toBe(2);
  });

  it('refuses an invalid organisation with exit 1', async () => {
    const root = makeOrg({ 'teams/bad.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: Bad}\nspec: {}\n' });
    expect((await cli(['metrics', '--root', root], root)).code).toBe(1);
  });
});
