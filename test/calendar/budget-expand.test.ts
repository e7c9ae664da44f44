import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarBudgetError, CalendarError, expandWindow, expandWindows, QUERY_BUDGET } from '../../src/core/calendar/expand.js';
import { OCCURRENCE_BUDGET } from '../../src/core/calendar/recurrence.js';
import { calendarState } from '../../src/core/calendar/state.js';
import { parseInstant } from '../../src/core/calendar/local-time.js';
import { parseDuration } from '../../src/core/duration.js';
import { ms, recurring } from './helpers.js';

const DAY = 86_400_000;

describe('expansion budgets', () => {
  it.each([
    ['a minutely window over a year', recurring('m', '2026-01-06T01:00:00', 'FREQ=MINUTELY', '1m', 'UTC'), 365],
    ['a minutely window with a BYMINUTE list over 200 days', recurring('m', '2026-01-06T01:00:00', 'FREQ=MINUTELY;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29', '1m', 'UTC'), 200],
    ['an hourly window with every minute listed over 100 days', recurring('m', '2026-01-06T01:00:00', `FREQ=HOURLY;BYMINUTE=${Array.from({ length: 60 }, (_, i) => i).join(',')}`, '1m', 'Asia/Seoul'), 100],
  ])('%s is refused with a typed budget error naming the window', (_name, window, days) => {
    const from = ms('2026-02-01T00:00:00Z');
    const started = performance.now();
    let error: unknown;
    try {
      expandWindow({ ...window, calendar: 'production' }, { from, to: from + days * DAY });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarBudgetError);
    expect((error as CalendarBudgetError).window).toEqual({ name: 'm', calendar: 'production' });
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('a query over many windows has its own budget', () => {
    const windows = [0, 1, 2].map((i) => recurring(`h${i}`, '2026-01-06T01:00:00', 'FREQ=MINUTELY;BYMINUTE=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19', '1m', 'UTC'));
    const from = ms('2026-02-01T00:00:00Z');
    // Each window alone fits the per-window budget (20 an hour for 180 days is 86,400); together they do not.
    expect(86_400).toBeLessThan(OCCURRENCE_BUDGET);
    expect(3 * 86_400).toBeGreaterThan(QUERY_BUDGET);
    expect(() => expandWindows(windows, { from, to: from + 180 * DAY })).toThrow(CalendarBudgetError);
  });

  it('a rule from long ago costs what its range costs, not what lies before it', () => {
    const daily = recurring('d', '1970-01-06T01:00:00', 'FREQ=DAILY', '1h', 'Asia/Seoul');
    const minutely = recurring('m', '1970-01-06T01:00:00', 'FREQ=MINUTELY;INTERVAL=7', '7m', 'UTC');
    const started = performance.now();
    const from = ms('2990-03-01T00:00:00Z');
    expect(expandWindow(daily, { from, to: from + 31 * DAY })).toHaveLength(31);
    const got = expandWindow(minutely, { from, to: from + DAY });
    // The lattice of a 7-minute rule from 1970 is kept: every start is a whole number of 7-minute steps from DTSTART.
    for (const o of got) expect((o.startMs - ms('1970-01-06T01:00:00Z')) % (7 * 60_000)).toBe(0);
    expect(got.length).toBeGreaterThanOrEqual(205);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('moving DTSTART forward keeps every start the rule gives', () => {
    const rules = ['FREQ=DAILY;INTERVAL=3', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', 'FREQ=HOURLY;INTERVAL=5;BYMINUTE=0,30', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29'];
    for (const rule of rules) {
      const w = recurring('r', '2020-01-03T04:00:00', rule, '30m', 'Europe/Berlin');
      const from = ms('2027-06-01T00:00:00Z');
      const wide = expandWindow(w, { from: ms('2020-01-01T00:00:00Z'), to: from + 60 * DAY }).filter((o) => o.endMs > from);
      expect(expandWindow(w, { from, to: from + 60 * DAY }).map((o) => o.start), rule).toEqual(wide.map((o) => o.start));
    }
  });

  it('a back-to-back minutely freeze is reported, not walked to the horizon', () => {
    const w = { ...recurring('m', '2026-01-06T01:00:00', 'FREQ=MINUTELY', '1m', 'UTC'), kind: 'freeze' as const };
    const started = performance.now();
    expect(() => calendarState([w], ms('2026-03-01T00:00:30Z'))).toThrow(CalendarBudgetError);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('zero-length and reversed windows are refused by the expander as by validate', () => {
    const range = { from: ms('2026-01-01T00:00:00Z'), to: ms('2027-01-01T00:00:00Z') };
    expect(() => expandWindow(recurring('z', '2026-01-06T01:00:00', 'FREQ=DAILY', '0m', 'UTC'), range)).toThrow(CalendarError);
    expect(() => expandWindow({ name: 'o', kind: 'freeze', start: '2026-03-01T00:00:00Z', end: '2026-03-01T00:00:00Z' }, range)).toThrow(CalendarError);
    expect(() => expandWindow({ name: 'o', kind: 'freeze', start: '2026-03-02T00:00:00Z', end: '2026-03-01T00:00:00Z' }, range)).toThrow(CalendarError);
  });

  it.each(['FREQ=SECONDLY', 'FREQ=MINUTELY;BYSECOND=0,1', 'FREQ=DAILY;COUNT=100001'])('the expander refuses %s itself', (rule) => {
    expect(() => expandWindow(recurring('s', '2026-01-06T01:00:00', rule, '1m', 'UTC'), { from: ms('2026-01-06T00:00:00Z'), to: ms('2026-01-07T00:00:00Z') })).toThrow(CalendarError);
  });
});

describe('one reader of instants and durations', () => {
  it.each([
    ['2026-12-02T01:00:00+09:00', ms('2026-12-01T16:00:00Z')],
    ['1970-01-01T00:00:00Z', 0],
    ['2999-12-31T23:59:59Z', ms('2999-12-31T23:59:59Z')],
    ['2026-12-02t01:00:00Z', undefined],
    ['2026-12-02T01:00:00z', undefined],
    ['2026-12-31T23:59:60Z', undefined],
    ['2026-12-02T24:00:00Z', undefined],
    ['2026-02-30T00:00:00Z', undefined],
    ['0000-01-01T00:00:00Z', undefined],
    ['1970-01-01T00:00:00+01:00', undefined],
    ['3000-01-01T00:00:00Z', undefined],
    ['2026-12-02T01:00:00+25:00', undefined],
    ['2026-12-02T01:00:00+09:60', undefined],
  ])('parseInstant(%s)', (text, expected) => {
    expect(parseInstant(text)).toBe(expected);
  });

  it.each([
    ['3660d', 3660 * DAY],
    ['1h30m', 90 * 60_000],
    ['0m', 0],
    ['3661d', undefined],
    ['99999999999d', undefined],
    ['523w', undefined],
    ['1.5h', undefined],
    ['-1h', undefined],
  ])('parseDuration(%s)', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

/*
 * Fuzz: any window built from hostile parts either expands within budget and in bounded time,
 * or is refused with a CalendarError (the budget error is one); never another exception.
 */
const part = fc.oneof(
  fc.constantFrom('FREQ=SECONDLY', 'FREQ=MINUTELY', 'FREQ=HOURLY', 'FREQ=DAILY', 'FREQ=WEEKLY', 'FREQ=MONTHLY', 'FREQ=YEARLY'),
  fc.integer({ min: -1, max: 100_000_000 }).map((n) => `INTERVAL=${n}`),
  fc.integer({ min: -1, max: 1_000_000_000 }).map((n) => `COUNT=${n}`),
  fc.array(fc.integer({ min: -1, max: 61 }), { minLength: 1, maxLength: 5 }).map((l) => `BYSECOND=${l.join(',')}`),
  fc.array(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 30 }).map((l) => `BYMINUTE=${l.join(',')}`),
  fc.array(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 24 }).map((l) => `BYHOUR=${l.join(',')}`),
  fc.array(fc.integer({ min: -366, max: 366 }), { minLength: 1, maxLength: 3 }).map((l) => `BYSETPOS=${l.join(',')}`),
  fc.array(fc.integer({ min: -31, max: 31 }), { minLength: 1, maxLength: 3 }).map((l) => `BYMONTHDAY=${l.join(',')}`),
  fc.constantFrom('BYDAY=MO,TU', 'BYDAY=-1FR', 'BYMONTH=2', 'UNTIL=20250101', 'UNTIL=29991231T000000Z', 'UNTIL=99991231', 'WKST=SU', 'BYYEARDAY=366', 'BYWEEKNO=53'),
);

const windowArb = fc.record({
  rule: fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(';')),
  start: fc.constantFrom('2026-01-06T01:00:00', '1970-01-01T00:00:00', '2999-12-31T23:30:00', '2026-03-08T02:30:00', '0000-01-01T00:00:00'),
  duration: fc.constantFrom('1m', '30m', '1h', '1d', '0m', '3660d', '99999999999d'),
  zone: fc.constantFrom('UTC', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'Nowhere/Land'),
  from: fc.constantFrom('2026-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2999-11-01T00:00:00Z'),
  days: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3660 })),
});

describe('fuzz: a result or a CalendarError, within budget', () => {
  it('holds for hostile recurring windows', () => {
    fc.assert(
      fc.property(windowArb, ({ rule, start, duration, zone, from, days }) => {
        const window = recurring('f', start, rule, duration, zone);
        const lo = ms(from);
        const started = performance.now();
        try {
          const got = expandWindow(window, { from: lo, to: lo + days * DAY });
          expect(got.length).toBeLessThanOrEqual(OCCURRENCE_BUDGET);
          for (const o of got) expect(Number.isFinite(o.startMs) && Number.isFinite(o.endMs) && o.endMs > o.startMs).toBe(true);
        } catch (e) {
          if (!(e instanceof CalendarError)) throw e;
        }
        // A guard against a search without end, not a speed target (the machine may be loaded).
        expect(performance.now() - started).toBeLessThan(30_000);
      }),
      { numRuns: 80 },
    );
  }, 600_000);
});
