import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { expandWindows, type WindowInput } from '../../src/core/calendar/expand.js';
import { calendarToIcs, escapeText, foldLine } from '../../src/core/calendar/ics.js';
import { formatLocal } from '../../src/core/calendar/local-time.js';
import { exampleCalendar, instantsReading, ms, recurring, wallClock } from './helpers.js';

/*
 * The export is read back with ical.js (Mozilla's iCalendar library, used by Thunderbird), an
 * independent implementation of RFC 5545: same windows, same rules, and the same occurrences
 * when ical.js expands the RRULE with its own iterator and our VTIMEZONE.
 */

const STAMP = ms('2026-06-01T00:00:00Z');
const octets = (s: string) => new TextEncoder().encode(s).length;
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('foldLine', () => {
  it.each([
    ['a short line', 'SUMMARY:Freeze'],
    ['exactly 75 octets', 'X'.repeat(75)],
    ['76 octets', 'X'.repeat(76)],
    ['a long ASCII line', 'DESCRIPTION:' + 'abc '.repeat(60)],
    ['Korean (3 octets a character) is never split inside a character', 'SUMMARY:' + '연말 변경 동결 기간입니다 '.repeat(12)],
    ['emoji (4 octets)', 'SUMMARY:' + '🎄'.repeat(40)],
  ])('%s', (_what, line) => {
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    for (const p of physical) expect(octets(p)).toBeLessThanOrEqual(75);
    for (const p of physical.slice(1)) expect(p.startsWith(' ')).toBe(true);
    expect(unfold(folded)).toBe(line);
    expect(folded.includes('\uFFFD')).toBe(false);
  });
});

describe('escapeText', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b; c', 'a\\, b\\; c'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines', 'two\\nlines'],
    ['crlf\r\nline', 'crlf\\nline'],
  ])('%j → %j', (text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
  });
});

const dstWindows: WindowInput[] = [
  recurring('ny-sunday-gap', '2026-01-04T02:30:00', 'FREQ=WEEKLY;BYDAY=SU', '1h', 'America/New_York', { kind: 'freeze' }),
  recurring('ny-sunday-overlap', '2026-01-04T01:30:00', 'FREQ=WEEKLY;BYDAY=SU', '1h', 'America/New_York'),
  recurring('berlin-nightly', '2026-01-01T02:30:00', 'FREQ=DAILY;UNTIL=20261231T000000Z', '2h', 'Europe/Berlin', { exdates: ['2026-03-29T02:30:00', '2026-07-01T02:30:00'] }),
  recurring('sydney-sunday', '2026-01-04T02:30:00', 'FREQ=WEEKLY;BYDAY=SU;COUNT=60', '1d', 'Australia/Sydney', { reason: 'Commas, semicolons; and a\nnewline' }),
  recurring('lord-howe', '2026-01-04T02:15:00', 'FREQ=MONTHLY;BYDAY=1SU', '45m', 'Australia/Lord_Howe'),
  recurring('casablanca', '2026-01-05T12:00:00', 'FREQ=WEEKLY;BYDAY=MO', '2h', 'Africa/Casablanca'),
];

interface Parsed {
  name: string;
  kind: string;
  scope: unknown;
  allow: string[];
  rrule?: string;
  tzid?: string;
  exdates: string[];
  occurrences: { start: number; end: number }[];
}

/** Reads the .ics with ical.js and expands every event over [from, to) with its iterator. */
function readBack(ics: string, from: number, to: number): Parsed[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return calendar.getAllSubcomponents('vevent').map((ve) => {
    const event = new ICAL.Event(ve);
    const occurrences: { start: number; end: number }[] = [];
    const it = event.iterator();
    for (let next = it.next(), n = 0; next && n < 5000; next = it.next(), n++) {
      const details = event.getOccurrenceDetails(next);
      const start = details.startDate.toUnixTime() * 1000;
      if (start >= to) break;
      const end = details.endDate.toUnixTime() * 1000;
      if (end > from) occurrences.push({ start, end });
    }
    const scope = ve.getFirstPropertyValue('x-opsledger-scope');
    const allow = ve.getFirstPropertyValue('x-opsledger-allow');
    const rrule = ve.getFirstPropertyValue('rrule') as ICAL.Recur | null;
    const dtstart = ve.getFirstProperty('dtstart')!;
    return {
      name: String(ve.getFirstPropertyValue('x-opsledger-window')),
      kind: String(ve.getFirstPropertyValue('categories')),
      scope: scope ? JSON.parse(String(scope)) : undefined,
      allow: allow ? String(allow).split(',') : [],
      ...(rrule ? { rrule: rrule.toString() } : {}),
      ...(dtstart.getParameter('tzid') ? { tzid: String(dtstart.getParameter('tzid')) } : {}),
      exdates: ve.getAllProperties('exdate').flatMap((p) => p.getValues().map((v) => (v as ICAL.Time).toString())),
      occurrences,
    };
  });
}

