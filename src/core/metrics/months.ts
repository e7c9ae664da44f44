import { formatLocal, instantToLocal, localToInstant } from '../calendar/local-time.js';

/**
 * Calendar months in an IANA time zone, for the per-month breakdown. A deployment at
 * 2026-11-01T01:00+09:00 belongs to November in Seoul and to October in UTC, so the zone is an
 * explicit input (the CLI's --time-zone), never the machine's.
 */

/** `YYYY-MM` of the instant in the zone. */
export function monthOf(instant: number, zone: string): string {
  return formatLocal(instantToLocal(instant, zone)).slice(0, 7);
}

/** The instant a month (`YYYY-MM`) begins in the zone: local midnight on the first. */
export function monthStart(month: string, zone: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return localToInstant(Date.UTC(y, m - 1, 1), zone);
}

export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Every month that overlaps [from, to), in order, with the part of it inside the window. */
export function monthsBetween(from: number, to: number, zone: string): { month: string; from: number; to: number }[] {
  if (to <= from) return [];
  const out: { month: string; from: number; to: number }[] = [];
  const last = monthOf(to - 1, zone);
  for (let month = monthOf(from, zone); ; month = nextMonth(month)) {
    out.push({ month, from: Math.max(from, monthStart(month, zone)), to: Math.min(to, monthStart(nextMonth(month), zone)) });
    if (month === last) break;
  }
  return out;
}

/** `YYYY-MM-DD HH:MM` in the zone, for report headers. */
export function localDateTime(instant: number, zone: string): string {
  return formatLocal(instantToLocal(instant, zone)).slice(0, 16).replace('T', ' ');
}
