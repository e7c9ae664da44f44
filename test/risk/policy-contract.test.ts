import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { riskContext } from '../../src/app/assess-risk.js';
import { assessChange } from '../../src/core/risk/assess.js';
import { makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * Issue #24 point 3: the policy is a checked contract with no silent defaults. Each example of
 * the issue is a row here that failed on the old code.
 */

const FIXTURE_POLICY = readFileSync(join(PROJECT_ROOT, 'test/fixtures/minimal-org/changes/policy.yaml'), 'utf8');
const NOW = Date.parse('2026-11-22T00:00:00Z');
const CR = 'changes/CR-2026-0100.yaml';

function change(body: string, schedule = { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T02:00:00+09:00' }): string {
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0100, title: Test change}
spec:
  requester: mina-park
  environment: production
  schedule: {start: "${schedule.start}", end: "${schedule.end}"}
${body}status:
  phase: scheduled
`;
}

const NORMAL = '  type: normal\n  services: [cart]\n  rollback: {steps: [Revert]}\n';

async function report(files: Record<string, string>, { clean = true } = {}) {
  const root = makeOrg(files);
  const loaded = await loadOrganisation(root);
  if (clean) expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return assessChange(riskContext(loaded, NOW, { shallow: false, byId: new Map() }), 'CR-2026-0100');
}

describe('exactly one Policy is in force', () => {
  it.each([
    ['a file that sorts after the first', 'changes/zz-policy.yaml', 'changes/zz-policy.yaml', 0, 'changes/policy.yaml'],
    ['a file that sorts before the first', 'changes/policy-b.yaml', 'changes/policy.yaml', 0, 'changes/policy-b.yaml'],
    ['a second document in the same file', 'changes/policy.yaml', 'changes/policy.yaml', 1, 'changes/policy.yaml'],
  ])('a Policy in %s: an error at the later one, naming the other', async (_name, path, file, document, named) => {
    const second = FIXTURE_POLICY.replace('metadata: {name: default}', 'metadata: {name: lenient}');
    const content = path === 'changes/policy.yaml' ? `${FIXTURE_POLICY}---\n${second}` : second;
    const { code, report: r } = await validateJson(makeOrg({ [path]: content }));
    const found = r.diagnostics.filter((d) => d.code === 'policy.duplicate');
    expect(found.map((d) => ({ file: d.file, document: d.document, pointer: d.pointer, column: d.column }))).toEqual([{ file, document, pointer: '/kind', column: 7 }]);
    expect(found[0]!.message).toContain(named);
    expect(code).toBe(1);
  });
});

describe('points are counted exactly', () => {
  const policy = (normal: string, production: string, threshold: string) =>
    FIXTURE_POLICY.replace('thresholds: [3, 6, 10]', `thresholds: [${threshold}, 6, 10]`).replace('changeType: {standard: 0, normal: 1, emergency: 4}', `changeType: {standard: 0, normal: ${normal}, emergency: 4}\n      environment: {production: ${production}}`);
  it.each([
    ['0.7 + 0.1 reaches 0.8', '0.7', '0.1', '0.8', 0.8, 2],
    ['0.1 + 0.2 reaches 0.3', '0.1', '0.2', '0.3', 0.3, 2],
    ['0.7 + 0.099 stays below 0.8', '0.7', '0.099', '0.8', 0.799, 1],
  ])('%s', async (_name, normal, production, threshold, points, level) => {
    const r = await report({ 'changes/policy.yaml': policy(normal, production, threshold), [CR]: change(NORMAL) });
    expect(r.likelihood).toEqual({ level, points });
  });

  it.each([
    ['a factor', 'changeType: {standard: 0, normal: 1, emergency: 4}', 'changeType: {standard: 0, normal: 0.0001, emergency: 4}', 14, 41, '/spec/likelihood/factors/changeType/normal'],
    ['a threshold', 'thresholds: [3, 6, 10]', 'thresholds: [0.1234, 6, 10]', 12, 18, '/spec/likelihood/thresholds/0'],
    ['the recent-incident factor', 'changeType: {standard: 0, normal: 1, emergency: 4}', 'changeType: {standard: 0, normal: 1, emergency: 4}\n      recentIncidents: {points: 1.0005}', 15, 33, '/spec/likelihood/factors/recentIncidents/points'],
  ])('more than three decimals in %s is a positioned error', async (_name, from, to, line, column, pointer) => {
    const { code, report: r } = await validateJson(makeOrg({ 'changes/policy.yaml': FIXTURE_POLICY.replace(from, to) }));
    expect(r.diagnostics.filter((d) => d.code === 'policy.points-precision').map((d) => ({ line: d.line, column: d.column, pointer: d.pointer }))).toEqual([{ line, column, pointer }]);
    expect(code).toBe(1);
  });
});

describe("a standard change is held to its template's requiredFields", () => {
  const template = (required: string) => `apiVersion: opsledger/v1\nkind: StandardChange\nmetadata: {name: cart-deploy}\nspec:\n  covers: {services: [cart]}\n  maxRisk: critical\n  requiredFields: [${required}]\n`;
  const standard = (more: string) => `  type: standard\n  template: cart-deploy\n  services: [cart]\n${more}`;
  const VERIFIED = '  verification: [{description: Smoke test green, evidence: "https://ci.example.com/1"}]\n';
  it.each([
    ['verification absent', 'verification', '  rollback: {steps: [Revert]}\n', ['verification']],
    ['verification an empty list', 'verification', `  rollback: {steps: [Revert]}\n  verification: []\n`, ['verification']],
    ['rollback.steps absent, rollback present', 'rollback.steps', `  rollback: {triggers: [error rate]}\n${VERIFIED}`, ['rollback.steps']],
    ['two fields absent', 'rollback.tested, delivery', `  rollback: {steps: [Revert]}\n`, ['rollback.tested', 'delivery']],
  ])('%s: a positioned error, and risk scores it as normal', async (_name, required, body, missing) => {
    const files = { 'changes/templates/cart-deploy.yaml': template(required), [CR]: change(standard(body)) };
    const { code, report: v } = await validateJson(makeOrg(files));
    const found = v.diagnostics.filter((d) => d.code === 'change.required-field');
    expect(found.map((d) => ({ file: d.file, pointer: d.pointer, line: d.line, column: d.column }))).toEqual(missing.map(() => ({ file: CR, pointer: '/spec/template', line: 9, column: 13 })));
    missing.forEach((m, i) => expect(found[i]!.message).toContain(m));
    expect(code).toBe(1);
    const r = await report(files, { clean: false });
    expect(r.effectiveType).toBe('normal');
  });

  it('a change that fills every required field stays standard', async () => {
    const files = { 'changes/templates/cart-deploy.yaml': template('rollback.steps, verification, schedule'), [CR]: change(standard(`  rollback: {steps: [Revert]}\n${VERIFIED}`)) };
    const { code } = await validateJson(makeOrg(files));
    expect(code).toBe(0);
    expect((await report(files)).effectiveType).toBe('standard');
  });
});

describe('impact of a change that reaches no service', () => {
  const bastion = 'apiVersion: opsledger/v1\nkind: ConfigurationItem\nmetadata: {name: bastion}\nspec:\n  class: host\n  environment: production\n';
  const onlyCi = '  type: normal\n  configurationItems: [bastion]\n  rollback: {steps: [Revert]}\n';
  it.each([
    ['without impact.unowned: unknown, scored as the worst cell, with the reason', FIXTURE_POLICY, { level: 4, scope: 'external', severity: 1 }],
    ['with impact.unowned: what the policy declares, with the reason', FIXTURE_POLICY.replace('  impact:\n', '  impact:\n    unowned: {exposure: department, tier: 2}\n'), { level: 2, scope: 'department', severity: 2 }],
  ])('%s', async (_name, policy, impact) => {
    const r = await report({ 'changes/policy.yaml': policy, 'services/checkout/bastion.yaml': bastion, [CR]: change(onlyCi) });
    expect(r.impact).toMatchObject(impact);
    expect(r.impact.reason).toContain('ci:bastion');
    expect(r.impact.decidedBy).toBeUndefined();
  });

  it('a change that reaches a service has no such reason', async () => {
    const r = await report({ [CR]: change(NORMAL) });
    expect(r.impact.reason).toBeUndefined();
    expect(r.impact.decidedBy).toBeDefined();
  });
});

describe('near-freeze counts only the approach to a freeze', () => {
  const policy = FIXTURE_POLICY.replace('changeType: {standard: 0, normal: 1, emergency: 4}', 'changeType: {standard: 0, normal: 1, emergency: 4}\n      nearFreeze: {points: 7, within: 2d}');
  // The fixture's year-end freeze runs 2026-12-20T00:00 to 2027-01-03T00:00 (+09:00), production.
  it.each([
    ['ends a day before the freeze starts', { start: '2026-12-18T22:00:00+09:00', end: '2026-12-18T23:00:00+09:00' }, true],
    ['ends right as the freeze starts', { start: '2026-12-19T23:00:00+09:00', end: '2026-12-20T00:00:00+09:00' }, true],
    ['ends three days before the freeze starts', { start: '2026-12-16T22:00:00+09:00', end: '2026-12-16T23:00:00+09:00' }, false],
    ['starts right after the freeze ends', { start: '2027-01-03T00:00:00+09:00', end: '2027-01-03T01:00:00+09:00' }, false],
    ['starts a day after the freeze ends', { start: '2027-01-04T00:00:00+09:00', end: '2027-01-04T01:00:00+09:00' }, false],
  ])('a change that %s', async (_name, schedule, near) => {
    const r = await report({ 'changes/policy.yaml': policy, [CR]: change(NORMAL, schedule) });
    expect(r.factors.some((f) => f.code === 'near-freeze')).toBe(near);
  });
});
