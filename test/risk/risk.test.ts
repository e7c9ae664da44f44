import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { assessChange, type AssessOptions } from '../../src/core/risk/assess.js';
import { riskContext } from '../../src/app/assess-risk.js';
import { documentOrigins } from '../../src/adapters/git/document-origins.js';
import { cli, makeOrg, PROJECT_ROOT } from '../helpers/org.js';

// Every factor switched on, with distinct point values so a test can tell them apart.
const POLICY = readFileSync(join(PROJECT_ROOT, 'test/fixtures/minimal-org/changes/policy.yaml'), 'utf8').replace(
  '      changeType: {standard: 0, normal: 1, emergency: 4}\n',
  `      changeType: {standard: 0, normal: 1, emergency: 4}
      environment: {production: 1}
      rollbackMissing: 3
      rollbackUntested: 2
      noProgressiveDelivery: {points: 2, tiers: [1, 2]}
      peakHours: {points: 5, timeZone: Asia/Seoul, days: [MO, TU, WE, TH, FR], from: "09:00", to: "18:00"}
      nearFreeze: {points: 7, within: 2d}
      shortNotice: {points: 6, within: 1d}
      errorBudgetExhausted: 8
      recentFailureRate: {points: 9, above: 0.3, window: 90d}
      overlappingChanges: 11
      largeDiff: {points: 12, lines: 500}
`,
) + 'errorBudget: {blocks: [normal, standard], exhaustedAt: 0}\n'.replace(/^/, '  ');

const NOW = Date.parse('2026-11-22T00:00:00Z');
const SAFE = `  rollback:
    steps: [Revert]
    tested: {at: "2026-11-01"}
  delivery: {strategy: canary, stages: [{traffic: 10}, {traffic: 100}]}
`;

function change(id: string, body: string, schedule = { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T02:00:00+09:00' }, phase = 'submitted'): string {
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id}, title: Test change}
spec:
  requester: mina-park
  environment: production
  schedule: {start: "${schedule.start}", end: "${schedule.end}"}
${body}status:
  phase: ${phase}
