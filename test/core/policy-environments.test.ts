import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { riskContext } from '../../src/app/assess-risk.js';
import { computeMetrics } from '../../src/core/metrics/compute.js';
import { environmentsOf } from '../../src/core/environments.js';
import { decideGate, gateInterval } from '../../src/core/gate.js';
import { activePolicy } from '../../src/core/organisation.js';
import { assessChange } from '../../src/core/risk/assess.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * Issue #17 point 3: environments are declared in the policy. A spelling the policy knows is read
 * as its canonical name by every rule; a spelling it does not know is a validate error. Each row
 * here was an attack on the old code: `prod` validated, scored no environment points and passed
 * the production freeze.
 */

const FIXTURE_POLICY = readFileSync(join(PROJECT_ROOT, 'test/fixtures/minimal-org/changes/policy.yaml'), 'utf8');
const POLICY = FIXTURE_POLICY.replace('      changeType: {standard: 0, normal: 1, emergency: 4}\n', '      changeType: {standard: 0, normal: 1, emergency: 4}\n      environment: {production: 2}\n').replace(
  '    - {name: production, production: true}\n',
  '    - {name: production, production: true, aliases: [prod, prd]}\n',
);

const CR = 'changes/CR-2026-0100.yaml';
const NOW = Date.parse('2026-11-22T00:00:00Z');
// Inside the fixture's year-end freeze (2026-12-20 – 2027-01-03, scoped to production).
const IN_FREEZE = { start: '2026-12-22T01:00:00+09:00', end: '2026-12-22T02:00:00+09:00' };

function change(environment: string, schedule = IN_FREEZE, more = ''): string {
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0100, title: Test change}
spec:
  type: normal
  requester: mina-park
  services: [cart]
  environment: ${environment}
  schedule: {start: "${schedule.start}", end: "${schedule.end}"}
  rollback: {steps: [Revert]}
${more}status:
  phase: scheduled
