import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import type { ReadinessCheck, ReadinessPolicy } from '../../src/core/model.js';
import type { Organisation } from '../../src/core/organisation.js';
import { readinessCoverage } from '../../src/core/readiness/coverage.js';
import { readinessDelta } from '../../src/core/readiness/delta.js';
import { evaluateReadiness, evaluateService, readinessPolicyOf } from '../../src/core/readiness/evaluate.js';
import { makeOrg, MINIMAL_ORG } from '../helpers/org.js';

/**
 * Readiness over small organisations built from the minimal fixture, whose policy has four
 * rules: oncall and runbook (bronze, every tier), slo (silver, tiers 1-2) and dr-test (gold,
 * tier 1, within 365d). The fixture's team checkout has no on-call; checkout-api (tier 1) has an
 * SLO and no runbook; cart (tier 2) has neither.
 */
const NOW = Date.parse('2026-11-22T00:00:00Z');

const TEAMS_WITH_ONCALL = `apiVersion: opsledger/v1
kind: Team
metadata: {name: checkout}
spec:
  members: [mina-park]
  oncall: {schedule: "https://oncall.example.com/checkout", escalation: [mina-park]}
  contact: {slack: "#checkout"}
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: cab}
spec: {members: [dana-lee]}
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: ecab}
spec: {members: [dana-lee]}
`;

function service(name: string, tier: number, extra = '', lifecycle = 'production'): string {
  return `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  owner: checkout\n  tier: ${tier}\n  exposure: company\n  lifecycle: ${lifecycle}\n${extra}`;
}

const RUNBOOK = '  runbooks: [{title: Restart, url: "https://wiki.example.com/rb"}]\n';
const checkoutApi = (extra: string, cartExtra = '') =>
  `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: checkout-api}\nspec:\n  owner: checkout\n  tier: 1\n  exposure: external\n  lifecycle: production\n  dependsOn: [service:cart, ci:checkout-db]\n${extra}---\n${service('cart', 2, cartExtra)}`;

async function orgOf(files: Record<string, string>): Promise<Organisation> {
  const loaded = await loadOrganisation(makeOrg(files));
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return loaded.org;
}

async function levelsOf(files: Record<string, string>): Promise<Record<string, string>> {
  const org = await orgOf(files);
  return Object.fromEntries(evaluateReadiness(org, readinessPolicyOf(org)!, NOW).map((s) => [s.service, s.level]));
}

describe('service levels', () => {
  it.each<[string, Record<string, string>, Record<string, string>]>([
    ['no on-call and no runbook: none', {}, { 'checkout-api': 'none', cart: 'none' }],
    ['on-call but no runbook: still none', { 'teams/teams.yaml': TEAMS_WITH_ONCALL }, { 'checkout-api': 'none', cart: 'none' }],
    [
      'bronze rules pass, tier 1 has an SLO but no DR test: silver; tier 2 without an SLO: bronze',
      { 'teams/teams.yaml': TEAMS_WITH_ONCALL, 'services/checkout/service.yaml': checkoutApi(RUNBOOK, RUNBOOK) },
      { 'checkout-api': 'silver', cart: 'bronze' },
    ],
    [
      'a DR test 300 days ago: gold',
      { 'teams/teams.yaml': TEAMS_WITH_ONCALL, 'services/checkout/service.yaml': checkoutApi(`${RUNBOOK}  continuity: {rto: 1h, rpo: 5m, drTestedAt: "2026-01-26"}\n`) },
      { 'checkout-api': 'gold', cart: 'none' },
    ],
    [
      'a DR test 400 days ago: silver',
      { 'teams/teams.yaml': TEAMS_WITH_ONCALL, 'services/checkout/service.yaml': checkoutApi(`${RUNBOOK}  continuity: {drTestedAt: "2025-10-18"}\n`) },
      { 'checkout-api': 'silver', cart: 'none' },
    ],
    [
      'tier 4 with on-call and a runbook: gold, since the SLO and DR rules do not apply to it',
      { 'teams/teams.yaml': TEAMS_WITH_ONCALL, 'services/tool/service.yaml': service('tool', 4, RUNBOOK) },
      { 'checkout-api': 'none', cart: 'none', tool: 'gold' },
    ],
    ['an experimental service is not rated', { 'services/lab/service.yaml': service('lab', 3, '', 'experimental') }, { 'checkout-api': 'none', cart: 'none', lab: 'not-rated' }],
  ])('%s', async (_name, files, levels) => {
    expect(await levelsOf(files)).toEqual(levels);
  });

  it('lists every rule with its status and what stands before the next level', async () => {
    const org = await orgOf({ 'teams/teams.yaml': TEAMS_WITH_ONCALL });
    const s = evaluateService(org, 'checkout-api', readinessPolicyOf(org)!, NOW);
    expect(s.rules.map((r) => [r.id, r.level, r.status])).toEqual([
      ['oncall', 'bronze', 'passed'],
      ['runbook', 'bronze', 'failed'],
      ['slo', 'silver', 'passed'],
      ['dr-test', 'gold', 'failed'],
    ]);
    expect(s.next).toEqual({ level: 'bronze', failing: ['runbook'] });
    expect(s.counts).toEqual({ passed: 2, failed: 2, notApplicable: 0 });
  });

  it('never reaches a level no rule defines', async () => {
    const org = await orgOf({ 'teams/teams.yaml': TEAMS_WITH_ONCALL });
    const onlyBronze: ReadinessPolicy = { rules: [{ id: 'oncall', description: 'On-call', check: 'oncall', level: 'bronze' }] };
    const s = evaluateService(org, 'cart', onlyBronze, NOW);
    expect([s.level, s.next]).toEqual(['bronze', undefined]);
  });
});

