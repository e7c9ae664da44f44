import { describe, expect, it } from 'vitest';
import type { ApprovalDecision } from '../../src/core/approvals.js';
import { windowsInForce } from '../../src/core/calendar/in-force.js';
import { decideGate, gateInterval, type GateDecision, type GateInput } from '../../src/core/gate.js';
import type { CalendarWindow, ChangePhase, ChangeRequest, ChangeType } from '../../src/core/model.js';
import type { ControlResult, RiskReport } from '../../src/core/risk/types.js';
import { oneOff } from '../calendar/helpers.js';

/**
 * decideGate on its own, check by check: each input the gatherer may hand it, passing and
 * failing, and the rule that any failed check or any error denies. The end-to-end runs against
 * a fake GitHub live in test/github/gate.test.ts.
 */

const ID = 'CR-2026-0042';
const START = '2026-12-02T01:00:00+09:00';
const END = '2026-12-02T03:00:00+09:00';
const AT = Date.parse('2026-12-01T16:30:00Z'); // 01:30 in Seoul: inside the schedule

function change(phase: ChangePhase = 'scheduled'): ChangeRequest {
  return {
    apiVersion: 'opsledger/v1',
    kind: 'ChangeRequest',
    metadata: { name: ID, title: 'Upgrade payments-db' },
    spec: { type: 'normal', requester: 'alice', services: ['payments-api'], environment: 'production', schedule: { start: START, end: END } },
    status: { phase },
  };
}

function approvals(met: boolean): ApprovalDecision {
  return {
    met,
    requirements: [
      { group: 'owner', count: 1, approvers: ['bob'], met: true },
      { group: 'cab', count: 2, approvers: met ? ['carol', 'dave'] : ['carol'], met },
    ],
    approvers: met ? ['bob', 'carol', 'dave'] : ['bob', 'carol'],
    rejected: [],
  };
}

const PLAN_CODES = ['rollback', 'progressive-delivery', 'premortem', 'verification', 'error-budget', 'maintenance-window', 'lead-time'] as const;

function controls(overrides: Partial<Record<string, Partial<ControlResult>>> = {}): ControlResult[] {
  // Approval controls are in the risk report too; the gate checks approvals from GitHub instead.
  const codes = ['approval:owner', 'approval:cab', ...PLAN_CODES, 'freeze'];
  return codes.map((code) => ({ code, required: true, met: !code.startsWith('approval:'), detail: code, ...overrides[code] }));
}

function risk(overrides: Partial<RiskReport> = {}): RiskReport {
  return {
    change: ID,
    type: 'normal',
    effectiveType: 'normal',
    class: 'high',
    impact: { level: 3, scope: 'external', severity: 1 },
    likelihood: { level: 2, points: 4 },
    factors: [],
    blastRadius: [],
    conflicts: [],
    controls: controls(),
    matrices: { impact: {}, risk: [], thresholds: [] },
    schedule: { start: START, end: END },
    ...overrides,
  };
}

/** The occurrences in force over the gate's interval for AT, as the gatherer hands them over. */
function inForce(...windows: CalendarWindow[]) {
  return windowsInForce(windows, gateInterval(AT, change()));
}
const DAY_OF = ['2026-12-01T00:00:00+09:00', '2026-12-03T00:00:00+09:00'] as const;
const freeze = (allow: ChangeType[] = []) => oneOff('year-end', ...DAY_OF, { allow, reason: 'Year-end peak' });
const maintenance = oneOff('db-maintenance', ...DAY_OF, { kind: 'maintenance' });

/** Everything in order: the deploy may go. */
function good(): GateInput {
  return {
    changeId: ID,
    at: AT,
    change: change(),
    environment: 'production',
    pullRequest: { number: 7, merged: true },
    approvals: approvals(true),
    risk: risk(),
    windows: [],
    errors: [],
  };
}

const failing = (d: GateDecision) => d.checks.filter((c) => !c.ok).map((c) => c.code);
const codes = (d: GateDecision) => d.checks.map((c) => c.code);

