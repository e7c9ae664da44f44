/**
 * Durations as people write them in opsledger files: a whole number and a unit, optionally
 * several run together ("1h30m"). Units: s, m (minutes), h, d, w. OpenSLO's `M` (month) and
 * `Q`/`y` are only valid inside SLO time windows and handled there.
 */
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/**
 * The longest duration opsledger reads: 3660 days (ten years), the same as the longest calendar
 * range. Longer ones are refused at validate (the format), so no later command adds 99999999999
 * days to an instant and meets an invalid date; ten years covers any window, retention or
 * look-back a change process needs.
 */
export const MAX_DURATION_MS = 3660 * UNIT_MS.d!;

export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/** Milliseconds, or undefined when the text is not a duration or is longer than MAX_DURATION_MS. */
export function parseDuration(text: string): number | undefined {
  if (text.length > 64 || !DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(PART)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total <= MAX_DURATION_MS ? total : undefined;
}

export function formatDuration(ms: number): string {
  if (ms <= 0) return '0m';
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  const d = Math.floor(rest / 1440);
  rest -= d * 1440;
  const h = Math.floor(rest / 60);
  const m = rest - h * 60;
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m || parts.length === 0) parts.push(`${m}m`);
  return parts.join('');
}

/**
 * A deadline as a policy writes one: a duration (5d, 36h) or a count of business days (5bd:
 * Monday to Friday on the organisation's clock, up to 365). Business days are what review
 * deadlines are usually agreed in; "within 5 days" of a Friday evening leaves no working week.
 */
export type Deadline = { span: number } | { businessDays: number };

const BUSINESS_DAYS = /^([1-9][0-9]{0,2})bd$/;

export function parseDeadline(text: string): Deadline | undefined {
  const m = BUSINESS_DAYS.exec(text);
  if (m) return Number(m[1]) <= 365 ? { businessDays: Number(m[1]) } : undefined;
  const span = parseDuration(text);
  return span === undefined ? undefined : { span };
}

export function isDeadline(text: string): boolean {
  return parseDeadline(text) !== undefined;
}
