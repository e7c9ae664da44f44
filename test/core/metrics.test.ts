import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import type { MetricsView } from '../../src/core/catalog/types.js';
import { catalogMetricsView } from '../../src/core/metrics/catalog-view.js';
import { metricsCharts, monthlySeries } from '../../src/core/metrics/chart-model.js';
import { computeMetrics } from '../../src/core/metrics/compute.js';
import { monthsBetween } from '../../src/core/metrics/months.js';
import { median } from '../../src/core/metrics/stats.js';
import type { MetricsReport } from '../../src/core/metrics/types.js';
import type { Organisation } from '../../src/core/organisation.js';
import { fixtureFiles, WINDOW } from '../helpers/metrics-fixture.js';
import { makeOrg } from '../helpers/org.js';

/**
 * The metrics of test/helpers/metrics-fixture.ts, worked out by hand. Window 2026-09-01T00:00Z
 * to 2026-11-01T00:00Z = 61 days. Deployments (production, outcome with implementedAt inside):
 *   0101 checkout-api            successful   09-05 10:00   lead start 09-03 10:00 -> 2d  = 172800 s
 *   0102 checkout-db→checkout-api failed     09-20 10:00   detected +30m (1800), restored +1h (3600); lead 1d = 86400
 *   0103 payments-api emergency  rolled-back  10-02 00:00   detected +2h (7200), restored +20m (1200); lead 2h = 7200
 *   0104 payments-api + cart     partial      10-15 12:00   no lead start
 *   0105 cart                    failed       10-31 23:30   detected +1h (3600), not restored; lead start after it
 * Left out: 0106 staging, 0107 before the window, 0108 at its (exclusive) end, 0109 cancelled,
 * 0110 no implementedAt, 0111 no outcome.
 */
const START: Record<string, string> = {
  'CR-2026-0101': '2026-09-03T10:00:00Z',
  'CR-2026-0102': '2026-09-19T10:00:00Z',
  'CR-2026-0103': '2026-10-01T22:00:00Z',
  'CR-2026-0105': '2026-11-02T00:00:00Z',
};

let org: Organisation;
let report: MetricsReport;

beforeAll(async () => {
  const loaded = await loadOrganisation(makeOrg(fixtureFiles()));
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  org = loaded.org;
  report = computeMetrics(org, { ...WINDOW, leadTimeStart: (id) => (START[id] ? Date.parse(START[id]) : undefined) });
});

