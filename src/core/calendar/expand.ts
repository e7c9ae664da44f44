import type { CalendarWindow, ChangeType, WindowScope } from '../model.js';
import { DAY, formatInZone, formatInstant, formatWithOffset, localToInstant, parseInstant, writtenOffset } from './local-time.js';
import { compileRecurrence, OCCURRENCE_BUDGET, RecurrenceBudgetError, RecurrenceError, type Recurrence } from './recurrence.js';
import { occurrenceEnd, parseWindowDuration, type WindowSpan } from './window-duration.js';

/** A window as read from a calendar document, optionally tagged with that calendar's name. */
export type WindowInput = CalendarWindow & { calendar?: string };

/** [from, to) in epoch milliseconds. */
export interface Range {
  from: number;
  to: number;
}

/**
 * One occurrence of a window over an interval: the single shape every calendar question is
 * answered with (the calendar command, its state, the risk engine, the gate, the catalog).
 * `start` and `end` are always UTC with a Z (one format everywhere, comparable as text);
 * `localStart`/`localEnd` give the same instants on the window's own wall clock with its offset
 * (the time zone for recurring windows, the offset the author wrote for one-off windows), which
 * is what people recognise. `startMs`/`endMs` repeat `start` and `end` as numbers for code that
 * compares them. Kind, scope and allow travel with it so the freeze rule (windowBlocks) can be
 * applied to an occurrence as to its window.
 */
export interface WindowOccurrence {
  name: string;
  kind: 'freeze' | 'maintenance';
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
  recurring: boolean;
  timeZone?: string;
  calendar?: string;
  scope?: WindowScope;
  allow: ChangeType[];
  reason?: string;
  startMs: number;
  endMs: number;
}

/** The printed form of an occurrence: the numbers are dropped because they repeat `start` and `end`. */
export type Occurrence = Omit<WindowOccurrence, 'startMs' | 'endMs'>;

export class CalendarError extends Error {
  override name = 'CalendarError';
}

/**
 * An expansion that would exceed its budget: more than OCCURRENCE_BUDGET occurrences of one
 * window, or QUERY_BUDGET of all windows, in one query. Thrown instead of truncating (a freeze
 * silently cut off is worse than none) and instead of running on; callers report it with the
 * window it names (`calendar.expansion-budget`).
 */
export class CalendarBudgetError extends CalendarError {
  override name = 'CalendarBudgetError';
  constructor(
    message: string,
    /** The window that went over, when one did on its own. */
    readonly window?: { name: string; calendar?: string },
  ) {
    super(message);
  }
}

/** The most occurrences one query over every window may produce. */
export const QUERY_BUDGET = 2 * OCCURRENCE_BUDGET;

interface Compiled {
  recurrence: Recurrence;
  span: WindowSpan;
}

// Windows are expanded many times (state searches ahead chunk by chunk); compile each once.
const compiled = new WeakMap<CalendarWindow, Compiled>();

function compile(window: CalendarWindow): Compiled {
  let c = compiled.get(window);
  if (!c) {
    const span = window.duration === undefined ? undefined : parseWindowDuration(window.duration);
    if (!span) throw new CalendarError(`window "${window.name}": a recurring window needs a duration such as 3h`);
    if (span.days === 0 && span.ms === 0) throw new CalendarError(`window "${window.name}": a window must last longer than zero`);
    try {
      c = { recurrence: compileRecurrence(window), span };
    } catch (e) {
      if (e instanceof RecurrenceError) throw new CalendarError(`window "${window.name}": ${e.message}`);
      throw e;
    }
    compiled.set(window, c);
  }
  return c;
}

function occurrence(window: WindowInput, startMs: number, endMs: number, local: { start: string; end: string }): WindowOccurrence {
  return {
    name: window.name,
    kind: window.kind,
    start: formatInstant(startMs),
    end: formatInstant(endMs),
    localStart: local.start,
    localEnd: local.end,
    recurring: window.rrule !== undefined,
    ...(window.rrule !== undefined && window.timeZone ? { timeZone: window.timeZone } : {}),
    ...(window.calendar !== undefined ? { calendar: window.calendar } : {}),
    ...(window.scope ? { scope: window.scope } : {}),
    allow: window.allow ?? [],
    ...(window.reason !== undefined ? { reason: window.reason } : {}),
    startMs,
    endMs,
  };
}

export function isRecurring(window: CalendarWindow): boolean {
  return window.rrule !== undefined;
}

/**
 * The occurrences of one window that overlap [from, to): an occurrence that began before
 * `from` and is still open at `from` is included, one that ends exactly at `from` is not.
 */
export function expandWindow(window: WindowInput, range: Range): WindowOccurrence[] {
  if (!(range.to > range.from)) return [];
  if (!isRecurring(window)) {
    const start = parseInstant(window.start);
    const end = window.end === undefined ? undefined : parseInstant(window.end);
    if (start === undefined || end === undefined) throw new CalendarError(`window "${window.name}": a one-off window needs a start and an end with offsets`);
    if (end <= start) throw new CalendarError(`window "${window.name}": a window must end after it starts`);
    if (!(start < range.to && end > range.from)) return [];
    return [occurrence(window, start, end, { start: formatWithOffset(start, writtenOffset(window.start)), end: formatWithOffset(end, writtenOffset(window.end!)) })];
  }
  const { recurrence, span } = compile(window);
  const zone = recurrence.zone;
  // Floating bounds wide enough for any zone offset (at most ±14h) plus the window's length,
  // so an occurrence that started before `from` and still runs is found; exact filtering by
  // instant follows.
  const lo = range.from - span.days * DAY - span.ms - 2 * DAY;
  const hi = range.to + 2 * DAY;
  const out: WindowOccurrence[] = [];
  let starts: number[];
  try {
    starts = recurrence.between(lo, hi);
  } catch (e) {
    if (e instanceof RecurrenceBudgetError) throw new CalendarBudgetError(`window "${window.name}": ${e.message}`, { name: window.name, ...(window.calendar !== undefined ? { calendar: window.calendar } : {}) });
    throw e;
  }
  for (const local of starts) {
    const start = localToInstant(local, zone);
    const end = occurrenceEnd(local, start, span, zone);
    if (start < range.to && end > range.from) out.push(occurrence(window, start, end, { start: formatInZone(start, zone), end: formatInZone(end, zone) }));
  }
  return out;
}

export function compareOccurrences(a: WindowOccurrence, b: WindowOccurrence): number {
  return a.startMs - b.startMs || a.endMs - b.endMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Every window's occurrences overlapping [from, to), sorted by start, then end, then name. */
export function expandWindows(windows: readonly WindowInput[], range: Range): WindowOccurrence[] {
  const out: WindowOccurrence[] = [];
  for (const w of windows) {
    out.push(...expandWindow(w, range));
    if (out.length > QUERY_BUDGET) throw new CalendarBudgetError(`the windows have more than ${QUERY_BUDGET} occurrences from ${formatInstant(range.from)} to ${formatInstant(range.to)}`);
  }
  return out.sort(compareOccurrences);
}

export function publicOccurrence(o: WindowOccurrence): Occurrence {
  const { startMs: _s, endMs: _e, ...rest } = o;
  return rest;
}
