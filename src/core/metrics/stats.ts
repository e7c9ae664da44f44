/**
 * The two summaries the metrics use. Median because delivery times are heavily skewed (one
 * change that waited a month for a freeze would dominate a mean), which is also what DORA
 * reports; mean where the name says so (mean time to detect).
 */

/** The middle value; for an even count, the mean of the two middle values. Null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** A ratio rounded to 4 decimals (0.3333), null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

export function seconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 1000);
}
