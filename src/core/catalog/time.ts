import { formatOffset, offsetAt } from '../calendar/local-time.js';

/**
 * Instants shown in the catalog: wall-clock time in the site's display zone, minutes precision,
 * e.g. "2026-12-02 01:00". The zone is named once on the page, not repeated on every time.
 */
export const DAY_MS = 86_400_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "2026-12-02" of a floating (wall-clock) value. */
export function localDate(local: number): string {
  const d = new Date(local);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** "01:00" of a floating value. */
export function localTime(local: number): string {
  const d = new Date(local);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const HOUR_MS = 3_600_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's offset at an instant, remembered per hour: a site formats tens of thousands of
 * times and Intl is slow. An hour whose two ends disagree (a transition inside it) is never
 * remembered and always asked exactly.
 */
export function cachedOffset(instant: number, zone: string): number {
  let byHour = offsets.get(zone);
  if (!byHour) offsets.set(zone, (byHour = new Map()));
  const hour = Math.floor(instant / HOUR_MS);
  const known = byHour.get(hour);
  if (known !== undefined) return known;
  const start = offsetAt(hour * HOUR_MS, zone);
  if (start === offsetAt((hour + 1) * HOUR_MS - 1, zone)) {
    byHour.set(hour, start);
    return start;
  }
  return offsetAt(instant, zone);
}

/** The wall-clock (floating) value of an instant in a zone. */
export function toLocal(instant: number, zone: string): number {
  return instant + cachedOffset(instant, zone);
}

export function formatAt(instant: number, zone: string): string {
  const local = toLocal(instant, zone);
  return `${localDate(local)} ${localTime(local)}`;
}

/** "UTC+09:00" for the zone at an instant, next to the zone's name. */
export function zoneOffsetLabel(instant: number, zone: string): string {
  return `UTC${formatOffset(offsetAt(instant, zone))}`;
}

/** "2026-11" of the month containing the floating value. */
export function monthKey(local: number): string {
  return localDate(local).slice(0, 7);
}

/** Floating value of the first day of a month key, and of the first day of the next month. */
export function monthBounds(key: string): { start: number; end: number } {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return { start: Date.UTC(y, m - 1, 1), end: Date.UTC(y, m, 1) };
}

export function nextMonth(key: string): string {
  return monthKey(monthBounds(key).end);
}

/** Parses an ISO instant with an offset; undefined when it is not one. */
export function instantOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}
