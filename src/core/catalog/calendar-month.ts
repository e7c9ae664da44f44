import type { WindowOccurrence } from '../calendar/expand.js';
import type { ChangeType, RiskClass } from '../model.js';
import { pagePath } from './links.js';
import { DAY_MS, formatAt, localDate, localTime, monthBounds, monthKey, nextMonth, toLocal } from './time.js';

/**
 * The change calendar as month grids (Monday first, ISO weeks) and a day-by-day agenda, in the
 * site's display zone. Freezes and maintenance windows appear on every day they touch; a
 * change appears on the day it starts.
 */
export interface CalendarChange {
  id: string;
  title?: string;
  startMs: number;
  endMs: number;
  type: ChangeType;
  phase?: string;
  riskClass?: RiskClass;
}

export interface WindowItem {
  name: string;
  kind: 'freeze' | 'maintenance';
  /** "2026-11-25 00:00" – "2026-12-02 09:00" in the display zone. */
  from: string;
  to: string;
  reason?: string;
  allow: ChangeType[];
}

export interface ChangeItem {
  id: string;
  title?: string;
  href: string;
  time: string;
  type: ChangeType;
  phase?: string;
  riskClass?: RiskClass;
}

export interface DayCell {
  date: string;
  day: number;
  inMonth: boolean;
  today: boolean;
  windows: WindowItem[];
  changes: ChangeItem[];
  /** Changes left out of the grid cell; the agenda lists them all. */
  more: number;
}

export interface AgendaDay {
  date: string;
  weekday: number;
  windows: WindowItem[];
  changes: ChangeItem[];
}

export interface MonthView {
  key: string;
  year: number;
  month: number;
  path: string;
  prev?: { key: string; path: string };
  next?: { key: string; path: string };
  weeks: DayCell[][];
  agenda: AgendaDay[];
  /** Windows overlapping the month, once each, for the legend under the grid. */
  windows: WindowItem[];
  changeCount: number;
}

/** How many changes a day cell shows before "+N more". */
const CELL_CHANGES = 3;
const MAX_MONTHS_BACK = 24;
const MAX_MONTHS_AHEAD = 24;
const MIN_MONTHS_AHEAD = 3;

function addMonths(key: string, n: number): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The months the calendar covers: from the first scheduled change (at most two years back) to
 * the last (at least three months and at most two years ahead), so upcoming freezes show even
 * when nothing is scheduled yet.
 */
export function calendarMonths(changeStarts: Iterable<number>, now: number, zone: string): string[] {
  const current = monthKey(toLocal(now, zone));
  let first = current;
  let last = addMonths(current, MIN_MONTHS_AHEAD);
  for (const t of changeStarts) {
    const k = monthKey(toLocal(t, zone));
    if (k < first) first = k;
    if (k > last) last = k;
  }
  const floor = addMonths(current, -MAX_MONTHS_BACK);
  const ceiling = addMonths(current, MAX_MONTHS_AHEAD);
  if (first < floor) first = floor;
  if (last > ceiling) last = ceiling;
  const out: string[] = [];
  for (let k = first; k <= last; k = nextMonth(k)) out.push(k);
  return out;
}

/** The instants [from, to) the months cover, widened a day each side for the zone's offset. */
export function monthsRange(months: readonly string[]): { from: number; to: number } {
  return { from: monthBounds(months[0]!).start - DAY_MS, to: monthBounds(months[months.length - 1]!).end + DAY_MS };
}

function windowItem(o: WindowOccurrence, zone: string): WindowItem {
  return { name: o.name, kind: o.kind, from: formatAt(o.startMs, zone), to: formatAt(o.endMs, zone), reason: o.reason, allow: o.allow };
}

/** Changes and occurrences bucketed by local day, built once for every month page. */
export interface CalendarIndex {
  zone: string;
  now: number;
  months: string[];
  changesByDay: Map<string, CalendarChange[]>;
  occurrences: readonly WindowOccurrence[];
}

export function indexCalendar(months: string[], changes: Iterable<CalendarChange>, occurrences: readonly WindowOccurrence[], now: number, zone: string): CalendarIndex {
  const changesByDay = new Map<string, CalendarChange[]>();
  const { from, to } = monthsRange(months);
  for (const c of changes) {
    if (c.startMs < from || c.startMs >= to) continue;
    const day = localDate(toLocal(c.startMs, zone));
    const list = changesByDay.get(day);
    if (list) list.push(c);
    else changesByDay.set(day, [c]);
  }
  for (const list of changesByDay.values()) list.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
  return { zone, now, months, changesByDay, occurrences };
}

export function monthView(cal: CalendarIndex, key: string): MonthView {
  const { zone } = cal;
  const { start, end } = monthBounds(key);
  const today = localDate(toLocal(cal.now, zone));
  // Monday of the week holding the 1st, to the Sunday of the week holding the last day.
  const firstWeekday = (new Date(start).getUTCDay() + 6) % 7;
  const gridStart = start - firstWeekday * DAY_MS;
  const lastWeekday = (new Date(end - DAY_MS).getUTCDay() + 6) % 7;
  const gridEnd = end + (6 - lastWeekday) * DAY_MS;

  // Occurrences as floating [start, end) in the display zone, each turned into a view once.
  const local = cal.occurrences
    .map((o) => ({ from: toLocal(o.startMs, zone), to: toLocal(o.endMs, zone), item: windowItem(o, zone) }))
    .filter((o) => o.from < gridEnd && o.to > gridStart);

  const change = (c: CalendarChange): ChangeItem => ({
    id: c.id,
    title: c.title,
    href: pagePath.change(c.id),
    time: localTime(toLocal(c.startMs, zone)),
    type: c.type,
    phase: c.phase,
    riskClass: c.riskClass,
  });

  const weeks: DayCell[][] = [];
  const agenda: AgendaDay[] = [];
  let changeCount = 0;
  for (let day = gridStart; day < gridEnd; day += DAY_MS) {
    const date = localDate(day);
    const inMonth = day >= start && day < end;
    const windows = local.filter((o) => o.from < day + DAY_MS && o.to > day).map((o) => o.item);
    const all = (inMonth ? cal.changesByDay.get(date) : undefined) ?? [];
    const cell: DayCell = {
      date,
      day: new Date(day).getUTCDate(),
      inMonth,
      today: date === today,
      windows: inMonth ? windows : [],
      changes: all.slice(0, CELL_CHANGES).map(change),
      more: Math.max(0, all.length - CELL_CHANGES),
    };
    if ((new Date(day).getUTCDay() + 6) % 7 === 0) weeks.push([]);
    weeks[weeks.length - 1]!.push(cell);
    if (inMonth && (windows.length || all.length)) {
      agenda.push({ date, weekday: (new Date(day).getUTCDay() + 6) % 7, windows, changes: all.map(change) });
      changeCount += all.length;
    }
  }
  const at = cal.months.indexOf(key);
  const prev = at > 0 ? cal.months[at - 1] : undefined;
  const next = at >= 0 && at < cal.months.length - 1 ? cal.months[at + 1] : undefined;
  const [year, month] = key.split('-').map(Number) as [number, number];
  return {
    key,
    year,
    month,
    path: pagePath.month(key),
    prev: prev ? { key: prev, path: pagePath.month(prev) } : undefined,
    next: next ? { key: next, path: pagePath.month(next) } : undefined,
    weeks,
    agenda,
    windows: local.filter((o) => o.from < end && o.to > start).map((o) => o.item).filter((w, i, arr) => arr.findIndex((x) => x.name === w.name && x.from === w.from) === i),
    changeCount,
  };
}
