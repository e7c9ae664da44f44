import { describe, expect, it } from 'vitest';
import { assessIn, changeDoc, FIXTURE_POLICY } from './org-builder.js';

// Every class asks for a rehearsed rollback and verification, so any change shows both controls.
const CONTROLS = /  controls:\n(    .*\n){4}/;
function policy(evidence: string): string {
  const p = FIXTURE_POLICY.replace(CONTROLS, `  controls:\n${['low', 'medium', 'high', 'critical'].map((c) => `    ${c}: {rollback: tested, verification: true}\n`).join('')}`)
    .replace('      changeType: {standard: 0, normal: 1, emergency: 4}\n', '      changeType: {standard: 0, normal: 1, emergency: 4}\n      rollbackUntested: 2\n');
  expect(p).toContain('rollback: tested, verification: true');
  expect(p).toContain('rollbackUntested: 2');
  return evidence ? `${p}  evidence: ${evidence}\n` : p;
}
const STRICT = policy('{maxAge: 90d, hosts: [ci.example.com]}');
const LENIENT = policy('');

const NOW = Date.parse('2026-11-22T00:00:00Z');
const UPCOMING = { start: '2026-12-03T01:00:00+09:00', end: '2026-12-03T02:00:00+09:00' };
// Started a week ago and still running when assessed (the gate asks during the window).
const RUNNING = { start: '2026-11-15T01:00:00+09:00', end: '2026-11-25T02:00:00+09:00' };

const GOOD_TEST = '{at: "2026-11-01", evidence: "https://ci.example.com/run/1"}';
const GOOD_CHECK = '{description: Staging soak, at: "2026-11-02", evidence: "https://ci.example.com/run/2"}';

function body(tested: string, verification: string): string {
  return `  type: normal
  services: [cart]
  delivery: {strategy: canary}
  rollback:
    steps: [Revert]
    tested: ${tested}
  verification:
    - ${verification}
`;
}

/**
 * Each row scores the requester's claim next to an honest twin in the same organisation: the
 * claim must not satisfy its control, the twin must (so a fix that refuses everything fails).
 */
async function judge(policyText: string, tested: string, verification: string, schedule = UPCOMING) {
  const [claim, honest] = await assessIn(
    {
      'changes/policy.yaml': policyText,
      'changes/CR-2026-0100.yaml': changeDoc('CR-2026-0100', body(tested, verification), schedule),
      // The twin runs at another time on another service: no conflict links the two.
      'changes/CR-2026-0101.yaml': changeDoc('CR-2026-0101', body(GOOD_TEST, GOOD_CHECK).replace('[cart]', '[checkout-api]'), { start: '2026-12-04T01:00:00+09:00', end: '2026-12-04T02:00:00+09:00' }),
    },
    NOW,
    ['CR-2026-0100', 'CR-2026-0101'],
  );
  const control = (r: typeof claim, code: string) => r!.controls.find((c) => c.code === code);
  expect([control(honest, 'rollback')?.met, control(honest, 'verification')?.met]).toEqual([true, true]);
  expect(honest!.factors.map((f) => f.code)).not.toContain('rollback-untested');
  return { rollback: control(claim, 'rollback')!, verification: control(claim, 'verification')!, factors: claim!.factors.map((f) => `${f.code}:${f.points}`) };
}

