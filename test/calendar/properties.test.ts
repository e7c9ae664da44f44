import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandWindow } from '../../src/core/calendar/expand.js';
import { formatLocal } from '../../src/core/calendar/local-time.js';
import { calendarState } from '../../src/core/calendar/state.js';
import type { CalendarWindow } from '../../src/core/model.js';
import { instantsReading, wallClock } from './helpers.js';

/*
 * Calendar occurrences, for any window and range: sorted, overlapping the range, and at the
 * window's wall-clock start time in its zone whatever the daylight-saving changes in between
 * (a time skipped by a spring-forward gap moves forward by the gap; a repeated time is the
 * first reading). Checked against a brute-force search over Intl, not the code's own maths.
 */

const ZONES = ['America/New_York', 'Europe/Berlin', 'Europe/London', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'America/Havana', 'Asia/Seoul', 'Asia/Kathmandu', 'UTC'];
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const pad = (n: number) => String(n).padStart(2, '0');

function windowsOf(zones: string[], days: number, rules: string[]) {
  return fc
    .record({
      zone: fc.constantFrom(...zones),
      day: fc.integer({ min: 0, max: days }),
      // Small hours half the time: that is where DST changes skip and repeat wall-clock time.
      hour: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 23 })),
      quarter: fc.integer({ min: 0, max: 3 }),
      rule: fc.constantFrom(...rules),
      duration: fc.constantFrom('15m', '45m', '1h', '3h', '1h30m', '12h', '1d', '2d', '1w'),
      kind: fc.constantFrom<'freeze' | 'maintenance'>('freeze', 'maintenance'),
    })
    .map(({ zone, day, hour, quarter, rule, duration, kind }): CalendarWindow => {
      const start = `${formatLocal(BASE + day * DAY).slice(0, 10)}T${pad(hour)}:${pad(quarter * 15)}:00`;
      return { name: 'w', kind, start, rrule: rule, duration, timeZone: zone };
    });
}