describe('metrics over the hand-computed fixture', () => {
  it('counts the deployments and leaves out the rest with reasons', () => {
    expect(report.deployments.map((d) => d.change)).toEqual(['CR-2026-0101', 'CR-2026-0102', 'CR-2026-0103', 'CR-2026-0104', 'CR-2026-0105']);
    expect(report.excluded).toEqual([
      { change: 'CR-2026-0109', reason: 'cancelled' },
      { change: 'CR-2026-0110', reason: 'no-implemented-at' },
    ]);
    expect(report.window).toEqual({ from: '2026-09-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', days: 61, environments: ['production'], timeZone: 'UTC' });
  });

  it('computes the overall figures', () => {
    expect(report.deploymentFrequency).toEqual({ deployments: 5, days: 61, perDay: 0.082 /* 5/61 = 0.08197 */, perWeek: 0.5738 /* 35/61 = 0.57377 */ });
    // Known lead times 172800, 86400, 7200: median 86400; mean 266400/3 = 88800. 0104 and 0105 unknown.
    expect(report.leadTime).toEqual({ count: 3, unknown: 2, medianSeconds: 86400, meanSeconds: 88800 });
    // Failures 0102 and 0105 (failed) + 0103 (rolled back) = 3 of 5; 0104 partial does not fail.
    // No incidents here: nothing is counted failed by an incident alone (test/core/incident-metrics.test.ts).
    expect(report.changeFailureRate).toEqual({ deployments: 5, failed: 2, rolledBack: 1, partial: 1, incidentOnly: 0, causedIncidents: 0, rate: 0.6 });
    // Restored: 3600 (0102), 1200 (0103): median = mean = 2400. 0105 has no restoredAt.
    expect(report.timeToRestore).toEqual({ count: 2, unmeasured: 1, medianSeconds: 2400, meanSeconds: 2400 });
    // Detection: 1800, 7200, 3600: mean 12600/3 = 4200, median 3600.
    expect(report.timeToDetect).toEqual({ count: 3, meanSeconds: 4200, medianSeconds: 3600 });
    expect(report.emergencyChangeRatio).toEqual({ emergency: 1, deployments: 5, ratio: 0.2 });
  });

  it.each([
    // cart: 0104 (partial), 0105 (failed, unrestored); 14/61 = 0.2295 a week.
    ['cart', 'checkout', { deployments: 2, perWeek: 0.2295 }, { count: 0, unknown: 2, medianSeconds: null, meanSeconds: null }, { failed: 1, rolledBack: 0, partial: 1, rate: 0.5 }, { count: 0, unmeasured: 1, medianSeconds: null }, 0],
    // checkout-api: 0101, 0102 (via checkout-db); lead median (172800 + 86400) / 2 = 129600.
    ['checkout-api', 'checkout', { deployments: 2, perWeek: 0.2295 }, { count: 2, unknown: 0, medianSeconds: 129600, meanSeconds: 129600 }, { failed: 1, rolledBack: 0, partial: 0, rate: 0.5 }, { count: 1, unmeasured: 0, medianSeconds: 3600 }, 0],
    // payments-api: 0103 (emergency, rolled back), 0104 (partial).
    ['payments-api', 'payments', { deployments: 2, perWeek: 0.2295 }, { count: 1, unknown: 1, medianSeconds: 7200, meanSeconds: 7200 }, { failed: 0, rolledBack: 1, partial: 1, rate: 0.5 }, { count: 1, unmeasured: 0, medianSeconds: 1200 }, 0.5],
  ])('per service: %s', (service, team, frequency, lead, cfr, restore, emergency) => {
    const s = report.services.find((x) => x.service === service)!;
    expect(s.team).toBe(team);
    expect(s.deploymentFrequency).toMatchObject(frequency);
    expect(s.leadTime).toEqual(lead);
    expect(s.changeFailureRate).toMatchObject(cfr);
    expect(s.timeToRestore).toMatchObject(restore);
    expect(s.emergencyChangeRatio.ratio).toBe(emergency);
  });

  it('per team: a change counts once for each team whose service it touches', () => {
    // checkout owns checkout-api and cart: 0101, 0102, 0104, 0105; payments: 0103, 0104.
    expect(report.teams.map((t) => [t.team, t.deploymentFrequency.deployments, t.changeFailureRate.rate])).toEqual([
      ['checkout', 4, 0.5],
      ['payments', 2, 0.5],
    ]);
  });

  it.each([
    // UTC: September (30 days) holds 0101, 0102; October (31) holds 0103, 0104, 0105 (2 of 3 failed).
    ['UTC', [['2026-09', 2, 30, 0.4667, 0.5], ['2026-10', 3, 31, 0.6774, 0.6667]]],
    // Seoul (+9): the window starts 09-01 09:00 (29.625 days of September) and ends 11-01 09:00
    // (0.375 days of November); 0105 at 10-31 23:30Z is 11-01 08:30 there. 1/0.375*7 = 18.6667.
    ['Asia/Seoul', [['2026-09', 2, 29.63, 0.4726, 0.5], ['2026-10', 2, 31, 0.4516, 0.5], ['2026-11', 1, 0.38, 18.6667, 1]]],
  ])('per month in %s', (timeZone, months) => {
    const r = computeMetrics(org, { ...WINDOW, timeZone });
    expect(r.months.map((m) => [m.month, m.deploymentFrequency.deployments, m.deploymentFrequency.days, m.deploymentFrequency.perWeek, m.changeFailureRate.rate])).toEqual(months);
  });

  it('only counts the environments asked for', () => {
    // Staging holds 0106 alone.
    const r = computeMetrics(org, { ...WINDOW, environments: ['staging'] });
    expect(r.deployments.map((d) => d.change)).toEqual(['CR-2026-0106']);
  });
});

