import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInZone, formatInstant, localToInstant, offsetAt, parseInstant, parseLocal } from '../../src/core/calendar/local-time.js';
import { instantsReading, ms } from './helpers.js';

describe('localToInstant', () => {
  it.each([
    // zone, wall clock, instant, what happens there
    ['America/New_York', '2026-03-08T01:59:00', '2026-03-08T06:59:00Z', 'just before the spring gap'],
    ['America/New_York', '2026-03-08T02:30:00', '2026-03-08T07:30:00Z', 'in the gap: read with the offset before it (= 03:30 EDT)'],
    ['America/New_York', '2026-03-08T03:00:00', '2026-03-08T07:00:00Z', 'the first time after the gap'],
    ['America/New_York', '2026-11-01T01:30:00', '2026-11-01T05:30:00Z', 'repeated hour: the first (EDT)'],
    ['America/New_York', '2026-11-01T02:00:00', '2026-11-01T07:00:00Z', 'after the repeated hour'],
    ['Europe/Berlin', '2026-03-29T02:30:00', '2026-03-29T01:30:00Z', 'gap (= 03:30 CEST)'],
    ['Europe/Berlin', '2026-10-25T02:30:00', '2026-10-25T00:30:00Z', 'repeated hour: the first (CEST)'],
    ['Australia/Sydney', '2026-10-04T02:30:00', '2026-10-03T16:30:00Z', 'southern spring gap'],
    ['Australia/Sydney', '2026-04-05T02:30:00', '2026-04-04T15:30:00Z', 'southern autumn overlap: the first (AEDT)'],
    ['Australia/Lord_Howe', '2026-10-04T02:15:00', '2026-10-03T15:45:00Z', 'a 30-minute gap'],
    ['Asia/Seoul', '2026-06-01T12:00:00', '2026-06-01T03:00:00Z', 'no DST'],
    ['Asia/Kathmandu', '2026-06-01T12:00:00', '2026-06-01T06:15:00Z', '+05:45'],
    ['UTC', '2026-06-01T12:00:00', '2026-06-01T12:00:00Z', 'UTC'],
  ])('%s %s → %s (%s)', (zone, local, instant) => {
    expect(formatInstant(localToInstant(parseLocal(local)!, zone))).toBe(instant);
  });

  it.each([
    ['America/New_York', '2026-11-01T01:15:00'],
    ['Europe/London', '2026-10-25T01:45:00'],
    ['Australia/Sydney', '2026-04-05T02:45:00'],
    ['America/Santiago', '2026-04-04T23:30:00'],
  ])('agrees with a brute-force search on the first of two readings: %s %s', (zone, local) => {
    const readings = instantsReading(local, zone);
    expect(readings.length).toBe(2);
    expect(localToInstant(parseLocal(local)!, zone)).toBe(Math.min(...readings));
  });

  it('reads the offset the way Intl does', () => {
    expect(offsetAt(ms('2026-01-15T00:00:00Z'), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(offsetAt(ms('2026-07-15T00:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(formatInZone(ms('2026-07-15T00:00:00Z'), 'Asia/Kolkata')).toBe('2026-07-15T05:30:00+05:30');
  });
});

describe('parsing', () => {
  it.each([
    ['2026-12-20T00:00:00+09:00', '2026-12-19T15:00:00Z'],
    ['2026-12-20T00:00Z', '2026-12-20T00:00:00Z'],
    ['2026-12-20T00:00:00.250-05:00', '2026-12-20T05:00:00.250Z'],
  ])('instant %s', (text, utc) => {
    expect(formatInstant(parseInstant(text)!)).toBe(utc);
  });

  it.each(['2026-12-20T00:00:00', '2026-12-20', '2026-02-30T00:00:00Z', 'tomorrow', '2026-12-20T25:00:00Z'])('refuses %j as an instant', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it.each(['2026-02-29T01:00:00', '2026-01-06T24:00:00', '2026-01-06', '2026-01-06T01:00:00Z'])('refuses %j as a local time', (text) => {
    expect(parseLocal(text)).toBeUndefined();
  });
});

describe('parseLocal against Date rolling the fields over', () => {
  // What parseLocal computed before it stopped building a Date per field: the fields set on a
  // Date, refused when Date rolled any of them over. The two must agree on every written time,
  // real or not (30 February, month 13, hour 24, leap days, the years Date.UTC reads as 19xx).
  const reference = (text: string): number | undefined => {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/.exec(text);
    if (!m) return undefined;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
    const t = new Date(0);
    t.setUTCFullYear(y, mo - 1, d);
    t.setUTCHours(h, mi, s, m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0')));
    if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
    return t.getTime();
  };
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const written = fc
    .record({
      y: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 4, 99, 100, 1900, 2000, 2024, 2026, 2100, 2400)),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.option(fc.integer({ min: 0, max: 61 })),
      frac: fc.option(fc.stringMatching(/^\d{1,5}$/)),
    })
    .map(({ y, mo, d, h, mi, s, frac }) => `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}${s === null ? '' : `:${pad(s)}${frac === null ? '' : `.${frac}`}`}`);

  it('gives the same instant or the same refusal', () => {
    fc.assert(
      fc.property(written, (text) => {
        expect(parseLocal(text)).toBe(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['2024-02-29T00:00', '2026-02-29T00:00', '2000-02-29T00:00', '2100-02-29T00:00', '0000-02-29T00:00', '0099-12-31T23:59:59.999', '0100-01-01T00:00', '9999-12-31T23:59:59'])('%s', (text) => {
    expect(parseLocal(text)).toBe(reference(text));
  });
});
