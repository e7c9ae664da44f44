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
const OFFSET_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i;

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

/** The zone's UTC offset in milliseconds at an instant (east of Greenwich is positive). */
export function offsetAt(instant: number, zone: string): number {
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

/** Parses "2026-01-06T01:00[:00[.000]]" to floating milliseconds, or undefined. */
export function parseLocal(text: string): number | undefined {
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  // Date rolls 2026-02-30 over to March; a calendar date that does not exist is an error.
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return t.getTime();
}

/** Parses an ISO 8601 instant that carries an offset or Z; local times are refused as ambiguous. */
export function parseInstant(text: string): number | undefined {
  if (!OFFSET_INSTANT.test(text)) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) return undefined;
  // Date.parse accepts 2026-02-30 in some engines; the local part must survive a round trip.
  const localPart = text.replace(/(?:Z|[+-]\d{2}:\d{2})$/i, '');
  if (parseLocal(localPart) === undefined) return undefined;
  return t;
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
