import { parseInstant } from '../core/calendar/local-time.js';
import { parseDuration } from '../core/duration.js';
import { UsageError } from './context.js';

/** The times an ISO 8601 date with a four-digit year can name: what a report prints. */
const EARLIEST = Date.parse('0000-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A report's period from `--since` (a span back from --until, or an instant) and `--until`
 * (an instant; default now), read the same way by every command that reports on a period
 * (metrics, audit), so one spelling names the same interval in both.
 */
export function periodFlags(values: { since?: unknown; until?: unknown }, now: number, defaultSince = '90d'): { from: number; to: number } {
  const to = values.until === undefined ? now : parseInstant(String(values.until));
  if (to === undefined) throw new UsageError('--until takes an ISO 8601 time with an offset, e.g. 2026-11-30T00:00:00+09:00');
  if (!(to >= EARLIEST && to <= LATEST)) throw new UsageError('--until must lie between the years 0000 and 9999');
  const sinceText = typeof values.since === 'string' ? values.since : defaultSince;
  const span = parseDuration(sinceText);
  const from = span !== undefined ? to - span : parseInstant(sinceText);
  // A span longer than recorded time (99999999d) would start the period before any date a report can print.
  if (from !== undefined && !(from >= EARLIEST)) throw new UsageError(`--since ${sinceText} reaches back before the year 0000; use a shorter span or a date`);
  if (from === undefined) throw new UsageError('--since takes a duration back from --until (90d, 12w) or an ISO 8601 time with an offset');
  if (from >= to) throw new UsageError('--since must lie before --until');
  return { from, to };
}
