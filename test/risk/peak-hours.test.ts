import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overlapsPeak } from '../../src/core/risk/factors.js';

/**
 * The peak-hours factor reads a wall clock for every minute of a change's first two weeks. It
 * reads it off the zone's offset, not from Intl; this is the answer Intl gives, minute by minute,
 * for the property below to hold it to.
 */
function byIntl(start: number, end: number, peak: { timeZone: string; days: string[]; from: string; to: string }): number | undefined {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: peak.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const from = minutesOf(peak.from);
  const to = minutesOf(peak.to);
  for (let t = start; t < Math.min(end, start + 14 * 86_400_000); t += 60_000) {
    const parts = Object.fromEntries(fmt.formatToParts(t).map((p) => [p.type, p.value]));
    const day = parts.weekday!.slice(0, 2).toUpperCase();
    const minutes = Number(parts.hour) * 60 + Number(parts.minute);
    if (!peak.days.includes(day)) continue;
    if (from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to) return t;
  }
  return undefined;
}

// Zones with daylight saving either side of the equator, half-hour and 45-minute offsets, a
// half-hour daylight shift, and a date-line crossing.
const ZONES = ['Asia/Seoul', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Pacific/Apia', 'Africa/Casablanca', 'UTC'];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

describe('peak hours on a zone clock', () => {
  it('finds the same first minute as Intl, over daylight-saving changes and odd offsets', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        // 1990 to 2040, at any millisecond; a change of up to two weeks and a day.
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: 0, max: 15 * 86_400_000 }),
        fc.subarray(DAYS, { minLength: 1 }),
        hhmm,
        hhmm,
        (timeZone, start, length, days, from, to) => {
          const peak = { timeZone, days, from, to };
          expect(overlapsPeak(start, start + length, peak)).toBe(byIntl(start, start + length, peak));
        },
      ),
      { seed: 22_3, numRuns: 300 },
    );
  });

  it.each([
    // The night New York springs forward: 02:00-03:00 does not exist, 03:00 is the first minute.
    ['America/New_York', Date.UTC(2026, 2, 8, 6, 30), ['SU'], '02:00', '04:00', Date.UTC(2026, 2, 8, 7, 0)],
    ['Asia/Kathmandu', Date.UTC(2026, 0, 5, 0, 0), ['MO'], '09:00', '17:00', Date.UTC(2026, 0, 5, 3, 15)],
  ])('%s from %d on %j %s-%s: first minute %s', (timeZone, start, days, from, to, first) => {
    const peak = { timeZone, days, from, to };
    expect(overlapsPeak(start, start + 86_400_000, peak)).toBe(first);
    expect(byIntl(start, start + 86_400_000, peak)).toBe(first);
  });
});
