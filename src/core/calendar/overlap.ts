import { CalendarError, expandWindows, type TimedOccurrence, type WindowInput } from './expand.js';
import { formatInstant, parseInstant } from './local-time.js';
import { windowAllows, windowApplies, type ScopeSubject } from './scope.js';

/**
 * The questions the risk engine and the gate ask about a change's whole schedule (start to end,
 * not only its start): which windows overlap it, which freezes stop it, and whether maintenance
 * windows cover it.
 */

/** A period as instants (epoch ms) or ISO 8601 text with offsets; end exclusive. */
export interface Span {
  start: number | string;
  end: number | string;
}

function toMs(value: number | string, what: string): number {
  const t = typeof value === 'number' ? value : parseInstant(value);
  if (t === undefined || !Number.isFinite(t)) throw new CalendarError(`${what} "${String(value)}" is not an ISO 8601 instant with an offset`);
  return t;
}

/** The span as [from, to); a zero-length span is the instant itself (what is open at it). */
export function spanRange(span: Span): { from: number; to: number } {
  const from = toMs(span.start, 'start');
  const to = toMs(span.end, 'end');
  if (to < from) throw new CalendarError('the span ends before it starts');
  return { from, to: to === from ? from + 1 : to };
}

/** Occurrences of the windows that apply to the subject and overlap the span, sorted. */
export function windowsOverlapping(windows: readonly WindowInput[], span: Span, subject?: ScopeSubject): TimedOccurrence[] {
  return expandWindows(
    windows.filter((w) => windowApplies(w, subject)),
    spanRange(span),
  );
}

export interface FreezeCheck {
  /** Freezes that apply and do not allow the subject's type: a conflict. */
  blocking: TimedOccurrence[];
  /** Freezes that apply but allow the type: a bypass to record. */
  bypassed: TimedOccurrence[];
}

export function freezesOverlapping(windows: readonly WindowInput[], span: Span, subject?: ScopeSubject): FreezeCheck {
  const freezes = windowsOverlapping(
    windows.filter((w) => w.kind === 'freeze'),
    span,
    subject,
  );
  return {
    blocking: freezes.filter((o) => !windowAllows(o, subject?.type)),
    bypassed: freezes.filter((o) => windowAllows(o, subject?.type)),
  };
}

export interface Coverage {
  /** True when maintenance occurrences cover the whole span (back-to-back occurrences count). */
  covered: boolean;
  windows: TimedOccurrence[];
  /** The parts of the span outside every maintenance window, as UTC instants. */
  gaps: { start: string; end: string }[];
}

export function maintenanceCoverage(windows: readonly WindowInput[], span: Span, subject?: ScopeSubject): Coverage {
  const range = spanRange(span);
  const found = windowsOverlapping(
    windows.filter((w) => w.kind === 'maintenance'),
    span,
    subject,
  );
  const gaps: { start: string; end: string }[] = [];
  let cursor = range.from;
  for (const o of found) {
    if (o.startMs > cursor) gaps.push({ start: formatInstant(cursor), end: formatInstant(Math.min(o.startMs, range.to)) });
    cursor = Math.max(cursor, o.endMs);
    if (cursor >= range.to) break;
  }
  if (cursor < range.to) gaps.push({ start: formatInstant(cursor), end: formatInstant(range.to) });
  return { covered: gaps.length === 0, windows: found, gaps };
}
