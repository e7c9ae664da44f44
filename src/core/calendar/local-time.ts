/**
 * Wall-clock time in an IANA zone, computed with Intl only (no zone database of our own).
 *
 * A local time is carried as "floating" milliseconds: the epoch value the wall-clock reading
 * would have if the zone were UTC. Floating values have no daylight-saving discontinuities, so
 * recurrence rules can be expanded on them safely and each result turned into a real instant
 * at the end (see `localToInstant`).
 */

const DAY_MS = 86_400_000;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
// Upper-case T and Z only. RFC 3339 lets them be lower case, but `Date.parse` and other readers
// of the same files disagree on that; one spelling keeps validate and every later reader agreeing.
const OFFSET_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instants opsledger reads: from 1970 up to the end of 2999. Every later step adds at most
 * years to an instant (durations are capped at 3660 days, horizons at 400 days, ranges at 3660),
 * so everything computed stays a four-digit-year RFC 3339 instant, far from the ends of what
 * `Date` and rrule (year 9999) can represent, and nothing downstream meets an invalid date.
 */
export const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT = Date.UTC(3000, 0, 1) - 1;
export const EARLIEST_YEAR = 1970;
export const LATEST_YEAR = 2999;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // h23: some runtimes print midnight as "24" with the default hour cycle.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The zone's UTC offset at a whole second, asked of Intl every time: for a scan that visits
 * each instant once (offsetAt's slots would ask Intl twice per half-day slot it visits).
 */
export function intlOffset(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(whole))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  asUtc.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
  return asUtc.getTime() - whole;
}

interface Segment {
  from: number;
  to: number;
  offset: number;
}

// Intl is slow (tens of microseconds a call) and a minutely window asks it for every occurrence.
// No zone changes its offset twice within two days, so equal offsets at two instants half a day
// apart hold for every instant between them: remember a few such stretches per zone.
const SEGMENT = DAY_MS / 2;
const SEGMENTS_KEPT = 16;
const segments = new Map<string, Segment[]>();

// The same argument over fixed half-days: equal offsets at both ends of one hold inside it.
// Times spread over years (a catalog formats every change's times) miss the few stretches
// above; fixed slots are remembered by number, NaN marking a slot with a transition inside.
const SLOTS_KEPT = 65_536;
const slots = new Map<string, Map<number, number>>();

/** The zone's UTC offset in milliseconds at an instant (east of Greenwich is positive). */
export function offsetAt(instant: number, zone: string): number {
  let bySlot = slots.get(zone);
  if (!bySlot) slots.set(zone, (bySlot = new Map()));
  const slot = Math.floor(instant / SEGMENT);
  let whole = bySlot.get(slot);
  if (whole === undefined) {
    const start = intlOffset(slot * SEGMENT, zone);
    whole = start === intlOffset((slot + 1) * SEGMENT, zone) ? start : Number.NaN;
    if (bySlot.size >= SLOTS_KEPT) bySlot.clear();
    bySlot.set(slot, whole);
  }
  if (!Number.isNaN(whole)) return whole;
  let known = segments.get(zone);
  if (!known) segments.set(zone, (known = []));
  for (const seg of known) if (instant >= seg.from && instant <= seg.to) return seg.offset;
  const offset = intlOffset(instant, zone);
  const from = Math.floor(instant / 1000) * 1000;
  if (intlOffset(from + SEGMENT, zone) === offset) {
    known.unshift({ from, to: from + SEGMENT, offset });
    if (known.length > SEGMENTS_KEPT) known.pop();
  }
  return offset;
}

/** The floating wall-clock value of an instant in a zone. */
export function instantToLocal(instant: number, zone: string): number {
  return instant + offsetAt(instant, zone);
}

/**
 * The instant a wall-clock time in a zone denotes. RFC 5545 (3.3.5) and Temporal's
 * "compatible" disambiguation agree on the two awkward cases, and so do we:
 * - a time that occurs twice (autumn fall-back) is the first of the two, the daylight one;
 * - a time that does not occur (spring-forward gap) is read with the offset in force before
 *   the gap, which moves it forward by the gap's length (02:30 becomes 03:30 in New York).
 * The candidate offsets are those a day either side, as the Temporal polyfill does: no zone
 * changes its offset twice within two days.
 */
export function localToInstant(local: number, zone: string): number {
  const before = offsetAt(local - DAY_MS, zone);
  const after = offsetAt(local + DAY_MS, zone);
  const candidates = [local - before, local - after].filter((t) => t + offsetAt(t, zone) === local);
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before;
}

/** True when a written wall-clock time lies in the years opsledger reads (see EARLIEST_INSTANT). */
export function isSupportedLocal(text: string): boolean {
  const local = parseLocal(text);
  if (local === undefined) return false;
  const year = new Date(local).getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}

/** Parses "2026-01-06T01:00[:00[.000]]" to floating milliseconds, or undefined. */
export function parseLocal(text: string): number | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  // A calendar date that does not exist (2026-02-30) is an error, not the day Date rolls it to.
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  // Date.UTC reads the years 0-99 as 1900-1999; this is read on every instant of every file, so
  // only those few take the long way.
  if (y >= 100) return Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `mo` (1-12) of year `y` in the proleptic Gregorian calendar, which is Date's. */
function daysInMonth(y: number, mo: number): number {
  if (mo !== 2) return DAYS_IN_MONTH[mo - 1]!;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

/**
 * Parses an RFC 3339 instant that carries an offset or Z; local times are refused as ambiguous.
 * The one reader of instants: the schema's `date-time` format is this function, so what
 * validate accepts every later command can read. No leap seconds (:60), no 24:00, offsets up to
 * ±23:59, dates that exist, within EARLIEST_INSTANT..LATEST_INSTANT.
 */
export function parseInstant(text: string): number | undefined {
  const m = OFFSET_INSTANT.exec(text);
  if (!m) return undefined;
  const local = parseLocal(m[1]!);
  if (local === undefined) return undefined;
  let offset = 0;
  if (m[2] !== 'Z') {
    const hours = Number(m[4]);
    const minutes = Number(m[5]);
    if (hours > 23 || minutes > 59) return undefined;
    offset = (m[3] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  const t = local - offset;
  return t >= EARLIEST_INSTANT && t <= LATEST_INSTANT ? t : undefined;
}

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

/** "2026-01-06T01:00:00" for a floating value (milliseconds only when present). */
export function formatLocal(local: number): string {
  const d = new Date(local);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return d.getUTCMilliseconds() ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
}

/** "+09:00" / "-04:00"; offsets with seconds (only historical local mean time) are rounded. */
export function formatOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.trunc(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/**
 * The one instant format opsledger prints: UTC with a Z, seconds precision unless the instant
 * has milliseconds. One format makes output comparable as text and sortable.
 */
export function formatInstant(instant: number): string {
  return new Date(instant).toISOString().replace('.000Z', 'Z');
}

/** The instant as wall-clock time with its offset in a zone: "2026-01-06T01:00:00+09:00". */
export function formatInZone(instant: number, zone: string): string {
  const offset = offsetAt(instant, zone);
  return formatLocal(instant + offset) + formatOffset(offset);
}

/** The instant with a fixed offset: "2026-12-20T00:00:00+09:00". */
export function formatWithOffset(instant: number, offsetMs: number): string {
  return formatLocal(instant + offsetMs) + formatOffset(offsetMs);
}

/** The offset written at the end of an ISO instant ("Z" is zero), in milliseconds. */
export function writtenOffset(text: string): number {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(text);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

export const DAY = DAY_MS;
