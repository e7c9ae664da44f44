/**
 * Calendar months in an IANA time zone, for the per-month breakdown. A deployment at
 * 2026-11-01T01:00+09:00 belongs to November in Seoul and to October in UTC, so the zone is an
 * explicit input (the CLI's --time-zone), never the machine's.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(zone, f);
  }
  return f;
}

export function isTimeZoneName(zone: string): boolean {
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

function parts(instant: number, zone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of format(zone).formatToParts(instant)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** `YYYY-MM` of the instant in the zone. */
export function monthOf(instant: number, zone: string): string {
  const p = parts(instant, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}`;
}

/** Offset of the zone from UTC at the instant, in ms (positive east of Greenwich). */
function offsetAt(instant: number, zone: string): number {
  const p = parts(instant, zone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant a month (`YYYY-MM`) begins in the zone: local midnight on the first. */
export function monthStart(month: string, zone: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const local = Date.UTC(y, m - 1, 1);
  // Two rounds settle the offset even when the month begins next to a DST change.
  let guess = local - offsetAt(local, zone);
  guess = local - offsetAt(guess, zone);
  return guess;
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
    const end = monthStart(nextMonth(month), zone);
    out.push({ month, from: Math.max(from, monthStart(month, zone)), to: Math.min(to, end) });
    if (month === last) break;
  }
  return out;
}

/** `YYYY-MM-DD HH:MM` in the zone, for report headers. */
export function localDateTime(instant: number, zone: string): string {
  const p = parts(instant, zone);
  const two = (n: number | undefined) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}