`;
}

async function assess(files: Record<string, string>, options: AssessOptions = {}, id = 'CR-2026-0100') {
  const root = makeOrg({ 'changes/policy.yaml': POLICY, ...files });
  const loaded = await loadOrganisation(root);
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return assessChange(riskContext(loaded, NOW, await documentOrigins(root)), id, options);
}

const CR = 'changes/CR-2026-0100.yaml';

describe('likelihood factors', () => {
  it.each([
    ['a safe normal change', `  type: normal\n  services: [cart]\n${SAFE}`, {}, ['change-type:1', 'environment:1']],
    ['no rollback', `  type: normal\n  services: [cart]\n  delivery: {strategy: canary}\n`, {}, ['change-type:1', 'environment:1', 'rollback-missing:3']],
    ['an untested rollback', `  type: normal\n  services: [cart]\n  rollback: {steps: [Revert]}\n  delivery: {strategy: canary}\n`, {}, ['change-type:1', 'environment:1', 'rollback-untested:2']],
    ['all at once on a tier-1 service', `  type: normal\n  services: [checkout-api]\n  rollback: {steps: [Revert], tested: {at: "2026-11-01"}}\n`, {}, ['change-type:1', 'environment:1', 'no-progressive-delivery:2']],
    ['in peak hours', `  type: normal\n  services: [cart]\n${SAFE}`, { start: '2026-12-02T10:00:00+09:00', end: '2026-12-02T11:00:00+09:00' }, ['change-type:1', 'environment:1', 'peak-hours:5']],
    ['the day before a freeze', `  type: normal\n  services: [cart]\n${SAFE}`, { start: '2026-12-19T01:00:00+09:00', end: '2026-12-19T02:00:00+09:00' }, ['change-type:1', 'environment:1', 'near-freeze:7']],
    ['on short notice', `  type: normal\n  services: [cart]\n${SAFE}`, { start: '2026-11-22T12:00:00+09:00', end: '2026-11-22T13:00:00+09:00' }, ['change-type:1', 'environment:1', 'short-notice:6']],
    ['a large diff', `  type: normal\n  services: [cart]\n${SAFE}  diff: {additions: 400, deletions: 200}\n`, {}, ['change-type:1', 'environment:1', 'large-diff:12']],
    ['an emergency', `  type: emergency\n  justification: Incident INC-1 needs the fix now\n  services: [cart]\n${SAFE}`, {}, ['change-type:4', 'environment:1']],
  ])('%s', async (_name, body, schedule, factors) => {
    const r = await assess({ [CR]: change('CR-2026-0100', body, { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T02:00:00+09:00', ...schedule }) });
    expect(r.factors.map((f) => `${f.code}:${f.points}`)).toEqual(factors);
    expect(r.likelihood.points).toBe(r.factors.reduce((n, f) => n + f.points, 0));
  });

  it('counts an exhausted error budget on the changed service', async () => {
    const slo = readFileSync(join(PROJECT_ROOT, 'test/fixtures/minimal-org/services/checkout/slos.yaml'), 'utf8') + 'status: {errorBudgetRemaining: -0.2, measuredAt: "2026-11-21T00:00:00Z", source: prometheus}\n';
    const r = await assess({ 'services/checkout/slos.yaml': slo, [CR]: change('CR-2026-0100', `  type: normal\n  services: [checkout-api]\n${SAFE}`) });
    expect(r.factors.find((f) => f.code === 'error-budget-exhausted')?.points).toBe(8);
    expect(r.controls.find((c) => c.code === 'error-budget')).toMatchObject({ required: true, met: false });
  });

  it('counts recent failures on the same services', async () => {
    const done = (id: string, result: string, day: string) =>
      change(id, `  type: normal\n  services: [cart]\n${SAFE}`, { start: `2026-11-${day}T01:00:00+09:00`, end: `2026-11-${day}T02:00:00+09:00` }, 'completed') +
      `  outcome: {result: ${result}, implementedAt: "2026-11-${day}T01:10:00+09:00", failureDetectedAt: "2026-11-${day}T01:20:00+09:00", restoredAt: "2026-11-${day}T01:40:00+09:00"}\n`;
    const r = await assess({
      'changes/CR-2026-0090.yaml': done('CR-2026-0090', 'failed', '10'),
      'changes/CR-2026-0091.yaml': done('CR-2026-0091', 'successful', '11'),
      [CR]: change('CR-2026-0100', `  type: normal\n  services: [cart]\n${SAFE}`),
    });
    // 1 failure in 2 changes = 50%, over the 30% threshold.
    expect(r.factors.find((f) => f.code === 'recent-failure-rate')?.points).toBe(9);
  });

  it('finds overlapping changes on a direct dependency, over the whole window', async () => {
    const r = await assess({
      [CR]: change('CR-2026-0100', `  type: normal\n  services: [checkout-api]\n${SAFE}`, { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T04:00:00+09:00' }),
      // Starts after CR-0100 starts but before it ends; touches the database checkout-api uses.
      'changes/CR-2026-0101.yaml': change('CR-2026-0101', `  type: normal\n  configurationItems: [checkout-db]\n${SAFE}`, { start: '2026-12-03T03:00:00+09:00', end: '2026-12-03T05:00:00+09:00' }),
    });
    expect(r.factors.find((f) => f.code === 'overlapping-changes')?.points).toBe(11);
    expect(r.conflicts.map((c) => [c.code, c.with])).toEqual([['overlapping-change', 'CR-2026-0101']]);
  });
});

describe('impact, conflicts and controls', () => {
  it('takes impact from the widest, most severe service in the blast radius', async () => {
    // Changing the cluster impacts checkout-db, and through it checkout-api (tier 1, external).
    const r = await assess({ [CR]: change('CR-2026-0100', `  type: normal\n  configurationItems: [k8s-prod]\n${SAFE}`) });
    expect(r.impact).toEqual({ level: 4, scope: 'external', severity: 1, decidedBy: 'service:checkout-api' });
    expect(r.blastRadius.map((b) => [b.ref, b.path])).toEqual([
      ['ci:k8s-prod', ['ci:k8s-prod']],
      ['ci:checkout-db', ['ci:k8s-prod', 'ci:checkout-db']],
      ['service:checkout-api', ['ci:k8s-prod', 'ci:checkout-db', 'service:checkout-api']],
    ]);
  });

  it.each([
    [1, 1, 3],
    [2, 2, 3],
    [3, 3, undefined],
    [10, 3, undefined],
  ])('builds %i blast-radius rows when asked (%i listed, total %s), the nearest first, and the same verdict', async (rows, listed, total) => {
    const files = { [CR]: change('CR-2026-0100', `  type: normal\n  configurationItems: [k8s-prod]\n${SAFE}`) };
    const full = await assess(files);
    const capped = await assess(files, { blastRadiusRows: rows });
    expect(capped.blastRadius).toEqual(full.blastRadius.slice(0, listed));
    expect(capped.blastRadiusTotal).toBe(total);
    const { blastRadius: _a, blastRadiusTotal: _b, ...verdict } = capped;
    const { blastRadius: _c, ...fullVerdict } = full;
    expect(verdict).toEqual(fullVerdict);
  });

  it('reports a freeze over the schedule, and records an allowed emergency bypass', async () => {
    const during = { start: '2026-12-24T01:00:00+09:00', end: '2026-12-24T02:00:00+09:00' };
    const normal = await assess({ [CR]: change('CR-2026-0100', `  type: normal\n  services: [cart]\n${SAFE}`, during) });
    expect(normal.conflicts.map((c) => [c.code, c.severity, c.with])).toEqual([['freeze', 'error', 'year-end-freeze']]);
    expect(normal.controls.find((c) => c.code === 'freeze')?.met).toBe(false);
    const emergency = await assess({ [CR]: change('CR-2026-0100', `  type: emergency\n  justification: Outage\n  services: [cart]\n${SAFE}`, during) });
    expect(emergency.conflicts.map((c) => [c.code, c.severity])).toEqual([['freeze-bypass', 'warning']]);
    expect(emergency.controls.find((c) => c.code === 'freeze')?.met).toBe(true);
  });

  it('catches a freeze that starts after the change starts', async () => {
    const r = await assess({ [CR]: change('CR-2026-0100', `  type: normal\n  services: [cart]\n${SAFE}`, { start: '2026-12-19T20:00:00+09:00', end: '2026-12-20T02:00:00+09:00' }) });
    expect(r.conflicts.map((c) => c.code)).toContain('freeze');
  });

  it.each([
    ['within its template', '  rollback: {steps: [Reissue the old certificate], tested: {at: "2026-11-01"}}\n', 'medium', 'standard', []],
    ['riskier than its template allows', '', 'high', 'normal', ['not-pre-approved']],
  ])('a standard change %s', async (_name, rollback, cls, effective, conflicts) => {
    const cert = 'apiVersion: opsledger/v1\nkind: ConfigurationItem\nmetadata: {name: tls-checkout}\nspec: {class: certificate, service: checkout-api, environment: production}\n';
    const body = `  type: standard\n  template: cert-rotation\n  configurationItems: [tls-checkout]\n  delivery: {strategy: canary}\n${rollback}`;
    const r = await assess({ 'services/checkout/certs.yaml': cert, [CR]: change('CR-2026-0100', body) });
    expect([r.class, r.type, r.effectiveType]).toEqual([cls, 'standard', effective]);
    expect(r.conflicts.map((c) => c.code)).toEqual(conflicts);
    // Demoted, it pays the normal type's points and needs approvals again.
    expect(r.factors[0]!.code).toBe('change-type');
    expect(r.controls.filter((c) => c.code.startsWith('approval:')).every((c) => c.required === (effective === 'normal'))).toBe(true);
  });

  it('needs a maintenance window for a critical change and knows when it is inside one', async () => {
    // Tuesday 01:00-04:00 Asia/Seoul is the fixture's weekly maintenance window.
    const body = `  type: emergency\n  justification: Exploit in the wild\n  services: [checkout-api]\n  rollback: {steps: [Revert]}\n`;
    const inside = await assess({ [CR]: change('CR-2026-0100', body, { start: '2026-12-01T01:30:00+09:00', end: '2026-12-01T03:00:00+09:00' }) });
    expect(inside.class).toBe('critical');
    expect(inside.controls.find((c) => c.code === 'maintenance-window')).toMatchObject({ met: true });
    const outside = await assess({ [CR]: change('CR-2026-0100', body, { start: '2026-12-01T03:30:00+09:00', end: '2026-12-01T04:30:00+09:00' }) });
    expect(outside.controls.find((c) => c.code === 'maintenance-window')).toMatchObject({ met: false });
  });
});

describe('the example organisation', () => {
  // The classes a CAB would give these changes (see the closing note of issue 3 for the reasons).
  it.each([
    ['CR-2026-0174', 'medium', 'standard'],
    ['CR-2026-0176', 'high', 'normal'],
    ['CR-2026-0177', 'high', 'normal'],
    ['CR-2026-0180', 'high', 'normal'],
    ['CR-2026-0183', 'high', 'normal'],
    ['CR-2026-0185', 'low', 'standard'],
    ['CR-2026-0187', 'high', 'normal'],
    ['CR-2026-0189', 'high', 'normal'],
  ])('%s is %s', async (id, cls, type) => {
    const r = await cli(['risk', id, '--format', 'json', '--at', '2026-11-22T12:00:00+09:00']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['change', 'class', 'impact', 'likelihood', 'factors', 'blastRadius', 'conflicts', 'controls']));
    expect([report.class, report.effectiveType]).toEqual([cls, type]);
    expect(Object.keys(report.impact)).toEqual(expect.arrayContaining(['level', 'scope', 'severity']));
    expect(Object.keys(report.likelihood)).toEqual(['level', 'points']);
  });

  it('prints several changes as a JSON array and markdown with the heatmap and mermaid graph', async () => {
    const json = await cli(['risk', 'CR-2026-0176', 'CR-2026-0177', '--format', 'json']);
    expect(JSON.parse(json.stdout).map((r: { change: string }) => r.change)).toEqual(['CR-2026-0176', 'CR-2026-0177']);
    const md = await cli(['risk', 'CR-2026-0180', '--format', 'markdown']);
    expect(md.stdout).toContain('```mermaid');
    expect(md.stdout).toContain('**▶ HIGH ◀**');
    expect(md.stdout).toMatch(/- \[ \] `freeze`/);
  });

  it.each([
    [['risk', 'CR-2026-9999'], 2],
    [['risk'], 2],
    [['risk', 'CR-2026-0176', '--format', 'yaml'], 2],
    [['risk', 'CR-2026-0176', '--at', 'tomorrow'], 2],
  ])('opsledger %j exits %i', async (args, code) => {
    expect((await cli(args)).code).toBe(code);
  });
});
