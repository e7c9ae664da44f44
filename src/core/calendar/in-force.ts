import { CalendarError, expandWindows, type Range, type WindowInput, type WindowOccurrence } from './expand.js';
import { formatInstant, parseInstant } from './local-time.js';
import { windowAllows, windowApplies, windowBlocks, type ScopeSubject } from './scope.js';

/**
 * The two questions every caller asks of the change calendar about a period: which window
 * occurrences are in force over it (windowsInForce), and what they mean for a change
 * (windowVerdict: the freezes that stop it, those it may pass, whether maintenance time covers
 * it). The calendar command and its state, the risk engine, the gate and the catalog all go
 * through these two, so a freeze means the same thing everywhere.
 */

/**
 * [from, to) as instants (epoch ms) or ISO 8601 text with offsets. Text is accepted because
 * callers hold schedules as written; an instant without an offset has no meaning here.
 */
export interface Interval {
  from: number | string;
  to: number | string;
}

function toMs(value: number | string, what: string): number {
  const t = typeof value === 'number' ? value : parseInstant(value);
  if (t === undefined || !Number.isFinite(t)) throw new CalendarError(`${what} "${String(value)}" is not an ISO 8601 instant with an offset`);
  return t;
}

/**
 * The interval in epoch ms. A zero-length interval is the instant itself, so "what is in force
 * at T" and "over [T, T)" agree instead of the latter silently finding nothing.
 */
export function intervalRange(interval: Interval): Range {
  const from = toMs(interval.from, 'start');
  const to = toMs(interval.to, 'end');
  if (to < from) throw new CalendarError('the interval ends before it starts');
  return { from, to: to === from ? from + 1 : to };
}

/** Occurrences of the windows that apply to the subject and overlap the interval, sorted. */
export function windowsInForce(windows: readonly WindowInput[], interval: Interval, subject?: ScopeSubject): WindowOccurrence[] {
  return expandWindows(
    windows.filter((w) => windowApplies(w, subject)),
    intervalRange(interval),
  );
}

export interface WindowVerdict {
  /** Freezes that apply and do not allow the subject's type: the change may not run. */
  blocking: WindowOccurrence[];
  /** Freezes that apply but allow the subject's type: a bypass to record and review. */
  bypassed: WindowOccurrence[];
  /** True when applicable maintenance occurrences cover the whole interval (back to back counts). */
  maintenance: boolean;
  /** The parts of the interval outside every applicable maintenance occurrence, as UTC instants. */
  gaps: { start: string; end: string }[];
}

/**
 * What the occurrences in force over an interval (as windowsInForce gives them) mean for the
 * subject. A subject that leaves out its services or environment is judged on what it gives,
 * which is how callers holding occurrences already matched to a change ask with its type alone.
 */
export function windowVerdict(occurrences: readonly WindowOccurrence[], interval: Interval, subject?: ScopeSubject): WindowVerdict {
  const range = intervalRange(interval);
  const blocking: WindowOccurrence[] = [];
  const bypassed: WindowOccurrence[] = [];
  const maintenance: WindowOccurrence[] = [];
  for (const o of occurrences) {
    if (windowBlocks(o, subject)) blocking.push(o);
    else if (o.kind === 'freeze' && windowApplies(o, subject) && windowAllows(o, subject?.type)) bypassed.push(o);
    else if (o.kind === 'maintenance' && windowApplies(o, subject)) maintenance.push(o);
  }
  const gaps: { start: string; end: string }[] = [];
  let cursor = range.from;
  for (const o of [...maintenance].sort((a, b) => a.startMs - b.startMs)) {
    if (o.startMs > cursor) gaps.push({ start: formatInstant(cursor), end: formatInstant(Math.min(o.startMs, range.to)) });
    cursor = Math.max(cursor, o.endMs);
    if (cursor >= range.to) break;
  }
  if (cursor < range.to) gaps.push({ start: formatInstant(cursor), end: formatInstant(range.to) });
  return { blocking, bypassed, maintenance: gaps.length === 0, gaps };
}
