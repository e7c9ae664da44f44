import { describe, expect, it } from 'vitest';
import type { ChangeRequest, ChangeStatus } from '../../src/core/model.js';
import { planOutcome, type Outcome, type OutcomeRequest } from '../../src/core/outcome/plan.js';

const NOW = Date.parse('2026-11-22T00:00:00Z');
const T = (hhmm: string) => `2026-11-10T${hhmm}:00+09:00`;

function change(status?: ChangeStatus): ChangeRequest {
  return {
    apiVersion: 'opsledger/v1',
    kind: 'ChangeRequest',
    metadata: { name: 'CR-2026-0100' },
    spec: { type: 'normal', requester: 'a', services: ['x'], environment: 'production', schedule: { start: T('01:00'), end: T('02:00') } },
    ...(status ? { status } : {}),
  };
}

describe('planOutcome refuses', () => {
  it.each<[string, ChangeStatus | undefined, OutcomeRequest, string[]]>([
    ['a cancelled change', { phase: 'cancelled' }, { result: 'successful', implementedAt: T('01:10') }, ['record.cancelled']],
    ['a draft', { phase: 'draft' }, { result: 'successful', implementedAt: T('01:10') }, ['record.draft']],
    ['detection on a success', { phase: 'scheduled' }, { result: 'successful', implementedAt: T('01:10'), failureDetectedAt: T('01:20') }, ['record.failure-on-success']],
    ['restoration on a partial change', { phase: 'scheduled' }, { result: 'partial', implementedAt: T('01:10'), restoredAt: T('01:20') }, ['record.failure-on-success']],
    ['a restoration without detection', { phase: 'scheduled' }, { result: 'failed', implementedAt: T('01:10'), restoredAt: T('01:50') }, ['record.restored-without-detection']],
    ['detection before implementation', { phase: 'scheduled' }, { result: 'failed', implementedAt: T('01:10'), failureDetectedAt: T('01:05') }, ['record.order']],
    ['restoration before detection', { phase: 'scheduled' }, { result: 'rolled-back', implementedAt: T('01:10'), failureDetectedAt: T('01:30'), restoredAt: T('01:20') }, ['record.order']],
    ['a time in the future', { phase: 'scheduled' }, { result: 'successful', implementedAt: '2026-11-22T09:10:00+09:00' }, ['record.future']],
    // The stored implementedAt (01:10) and a new detection time (01:00) are out of order together.
    ['a new time out of order with a recorded one', { phase: 'completed', outcome: { result: 'failed', implementedAt: T('01:10') } }, { result: 'failed', failureDetectedAt: T('01:00') }, ['record.order']],
    ['turning a recorded failure into a success', { phase: 'completed', outcome: { result: 'rolled-back', implementedAt: T('01:10') } }, { result: 'successful' }, ['record.rewrite-failure']],
  ])('%s', (_name, status, request, codes) => {
    const plan = planOutcome(change(status), request, NOW);
    expect(plan.ok ? [] : plan.refusals.map((r) => r.code)).toEqual(codes);
  });
});

describe('planOutcome records', () => {
  it.each<[string, ChangeStatus | undefined, OutcomeRequest, Outcome]>([
    ['a success with its time', { phase: 'scheduled' }, { result: 'successful', implementedAt: T('01:10') }, { result: 'successful', implementedAt: T('01:10') }],
    ['the current time when no implementation time is given', undefined, { result: 'successful' }, { result: 'successful', implementedAt: '2026-11-22T00:00:00Z' }],
    ['a failure still being worked on (no restoration yet)', { phase: 'implementing' }, { result: 'failed', implementedAt: T('01:10'), failureDetectedAt: T('01:30') }, { result: 'failed', implementedAt: T('01:10'), failureDetectedAt: T('01:30') }],
    [
      'the restoration later, keeping what was recorded and adding incidents',
      { phase: 'completed', outcome: { result: 'failed', implementedAt: T('01:10'), failureDetectedAt: T('01:30'), incidents: ['INC-1'], notes: 'kept' } },
      { result: 'failed', restoredAt: T('02:10'), incidents: ['INC-1', 'INC-2'] },
      { result: 'failed', implementedAt: T('01:10'), failureDetectedAt: T('01:30'), restoredAt: T('02:10'), incidents: ['INC-1', 'INC-2'], notes: 'kept' },
    ],
    ['a success that later failed', { phase: 'completed', outcome: { result: 'successful', implementedAt: T('01:10') } }, { result: 'failed', failureDetectedAt: T('05:00') }, { result: 'failed', implementedAt: T('01:10'), failureDetectedAt: T('05:00') }],
    ['a recorder clock up to five minutes ahead', { phase: 'scheduled' }, { result: 'successful', implementedAt: '2026-11-22T00:04:00Z' }, { result: 'successful', implementedAt: '2026-11-22T00:04:00Z' }],
  ])('%s', (_name, status, request, outcome) => {
    const plan = planOutcome(change(status), request, NOW);
    expect(plan.ok && plan.outcome).toEqual(outcome);
  });
});