const windowArb = fc.oneof(
  windowsOf(ZONES, 1100, ['FREQ=DAILY', 'FREQ=WEEKLY', 'FREQ=WEEKLY;BYDAY=SU', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU', 'FREQ=MONTHLY;BYDAY=-1SU', 'FREQ=MONTHLY;BYMONTHDAY=1,15', 'FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU']),
  // Daily and Sunday windows in DST zones starting early in 2025: their occurrences land on
  // the days the clocks change.
  windowsOf(
    ZONES.filter((z) => !['Asia/Seoul', 'Asia/Kathmandu', 'UTC'].includes(z)),
    30,
    ['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=SU', 'FREQ=WEEKLY;BYDAY=SA,SU'],
  ),
);

/** The wall-clock start the rule asked for: the window's time of day, before any gap moved it. */
function nominalStart(startMs: number, w: CalendarWindow): string {
  const local = wallClock(startMs, w.timeZone!);
  const timeOfDay = (t: string) => Date.parse(`1970-01-01T${t}Z`);
  const shift = (timeOfDay(local.slice(11)) - timeOfDay(w.start.slice(11)) + DAY) % DAY;
  return formatLocal(Date.parse(local + 'Z') - shift);
}

const anyRangeArb = fc.record({ offsetDays: fc.integer({ min: -60, max: 1200 }), hours: fc.integer({ min: 1, max: 24 * 120 }) }).map(({ offsetDays, hours }) => {
  const from = BASE + offsetDays * DAY + 7 * 3_600_000;
  return { from, to: from + hours * 3_600_000 };
});
// March to mid-April and September to mid-November hold every DST change of the zones above.
const dstSeasonArb = fc.record({ year: fc.integer({ min: 2025, max: 2028 }), autumn: fc.boolean() }).map(({ year, autumn }) => {
  const from = autumn ? Date.UTC(year, 8, 1) : Date.UTC(year, 2, 1);
  return { from, to: from + (autumn ? 72 : 46) * DAY };
});
const rangeArb = fc.oneof(anyRangeArb, dstSeasonArb);

describe('calendar properties', () => {
  it('occurrences are sorted, non-empty and overlap the range', () => {
    fc.assert(
      fc.property(windowArb, rangeArb, (w, range) => {
        const occ = expandWindow(w, range);
        for (let i = 0; i < occ.length; i++) {
          const o = occ[i]!;
          expect(o.endMs).toBeGreaterThan(o.startMs);
          expect(o.startMs < range.to && o.endMs > range.from).toBe(true);
          if (i > 0) expect(o.startMs).toBeGreaterThan(occ[i - 1]!.startMs);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('splitting the range splits the occurrences, and nothing overlapping the range is missed', () => {
    fc.assert(
      fc.property(windowArb, rangeArb, fc.double({ min: 0.01, max: 0.99, noNaN: true }), (w, range, cut) => {
        const mid = Math.floor(range.from + (range.to - range.from) * cut);
        const whole = expandWindow(w, range).map((o) => o.start);
        const parts = [...new Set([...expandWindow(w, { from: range.from, to: mid }), ...expandWindow(w, { from: mid, to: range.to })].map((o) => o.start))].sort();
        expect(parts).toEqual(whole);
        // A wider search finds no occurrence overlapping the range that the range search missed.
        const wide = expandWindow(w, { from: range.from - 30 * DAY, to: range.to + 30 * DAY }).filter((o) => o.startMs < range.to && o.endMs > range.from);
        expect(wide.map((o) => o.start)).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });

  it('occurrences keep their local wall-clock start across DST changes', () => {
    fc.assert(
      fc.property(windowArb, rangeArb, (w, range) => {
        const wanted = w.start.slice(11);
        for (const o of expandWindow(w, range)) {
          const local = wallClock(o.startMs, w.timeZone!);
          expect(o.localStart.slice(0, 19)).toBe(local);
          if (local.slice(11) === wanted) {
            // Where the time happens twice, it is the first of the two. An earlier reading
            // needs the offset to have changed in the three hours before; only then search.
            const threeHoursBefore = Date.parse(wallClock(o.startMs - 3 * 3_600_000, w.timeZone!) + 'Z');
            if (threeHoursBefore !== Date.parse(local + 'Z') - 3 * 3_600_000) {
              for (let back = 15; back <= 180; back += 15) expect(wallClock(o.startMs - back * 60_000, w.timeZone!)).not.toBe(local);
            }
          } else {
            // Otherwise the wanted time does not exist that day: a gap of at most three hours.
            const nominal = nominalStart(o.startMs, w);
            const shift = Date.parse(local + 'Z') - Date.parse(nominal + 'Z');
            expect(shift).toBeGreaterThan(0);
            expect(shift).toBeLessThanOrEqual(3 * 3_600_000);
            expect(instantsReading(nominal, w.timeZone!)).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an exdate removes exactly the occurrence it names', () => {
    fc.assert(
      fc.property(windowArb, rangeArb, fc.nat(), (w, range, pick) => {
        const occ = expandWindow(w, range);
        fc.pre(occ.length > 0);
        const target = occ[pick % occ.length]!;
        // An exdate names the nominal local start, which for an occurrence moved out of a
        // spring-forward gap is not the time it actually starts.
        const without = expandWindow({ ...w, exdates: [nominalStart(target.startMs, w)] }, range);
        expect(without.map((o) => o.start)).toEqual(occ.filter((o) => o !== target).map((o) => o.start));
      }),
      { numRuns: 150 },
    );
  });

  it('nextTransition is the first instant the state flips', () => {
    const oneOffArb = fc.record({ startDay: fc.integer({ min: 0, max: 700 }), hours: fc.integer({ min: 1, max: 24 * 20 }) }).map(
      ({ startDay, hours }): CalendarWindow => ({ name: 'o', kind: 'freeze', start: new Date(BASE + startDay * DAY).toISOString(), end: new Date(BASE + startDay * DAY + hours * 3_600_000).toISOString() }),
    );
    const windowsArb = fc.array(fc.oneof(windowArb, oneOffArb), { minLength: 1, maxLength: 4 }).map((ws) => ws.map((w, i) => ({ ...w, name: `w${i}` })));
    fc.assert(
      fc.property(windowsArb, fc.integer({ min: -30, max: 800 }), fc.integer({ min: 0, max: DAY - 1 }), (windows, day, within) => {
        const at = BASE + day * DAY + within;
        const s = calendarState(windows, at);
        expect(s.state === 'closed').toBe(s.active.some((o) => o.kind === 'freeze'));
        if (s.nextTransition === null) return;
        const next = Date.parse(s.nextTransition);
        expect(next).toBeGreaterThan(at);
        expect(calendarState(windows, next).state).not.toBe(s.state);
        expect(calendarState(windows, next - 1).state).toBe(s.state);
        // Spot checks in between keep the state too.
        for (let k = 1; k <= 5; k++) expect(calendarState(windows, at + Math.floor(((next - at) * k) / 6)).state).toBe(s.state);
      }),
      { numRuns: 60 },
    );
  });
});
