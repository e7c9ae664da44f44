import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { explainSlo, openSloDurationMs } from '../../src/core/slo-budget.js';
import type { Slo } from '../../src/core/model.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * SLOs out of opsledger: openslo/v1 files that validate, Sloth specs with a warning for each
 * thing Sloth cannot hold, and `opsledger slo explain` (error budget and the SRE workbook's
 * multi-window multi-burn-rate alerts scaled to the SLO window).
 */
const slo = (duration: string, target: number, extra: Partial<Slo['spec']> = {}, annotations?: Record<string, string>): Slo => ({
  apiVersion: 'opsledger/v1',
  kind: 'SLO',
  metadata: { name: 'x', ...(annotations ? { annotations } : {}) },
  spec: { service: 'web', indicatorRef: 'i', timeWindow: [{ duration, isRolling: true }], budgetingMethod: 'Occurrences', objectives: [{ target }], ...extra },
});

describe('error budgets and burn-rate alerts', () => {
  it.each([
    // The workbook's own table for 30 days.
    ['30d', [14.4, 6, 3, 1]],
    // Scaled: the same share of budget in the same long window.
    ['28d', [13.44, 5.6, 2.8, 0.9333]],
    ['4w', [13.44, 5.6, 2.8, 0.9333]],
    ['90d', [43.2, 18, 9, 3]],
  ])('a %s window burns at %j', (duration, rates) => {
    const e = explainSlo(slo(duration, 0.999));
    expect(e.objectives[0]!.alerts.map((a) => [a.severity, a.longWindow, a.shortWindow, a.burnRate])).toEqual([
      ['page', '1h', '5m', rates[0]],
      ['page', '6h', '30m', rates[1]],
      ['ticket', '1d', '2h', rates[2]],
      ['ticket', '3d', '6h', rates[3]],
    ]);
  });

  it.each([
    ['30d', 0.999, 43.2],
    ['28d', 0.999, 40.32],
    ['7d', 0.99, 100.8],
    ['1d', 0.9995, 0.72],
  ])('%s at %f leaves %f minutes', (duration, target, minutes) => {
    expect(explainSlo(slo(duration, target)).objectives[0]!.budgetMinutes).toBeCloseTo(minutes, 9);
  });

  it('counts requests from --rps or the annotation, never for time slices', () => {
    expect(explainSlo(slo('30d', 0.999), { rps: 100 }).objectives[0]!.budgetRequests).toBe(259_200);
    const annotated = explainSlo(slo('30d', 0.999, {}, { 'opsledger.dev/requests-per-second': '10' }));
    expect([annotated.requestRateSource, annotated.objectives[0]!.budgetRequests]).toEqual(['annotation', 25_920]);
    expect(explainSlo(slo('30d', 0.999), {}).objectives[0]!.budgetRequests).toBeNull();
    expect(explainSlo(slo('30d', 0.999, { budgetingMethod: 'Timeslices' }), { rps: 100 }).objectives[0]!.budgetRequests).toBeNull();
  });

  it('marks rows that cannot work', () => {
    const short = explainSlo(slo('1d', 0.99)).objectives[0]!.alerts;
    expect(short.map((a) => a.applicable)).toEqual([true, true, false, false]);
    const loose = explainSlo(slo('30d', 0.9)).objectives[0]!.alerts;
    expect(loose[0]!.applicable).toBe(false);
  });

  it.each([
    ['1m', 60_000, false],
    ['28d', 28 * 86_400_000, false],
    ['1M', 30 * 86_400_000, true],
    ['1Q', 91 * 86_400_000, true],
    ['2w', 14 * 86_400_000, false],
  ])('OpenSLO duration %s', (text, ms, approximate) => {
    expect(openSloDurationMs(text)).toEqual({ ms, approximate });
  });
});