describe('decideGate', () => {
  it('lists every check when it allows', () => {
    const d = decideGate(good());
    expect(d.allowed).toBe(true);
    expect(d.checks.map((c) => [c.code, c.ok])).toEqual([
      ['change-exists', true],
      ['phase', true],
      ['environment', true],
      ['schedule', true],
      ['merged', true],
      ['approvals', true],
      ['freeze', true],
      ...PLAN_CODES.map((code) => [code, true]),
    ]);
    expect(d).toMatchObject({ change: ID, at: '2026-12-01T16:30:00.000Z' });
  });

  it.each<[string, (i: GateInput) => GateInput]>([
    ['at the first instant of the schedule', (i) => ({ ...i, at: Date.parse(START) })],
    ['without an environment to compare, the environment check is left out', ({ environment: _e, ...i }) => i],
    ['an emergency change through a freeze that allows emergencies', (i) => ({ ...i, risk: risk({ type: 'emergency', effectiveType: 'emergency' }), windows: inForce(freeze(['emergency'])) })],
    ['a maintenance window in force does not freeze', (i) => ({ ...i, windows: inForce(maintenance) })],
    ['a freeze that starts when the schedule ends (its end is exclusive)', (i) => ({ ...i, windows: inForce(oneOff('later', END, '2026-12-02T05:00:00+09:00')) })],
    ['a freeze that ended before the schedule began', (i) => ({ ...i, windows: inForce(oneOff('earlier', '2026-12-01T20:00:00+09:00', START)) })],
    ['a plan control the class does not require', (i) => ({ ...i, risk: risk({ controls: controls({ 'maintenance-window': { required: false, met: false } }) }) })],
    ['an unmet control the gate does not check from the files', (i) => ({ ...i, risk: risk({ controls: [...controls(), { code: 'approval:ecab', required: true, met: false, detail: '' }] }) })],
    ['no errors given at all', ({ errors: _e, ...i }) => i],
    // #19.3: spec.servicePaths of the approving base.
    ['the pull request changed no tied path', (i) => ({ ...i, servicePaths: [] })],
    ['every tied service is covered by the change', (i) => ({ ...i, servicePaths: [{ service: 'checkout-api', paths: ['deploy/checkout/app.yaml'], covered: true }] })],
  ])('allows %s', (_what, vary) => {
    const d = decideGate(vary(good()));
    expect(failing(d)).toEqual([]);
    expect(d.allowed).toBe(true);
  });

  it.each<[string, (i: GateInput) => GateInput, string[]]>([
    ['approvals are missing', (i) => ({ ...i, approvals: approvals(false) }), ['approvals']],
    ['approvals could not be established', ({ approvals: _a, ...i }) => i, ['approvals']],
    ['a freeze that allows no type', (i) => ({ ...i, windows: inForce(freeze()) }), ['freeze']],
    ['a freeze that allows other types', (i) => ({ ...i, windows: inForce(freeze(['emergency'])) }), ['freeze']],
    ['a freeze allowing standard changes, for a standard change treated as normal', (i) => ({ ...i, risk: risk({ type: 'standard', effectiveType: 'normal' }), windows: inForce(freeze(['standard'])) }), ['freeze']],
    ['a freeze beside a maintenance window', (i) => ({ ...i, windows: inForce(maintenance, freeze()) }), ['freeze']],
    // #24: the freeze starts after the moment of the deploy but before the change ends.
    ['a freeze starts later in the window', (i) => ({ ...i, windows: inForce(oneOff('later', '2026-12-02T02:30:00+09:00', '2026-12-02T05:00:00+09:00')) }), ['freeze']],
    // The risk report shows this freeze as a conflict of the schedule: the gate agrees.
    ['a freeze lay earlier in the window', (i) => ({ ...i, windows: inForce(oneOff('earlier', START, '2026-12-02T01:15:00+09:00')) }), ['freeze']],
    ['the schedule has not begun', (i) => ({ ...i, at: Date.parse(START) - 1 }), ['schedule']],
    ['the schedule has ended (its end is exclusive)', (i) => ({ ...i, at: Date.parse(END) }), ['schedule']],
    ['not inside a maintenance window', (i) => ({ ...i, risk: risk({ controls: controls({ 'maintenance-window': { met: false } }) }) }), ['maintenance-window']],
    ['the error budget is spent', (i) => ({ ...i, risk: risk({ controls: controls({ 'error-budget': { met: false } }) }) }), ['error-budget']],
    ...PLAN_CODES.map((code): [string, (i: GateInput) => GateInput, string[]] => [`the required ${code} control is unmet`, (i) => ({ ...i, risk: risk({ controls: controls({ [code]: { met: false } }) }) }), [code]]),
    ['GitHub did not answer', (i) => ({ ...i, errors: [{ code: 'github-unreachable', detail: 'connect ECONNREFUSED' }] }), ['github-unreachable']],
    ['GitHub answered nonsense', (i) => ({ ...i, errors: [{ code: 'error', detail: 'unexpected answer' }] }), ['error']],
    ['the risk rose since approval', (i) => ({ ...i, errors: [{ code: 'risk-rose', detail: 'approved as medium risk in #7, now high' }] }), ['risk-rose']],
    ['several errors, each listed', (i) => ({ ...i, errors: [{ code: 'github-unreachable', detail: 'x' }, { code: 'pull-request', detail: 'y' }] }), ['github-unreachable', 'pull-request']],
    ['the change could not be scored', ({ risk: _r, ...i }) => ({ ...i, errors: [{ code: 'policy-missing', detail: 'no Policy' }] }), ['policy-missing', 'risk']],
    ['the change is not on the default branch', ({ change: _c, ...i }) => i, ['change-exists']],
    ['the change is cancelled', (i) => ({ ...i, change: change('cancelled') }), ['phase']],
    ['the change is completed', (i) => ({ ...i, change: change('completed') }), ['phase']],
    ['the pipeline deploys to another environment', (i) => ({ ...i, environment: 'staging' }), ['environment']],
    ['the pull request is not merged', (i) => ({ ...i, pullRequest: { number: 7, merged: false } }), ['merged']],
    ['no pull request introduced the change', ({ pullRequest: _p, ...i }) => i, ['merged']],
    [
      'the pull request changed a path tied to a service the change does not cover',
      (i) => ({
        ...i,
        servicePaths: [
          { service: 'cart', paths: ['deploy/shared/net.yaml'], covered: false },
          { service: 'checkout-api', paths: ['deploy/shared/net.yaml'], covered: true },
        ],
      }),
      ['service-paths'],
    ],
  ])('denies when %s', (_what, vary, failed) => {
    const d = decideGate(vary(good()));
    expect(failing(d)).toEqual(failed);
    expect(d.allowed).toBe(false);
  });

  it('lists errors first, before the checks it could still make', () => {
    const d = decideGate({ ...good(), errors: [{ code: 'github-unreachable', detail: 'x' }] });
    expect(codes(d)).toEqual(['github-unreachable', ...codes(decideGate(good()))]);
  });

  it('without the change, makes no check that needs it', () => {
    const { change: _c, ...rest } = good();
    const d = decideGate(rest);
    expect(codes(d)).not.toContain('phase');
    expect(codes(d)).not.toContain('schedule');
    expect(codes(d)).not.toContain('environment');
  });

  it('without a risk report, makes no freeze or plan check', () => {
    const { risk: _r, ...rest } = good();
    const d = decideGate(rest);
    expect(codes(d).filter((c) => c === 'freeze' || (PLAN_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('with nothing gathered but an error, denies and says why', () => {
    const d = decideGate({ changeId: ID, at: AT, errors: [{ code: 'error', detail: 'boom' }] });
    expect(d.allowed).toBe(false);
    expect(d.checks.map((c) => [c.code, c.ok])).toEqual([
      ['error', false],
      ['change-exists', false],
      ['merged', false],
      ['approvals', false],
      ['risk', false],
    ]);
  });

  it('is allowed exactly when every check passes', () => {
    const variants: GateInput[] = [good(), { ...good(), windows: inForce(freeze()) }, { ...good(), errors: [{ code: 'error', detail: '' }] }, { ...good(), at: Date.parse(END) }];
    for (const v of variants) {
      const d = decideGate(v);
      expect(d.allowed).toBe(d.checks.every((c) => c.ok));
    }
  });
});

describe('decideGate: the deployed commit (deployment protection rules)', () => {
  const HEAD = 'a'.repeat(40);
  const MERGE = 'b'.repeat(40);
  const OTHER = 'c'.repeat(40);
  const merged = { number: 7, merged: true, headSha: HEAD, mergeCommitSha: MERGE };
  it.each([
    ['the approved head', HEAD, merged, true],
    ['the merge commit', MERGE, merged, true],
    ['another commit', OTHER, merged, false],
    ['the head of a pull request that is not merged', HEAD, { ...merged, merged: false }, false],
    ['a commit with no pull request found', HEAD, undefined, false],
  ] as const)('%s: deployed-commit ok = %s', (_name, sha, pullRequest, ok) => {
    const d = decideGate({ changeId: ID, at: AT, change: change(), deployedSha: sha, ...(pullRequest ? { pullRequest } : {}) });
    expect(d.checks.find((c) => c.code === 'deployed-commit')?.ok).toBe(ok);
  });

  it('adds no deployed-commit check when no commit is named', () => {
    const d = decideGate({ changeId: ID, at: AT, change: change(), pullRequest: merged });
    expect(d.checks.map((c) => c.code)).not.toContain('deployed-commit');
  });
});
