import { parseInstant as readInstant } from '../core/calendar/local-time.js';
import { UsageError } from './context.js';

/** An instant flag (`--at`), read by the same rules as every instant in a document. */
export function parseInstant(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const t = readInstant(String(value));
  if (t === undefined) throw new UsageError(`--${flag} takes an ISO 8601 instant with an offset, e.g. 2026-12-02T01:00:00+09:00 or 2026-12-02T00:00:00Z; got "${String(value)}"`);
  return t;
}
