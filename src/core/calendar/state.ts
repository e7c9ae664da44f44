import { CalendarBudgetError, expandWindows, publicOccurrence, type Occurrence, type WindowInput } from './expand.js';
import { windowsInForce, windowVerdict } from './in-force.js';
import { DAY, formatInstant } from './local-time.js';
import { windowBlocks, type ScopeSubject } from './scope.js';

/**
 * The calendar at one instant. Closed means a freeze that applies to the subject (and does not
 * allow its type) is in force; with no subject, any freeze closes the calendar.
 */
export interface ActiveOccurrence extends Occurrence {
  /** True for a freeze that closes the calendar for the subject. */
  blocking: boolean;
}

export interface CalendarState {
  state: 'open' | 'closed';
  at: string;
  /** The next instant the state flips, or null when it does not within the horizon. */
  nextTransition: string | null;
  /** Every applicable window occurrence in force at `at`, freezes and maintenance windows. */
  active: ActiveOccurrence[];
  /** True when an applicable maintenance window is in force at `at`. */
  maintenance: boolean;
}

export interface StateOptions {
  subject?: ScopeSubject;
  /** How far ahead to look for the next transition; 400 days covers any yearly window. */
  horizonDays?: number;
}

export const DEFAULT_HORIZON_DAYS = 400;
// Looking ahead a month at a time finds the usual next transition (days away) without
// expanding a year of every window.
const CHUNK = 31 * DAY;
// A freeze chained back to back more than this many times (a minutely freeze) is reported, not
// walked for the whole horizon: that walk costs seconds per month ahead.
const CHAIN_BUDGET = 20_000;

export function calendarState(windows: readonly WindowInput[], at: number, options: StateOptions = {}): CalendarState {
  const subject = options.subject;
  const horizonEnd = at + (options.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY;
  // Only the windows that could close the calendar for the subject are expanded ahead.
  const blockers = windows.filter((w) => windowBlocks(w, subject));

  const instant = { from: at, to: at + 1 };
  const now = windowsInForce(windows, instant, subject);
  const verdict = windowVerdict(now, instant, subject);
  const active = now.map((o) => ({ ...publicOccurrence(o), blocking: verdict.blocking.includes(o) }));
  const closed = verdict.blocking.length > 0;

  let next: number | undefined;
  if (closed) {
    // Back-to-back or overlapping freezes keep it closed: follow the chain to its end, a chunk
    // at a time (one expansion per month ahead, not one per occurrence), within one budget.
    let t = Math.max(...verdict.blocking.map((o) => o.endMs));
    let walked = 0;
    while (t <= horizonEnd) {
      const chunkEnd = t + CHUNK;
      const ahead = expandWindows(blockers, { from: t, to: chunkEnd });
      walked += ahead.length;
      if (walked > CHAIN_BUDGET) {
        const first = verdict.blocking[0]!;
        throw new CalendarBudgetError(`window "${first.name}": the calendar stays closed through more than ${CHAIN_BUDGET} back-to-back freeze occurrences after ${formatInstant(at)}`, { name: first.name, ...(first.calendar !== undefined ? { calendar: first.calendar } : {}) });
      }
      for (const o of ahead) {
        if (o.startMs > t) break;
        t = Math.max(t, o.endMs);
      }
      if (t < chunkEnd) break;
    }
    next = t <= horizonEnd ? t : undefined;
  } else {
    for (let cursor = at; cursor < horizonEnd && next === undefined; cursor += CHUNK) {
      const starts = expandWindows(blockers, { from: cursor, to: Math.min(cursor + CHUNK, horizonEnd) })
        .map((o) => o.startMs)
        .filter((s) => s > at);
      if (starts.length) next = Math.min(...starts);
    }
  }

  return {
    state: closed ? 'closed' : 'open',
    at: formatInstant(at),
    nextTransition: next === undefined ? null : formatInstant(next),
    active,
    maintenance: verdict.maintenance,
  };
}
