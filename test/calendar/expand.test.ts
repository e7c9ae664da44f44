import { describe, expect, it } from 'vitest';
import { expandWindow, expandWindows, publicOccurrence } from '../../src/core/calendar/expand.js';
import { calendarState } from '../../src/core/calendar/state.js';
import { exampleCalendar, ms, oneOff, recurring } from './helpers.js';

const YEAR = { from: ms('2026-01-01T00:00:00Z'), to: ms('2027-01-01T00:00:00Z') };
const starts = (w: Parameters<typeof expandWindow>[0], range = YEAR) => expandWindow(w, range).map((o) => o.start);

describe('one-off windows', () => {
  const w = oneOff('year-end', '2026-12-20T00:00:00+09:00', '2027-01-03T00:00:00+09:00', { allow: ['emergency'], reason: 'Peak', scope: { environments: ['production'] } });

  it('comes back as it is, in UTC, with its own offset alongside', () => {
    expect(expandWindow(w, YEAR).map(publicOccurrence)).toEqual([
      {
        name: 'year-end',
        kind: 'freeze',
        start: '2026-12-19T15:00:00Z',
        end: '2027-01-02T15:00:00Z',
        localStart: '2026-12-20T00:00:00+09:00',
        localEnd: '2027-01-03T00:00:00+09:00',
        recurring: false,
        scope: { environments: ['production'] },
        allow: ['emergency'],
        reason: 'Peak',
      },
    ]);
  });

  // [from, to) against the occurrence [2026-12-19T15:00Z, 2027-01-02T15:00Z)
  it.each([
    ['ends exactly where the range starts', '2027-01-02T15:00:00Z', '2027-02-01T00:00:00Z', 0],
    ['a millisecond before its end', '2027-01-02T14:59:59.999Z', '2027-02-01T00:00:00Z', 1],
    ['range ends exactly at its start', '2026-12-01T00:00:00Z', '2026-12-19T15:00:00Z', 0],
    ['range ends a millisecond after its start', '2026-12-01T00:00:00Z', '2026-12-19T15:00:00.001Z', 1],
    ['range inside the window', '2026-12-25T00:00:00Z', '2026-12-26T00:00:00Z', 1],
    ['window inside the range', '2026-12-01T00:00:00Z', '2027-02-01T00:00:00Z', 1],
    ['empty range', '2026-12-25T00:00:00Z', '2026-12-25T00:00:00Z', 0],
  ])('%s', (_what, from, to, count) => {
    expect(expandWindow(w, { from: ms(from), to: ms(to) })).toHaveLength(count);
  });
});