describe('checks', () => {
  const TEAM = (spec: string) => `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: ops}\nspec:\n  members: [a]\n${spec}`;
  const SVC = (spec: string) => `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: svc}\nspec:\n  owner: ops\n  tier: 1\n  exposure: company\n  lifecycle: production\n${spec}`;
  const OLD = service('old', 3, '', 'deprecated');
  const SLO = (status: string) => `apiVersion: opsledger/v1\nkind: SLO\nmetadata: {name: svc-availability}\nspec:\n  service: svc\n  indicatorRef: ratio\n  timeWindow: [{duration: 28d, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.999}]\n${status}`;
  const link = '[{title: x, url: "https://example.com/x"}]';

  it.each<[ReadinessCheck, string | undefined, string, string, string | undefined, 'passed' | 'failed']>([
    ['runbook', undefined, `  runbooks: ${link}\n`, '', undefined, 'passed'],
    ['runbook', undefined, '', '', undefined, 'failed'],
    ['playbook', undefined, `  playbooks: ${link}\n`, '', undefined, 'passed'],
    ['playbook', undefined, `  runbooks: ${link}\n`, '', undefined, 'failed'],
    ['dashboard', undefined, `  dashboards: ${link}\n`, '', undefined, 'passed'],
    ['dashboard', undefined, '', '', undefined, 'failed'],
    ['repository', undefined, '  repository: https://github.com/acme/svc\n', '', undefined, 'passed'],
    ['repository', undefined, '', '', undefined, 'failed'],
    ['oncall', undefined, '', '  oncall: {schedule: "https://oncall.example.com/ops"}\n', undefined, 'passed'],
    ['oncall', undefined, '', '  oncall: {escalation: [a]}\n', undefined, 'failed'],
    ['escalation', undefined, '', '  oncall: {escalation: [a]}\n', undefined, 'passed'],
    ['escalation', undefined, '', '  oncall: {schedule: "https://oncall.example.com/ops"}\n', undefined, 'failed'],
    ['contact', undefined, '', '  contact: {email: ops@example.com}\n', undefined, 'passed'],
    ['contact', undefined, '', '', undefined, 'failed'],
    ['slo', undefined, '', '', '', 'passed'],
    ['slo', undefined, '', '', undefined, 'failed'],
    ['slo-status', '7d', '', '', 'status: {errorBudgetRemaining: 0.4, measuredAt: "2026-11-20T00:00:00Z"}\n', 'passed'],
    ['slo-status', '7d', '', '', 'status: {errorBudgetRemaining: 0.4, measuredAt: "2026-11-01T00:00:00Z"}\n', 'failed'],
    ['slo-status', '7d', '', '', '', 'failed'],
    ['dr-test', '30d', '  continuity: {drTestedAt: "2026-11-01"}\n', '', undefined, 'passed'],
    ['dr-test', '30d', '  continuity: {drTestedAt: "2026-09-01"}\n', '', undefined, 'failed'],
    ['continuity', undefined, '  continuity: {rto: 1h, rpo: 5m}\n', '', undefined, 'passed'],
    ['continuity', undefined, '  continuity: {rto: 1h}\n', '', undefined, 'failed'],
    ['no-deprecated-dependencies', undefined, '', '', undefined, 'passed'],
    ['no-deprecated-dependencies', undefined, '  dependsOn: [service:old]\n', '', undefined, 'failed'],
  ])('%s (within %s) on %j / team %j / SLO %j: %s', async (check, within, svc, team, slo, status) => {
    const files: Record<string, string> = { 'teams/ops.yaml': TEAM(team), 'services/svc/service.yaml': SVC(svc), 'services/old/service.yaml': OLD };
    if (slo !== undefined) files['services/svc/slos.yaml'] = SLO(slo);
    const org = await orgOf(files);
    const policy: ReadinessPolicy = { rules: [{ id: 'rule', description: 'The rule', check, level: 'bronze', ...(within ? { within } : {}) }] };
    expect(evaluateService(org, 'svc', policy, NOW).rules[0]!.status).toBe(status);
  });
});

