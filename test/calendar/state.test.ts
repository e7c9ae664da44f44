import { describe, expect, it } from 'vitest';
import { calendarState } from '../../src/core/calendar/state.js';
import type { ScopeSubject } from '../../src/core/calendar/scope.js';
import type { CalendarWindow } from '../../src/core/model.js';
import { ms, oneOff, recurring } from './helpers.js';

const windows: CalendarWindow[] = [
  oneOff('year-end', '2026-12-20T00:00:00+09:00', '2027-01-03T00:00:00+09:00', { scope: { environments: ['production'] }, allow: ['emergency'] }),
  // Friday 18:00 to Sunday 18:00 in Berlin, for tier-1 services.
  recurring('weekend', '2026-01-02T18:00:00', 'FREQ=WEEKLY;BYDAY=FR', '2d', 'Europe/Berlin', { kind: 'freeze', scope: { tiers: [1] } }),
  recurring('tuesday-maintenance', '2026-01-06T01:00:00', 'FREQ=WEEKLY;BYDAY=TU', '3h', 'Asia/Seoul'),
];

const tier1 = { name: 'shop', tier: 1 as const };
const tier3 = { name: 'reports', tier: 3 as const };

describe('calendarState', () => {
  it.each<[string, string, ScopeSubject | undefined, 'open' | 'closed', string | null, string[]]>([
    ['open on a Tuesday; the weekend freeze starts Friday 18:00 Berlin', '2026-12-01T00:00:00Z', undefined, 'open', '2026-12-04T17:00:00Z', []],
    ['inside the Tuesday maintenance window (01:00-04:00 Seoul), still open', '2026-11-30T17:00:00Z', undefined, 'open', '2026-12-04T17:00:00Z', ['tuesday-maintenance']],
    ['closed on Saturday until Sunday 18:00 Berlin', '2026-12-05T00:00:00Z', undefined, 'closed', '2026-12-06T17:00:00Z', ['weekend']],
    ['the weekend across the October DST change ends at 18:00 local (49 hours)', '2026-10-24T00:00:00Z', undefined, 'closed', '2026-10-25T17:00:00Z', ['weekend']],
    ['overlapping freezes chain: year-end, then the New Year weekend', '2026-12-25T00:00:00Z', undefined, 'closed', '2027-01-03T17:00:00Z', ['year-end']],
    ['an emergency change on a tier-3 service passes the year-end freeze', '2026-12-25T00:00:00Z', { services: [tier3], environments: ['production'], type: 'emergency' }, 'open', null, ['year-end']],
    ['a normal change on a tier-3 service is stopped by year-end only', '2026-12-25T00:00:00Z', { services: [tier3], environments: ['production'], type: 'normal' }, 'closed', '2027-01-02T15:00:00Z', ['year-end']],
    ['staging is outside year-end but tier 1 is in the weekend freeze', '2026-12-25T00:00:00Z', { services: [tier1], environments: ['staging'] }, 'open', '2026-12-25T17:00:00Z', []],
    ['the start instant itself is closed', '2026-12-04T17:00:00Z', undefined, 'closed', '2026-12-06T17:00:00Z', ['weekend']],
    ['the end instant itself is open', '2026-12-06T17:00:00Z', undefined, 'open', '2026-12-11T17:00:00Z', []],
  ])('%s', (_what, at, subject, state, next, active) => {
    const s = calendarState(windows, ms(at), subject ? { subject } : {});
    expect({ state: s.state, at: s.at, nextTransition: s.nextTransition, active: s.active.map((o) => o.name) }).toEqual({ state, at: new Date(ms(at)).toISOString().replace('.000Z', 'Z'), nextTransition: next, active });
  });

  it('marks which active freezes block and reports maintenance', () => {
    const s = calendarState(windows, ms('2026-12-21T17:00:00Z'), { subject: { services: [tier3], environments: ['production'], type: 'emergency' } });
    expect(s.active.map((o) => [o.name, o.blocking])).toEqual([
      ['year-end', false],
      ['tuesday-maintenance', false],
    ]);
    expect(s.maintenance).toBe(true);
    expect(s.state).toBe('open');
  });

  it('follows back-to-back freezes to the end of the chain', () => {
    const chain = [oneOff('a', '2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z'), oneOff('b', '2026-05-02T00:00:00Z', '2026-05-03T00:00:00Z'), oneOff('c', '2026-05-02T12:00:00Z', '2026-05-04T00:00:00Z')];
    expect(calendarState(chain, ms('2026-05-01T06:00:00Z')).nextTransition).toBe('2026-05-04T00:00:00Z');
    expect(calendarState(chain, ms('2026-04-01T00:00:00Z')).nextTransition).toBe('2026-05-01T00:00:00Z');
  });

  it('looks ahead only as far as the horizon', () => {
    const far = [oneOff('far', '2028-01-01T00:00:00Z', '2028-01-02T00:00:00Z')];
    expect(calendarState(far, ms('2026-06-01T00:00:00Z')).nextTransition).toBeNull();
    expect(calendarState(far, ms('2026-06-01T00:00:00Z'), { horizonDays: 600 }).nextTransition).toBe('2028-01-01T00:00:00Z');
  });

  it('is open with no transition when there are no windows', () => {
    expect(calendarState([], ms('2026-06-01T00:00:00Z'))).toEqual({ state: 'open', at: '2026-06-01T00:00:00Z', nextTransition: null, active: [], maintenance: false });
  });
});