describe('recurring windows', () => {
  it('expands weekly in the zone, one occurrence per local Tuesday 01:00', () => {
    const w = recurring('weekly', '2026-01-06T01:00:00', 'FREQ=WEEKLY;BYDAY=TU', '3h', 'Asia/Seoul');
    const got = expandWindow(w, { from: ms('2026-01-01T00:00:00Z'), to: ms('2026-01-21T00:00:00Z') }).map((o) => [o.start, o.end, o.localStart]);
    expect(got).toEqual([
      ['2026-01-05T16:00:00Z', '2026-01-05T19:00:00Z', '2026-01-06T01:00:00+09:00'],
      ['2026-01-12T16:00:00Z', '2026-01-12T19:00:00Z', '2026-01-13T01:00:00+09:00'],
      ['2026-01-19T16:00:00Z', '2026-01-19T19:00:00Z', '2026-01-20T01:00:00+09:00'],
    ]);
  });

  it('skips exdates, matched on the local start', () => {
    const w = recurring('weekly', '2026-01-06T01:00:00', 'FREQ=WEEKLY;BYDAY=TU', '3h', 'Asia/Seoul', { exdates: ['2026-01-13T01:00:00', '2026-01-20T01:00'] });
    expect(starts(w, { from: ms('2026-01-01T00:00:00Z'), to: ms('2026-01-28T00:00:00Z') })).toEqual(['2026-01-05T16:00:00Z', '2026-01-26T16:00:00Z']);
  });

  it('includes an occurrence that began before the range and is still open', () => {
    const w = recurring('month-end', '2026-01-31T00:00:00', 'FREQ=MONTHLY;BYMONTHDAY=-1', '3d', 'Asia/Seoul');
    const got = expandWindow(w, { from: ms('2026-03-01T12:00:00Z'), to: ms('2026-03-02T00:00:00Z') });
    expect(got.map((o) => [o.localStart, o.localEnd])).toEqual([['2026-02-28T00:00:00+09:00', '2026-03-03T00:00:00+09:00']]);
  });

  it('counts DTSTART as the first occurrence even when the rule would not produce it (RFC 5545)', () => {
    // 2026-01-05 is a Monday; the rule says Tuesdays; COUNT=3 includes the Monday.
    const w = recurring('c', '2026-01-05T01:00:00', 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', '1h', 'UTC');
    expect(starts(w)).toEqual(['2026-01-05T01:00:00Z', '2026-01-06T01:00:00Z', '2026-01-13T01:00:00Z']);
  });

  // A daily window at 09:00 in Seoul, which is 00:00Z; UNTIL is inclusive.
  it.each([
    ['UNTIL in UTC is an instant', 'FREQ=DAILY;UNTIL=20260103T000000Z', ['2026-01-01', '2026-01-02', '2026-01-03']],
    ['UNTIL in UTC a second earlier', 'FREQ=DAILY;UNTIL=20260102T235959Z', ['2026-01-01', '2026-01-02']],
    ['UNTIL without Z is local time', 'FREQ=DAILY;UNTIL=20260103T090000', ['2026-01-01', '2026-01-02', '2026-01-03']],
    ['a date-only UNTIL includes that local day', 'FREQ=DAILY;UNTIL=20260103', ['2026-01-01', '2026-01-02', '2026-01-03']],
    ['COUNT', 'FREQ=DAILY;COUNT=2', ['2026-01-01', '2026-01-02']],
  ])('%s', (_what, rule, days) => {
    const w = recurring('u', '2026-01-01T09:00:00', rule, '1h', 'Asia/Seoul');
    expect(starts(w).map((s) => s.slice(0, 10))).toEqual(days);
  });

  it.each([
    ['last day of the month', '2026-01-31T00:00:00', 'FREQ=MONTHLY;BYMONTHDAY=-1', ['2026-01-30T15:00:00Z', '2026-02-27T15:00:00Z', '2026-03-30T15:00:00Z']],
    ['last Friday of the month', '2026-01-30T09:00:00', 'FREQ=MONTHLY;BYDAY=-1FR', ['2026-01-30T00:00:00Z', '2026-02-27T00:00:00Z', '2026-03-27T00:00:00Z']],
    ['first Sunday', '2026-01-04T03:00:00', 'FREQ=MONTHLY;BYDAY=1SU', ['2026-01-03T18:00:00Z', '2026-01-31T18:00:00Z', '2026-02-28T18:00:00Z']],
  ])('%s', (_what, start, rule, expected) => {
    const w = recurring('m', start, rule, '1h', 'Asia/Seoul');
    expect(starts(w, { from: ms('2026-01-01T00:00:00Z'), to: ms('2026-03-31T00:00:00Z') })).toEqual(expected);
  });
});

describe('rules that never match', () => {
  it.each(['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', 'FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31', 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6', 'FREQ=MINUTELY;BYSETPOS=366', 'FREQ=HOURLY;INTERVAL=24;BYHOUR=3'])('%s gives only its start, quickly', (rule) => {
    const started = Date.now();
    const w = recurring('never', '2026-01-01T00:00:00', rule, '1h', 'UTC', { kind: 'freeze' });
    expect(starts(w)).toEqual(['2026-01-01T00:00:00Z']);
    expect(calendarState([w], ms('2026-06-01T00:00:00Z')).nextTransition).toBeNull();
    // rrule alone searches such a rule to the year 9999: seconds to minutes per expansion.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('daylight-saving changes (America/New_York: 8 March and 1 November 2026)', () => {
  const march = { from: ms('2026-03-01T00:00:00Z'), to: ms('2026-03-16T00:00:00Z') };
  const november = { from: ms('2026-10-25T00:00:00Z'), to: ms('2026-11-09T00:00:00Z') };
  const local = (w: Parameters<typeof expandWindow>[0], range: { from: number; to: number }) => expandWindow(w, range).map((o) => [o.start, o.localStart]);

  it.each([
    [
      'a 01:00 window stays at 01:00 local into summer time',
      '2026-01-04T01:00:00',
      march,
      [
        ['2026-03-01T06:00:00Z', '2026-03-01T01:00:00-05:00'],
        ['2026-03-08T06:00:00Z', '2026-03-08T01:00:00-05:00'],
        ['2026-03-15T05:00:00Z', '2026-03-15T01:00:00-04:00'],
      ],
    ],
    [
      'a 03:00 window (the example us-east window) stays at 03:00 local',
      '2026-01-04T03:00:00',
      march,
      [
        ['2026-03-01T08:00:00Z', '2026-03-01T03:00:00-05:00'],
        ['2026-03-08T07:00:00Z', '2026-03-08T03:00:00-04:00'],
        ['2026-03-15T07:00:00Z', '2026-03-15T03:00:00-04:00'],
      ],
    ],
    [
      'a 02:30 window falls in the gap on 8 March and moves forward by the gap, to 03:30',
      '2026-01-04T02:30:00',
      march,
      [
        ['2026-03-01T07:30:00Z', '2026-03-01T02:30:00-05:00'],
        ['2026-03-08T07:30:00Z', '2026-03-08T03:30:00-04:00'],
        ['2026-03-15T06:30:00Z', '2026-03-15T02:30:00-04:00'],
      ],
    ],
    [
      'a 01:00 window stays at 01:00 local back into standard time',
      '2026-01-04T01:00:00',
      november,
      [
        ['2026-10-25T05:00:00Z', '2026-10-25T01:00:00-04:00'],
        ['2026-11-01T05:00:00Z', '2026-11-01T01:00:00-04:00'],
        ['2026-11-08T06:00:00Z', '2026-11-08T01:00:00-05:00'],
      ],
    ],
    [
      'a 01:30 window on 1 November, when 01:30 happens twice, takes the first',
      '2026-01-04T01:30:00',
      november,
      [
        ['2026-10-25T05:30:00Z', '2026-10-25T01:30:00-04:00'],
        ['2026-11-01T05:30:00Z', '2026-11-01T01:30:00-04:00'],
        ['2026-11-08T06:30:00Z', '2026-11-08T01:30:00-05:00'],
      ],
    ],
  ])('%s', (_what, start, range, expected) => {
    expect(local(recurring('ny', start, 'FREQ=WEEKLY;BYDAY=SU', '1h', 'America/New_York'), range)).toEqual(expected);
  });

  it.each([
    ['1d is a calendar day: 25 hours across the fall-back', '1d', '2026-11-02T01:00:00-05:00', 25],
    ['24h is exact elapsed time', '24h', '2026-11-02T00:00:00-05:00', 24],
    ['1d is 23 hours across the spring-forward', '1d', '2026-03-09T01:00:00-04:00', 23],
  ])('%s', (_what, duration, localEnd, hours) => {
    const day = duration === '1d' && localEnd.startsWith('2026-03') ? '2026-03-08T01:00:00' : '2026-11-01T01:00:00';
    const [o] = expandWindow(recurring('d', day, 'FREQ=YEARLY;COUNT=1', duration, 'America/New_York'), YEAR);
    expect(o!.localEnd).toBe(localEnd);
    expect((o!.endMs - o!.startMs) / 3_600_000).toBe(hours);
  });
});

describe('the example calendar', () => {
  const windows = exampleCalendar().spec.windows;

  it('expands a year into sorted occurrences, with the exdated Tuesdays missing', () => {
    const all = expandWindows(windows, YEAR);
    const sorted = [...all].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs || a.name.localeCompare(b.name));
    expect(all.map((o) => o.name + o.start)).toEqual(sorted.map((o) => o.name + o.start));
    const tuesdays = all.filter((o) => o.name === 'weekly-maintenance').map((o) => o.localStart.slice(0, 10));
    expect(tuesdays).not.toContain('2026-12-22');
    expect(tuesdays).not.toContain('2026-12-29');
    expect(tuesdays).toHaveLength(52 - 2);
    const counts = Object.fromEntries(windows.map((w) => [w.name, all.filter((o) => o.name === w.name).length]));
    expect(counts).toEqual({
      'black-friday-cyber-monday-2026': 1,
      'year-end-freeze-2026': 1,
      'seollal-delivery-freeze-2027': 0,
      'weekly-maintenance': 50,
      'month-end-close': 12,
      'seller-payout-day': 12,
      'us-east-sunday-maintenance': 52,
    });
  });

  it('keeps the US window at 03:00-07:00 Eastern all year (08:00Z in winter, 07:00Z in summer)', () => {
    const us = expandWindows(windows, YEAR).filter((o) => o.name === 'us-east-sunday-maintenance');
    expect(new Set(us.map((o) => o.localStart.slice(11, 19)))).toEqual(new Set(['03:00:00']));
    expect(new Set(us.map((o) => o.localEnd.slice(11, 19)))).toEqual(new Set(['07:00:00']));
    expect(new Set(us.map((o) => o.start.slice(11)))).toEqual(new Set(['08:00:00Z', '07:00:00Z']));
  });
});