describe('organisation coverage', () => {
  it('reports levels, rules and the gaps found in the data', async () => {
    const org = await orgOf({ 'services/old/service.yaml': service('old', 3, '', 'deprecated'), 'services/uses-old/service.yaml': service('uses-old', 4, '  dependsOn: [service:old]\n') });
    const results = evaluateReadiness(org, readinessPolicyOf(org)!, NOW);
    const c = readinessCoverage(org, results);
    expect(c.levels).toEqual({ gold: 0, silver: 0, bronze: 0, none: 4, 'not-rated': 0 });
    expect(c.rules.map((r) => [r.id, r.passed, r.failed, r.notApplicable])).toEqual([
      ['oncall', 0, 4, 0],
      ['runbook', 0, 4, 0],
      // checkout-api has one; cart (tier 2) has none; old and uses-old are tiers 3-4.
      ['slo', 1, 1, 2],
      ['dr-test', 0, 1, 3],
    ]);
    expect(c.gaps).toEqual({
      servicesWithoutSlo: [
        { service: 'cart', tier: 2 },
        { service: 'old', tier: 3 },
        { service: 'uses-old', tier: 4 },
      ],
      tier1WithoutRunbooks: ['checkout-api'],
      servicesWithoutOncall: ['cart', 'checkout-api', 'old', 'uses-old'],
      // The fixture's k8s-prod cluster belongs to no service and names no owner.
      cisWithoutOwner: ['k8s-prod'],
      deprecatedDependencies: [{ service: 'uses-old', dependsOn: ['old'] }],
    });
  });
});

describe('readinessDelta', () => {
  it('shows the levels and rules a pull request moves, graded by the base policy', async () => {
    const base = await orgOf({ 'teams/teams.yaml': TEAMS_WITH_ONCALL, 'services/tool/service.yaml': service('tool', 4, RUNBOOK) });
    const head = await orgOf({
      'teams/teams.yaml': TEAMS_WITH_ONCALL,
      // checkout-api gains a runbook and a recent DR test; tool is removed; lab arrives.
      'services/checkout/service.yaml': checkoutApi(`${RUNBOOK}  continuity: {drTestedAt: "2026-10-01"}\n`),
      'services/lab/service.yaml': service('lab', 4, RUNBOOK),
      // The pull request also loosens its own policy; the base policy still grades it.
      'changes/policy.yaml': readFileSync(join(MINIMAL_ORG, 'changes', 'policy.yaml'), 'utf8').replace('check: runbook, level: bronze', 'check: repository, level: gold'),
    });
    expect(readinessDelta(base, head, { now: NOW })).toEqual([
      { service: 'checkout-api', from: 'none', to: 'gold', direction: 'up', rules: [{ id: 'runbook', from: 'failed', to: 'passed' }, { id: 'dr-test', from: 'failed', to: 'passed' }] },
      { service: 'lab', from: null, to: 'gold', direction: 'added', rules: [{ id: 'oncall', from: null, to: 'passed' }, { id: 'runbook', from: null, to: 'passed' }, { id: 'slo', from: null, to: 'not-applicable' }, { id: 'dr-test', from: null, to: 'not-applicable' }] },
      { service: 'tool', from: 'gold', to: null, direction: 'removed', rules: [{ id: 'oncall', from: 'passed', to: null }, { id: 'runbook', from: 'passed', to: null }, { id: 'slo', from: 'not-applicable', to: null }, { id: 'dr-test', from: 'not-applicable', to: null }] },
    ]);
  });

  it('is empty when nothing moves', async () => {
    const org = await orgOf({});
    expect(readinessDelta(org, org, { now: NOW })).toEqual([]);
  });
});