describe('opsledger slo explain', () => {
  it('prints JSON for an example SLO', async () => {
    const r = await cli(['slo', 'explain', 'cart-availability', '--rps', '50', '--format', 'json', '--root', PROJECT_ROOT]);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e).toMatchObject({ slo: 'cart-availability', service: 'cart-api', window: { duration: '28d', minutes: 40_320 }, requestsPerSecond: 50, requestRateSource: 'flag' });
    expect(e.objectives[0]).toMatchObject({ target: 0.999, budgetRequests: 120_960 });
    expect(e.objectives[0].alerts).toHaveLength(4);
  });

  it('prints the table as text', async () => {
    const r = await cli(['slo', 'explain', 'slo:cart-availability', '--root', PROJECT_ROOT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/page\s+1h\s+5m\s+13\.44x\s+2%/);
  });

  it.each([
    [['slo', 'explain', 'cart-availabilty'], /did you mean "cart-availability"/],
    [['slo', 'explain'], /name the SLO/],
    [['slo', 'budget', 'x'], /unknown slo command/],
    [['slo', 'explain', 'cart-availability', '--rps', 'many'], /--rps/],
  ])('%j is a usage error', async (args, message) => {
    const r = await cli([...args, '--root', PROJECT_ROOT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('opsledger export openslo', () => {
  it('writes openslo/v1 documents that validate as they are', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'opsledger-openslo-out-'));
    const r = await cli(['export', 'openslo', '--root', PROJECT_ROOT, '--out', path.join(out, 'export'), '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; warnings: { code: string }[] };
    expect(report.files.filter((f) => f.startsWith('slos/')).length).toBeGreaterThanOrEqual(20);
    expect(new Set(report.warnings.map((w) => w.code))).toEqual(new Set(['openslo.status-dropped']));
    // In an organisation of their own (slos/ holds both kinds), they validate with no finding.
    const root = mkdtempSync(path.join(tmpdir(), 'opsledger-openslo-org-'));
    cpSync(path.join(out, 'export'), path.join(root, 'slos'), { recursive: true });
    const { report: validation } = await validateJson(root);
    expect(validation.diagnostics).toEqual([]);
    expect(validation.summary.documents).toBe(report.files.length);
  });
});

describe('opsledger export sloth', () => {
  const run = cli(['export', 'sloth', '--root', PROJECT_ROOT, '--dry-run', '--format', 'json']);

  it('warns about percentages, the 28-day window and rewritten queries', async () => {
    const r = await run;
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { files: string[]; warnings: { source: string; code: string }[] };
    const codes = (source: string) => report.warnings.filter((w) => w.source === source).map((w) => w.code);
    expect(codes('slo:cart-availability')).toEqual(expect.arrayContaining(['sloth.objective-percent', 'sloth.window-flag', 'sloth.query-windowed', 'sloth.good-to-error']));
    expect(report.files).toContain('cart-api.yaml');
  });

  it('writes Sloth prometheus/v1 specs with percent objectives and {{.window}} queries', async () => {
    const root = makeOrg();
    const out = path.join(root, 'sloth');
    const r = await cli(['export', 'sloth', '--root', PROJECT_ROOT, '--out', out]);
    expect(r.code).toBe(0);
    const cart = parse(readFileSync(path.join(out, 'cart-api.yaml'), 'utf8'));
    expect(cart).toMatchObject({ version: 'prometheus/v1', service: 'cart-api', labels: { owner: 'checkout', tier: '2' } });
    expect(cart.slos[0]).toMatchObject({ name: 'cart-availability', objective: 99.9 });
    expect(cart.slos[0].sli.events.total_query).toBe('sum(rate(http_server_requests_total{service="cart-api"}[{{.window}}]))');
    expect(cart.slos[0].sli.events.error_query).toContain('[{{.window}}]');
    for (const f of readdirSync(out)) {
      for (const s of parse(readFileSync(path.join(out, f), 'utf8')).slos) {
        expect(s.objective).toBeGreaterThan(0);
        expect(s.objective).toBeLessThanOrEqual(100);
      }
    }
  });

  it.each([
    ['7d', 'sloth.window-unsupported'],
    ['30d', undefined],
  ])('a %s window warns %s', async (duration, code) => {
    const root = makeOrg({
      'services/checkout/slo2.yaml': `apiVersion: opsledger/v1
kind: SLO
metadata: {name: cart-ok}
spec:
  service: cart
  indicator: {metadata: {name: i}, spec: {ratioMetric: {counter: true, bad: {metricSource: {type: prometheus, spec: {query: "sum(rate(errors[{{.window}}]))"}}}, total: {metricSource: {type: prometheus, spec: {query: "sum(rate(all[{{.window}}]))"}}}}}}
  timeWindow: [{duration: ${duration}, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.99}]
`,
    });
    const r = await cli(['export', 'sloth', '--root', root, '--dry-run', '--format', 'json']);
    const warnings = (JSON.parse(r.stdout) as { warnings: { source: string; code: string }[] }).warnings.filter((w) => w.source === 'slo:cart-ok').map((w) => w.code);
    if (code) expect(warnings).toContain(code);
    else expect(warnings.filter((c) => c.startsWith('sloth.window'))).toEqual([]);
    expect(warnings).not.toContain('sloth.query-windowed');
  });
});
