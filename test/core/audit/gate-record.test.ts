import { describe, expect, it } from 'vitest';
import { gateRecordOf, gateRecordText, readGateRecord } from '../../../src/core/audit/gate-record.js';
import type { GateDecision } from '../../../src/core/gate.js';

const SHA = 'a'.repeat(40);
const decision: GateDecision = {
  allowed: true,
  change: 'CR-2026-0100',
  at: '2026-12-01T16:30:00.000Z',
  environment: 'production',
  checks: [{ code: 'approvals', ok: true, detail: 'approved' }],
  evidence: { policyCommit: 'b'.repeat(40), approvalBase: 'c'.repeat(40), pullRequest: { number: 7, headSha: 'd'.repeat(40), mergeCommitSha: SHA }, approvals: [{ login: 'dana-lee', reviewId: 2, commit: 'd'.repeat(40), submittedAt: null, groups: ['cab'] }] },
};

describe('gate records', () => {
  it('read back what was written, and the same decision gives the same bytes', () => {
    const text = gateRecordText(gateRecordOf(decision, SHA));
    expect(readGateRecord(text, SHA)).toEqual({ record: gateRecordOf(decision, SHA) });
    expect(gateRecordText(gateRecordOf(structuredClone(decision), SHA))).toBe(text);
  });

  const good = () => JSON.parse(gateRecordText(gateRecordOf(decision, SHA))) as Record<string, unknown>;
  it.each([
    ['no text', null],
    ['not JSON', '{"schema"'],
    ['an array', '[]'],
    ['another schema', JSON.stringify({ ...good(), schema: 'someone/else' })],
    ['a missing field', JSON.stringify({ ...good(), checks: undefined })],
    ['a review id that is not a number', JSON.stringify({ ...good(), approvals: [{ login: 'x', reviewId: '2', commit: SHA, submittedAt: null, groups: [] }] })],
    ['another commit than it sits on', JSON.stringify({ ...good(), deployedSha: 'e'.repeat(40) })],
    ['allowed with a failing check', JSON.stringify({ ...good(), checks: [{ code: 'approvals', ok: false, detail: 'x' }] })],
    ['an unreadable time', JSON.stringify({ ...good(), at: 'yesterday' })],
  ])('refuses %s', (_name, text) => {
    expect(readGateRecord(text, SHA)).toEqual({ refused: expect.any(String) });
  });
});
