import { UsageError } from './context.js';

export function parseInstant(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--${flag} takes an ISO 8601 time with an offset, e.g. 2026-12-02T01:00:00+09:00`);
  return t;
}
