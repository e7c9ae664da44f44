import { describe, expect, it } from 'vitest';
import { dueDateEnd, overdueFollowUps, reviewDueAt } from '../../src/core/incidents/follow-up.js';
import type { Incident, IncidentPolicy } from '../../src/core/model.js';

const POLICY: IncidentPolicy = { severities: { sev1: { description: 'down', reviewWithin: '5d' }, sev4: { description: 'internal' } } };

function incident(spec: Partial<Incident['spec']>, name = 'INC-2026-0001'): { doc: Incident; file: string; index: number } {
  const doc: Incident = { apiVersion: 'opsledger/v1', kind: 'Incident', metadata: { name, title: 't' }, spec: { severity: 'sev1', status: 'resolved', startedAt: '2026-11-01T00:00:00Z', ...spec } };
  return { doc, file: `incidents/${name}.yaml`, index: 0 };
}

const ms = (iso: string) => Date.parse(iso);

describe('what is overdue after an incident', () => {
  it.each([
    ['the due day still runs somewhere (UTC-12)', '2026-12-01', '2026-12-02T11:59:59Z', false],
    ['the due day has ended everywhere', '2026-12-01', '2026-12-02T12:00:01Z', true],
    ['the due day has not begun', '2026-12-01', '2026-11-30T00:00:00Z', false],
  ])('an open action item: %s', (_name, due, now, overdue) => {
    const i = incident({ review: { summary: 's', completedAt: '2026-11-02T00:00:00Z', actionItems: [{ title: 'a', owner: 'payments', due, state: 'open' }] } });
    expect(overdueFollowUps([i], POLICY, ms(now)).actions.length).toBe(overdue ? 1 : 0);
  });

  it.each(['done', 'wont-do'] as const)('a %s action item is never overdue', (state) => {
    const i = incident({ review: { summary: 's', actionItems: [{ title: 'a', owner: 'payments', due: '2026-01-01', state }] } });
    expect(overdueFollowUps([i], POLICY, ms('2026-12-01T00:00:00Z')).actions).toEqual([]);
  });

  it.each([
    ['within the deadline', { resolvedAt: '2026-11-01T00:00:00Z' }, '2026-11-05T23:59:59Z', 0],
    ['past the deadline without a review', { resolvedAt: '2026-11-01T00:00:00Z' }, '2026-11-06T00:00:01Z', 1],
    ['past the deadline with a completed review', { resolvedAt: '2026-11-01T00:00:00Z', review: { summary: 's', completedAt: '2026-11-09T00:00:00Z' } }, '2026-11-20T00:00:00Z', 0],
    ['not resolved yet', {}, '2026-12-20T00:00:00Z', 0],
    ['a severity without a review deadline', { severity: 'sev4' as const, resolvedAt: '2026-11-01T00:00:00Z' }, '2026-12-20T00:00:00Z', 0],
  ])('a review %s', (_name, spec, now, count) => {
    expect(overdueFollowUps([incident(spec)], POLICY, ms(now)).reviews).toHaveLength(count);
  });

  it('the review deadline is counted from resolution', () => {
    expect(reviewDueAt(incident({ resolvedAt: '2026-11-01T09:00:00+09:00' }).doc, POLICY)).toBe(ms('2026-11-06T00:00:00Z'));
    expect(dueDateEnd('2026-02-30')).toBeUndefined();
  });
});
