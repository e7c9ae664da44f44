import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { catalogMetricsView } from '../../src/core/metrics/catalog-view.js';
import { incidentSeries } from '../../src/core/metrics/chart-model.js';
import { computeMetrics } from '../../src/core/metrics/compute.js';
import { failureRateOf } from '../../src/core/metrics/failure-rate.js';
import type { MetricsReport } from '../../src/core/metrics/types.js';
import type { Organisation } from '../../src/core/organisation.js';
import { fixtureFiles, WINDOW } from '../helpers/metrics-fixture.js';
import { makeOrg } from '../helpers/org.js';
import { notes } from '../../src/report/metrics/cells.js';
import { renderMetricsMarkdown } from '../../src/report/metrics/markdown.js';
import { renderMetricsText } from '../../src/report/metrics/text.js';

/**
 * Incidents over the metrics fixture (test/helpers/metrics-fixture.ts, window 2026-09-01T00:00Z to
 * 2026-11-01T00:00Z), worked out by hand:
 *   A sev1 checkout-api        09-05 12:00  caused by CR-2026-0101 (recorded successful)
 *       detected +10m (600), acknowledged +5m (300), mitigated +40m (2400), resolved +2h (7200)
 *   B sev2 checkout-db         09-20 10:10  caused by CR-2026-0102 (recorded failed)
 *       detected 10:30 (1200), no acknowledgement, mitigated 11:30 (4800), resolved 12:10 (7200)
 *       error budget checkout-availability 12 min
 *   C sev3 cart                10-31 23:50  (08:50 on 1 November in Seoul), no change, still open
 *       detected 00:05 (900), acknowledged 00:10 (300)
 *   D sev2 cart                11-01 00:00  at the window's (exclusive) end: left out
 *   E sev3 checkout-api        08-31 23:00  before the window: left out
 */
const incident = (name: string, body: string) => `apiVersion: opsledger/v1
kind: Incident
metadata: {name: ${name}, title: Incident ${name}}
spec:
${body}`;

const INCIDENTS: Record<string, string> = {
  'incidents/INC-2026-0001.yaml': incident(
    'INC-2026-0001',
    `  severity: sev1
  status: resolved
  startedAt: "2026-09-05T12:00:00Z"
  detectedAt: "2026-09-05T12:10:00Z"
  acknowledgedAt: "2026-09-05T12:15:00Z"
  mitigatedAt: "2026-09-05T12:40:00Z"
  resolvedAt: "2026-09-05T14:00:00Z"
  services: [checkout-api]
  causedBy: [CR-2026-0101]
`,
  ),
  'incidents/INC-2026-0002.yaml': incident(
    'INC-2026-0002',
    `  severity: sev2
  status: resolved
  startedAt: "2026-09-20T10:10:00Z"
  detectedAt: "2026-09-20T10:30:00Z"
  mitigatedAt: "2026-09-20T11:30:00Z"
  resolvedAt: "2026-09-20T12:10:00Z"
  configurationItems: [checkout-db]
  impact: {summary: Checkout errors, errorBudget: [{slo: checkout-availability, minutes: 12}]}
  causedBy: [CR-2026-0102]
`,
  ),
  'incidents/INC-2026-0003.yaml': incident(
    'INC-2026-0003',
    `  severity: sev3
  status: investigating
  startedAt: "2026-10-31T23:50:00Z"
  detectedAt: "2026-11-01T00:05:00Z"
  acknowledgedAt: "2026-11-01T00:10:00Z"
  services: [cart]
  causedBy: none
`,
  ),
  'incidents/INC-2026-0004.yaml': incident(
    'INC-2026-0004',
    `  severity: sev2
  status: investigating
  startedAt: "2026-11-01T00:00:00Z"
  services: [cart]
`,
  ),
  'incidents/INC-2026-0005.yaml': incident(
    'INC-2026-0005',
    `  severity: sev3
  status: investigating
  startedAt: "2026-08-31T23:00:00Z"
  services: [checkout-api]
`,
  ),
};

let org: Organisation;
let report: MetricsReport;

beforeAll(async () => {
  const loaded = await loadOrganisation(makeOrg({ ...fixtureFiles(), ...INCIDENTS }));
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  org = loaded.org;
  report = computeMetrics(org, WINDOW);
});