describe('a rollback rehearsal is evidence, not a claim', () => {
  it.each([
    ['dated tomorrow', STRICT, '{at: "2026-11-23", evidence: "https://ci.example.com/run/1"}', UPCOMING],
    ['dated later today, as a date-time', STRICT, '{at: "2026-11-22T09:30:00+09:00", evidence: "https://ci.example.com/run/1"}', UPCOMING],
    ['dated after the change started, before now', STRICT, '{at: "2026-11-20", evidence: "https://ci.example.com/run/1"}', RUNNING],
    // 20:00 on the 20th in San Francisco is 04:00 on the 21st in UTC: the 21st is the next day where the change runs.
    ['dated the day after an evening start, read where the change runs', STRICT, '{at: "2026-11-21", evidence: "https://ci.example.com/run/1"}', { start: '2026-11-20T20:00:00-08:00', end: '2026-11-25T02:00:00-08:00' }],
    ['dated two years ago', STRICT, '{at: "2024-11-01", evidence: "https://ci.example.com/run/1"}', UPCOMING],
    ['dated just past the maximum age', STRICT, '{at: "2026-09-01", evidence: "https://ci.example.com/run/1"}', UPCOMING],
    ['on a host the policy does not list', STRICT, '{at: "2026-11-01", evidence: "https://github.com/someone/repo/actions/runs/1"}', UPCOMING],
    ['on a look-alike host', STRICT, '{at: "2026-11-01", evidence: "https://ci.example.com.evil.io/run/1"}', UPCOMING],
    ['behind a user-info prefix', STRICT, '{at: "2026-11-01", evidence: "https://ci.example.com@evil.io/run/1"}', UPCOMING],
    ['without a link where the policy wants one', STRICT, '{at: "2026-11-01"}', UPCOMING],
    ['dated tomorrow, whatever the policy says about evidence', LENIENT, '{at: "2026-11-23"}', UPCOMING],
    ['dated after the change started, whatever the policy says', LENIENT, '{at: "2026-11-20"}', RUNNING],
  ])('%s does not satisfy the rollback control and counts as untested', async (_name, policyText, tested, schedule) => {
    const r = await judge(policyText, tested, GOOD_CHECK.replace('2026-11-02', '2026-11-10'), schedule);
    expect(r.rollback.met).toBe(false);
    expect(r.factors).toContain('rollback-untested:2');
    expect(r.verification.met).toBe(true);
  });
});

describe('verification is evidence, not a claim', () => {
  it.each([
    ['dated tomorrow', STRICT, '{description: Soak, at: "2026-11-23", evidence: "https://ci.example.com/run/2"}', UPCOMING],
    ['dated after the change started, before now', STRICT, '{description: Soak, at: "2026-11-20", evidence: "https://ci.example.com/run/2"}', RUNNING],
    ['dated two years ago', STRICT, '{description: Soak, at: "2024-11-01", evidence: "https://ci.example.com/run/2"}', UPCOMING],
    ['on a host the policy does not list', STRICT, '{description: Soak, evidence: "https://grafana.example.com/d/1"}', UPCOMING],
    ['on a look-alike host', STRICT, '{description: Soak, evidence: "https://ci.example.com.evil.io/run/2"}', UPCOMING],
    // A script link never gets this far: validate refuses it as schema.format (test/link-schemes.test.ts).
    ['behind a user-info prefix', STRICT, '{description: Soak, evidence: "https://ci.example.com@evil.io/run/2"}', UPCOMING],
    ['as a description without evidence', LENIENT, '{description: Staging soak 72h}', UPCOMING],
    ['dated tomorrow, whatever the policy says about evidence', LENIENT, '{description: Soak, at: "2026-11-23", evidence: "https://ci.example.com/run/2"}', UPCOMING],
  ])('%s does not satisfy the verification control', async (_name, policyText, verification, schedule) => {
    const r = await judge(policyText, GOOD_TEST.replace('2026-11-01', '2026-11-10'), verification, schedule);
    expect(r.verification.met).toBe(false);
    expect(r.rollback.met).toBe(true);
  });
});

// A bare date is its whole day where the change runs (src/core/evidence-time.ts, the reader
// readiness uses too): 2026-09-03 is within 90 days for all of 2026-12-02 and for none of the 3rd.
describe('a bare date counts until the end of its day', () => {
  it.each([
    ['early on the 90th day', '2026-12-02T00:30:00+09:00', true],
    ['late on the 90th day', '2026-12-02T23:30:00+09:00', true],
    ['early on the 91st day', '2026-12-03T00:30:00+09:00', false],
    ['late on the 91st day', '2026-12-03T23:30:00+09:00', false],
  ])('a rehearsal of 2026-09-03 for a change starting %s (%s) holds: %s', async (_name, start, holds) => {
    const schedule = { start, end: start.replace(/T(\d\d):30/, 'T$1:45') };
    const [r] = await assessIn({ 'changes/policy.yaml': STRICT, 'changes/CR-2026-0100.yaml': changeDoc('CR-2026-0100', body('{at: "2026-09-03", evidence: "https://ci.example.com/run/1"}', GOOD_CHECK), schedule) }, NOW, ['CR-2026-0100']);
    expect(r!.controls.find((c) => c.code === 'rollback')?.met).toBe(holds);
  });
});