describe('chart view model', () => {
  it('gives per-team monthly deployments, largest team first', () => {
    // September: checkout 0101, 0102; October: checkout 0104, 0105 and payments 0103, 0104.
    expect(monthlySeries(report, 'deployments', 'team')).toEqual({
      categories: ['2026-09', '2026-10'],
      series: [
        { key: 'checkout', label: 'checkout', values: [2, 2] },
        { key: 'payments', label: 'payments', values: [0, 2] },
      ],
    });
  });

  it('builds the five charts from the same numbers', () => {
    const charts = metricsCharts(report);
    expect(charts.map((c) => [c.id, c.kind, c.unit, c.series.map((s) => s.values)])).toEqual([
      ['deployments-by-team', 'bar', 'count', [[2, 2], [0, 2]]],
      // 1 of 2 failed in September, 2 of 3 in October.
      ['change-failure-rate', 'line', 'ratio', [[0.5, 2 / 3]]],
      // September median of 172800 and 86400; October 7200 alone.
      ['lead-time', 'line', 'seconds', [[129600, 7200]]],
      ['time-to-restore', 'bar', 'seconds', [[3600, 1200]]],
      // No incidents: a chart without series, which svg.ts draws as "no data".
      ['incidents-by-severity', 'bar', 'count', []],
    ]);
    expect(charts[0]!.description).toBe('Deployments per month by team, 2026-09 to 2026-10: highest 4 in 2026-10.');
  });
});

describe('catalog view', () => {
  it("fills the catalog's metrics slot in the units its template prints, leaving out what has no data", () => {
    const view: MetricsView = catalogMetricsView(report, { serviceHref: (n) => `services/${n}.html`, teamHref: (n) => `teams/${n}.html` });
    // perWeek 0.5738 -> 0.57; lead time median 86400 s = 24 h; restore median 2400 s = 40 min.
    const noIncidents = { count: 0, bySeverity: [], errorBudget: [] };
    expect(view.overall).toEqual({ deploymentFrequency: { perWeek: 0.57 }, leadTime: { medianHours: 24 }, changeFailureRate: { rate: 0.6 }, timeToRestore: { medianMinutes: 40 }, incidents: noIncidents });
    // cart: no known lead time, no restored failure.
    expect(view.services?.find((s) => s.name === 'cart')).toEqual({ name: 'cart', href: 'services/cart.html', deploymentFrequency: { perWeek: 0.23 }, changeFailureRate: { rate: 0.5 } });
    const full = catalogMetricsView(report, { serviceHref: (n) => n, teamHref: (n) => n });
    expect(full.charts.map((c) => [c.id, c.svg.startsWith('<svg') && c.svg.includes(`id="metrics-${c.id}-title"`)])).toEqual([
      ['deployments-by-team', true],
      ['change-failure-rate', true],
      ['lead-time', true],
      ['time-to-restore', true],
      ['incidents-by-severity', true],
    ]);
  });
});

describe('building blocks', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %j', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('splits a window into months across a DST change (Europe/Berlin, October)', () => {
    // Berlin leaves summer time on 2026-10-25: October has 31 days + 1 hour.
    const months = monthsBetween(Date.parse('2026-09-30T22:00:00Z'), Date.parse('2026-11-30T23:00:00Z'), 'Europe/Berlin');
    expect(months.map((m) => [m.month, (m.to - m.from) / 3_600_000])).toEqual([
      ['2026-10', 31 * 24 + 1],
      ['2026-11', 30 * 24],
    ]);
  });
});