function roundTrip(windows: WindowInput[], from: number, to: number) {
  const ics = calendarToIcs(windows, { name: 'production', stamp: STAMP });
  const parsed = readBack(ics, from, to);
  const ours = expandWindows(windows, { from, to });
  return { ics, parsed, ours };
}

describe('ICS export read back by ical.js', () => {
  const YEAR = { from: ms('2026-01-01T00:00:00Z'), to: ms('2027-01-01T00:00:00Z') };

  it('gives back the example calendar: every window, its kind, scope, allowed types, rule and exdates', () => {
    const windows = exampleCalendar().spec.windows;
    const { parsed } = roundTrip(windows, YEAR.from, YEAR.to);
    expect(parsed.map((p) => p.name)).toEqual(windows.map((w) => w.name));
    for (const [i, w] of windows.entries()) {
      const p = parsed[i]!;
      expect(p.kind).toBe(w.kind);
      expect(p.scope).toEqual(w.scope);
      expect(p.allow).toEqual(w.allow ?? []);
      if (w.rrule) {
        expect(p.rrule).toBe(w.rrule);
        expect(p.tzid).toBe(w.timeZone);
        expect(p.exdates).toEqual(w.exdates ?? []);
      }
    }
  });

  it.each([
    ['2026', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['2027', '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z'],
  ])('gives the example calendar the same occurrences for %s', (_year, from, to) => {
    const { parsed, ours } = roundTrip(exampleCalendar().spec.windows, ms(from), ms(to));
    const theirs = parsed.flatMap((p) => p.occurrences.map((o) => `${p.name} ${o.start} ${o.end}`)).sort();
    expect(theirs.length).toBeGreaterThan(100);
    expect(theirs).toEqual(ours.map((o) => `${o.name} ${o.startMs} ${o.endMs}`).sort());
  });

  it('agrees on every DST-zone occurrence for a year, except where ical.js departs from RFC 5545 at DST changes', () => {
    const { parsed, ours } = roundTrip(dstWindows, YEAR.from, YEAR.to);
    const startDiffs: string[] = [];
    const endDiffs: string[] = [];
    for (const w of dstWindows) {
      const mine = ours.filter((o) => o.name === w.name);
      const theirs = parsed.find((p) => p.name === w.name)!.occurrences;
      expect(theirs.length, w.name).toBe(mine.length);
      mine.forEach((o, i) => {
        const t = theirs[i]!;
        const nominal = o.localStart.slice(0, 11) + w.start.slice(11);
        if (t.start !== o.startMs) {
          // RFC 5545 3.3.5: a repeated wall-clock time is the first reading; a skipped one is
          // read with the offset before the gap. ical.js takes the second reading and the
          // offset after the gap.
          startDiffs.push(`${w.name} ${nominal}`);
          const readings = instantsReading(nominal, w.timeZone!);
          if (readings.length === 2) expect(o.startMs).toBe(Math.min(...readings));
          else {
            expect(readings).toEqual([]);
            const offsetBefore = Date.parse(wallClock(o.startMs - 86_400_000, w.timeZone!) + 'Z') - (o.startMs - 86_400_000);
            expect(o.startMs).toBe(Date.parse(nominal + 'Z') - offsetBefore);
          }
        } else if (t.end !== o.endMs) {
          // RFC 5545 3.3.6: PT1H is exact elapsed time; ical.js adds it on the wall clock, so
          // an hour that runs into the spring gap comes out shorter there.
          endDiffs.push(`${w.name} ${nominal}`);
          expect(o.endMs - o.startMs).toBe(3_600_000);
        }
      });
    }
    expect(startDiffs.sort()).toEqual([
      'berlin-nightly 2026-10-25T02:30:00',
      'lord-howe 2026-10-04T02:15:00',
      'ny-sunday-gap 2026-03-08T02:30:00',
      'ny-sunday-overlap 2026-11-01T01:30:00',
      'sydney-sunday 2026-04-05T02:30:00',
      'sydney-sunday 2026-10-04T02:30:00',
    ]);
    expect(endDiffs).toEqual(['ny-sunday-overlap 2026-03-08T01:30:00']);
  });

  it('carries the rule parts that need care: UNTIL in UTC, COUNT, exdates in the zone', () => {
    const { ics, parsed } = roundTrip(dstWindows, YEAR.from, YEAR.to);
    const text = unfold(ics);
    expect(text).toContain('RRULE:FREQ=DAILY;UNTIL=20261231T000000Z');
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20260329T023000,20260701T023000');
    expect(text).toContain('DTSTART;TZID=Australia/Sydney:20260104T023000');
    expect(text).toContain('DURATION:P1D');
    expect(parsed.find((p) => p.name === 'sydney-sunday')!.occurrences).toHaveLength(52);
    expect(parsed.find((p) => p.name === 'berlin-nightly')!.exdates).toEqual(['2026-03-29T02:30:00', '2026-07-01T02:30:00']);
  });

  it('rewrites a local or date-only UNTIL to UTC, as RFC 5545 requires next to a TZID', () => {
    const ics = unfold(
      calendarToIcs([recurring('a', '2026-01-01T09:00:00', 'FREQ=DAILY;UNTIL=20260110T090000', '1h', 'Asia/Seoul'), recurring('b', '2026-01-01T09:00:00', 'FREQ=DAILY;UNTIL=20260110', '1h', 'Asia/Seoul')], { name: 'x', stamp: STAMP }),
    );
    expect(ics).toContain('RRULE:FREQ=DAILY;UNTIL=20260110T000000Z');
    expect(ics).toContain('RRULE:FREQ=DAILY;UNTIL=20260110T145959Z');
  });

  it('writes a VTIMEZONE that gives the same offsets as the zone database, for regular and irregular zones', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Seoul', 'America/Santiago', 'Africa/Casablanca'];
    const windows = zones.map((z, i) => recurring(`w${i}`, '2026-01-01T12:00:00', 'FREQ=DAILY', '1h', z));
    const calendar = new ICAL.Component(ICAL.parse(calendarToIcs(windows, { name: 'z', stamp: STAMP })));
    for (const vtz of calendar.getAllSubcomponents('vtimezone')) {
      const zone = String(vtz.getFirstPropertyValue('tzid'));
      const tz = new ICAL.Timezone(vtz);
      const mismatches: string[] = [];
      // Every 13 hours for ten years, both sides of every change: the wall-clock reading of
      // the instant, resolved in our VTIMEZONE by ical.js, must give the instant back (or, in
      // a repeated hour, another instant with the same reading). ical.js is only asked the
      // local-to-UTC way: its UTC-to-local conversion looks offsets up by the UTC wall time and
      // is off by design for a few hours around each change.
      for (let t = ms('2026-01-01T00:00:00Z'); t < ms('2036-01-01T00:00:00Z'); t += 13 * 3_600_000) {
        const local = wallClock(t, zone);
        const time = ICAL.Time.fromDateTimeString(local);
        time.zone = tz;
        const back = time.toUnixTime() * 1000;
        if (back !== t && wallClock(back, zone) !== local) mismatches.push(`${new Date(t).toISOString()} reads ${local}, which ical.js puts at ${new Date(back).toISOString()}`);
      }
      expect(mismatches, zone).toEqual([]);
    }
  });

  it('has stable UIDs, CRLF line ends, one VTIMEZONE per zone and scheduled changes as events', () => {
    const windows = exampleCalendar().spec.windows.map((w) => ({ ...w, calendar: 'production' }));
    const changes = [{ id: 'CR-2026-0042', title: 'Upgrade payments-db, with care', start: '2026-12-02T01:00:00+09:00', end: '2026-12-02T03:00:00+09:00', type: 'normal' as const, services: ['payments-api'], environment: 'production' }];
    const a = calendarToIcs(windows, { name: 'production', stamp: STAMP, changes });
    const b = calendarToIcs(windows, { name: 'production', stamp: STAMP + 86_400_000, changes });
    const uids = (ics: string) => unfold(ics).split('\r\n').filter((l) => l.startsWith('UID:'));
    expect(uids(a)).toEqual(uids(b));
    expect(new Set(uids(a)).size).toBe(windows.length + 1);
    expect(uids(a)).toContain('UID:weekly-maintenance.production@opsledger');
    expect(a.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(a.replace(/\r\n/g, '').includes('\n')).toBe(false);
    expect(unfold(a).match(/^BEGIN:VTIMEZONE$/gm)).toHaveLength(2);
    const change = new ICAL.Component(ICAL.parse(a)).getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === 'CR-2026-0042@opsledger')!;
    expect(change.getFirstPropertyValue('summary')).toBe('CR-2026-0042: Upgrade payments-db, with care');
    expect((change.getFirstPropertyValue('dtstart') as ICAL.Time).toUnixTime() * 1000).toBe(ms('2026-12-01T16:00:00Z'));
    expect(change.getFirstProperty('categories')!.getValues()).toEqual(['change', 'normal']);
  });

  it('keeps a window start with seconds and a reason with special characters intact', () => {
    const w = recurring('odd', '2026-01-04T02:30:15', 'FREQ=WEEKLY', '90m', 'UTC', { reason: 'Commas, semicolons; back\\slash and\nnewline' });
    const ve = new ICAL.Component(ICAL.parse(calendarToIcs([w], { name: 'x', stamp: STAMP }))).getFirstSubcomponent('vevent')!;
    expect(String(ve.getFirstPropertyValue('description'))).toContain('Commas, semicolons; back\\slash and\nnewline');
    expect((ve.getFirstPropertyValue('dtstart') as ICAL.Time).toString()).toBe(formatLocal(Date.parse('2026-01-04T02:30:15Z')));
    expect(String(ve.getFirstPropertyValue('duration'))).toBe('PT1H30M');
  });
});

