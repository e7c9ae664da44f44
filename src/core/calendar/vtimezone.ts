import { DAY, formatLocal, intlOffset, offsetAt } from './local-time.js';

/**
 * A VTIMEZONE (RFC 5545 3.6.5) for an IANA zone, derived from the runtime's Intl zone data so
 * an exported .ics does not depend on the reader's copy of the zone database.
 *
 * The zone's offset changes are found by scanning `years` years day by day and bisecting each
 * change to the second. Changes with the same direction and offsets form one observance; when
 * they fall on the same weekday of the same month (the 2nd Sunday of March, the last Sunday of
 * October) at the same wall-clock time every year, the observance is written as a yearly RRULE
 * that keeps holding after the scanned years. Irregular zones (Morocco's Ramadan changes) get
 * RDATEs instead, exact over the scanned years. A zone without changes gets one STANDARD observance.
 */

interface Transition {
  at: number;
  from: number;
  to: number;
  /** Wall-clock time of the change in the offset before it, as DTSTART/RDATE want. */
  local: number;
}

function findTransitions(zone: string, from: number, to: number): Transition[] {
  const out: Transition[] = [];
  // One Intl call per day: the days are visited once, and offsetAt would ask for both ends of
  // each half-day slot a day lands in (30 years: 11k calls instead of 22k, half a second of a catalog build).
  let previous = intlOffset(from, zone);
  for (let t = from + DAY; t <= to; t += DAY) {
    const offset = intlOffset(t, zone);
    if (offset === previous) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetAt(mid, zone) === previous) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi, from: previous, to: offset, local: hi + previous });
    previous = offset;
  }
  return out;
}

export function icsUtcOffset(ms: number): string {
  const total = Math.round(ms / 1000);
  const sign = total < 0 ? '-' : '+';
  const abs = Math.abs(total);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const ss = abs % 60;
  return `${sign}${hh}${mm}${ss ? String(ss).padStart(2, '0') : ''}`;
}

/** "20260308T020000" for a floating value. */
export function icsLocal(local: number): string {
  return formatLocal(Math.floor(local / 1000) * 1000).replace(/[-:]/g, '');
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/** BYMONTH/BYDAY for changes that all fall on the same weekday rule and time, else undefined. */
function yearlyRule(changes: readonly Transition[]): string | undefined {
  if (changes.length < 2) return undefined;
  const dates = changes.map((c) => new Date(c.local));
  const first = dates[0]!;
  const timeOfDay = (d: Date) => d.getTime() % DAY;
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i]!;
    if (d.getUTCFullYear() !== first.getUTCFullYear() + i) return undefined;
    if (d.getUTCMonth() !== first.getUTCMonth() || d.getUTCDay() !== first.getUTCDay() || timeOfDay(d) !== timeOfDay(first)) return undefined;
  }
  const nth = (d: Date) => Math.ceil(d.getUTCDate() / 7);
  const daysInMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const isLast = (d: Date) => d.getUTCDate() + 7 > daysInMonth(d);
  let n: number | undefined;
  if (dates.every((d) => nth(d) === nth(first)) && nth(first) <= 4) n = nth(first);
  else if (dates.every(isLast)) n = -1;
  if (n === undefined) return undefined;
  return `FREQ=YEARLY;BYMONTH=${first.getUTCMonth() + 1};BYDAY=${n}${WEEKDAYS[first.getUTCDay()]}`;
}

export function vtimezoneLines(zone: string, fromYear: number, years = 30): string[] {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(fromYear + years, 0, 1);
  const initial = offsetAt(start, zone);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  // The offset in force before the first scanned change; readers need it for times between
  // the start of the scan and that change.
  lines.push('BEGIN:STANDARD', `DTSTART:${icsLocal(start + initial)}`, `TZOFFSETFROM:${icsUtcOffset(initial)}`, `TZOFFSETTO:${icsUtcOffset(initial)}`, 'END:STANDARD');

  const groups = new Map<string, Transition[]>();
  for (const t of findTransitions(zone, start, end)) {
    const key = `${t.to > t.from ? 'DAYLIGHT' : 'STANDARD'} ${t.from} ${t.to}`;
    const list = groups.get(key) ?? [];
    list.push(t);
    groups.set(key, list);
  }
  for (const [key, changes] of groups) {
    const component = key.split(' ')[0]!;
    const head = changes[0]!;
    lines.push(`BEGIN:${component}`, `DTSTART:${icsLocal(head.local)}`, `TZOFFSETFROM:${icsUtcOffset(head.from)}`, `TZOFFSETTO:${icsUtcOffset(head.to)}`);
    const rule = yearlyRule(changes);
    if (rule) lines.push(`RRULE:${rule}`);
    // One RDATE per change, DTSTART's own included: ical.js reads only the first value of an
    // RDATE list and skips DTSTART when RDATEs are present. Both forms are RFC 5545.
    else if (changes.length > 1) lines.push(...changes.map((c) => `RDATE:${icsLocal(c.local)}`));
    lines.push(`END:${component}`);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}
