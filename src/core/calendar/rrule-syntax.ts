/**
 * A strict reading of an RFC 5545 RECUR value (section 3.3.10). The rrule library expands rules
 * well but parses leniently (an unknown weekday becomes null, FREQ=SOMETIMES is dropped), so
 * rules are checked here first and only a rule that passes is handed to it.
 */
import { EARLIEST_YEAR, LATEST_YEAR } from './local-time.js';

const FREQS = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const WEEKDAY = '(SU|MO|TU|WE|TH|FR|SA)';

type PartCheck = (value: string) => string | undefined;

/** The most occurrences one window may produce in one expansion (recurrence.ts enforces it). */
export const MAX_COUNT = 100_000;
// Ten thousand of the coarsest unit already outlasts every instant opsledger reads.
const MAX_INTERVAL = 10_000;

function intList(min: number, max: number, signed: boolean): PartCheck {
  return (value) => {
    for (const item of value.split(',')) {
      if (!/^[+-]?\d{1,3}$/.test(item)) return `"${item}" is not a whole number`;
      const n = Number(item);
      if (!signed && /^[+-]/.test(item)) return `"${item}" may not carry a sign`;
      const abs = Math.abs(n);
      if (abs < (signed ? 1 : min) || abs > max || (!signed && n < min)) return `"${item}" is out of range ${signed ? `±1..${max}` : `${min}..${max}`}`;
    }
    return undefined;
  };
}

const PARTS: Record<string, PartCheck> = {
  FREQ: (v) => (FREQS.includes(v) ? undefined : `FREQ must be one of ${FREQS.join(', ')}`),
  UNTIL: (v) => {
    if (!/^\d{8}(T\d{6}Z?)?$/.test(v)) return 'UNTIL must be a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])';
    const year = Number(v.slice(0, 4));
    return year < EARLIEST_YEAR || year > LATEST_YEAR ? `UNTIL must lie between ${EARLIEST_YEAR} and ${LATEST_YEAR}` : undefined;
  },
  // A COUNT rule is expanded from its first occurrence, so COUNT is the work one expansion may
  // do: capped at the per-window budget. A rule without COUNT can run forever at no cost.
  COUNT: (v) => (/^[1-9]\d*$/.test(v) ? (Number(v) <= MAX_COUNT ? undefined : `COUNT may be at most ${MAX_COUNT}; leave it out (or use UNTIL) for a window that keeps recurring`) : 'COUNT must be a positive whole number'),
  INTERVAL: (v) => (/^[1-9]\d*$/.test(v) ? (Number(v) <= MAX_INTERVAL ? undefined : `INTERVAL may be at most ${MAX_INTERVAL}`) : 'INTERVAL must be a positive whole number'),
  // 60 is RFC 5545's leap second; opsledger times have none (parseLocal refuses :60 as well).
  BYSECOND: intList(0, 59, false),
  BYMINUTE: intList(0, 59, false),
  BYHOUR: intList(0, 23, false),
  BYDAY: (v) => {
    const bad = v.split(',').find((d) => !new RegExp(`^([+-]?([1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY}$`).test(d));
    return bad === undefined ? undefined : `"${bad}" is not a weekday such as MO, TU or -1FR`;
  },
  BYMONTHDAY: intList(1, 31, true),
  BYYEARDAY: intList(1, 366, true),
  BYWEEKNO: intList(1, 53, true),
  BYMONTH: intList(1, 12, false),
  BYSETPOS: intList(1, 366, true),
  WKST: (v) => (new RegExp(`^${WEEKDAY}$`).test(v) ? undefined : 'WKST must be a weekday such as MO'),
};

/** Problems with the rule, empty when it is valid. An optional leading "RRULE:" is accepted. */
export function checkRrule(rule: string): string[] {
  const problems: string[] = [];
  const body = rule.startsWith('RRULE:') ? rule.slice(6) : rule;
  if (body.trim() === '') return ['the rule is empty'];
  const seen = new Set<string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const check = PARTS[name];
    if (!check) {
      problems.push(`unknown rule part "${name}"`);
      continue;
    }
    if (seen.has(name)) problems.push(`${name} appears twice`);
    seen.add(name);
    if (value === '') {
      problems.push(`${name} has no value`);
      continue;
    }
    const problem = check(value);
    if (problem) problems.push(problem);
  }
  if (!seen.has('FREQ')) problems.push('FREQ is required');
  if (seen.has('COUNT') && seen.has('UNTIL')) problems.push('COUNT and UNTIL may not both be given');
  problems.push(...unsupportedFilters(body));
  return problems;
}

/** True when the IANA time-zone database known to this runtime has the zone. */
export function isTimeZone(zone: string): boolean {
  let known = zoneAnswers.get(zone);
  if (known === undefined) {
    known = zoneIsKnown(zone);
    // Bounded: a hostile file naming a million zones must not grow the table without end.
    if (zoneAnswers.size < 1000) zoneAnswers.set(zone, known);
  }
  return known;
}

// Building an Intl.DateTimeFormat to ask costs far more than the question; every read of a
// calendar asks about the same few zones, twice per window.
const zoneAnswers = new Map<string, boolean>();

function zoneIsKnown(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Filters on a coarser field than FREQ counts in (BYHOUR on a MINUTELY rule, BYHOUR or BYMINUTE on
 * a SECONDLY one) are refused: the rrule library skips the filtered hours by whole carried hours,
 * which leaves the rule's INTERVAL steps (FREQ=MINUTELY;INTERVAL=11;BYHOUR=3 gives 03:06, not
 * 03:07), skips whole days after a day the date filters drop, and for some rules never returns.
 * The same windows are written with FREQ=DAILY and BYHOUR/BYMINUTE lists, which it expands right.
 */
function unsupportedFilters(body: string): string[] {
  const parts = new Map(body.split(';').map((p) => [p.slice(0, Math.max(0, p.indexOf('='))), p.slice(p.indexOf('=') + 1)]));
  const freq = parts.get('FREQ');
  const coarser = freq === 'MINUTELY' ? ['BYHOUR'] : freq === 'SECONDLY' ? ['BYHOUR', 'BYMINUTE'] : [];
  const out = coarser
    .filter((name) => parts.has(name))
    .map((name) => `${name} on a FREQ=${freq} rule is not supported; write the window as FREQ=DAILY with BYHOUR and BYMINUTE lists (e.g. FREQ=DAILY;BYHOUR=2,3;BYMINUTE=0,15,30,45)`);
  // RFC 5545 section 3.3.10 limits which parts go with which FREQ; libraries guess at the rest.
  if (freq !== 'YEARLY' && parts.has('BYWEEKNO')) out.push('BYWEEKNO is only allowed with FREQ=YEARLY');
  if ((freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY') && parts.has('BYYEARDAY')) out.push(`BYYEARDAY is not allowed with FREQ=${freq}`);
  if (freq === 'WEEKLY' && parts.has('BYMONTHDAY')) out.push('BYMONTHDAY is not allowed with FREQ=WEEKLY');
  const ordinal = (parts.get('BYDAY') ?? '').split(',').some((d) => /^[+-]?\d/.test(d));
  if (ordinal && freq !== 'MONTHLY' && freq !== 'YEARLY') out.push(`a numbered weekday in BYDAY (like 2SU) needs FREQ=MONTHLY or FREQ=YEARLY, not FREQ=${freq}`);
  if (ordinal && freq === 'YEARLY' && parts.has('BYWEEKNO')) out.push('a numbered weekday in BYDAY may not be combined with BYWEEKNO');
  return out;
}