describe('the change failure rate counts the changes incidents name', () => {
  it('as failed when the outcome says successful, and once when the outcome already failed', () => {
    // Deployments 0101..0105: failed 0102, 0105; rolled back 0103; partial 0104; and 0101, recorded
    // successful, caused INC-0001: (2 + 1 + 1) / 5 = 0.8 (0.6 without the incident).
    expect(report.changeFailureRate).toEqual({ deployments: 5, failed: 2, rolledBack: 1, partial: 1, incidentOnly: 1, causedIncidents: 2, rate: 0.8 });
    expect(report.deployments.map((d) => [d.change, d.failed, d.causedIncidents])).toEqual([
      ['CR-2026-0101', true, ['INC-2026-0001']],
      ['CR-2026-0102', true, ['INC-2026-0002']],
      ['CR-2026-0103', true, []],
      ['CR-2026-0104', false, []],
      ['CR-2026-0105', true, []],
    ]);
    // checkout-api: 0101 (incident) and 0102 (failed) of two. 0101 has no outcome times, so its
    // restoration is not measured: 4 failures, 2 restored (0102, 0103), 2 unmeasured (0101, 0105).
    expect(report.services.find((s) => s.service === 'checkout-api')?.changeFailureRate).toMatchObject({ deployments: 2, incidentOnly: 1, rate: 1 });
    expect(report.timeToRestore).toMatchObject({ count: 2, unmeasured: 2 });
  });

  it('and the reports say which deployment an incident alone made a failure, and print 80% (4/5)', () => {
    const named = notes(report).filter((n) => n.includes('CR-2026-0101'));
    expect(named).toHaveLength(1);
    expect(named[0]).toContain('INC-2026-0001');
    expect(notes(report).some((n) => n.includes('CR-2026-0102'))).toBe(false);
    for (const out of [renderMetricsText(report), renderMetricsMarkdown(report)]) expect(out).toContain('80% (4/5)');
  });

  it('and the risk engine quotes the same rate (one function)', () => {
    const rate = failureRateOf(org, { services: ['checkout-api'], environment: 'production', from: WINDOW.from, to: WINDOW.to });
    expect(rate).toEqual(report.services.find((s) => s.service === 'checkout-api')!.changeFailureRate);
  });
});

describe('incident metrics', () => {
  it('has the figures worked out above', () => {
    const i = report.incidents;
    expect(i.list.map((r) => r.incident)).toEqual(['INC-2026-0001', 'INC-2026-0002', 'INC-2026-0003']);
    expect(i).toMatchObject({
      incidents: 3,
      bySeverity: { sev1: 1, sev2: 1, sev3: 1, sev4: 0 },
      causedByChange: 2,
      unresolved: 1,
      timeToDetect: { count: 3, meanSeconds: 900, medianSeconds: 900 }, // (600 + 1200 + 900) / 3
      timeToAcknowledge: { count: 2, meanSeconds: 300, medianSeconds: 300 }, // A and C, 300 each
      timeToMitigate: { count: 2, meanSeconds: 3600, medianSeconds: 3600 }, // (2400 + 4800) / 2
      timeToResolve: { count: 2, meanSeconds: 7200, medianSeconds: 7200 }, // A and B, 7200 each
      errorBudget: [{ slo: 'checkout-availability', minutes: 12, incidents: ['INC-2026-0002'] }],
    });
  });

  it('attributes incidents as deployments are: named services and the owners of named CIs', () => {
    const i = report.incidents;
    expect(i.services.map((s) => [s.service, s.team, s.incidents, s.perMonth.map((m) => m.incidents)])).toEqual([
      ['cart', 'checkout', 1, [0, 1]],
      ['checkout-api', 'checkout', 2, [2, 0]],
    ]);
    expect(i.teams.map((t) => [t.team, t.incidents])).toEqual([['checkout', 3]]);
    expect(i.severities.map((s) => [s.severity, s.incidents, s.timeToResolve.meanSeconds])).toEqual([
      ['sev1', 1, 7200],
      ['sev2', 1, 7200],
      ['sev3', 1, null],
      ['sev4', 0, null],
    ]);
  });

  it.each([
    ['UTC', [['2026-09', 2], ['2026-10', 1]]],
    // The window starts 09:00 on 1 September in Seoul and ends 09:00 on 1 November; C is a November incident there.
    ['Asia/Seoul', [['2026-09', 2], ['2026-10', 0], ['2026-11', 1]]],
  ])('counts incidents by the month they started in %s', (timeZone, months) => {
    const r = computeMetrics(org, { ...WINDOW, timeZone });
    expect(r.incidents.months.map((m) => [m.month, m.incidents])).toEqual(months);
    expect(incidentSeries(r).series.map((s) => [s.key, s.values.reduce((a, b) => a! + b!, 0)])).toEqual([['sev1', 1], ['sev2', 1], ['sev3', 1]]);
  });

  it("fills the catalog's metrics view with the same figures, in minutes, and rows for services with incidents only", () => {
    const view = catalogMetricsView(report, { serviceHref: (n) => n, teamHref: (n) => n });
    expect(view.overall.incidents).toEqual({
      count: 3,
      bySeverity: [{ severity: 'sev1', count: 1 }, { severity: 'sev2', count: 1 }, { severity: 'sev3', count: 1 }],
      timeToDetect: { meanMinutes: 15 },
      timeToAcknowledge: { meanMinutes: 5 },
      timeToMitigate: { meanMinutes: 60 },
      timeToResolve: { meanMinutes: 120 },
      errorBudget: [{ slo: 'checkout-availability', minutes: 12 }],
    });
    expect(view.overall.changeFailureRate).toEqual({ rate: 0.8 });
    expect(view.services.map((s) => [s.name, s.incidents?.count ?? 0])).toEqual([['cart', 1], ['checkout-api', 2], ['payments-api', 0]]);
    expect(view.charts.map((c) => c.id)).toContain('incidents-by-severity');
  });
});
