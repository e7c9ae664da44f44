import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dueDateEnd, overdueFollowUps, reviewDueAt } from '../../src/core/incidents/follow-up.js';
import { parseDeadline } from '../../src/core/duration.js';
import { freshUntil, readEvidenceTime, type EvidenceClock } from '../../src/core/evidence-time.js';
import type { Incident, IncidentPolicy } from '../../src/core/model.js';

const POLICY: IncidentPolicy = { severities: { sev1: { description: 'down', reviewWithin: '5d' }, sev4: { description: 'internal' } } };

function incident(spec: Partial<Incident['spec']>, name = 'INC-2026-0001'): { doc: Incident; file: string; index: number } {
  const doc: Incident = { apiVersion: 'opsledger/v1', kind: 'Incident', metadata: { name, title: 't' }, spec: { severity: 'sev1', status: 'resolved', startedAt: '2026-11-01T00:00:00Z', ...spec } };
  return { doc, file: `incidents/${name}.yaml`, index: 0 };
}

const ms = (iso: string) => Date.parse(iso);
const SEOUL: EvidenceClock = { zone: 'Asia/Seoul' };

describe('what is overdue after an incident', () => {
  // Due dates are read on the organisation's clock; Seoul (UTC+9) here.
  it.each([
    ['the due day still runs in Seoul', '2026-12-01', '2026-12-01T14:59:59.999Z', false],
    ['the due day has ended in Seoul', '2026-12-01', '2026-12-01T15:00:00Z', true],
    ['the due day has not begun', '2026-12-01', '2026-11-30T00:00:00Z', false],
  ])('an open action item: %s', (_name, due, now, overdue) => {
    const i = incident({ review: { summary: 's', completedAt: '2026-11-02T00:00:00Z', actionItems: [{ title: 'a', owner: 'payments', due, state: 'open' }] } });
    expect(overdueFollowUps([i], POLICY, ms(now), SEOUL).actions.length).toBe(overdue ? 1 : 0);
  });

  it.each(['done', 'wont-do'] as const)('a %s action item is never overdue', (state) => {
    const i = incident({ review: { summary: 's', actionItems: [{ title: 'a', owner: 'payments', due: '2026-01-01', state }] } });
    expect(overdueFollowUps([i], POLICY, ms('2026-12-01T00:00:00Z'), SEOUL).actions).toEqual([]);
  });

  it.each([
    ['within the deadline', { resolvedAt: '2026-11-01T00:00:00Z' }, '2026-11-05T23:59:59Z', 0],
    ['past the deadline without a review', { resolvedAt: '2026-11-01T00:00:00Z' }, '2026-11-06T00:00:01Z', 1],
    ['past the deadline with a completed review', { resolvedAt: '2026-11-01T00:00:00Z', review: { summary: 's', completedAt: '2026-11-09T00:00:00Z' } }, '2026-11-20T00:00:00Z', 0],
    ['not resolved yet', {}, '2026-12-20T00:00:00Z', 0],
    ['a severity without a review deadline', { severity: 'sev4' as const, resolvedAt: '2026-11-01T00:00:00Z' }, '2026-12-20T00:00:00Z', 0],
  ])('a review %s', (_name, spec, now, count) => {
    expect(overdueFollowUps([incident(spec)], POLICY, ms(now), SEOUL).reviews).toHaveLength(count);
  });

  it('the review deadline is counted from resolution', () => {
    expect(reviewDueAt(incident({ resolvedAt: '2026-11-01T09:00:00+09:00' }).doc, POLICY, SEOUL)).toBe(ms('2026-11-06T00:00:00Z'));
    expect(dueDateEnd('2026-02-30', SEOUL)).toBeUndefined();
  });
});

describe('review deadlines in business days', () => {
  // 2026-12-04 is a Friday. Business days are counted from the day after resolution on the
  // organisation's clock and end at its midnight (Seoul: 15:00 UTC).
  const BD: IncidentPolicy = { severities: { sev1: { description: 'down', reviewWithin: '5bd' }, sev2: { description: 'degraded', reviewWithin: '1bd' } } };
  it.each([
    ['resolved on a Friday evening: the next Friday', 'sev1', '2026-12-04T18:00:00+09:00', '2026-12-11T14:59:59.999Z'],
    ['resolved on a Saturday: the same next Friday', 'sev1', '2026-12-05T10:00:00+09:00', '2026-12-11T14:59:59.999Z'],
    ['resolved on a Monday, one business day: Tuesday', 'sev2', '2026-12-07T09:00:00+09:00', '2026-12-08T14:59:59.999Z'],
    ['resolved on a Sunday in UTC that is Monday in Seoul: Tuesday', 'sev2', '2026-12-06T20:00:00Z', '2026-12-08T14:59:59.999Z'],
    ['resolved on a Friday, one business day: Monday', 'sev2', '2026-12-04T09:00:00+09:00', '2026-12-07T14:59:59.999Z'],
  ] as const)('%s', (_name, severity, resolvedAt, due) => {
    const i = incident({ severity, resolvedAt });
    expect(reviewDueAt(i.doc, BD, SEOUL)).toBe(ms(due));
    expect(overdueFollowUps([i], BD, ms(due), SEOUL).reviews).toHaveLength(0);
    expect(overdueFollowUps([i], BD, ms(due) + 1, SEOUL).reviews).toHaveLength(1);
  });

  it.each([
    ['5bd', { businessDays: 5 }],
    ['365bd', { businessDays: 365 }],
    ['7d', { span: 7 * 86_400_000 }],
    ['0bd', undefined],
    ['366bd', undefined],
    ['5bd2h', undefined],
    ['bd', undefined],
  ] as const)('%s reads as %j', (text, expected) => {
    expect(parseDeadline(text)).toEqual(expected);
  });
});

describe('one reading of a date-only value', () => {
  // The zones of the world's extremes and a half-hour one, and fixed offsets as a schedule writes them.
  const clock = fc.oneof(
    fc.constantFrom<EvidenceClock>({ zone: 'UTC' }, { zone: 'Asia/Seoul' }, { zone: 'Pacific/Kiritimati' }, { zone: 'Etc/GMT+12' }, { zone: 'Asia/Kolkata' }, { zone: 'America/New_York' }),
    fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m): EvidenceClock => ({ offsetMs: m * 60_000 })),
  );
  const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('an action item falls due when evidence of the same date stops being from today', () => {
    fc.assert(
      fc.property(date, clock, (day, c) => {
        const evidence = readEvidenceTime(day, c)!;
        const end = dueDateEnd(day, c)!;
        // The same last moment of the day for both readers...
        expect(end).toBe(evidence.to);
        // ...which is the day an evidence of that date stays fresh for zero days.
        expect(end).toBe(freshUntil(evidence, 0, c));
        const item = incident({ review: { summary: 's', actionItems: [{ title: 'a', owner: 'payments', due: day, state: 'open' }] } });
        expect(overdueFollowUps([item], POLICY, end, c).actions).toHaveLength(0);
        expect(overdueFollowUps([item], POLICY, end + 1, c).actions).toHaveLength(1);
      }),
      { numRuns: 200, seed: 20 },
    );
  });
});