`;
}

async function scored(files: Record<string, string>) {
  const root = makeOrg({ 'changes/policy.yaml': POLICY, ...files });
  const loaded = await loadOrganisation(root);
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const ctx = riskContext(loaded, NOW, { shallow: false, byId: new Map() });
  const report = assessChange(ctx, 'CR-2026-0100');
  const doc = loaded.org.changes.get('CR-2026-0100')!.doc;
  // The gate asks the same calendar view for the occurrences in force at its moment.
  const at = Date.parse(IN_FREEZE.start) + 60_000;
  const interval = gateInterval(at, doc);
  const gate = decideGate({ changeId: 'CR-2026-0100', at, change: doc, risk: report, windows: ctx.calendar.windowsFor(doc, interval.from, interval.to) });
  return { root, loaded, report, gate };
}

describe('a change written with an alias is scored and frozen as the canonical environment', () => {
  it.each([
    ['the canonical name', 'production'],
    ['an alias', 'prod'],
    ['another alias', 'prd'],
  ])('%s (%s): production points, the production freeze blocks, risk and gate agree', async (_name, env) => {
    const { report, gate } = await scored({ [CR]: change(env) });
    expect(report.factors.find((f) => f.code === 'environment')?.points).toBe(2);
    expect(report.conflicts.map((c) => c.code)).toContain('freeze');
    expect(report.controls.find((c) => c.code === 'freeze')?.met).toBe(false);
    expect(gate.checks.find((c) => c.code === 'freeze')?.ok).toBe(false);
    expect(gate.allowed).toBe(false);
  });

  it.each([
    ['a freeze scoped to an alias stops a change written with the canonical name', 'prod', 'production'],
    ['a freeze scoped to an alias stops a change written with another alias', 'prod', 'prd'],
    ['a freeze scoped to the canonical name stops a change written with an alias', 'production', 'prd'],
  ])('%s', async (_name, scoped, written) => {
    const calendar = readFileSync(join(PROJECT_ROOT, 'test/fixtures/minimal-org/changes/calendar.yaml'), 'utf8').replace('scope: {environments: [production]}', `scope: {environments: [${scoped}]}`);
    const { report, gate } = await scored({ 'changes/calendar.yaml': calendar, [CR]: change(written) });
    expect(report.controls.find((c) => c.code === 'freeze')?.met).toBe(false);
    expect(gate.checks.find((c) => c.code === 'freeze')?.ok).toBe(false);
  });

  it('a staging change is not production: no points and no production freeze', async () => {
    const { report, gate } = await scored({ [CR]: change('staging') });
    expect(report.factors.find((f) => f.code === 'environment')).toBeUndefined();
    expect(report.controls.find((c) => c.code === 'freeze')?.met).toBe(true);
    expect(gate.checks.find((c) => c.code === 'freeze')?.ok).toBe(true);
  });

  it('environment points keyed by an alias count for the canonical name', async () => {
    const policy = POLICY.replace('environment: {production: 2}', 'environment: {prd: 2}');
    const { report } = await scored({ 'changes/policy.yaml': policy, [CR]: change('production') });
    expect(report.factors.find((f) => f.code === 'environment')?.points).toBe(2);
  });

  it('a template covering an alias covers the canonical name', async () => {
    const template = 'apiVersion: opsledger/v1\nkind: StandardChange\nmetadata: {name: cart-deploy}\nspec:\n  covers: {services: [cart], environments: [prod]}\n  maxRisk: critical\n';
    const body = change('production', { start: '2026-12-02T01:00:00+09:00', end: '2026-12-02T02:00:00+09:00' }).replace('type: normal', 'type: standard\n  template: cart-deploy');
    const { report } = await scored({ 'changes/templates/cart-deploy.yaml': template, [CR]: body });
    expect(report.effectiveType).toBe('standard');
  });
});

describe('the gate compares the pipeline environment by canonical name', () => {
  it.each([
    ['the canonical name', 'production', true],
    ['an alias of the change environment', 'prod', true],
    ['another environment', 'staging', false],
    ['an undeclared name', 'prdo', false],
  ])('--env %s (%s)', async (_name, env, ok) => {
    const root = makeOrg({ 'changes/policy.yaml': POLICY, [CR]: change('prd') });
    const loaded = await loadOrganisation(root);
    const policy = activePolicy(loaded.org)!.doc.spec;
    const doc = loaded.org.changes.get('CR-2026-0100')!.doc;
    const d = decideGate({ changeId: 'CR-2026-0100', at: NOW, change: doc, environment: env, environments: environmentsOf(policy) });
    expect(d.checks.find((c) => c.code === 'environment')?.ok).toBe(ok);
  });
});

describe('an environment the policy does not declare is a positioned validate error', () => {
  const cmdb = 'apiVersion: opsledger/v1\nkind: ConfigurationItem\nmetadata: {name: cart-cache}\nspec:\n  class: cache\n  service: cart\n  environment: prdo\n';
  const calendar = 'apiVersion: opsledger/v1\nkind: ChangeCalendar\nmetadata: {name: extra}\nspec:\n  windows:\n    - name: f\n      kind: freeze\n      start: "2026-12-05T00:00:00+09:00"\n      end: "2026-12-06T00:00:00+09:00"\n      scope: {environments: [staging, prdo]}\n';
  const template = 'apiVersion: opsledger/v1\nkind: StandardChange\nmetadata: {name: t}\nspec:\n  covers: {environments: [prdo]}\n  maxRisk: low\n';
  it.each([
    ['a change', { [CR]: change('prdo') }, CR, 8, 16, '/spec/environment'],
    ['a configuration item', { 'services/checkout/cart-cache.yaml': cmdb }, 'services/checkout/cart-cache.yaml', 7, 16, '/spec/environment'],
    ['a calendar scope', { 'changes/extra.yaml': calendar }, 'changes/extra.yaml', 10, 39, '/spec/windows/0/scope/environments/1'],
    ['a template', { 'changes/templates/t.yaml': template }, 'changes/templates/t.yaml', 5, 27, '/spec/covers/environments/0'],
    ['a key of the environment points', { 'changes/policy.yaml': POLICY.replace('environment: {production: 2}', 'environment: {production: 2, prdo: 1}') }, 'changes/policy.yaml', 15, 36, '/spec/likelihood/factors/environment/prdo'],
  ])('in %s', async (_name, files, file, line, column, pointer) => {
    const { code, report } = await validateJson(makeOrg({ 'changes/policy.yaml': POLICY, ...files }));
    const found = report.diagnostics.filter((d) => d.code === 'environment.unknown');
    expect(found.map((d) => ({ file: d.file, line: d.line, column: d.column, pointer: d.pointer, severity: d.severity }))).toEqual([{ file, line, column, pointer, severity: 'error' }]);
    expect(found[0]!.hint).toContain('"prd"');
    expect(code).toBe(1);
  });
});

describe('the declared environments themselves', () => {
  it.each([
    ['an alias equal to another environment name', '    - {name: staging}\n', '    - {name: staging, aliases: [production]}\n', 37, 33, '/spec/environments/1/aliases/0'],
    ['an alias equal to another alias', '    - {name: staging}\n', '    - {name: staging, aliases: [prd]}\n', 37, 33, '/spec/environments/1/aliases/0'],
    ['a name declared twice', '    - {name: dev}\n', '    - {name: dev}\n    - {name: staging}\n', 39, 14, '/spec/environments/3/name'],
    ['an environment given points twice, once by alias', 'environment: {production: 2}', 'environment: {production: 2, prod: 3}', 15, 36, '/spec/likelihood/factors/environment/prod'],
  ])('%s is environment.duplicate', async (_name, from, to, line, column, pointer) => {
    expect(POLICY).toContain(from);
    const { code, report } = await validateJson(makeOrg({ 'changes/policy.yaml': POLICY.replace(from, to) }));
    const found = report.diagnostics.filter((d) => d.code === 'environment.duplicate');
    expect(found.map((d) => ({ line: d.line, column: d.column, pointer: d.pointer }))).toEqual([{ line, column, pointer }]);
    expect(code).toBe(1);
  });

  it('a policy without environments is a positioned error, not a built-in list', async () => {
    const policy = POLICY.slice(0, POLICY.indexOf('  environments:\n'));
    const { code, report } = await validateJson(makeOrg({ 'changes/policy.yaml': policy }));
    expect(report.diagnostics.map((d) => ({ code: d.code, pointer: d.pointer, line: d.line, column: d.column }))).toEqual([{ code: 'schema.required', pointer: '/spec/environments', line: 5, column: 3 }]);
    expect(code).toBe(1);
  });
});

describe('command-line environments are checked against the policy', () => {
  it.each([
    ['calendar --env', ['calendar', '--env', 'prdo', '--at', '2026-12-22T00:00:00Z']],
    ['metrics --env', ['metrics', '--env', 'prdo']],
  ])('%s with an undeclared name is a usage error', async (_name, args) => {
    const root = makeOrg({ 'changes/policy.yaml': POLICY });
    const r = await cli([...args, '--root', root], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"prd"');
  });

  it.each([['production'], ['prod']])('calendar --env %s is closed by the production freeze', async (env) => {
    const root = makeOrg({ 'changes/policy.yaml': POLICY });
    const r = await cli(['calendar', '--env', env, '--at', '2026-12-22T00:00:00Z', '--format', 'json', '--root', root], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'closed', subject: { environments: ['production'] } });
  });
});

describe('metrics count the policy production environments by canonical name', () => {
  it('a deployment written with an alias counts as production, by default and when asked by alias', async () => {
    const done = change('prod', { start: '2026-11-02T01:00:00+09:00', end: '2026-11-02T02:00:00+09:00' }).replace('status:\n  phase: scheduled\n', 'status:\n  phase: completed\n  outcome: {result: successful, implementedAt: "2026-11-02T01:30:00+09:00"}\n');
    const root = makeOrg({ 'changes/policy.yaml': POLICY, [CR]: done });
    const loaded = await loadOrganisation(root);
    expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const window = { from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-11-20T00:00:00Z') };
    const byDefault = computeMetrics(loaded.org, window);
    const byAlias = computeMetrics(loaded.org, { ...window, environments: ['prd'] });
    expect(byDefault.window.environments).toEqual(['production']);
    expect(byAlias.window.environments).toEqual(['production']);
    expect(byDefault.deployments.map((d) => d.change)).toContain('CR-2026-0100');
    expect(byAlias.deployments.map((d) => d.change)).toEqual(byDefault.deployments.map((d) => d.change));
  });
});