describe('the export narrowed to a range (calendar --from/--to --ics)', () => {
  it.each([
    ['the example calendar over December 2026', () => exampleCalendar().spec.windows, '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['the example calendar over a DST week in New York', () => exampleCalendar().spec.windows, '2026-11-01T00:00:00Z', '2026-11-08T12:00:00Z'],
    ['zones with DST gaps and overlaps over March 2026', () => dstWindows, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'],
    ['a range that starts inside an occurrence', () => dstWindows, '2026-06-07T00:30:00Z', '2026-06-09T00:00:00Z'],
  ])('%s: ical.js reads back exactly the occurrences in the range', (_what, windows, from, to) => {
    const range = { from: ms(from), to: ms(to) };
    const ics = calendarToIcs(windows(), { name: 'production', stamp: STAMP, range });
    const parsed = readBack(ics, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const ours = expandWindows(windows(), range);
    expect(ours.length).toBeGreaterThan(0);
    // One event per occurrence, no rule left to expand, no zone needed.
    expect(parsed.every((p) => p.rrule === undefined && p.tzid === undefined && p.occurrences.length === 1)).toBe(true);
    expect(parsed.map((p) => `${p.name} ${p.occurrences[0]!.start} ${p.occurrences[0]!.end}`)).toEqual(ours.map((o) => `${o.name} ${o.startMs} ${o.endMs}`));
    expect(ics).not.toContain('BEGIN:VTIMEZONE');
    const physical = ics.slice(0, -2).split('\r\n');
    expect(ics.endsWith('\r\n') && !ics.replace(/\r\n/g, '').includes('\n')).toBe(true);
    for (const line of physical) expect(octets(line)).toBeLessThanOrEqual(75);
    // UIDs stay unique: a recurring window's carry the occurrence's start.
    const uids = unfold(ics).split('\r\n').filter((l) => l.startsWith('UID:'));
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each([
    ['overlapping the range', '2026-12-07T00:00:00Z', '2026-12-08T00:00:00Z', true],
    ['ending as the range starts', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z', false],
    ['starting as the range ends', '2027-01-01T00:00:00Z', '2027-01-01T02:00:00Z', false],
  ])('keeps a change %s: %s', (_what, start, end, kept) => {
    const ics = calendarToIcs([], { name: 'production', stamp: STAMP, range: { from: ms('2026-12-01T00:00:00Z'), to: ms('2027-01-01T00:00:00Z') }, changes: [{ id: 'CR-2026-0001', title: 'A, b; c', start, end, type: 'normal', riskClass: 'high' }] });
    expect(ics.includes('UID:CR-2026-0001@opsledger')).toBe(kept);
    if (kept) expect(unfold(ics)).toContain('SUMMARY:CR-2026-0001: A\\, b\\; c\r\nDTSTART:20261207T000000Z');
  });
});
