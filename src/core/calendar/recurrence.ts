import type { CalendarWindow } from '../model.js';
import { DAY, instantToLocal, parseLocal } from './local-time.js';
import { RRule } from './rrule-lib.js';
import { tooDense } from './rrule-density.js';
import { unreachable, type RuleOptions } from './rrule-reach.js';
import { checkRrule, isTimeZone, MAX_COUNT } from './rrule-syntax.js';

/**
 * A recurring window's rule, expanded on floating wall-clock time (local-time.ts). rrule is
 * given no tzid on purpose: with one it returns dates meant to be read in the host's zone, which
 * goes wrong around DST changes whenever the host's zone is not the window's; on floating time
 * there are no DST changes at all, and each wall-clock start becomes an instant afterwards.
 *
 * RFC 5545 semantics kept here that rrule does not give by itself:
 * - DTSTART always counts as the first occurrence, even when the rule would not produce it
 *   (and COUNT includes it);
 * - UNTIL in UTC (…Z) is an instant, converted to the window's wall clock; UNTIL without Z is
 *   local time; a date-only UNTIL includes the whole of that local day;
 * - EXDATE values are matched against the occurrence's local start.
 */
export interface Recurrence {
  zone: string;
  /** The first occurrence, floating. */
  first: number;
  /** UNTIL as a floating bound, when the rule has one. */
  until?: number;
  /** Floating starts within [lo, hi], both inclusive, sorted, exdates removed. */
  between(lo: number, hi: number): number[];
  /** The first starts the rule gives (exdates kept), at most `limit`, none after `until`. */
  firstStarts(limit: number, until: number): number[];
  /** Why the rule itself matches no date at all (so the window happens once, at its start). */
  never?: string;
}

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
}

/** One expansion would produce more than OCCURRENCE_BUDGET occurrences of one window. */
export class RecurrenceBudgetError extends RecurrenceError {
  override name = 'RecurrenceBudgetError';
}

/**
 * The most occurrences one window may produce in one expansion. Ten years of an hourly window
 * (the calendar command's longest range) is 87,840; a minutely window fits about 69 days.
 */
export const OCCURRENCE_BUDGET = MAX_COUNT;

function untilToLocal(value: string, zone: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) throw new RecurrenceError(`UNTIL "${value}" is not a date or date-time`);
  const [, y, mo, d, h, mi, s, z] = m;
  const local = parseLocal(`${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:${s ?? '00'}`);
  if (local === undefined) throw new RecurrenceError(`UNTIL "${value}" is not a real date`);
  if (h === undefined) return local + DAY - 1;
  return z ? instantToLocal(local, zone) : local;
}

// The Gregorian calendar repeats exactly every 400 years (146097 days, a whole number of
// weeks), so a rule moved by whole cycles matches the same dates.
const CYCLE = 146_097 * DAY;
// rrule gives up at the end of the year 9999, wherever it started.
const RRULE_END = Date.UTC(10_000, 0, 1);

const NO_DATE = 'no date within 400 years matches the rule';

/**
 * The rule's first match at or after DTSTART (floating), or why there is none within
 * 400 years. rrule looks for a match until the year 9999 and, for a rule that never matches,
 * takes seconds to minutes to find that out; moved forward by whole 400-year cycles to just
 * before that end, the same search stops after at most 400 years (under a second).
 */
function firstRuleMatch(base: RuleOptions, first: number, until: number | undefined): number | string {
  // Rules rrule would walk without end (or to the year 9999) are answered by arithmetic first.
  if (until !== undefined && until < first) return 'UNTIL is before the start';
  const impossible = unreachable(base, new Date(first));
  if (impossible) return impossible;
  const shift = Math.max(0, Math.floor((RRULE_END - CYCLE - first) / CYCLE)) * CYCLE;
  const moved = { dtstart: new Date(first + shift), ...(until !== undefined ? { until: new Date(until + shift) } : {}) };
  // Cheap first: the same date filters read yearly (one step a year, not one a day) match a
  // superset of the rule's dates, so no yearly match means no match at all.
  const yearly = yearlySuperset(base);
  if (yearly && !new RRule({ ...yearly, ...moved }).after(new Date(first + shift - 1))) return NO_DATE;
  const match = new RRule({ ...base, ...moved }).after(new Date(first + shift - 1));
  return match ? match.getTime() - shift : NO_DATE;
}

/**
 * A YEARLY rule whose dates include every date of `base`: INTERVAL and BYSETPOS dropped (they
 * only remove dates), and for MONTHLY all twelve months named so "2MO" stays "second Monday of
 * the month". Undefined where that reading is not certain (an ordinal weekday outside
 * MONTHLY/YEARLY, which RFC 5545 forbids anyway).
 */
function yearlySuperset(base: RuleOptions): RuleOptions | undefined {
  const ordinal = ([] as unknown[]).concat(base.byweekday ?? []).some((d) => typeof d === 'object' && d !== null && (d as { n?: number }).n);
  if (ordinal && base.freq !== RRule.MONTHLY && base.freq !== RRule.YEARLY) return undefined;
  const months = base.freq === RRule.MONTHLY && ordinal && !base.bymonth ? { bymonth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } : {};
  return { ...base, freq: RRule.YEARLY, interval: 1, bysetpos: null, byhour: null, byminute: null, bysecond: null, ...months };
}

const MINUTE = 60_000;
const UNIT_MS: Record<number, number> = { [RRule.SECONDLY]: 1000, [RRule.MINUTELY]: MINUTE, [RRule.HOURLY]: 60 * MINUTE, [RRule.DAILY]: DAY, [RRule.WEEKLY]: 7 * DAY };

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * A distance (floating ms) DTSTART can move forward by, any number of times, without changing
 * which starts the rule gives after the new DTSTART's first period. Up to WEEKLY that is
 * INTERVAL periods: floating time has no DST, and the fields rrule fills in from DTSTART (the
 * second, minute, hour, weekday) stay the same. MONTHLY and YEARLY move by whole 400-year
 * Gregorian cycles that are also a multiple of INTERVAL. rrule walks every period from DTSTART,
 * so without this a daily rule from 1970 read in 2999 walks 375,000 days on every expansion.
 */
function dtstartStep(freq: number, interval: number): number {
  const unit = UNIT_MS[freq];
  if (unit !== undefined) return interval * unit;
  const perCycle = freq === RRule.MONTHLY ? 4800 : 400;
  return (interval / gcd(interval, perCycle)) * CYCLE;
}

export function compileRecurrence(window: CalendarWindow): Recurrence {
  const zone = window.timeZone;
  if (!window.rrule || !zone) throw new RecurrenceError(`window "${window.name}" is not recurring`);
  // Validate refuses these too; checked again because the expander is also reached with windows
  // that never went through validate (imports, tests, other callers).
  const problems = checkRrule(window.rrule);
  if (problems.length) throw new RecurrenceError(`the rule is not valid: ${problems.join('; ')}`);
  if (!isTimeZone(zone)) throw new RecurrenceError(`"${zone}" is not an IANA time zone`);
  const dense = tooDense(window.rrule);
  if (dense) throw new RecurrenceError(dense);
  const firstOrNone = parseLocal(window.start);
  if (firstOrNone === undefined) throw new RecurrenceError(`window "${window.name}" starts at "${window.start}", not a local date-time`);
  const first = firstOrNone;

  let until: number | undefined;
  let count: number | undefined;
  const kept: string[] = [];
  for (const part of window.rrule.replace(/^RRULE:/, '').split(';')) {
    const [key, value = ''] = part.split('=');
    if (key === 'UNTIL') until = untilToLocal(value, zone);
    else if (key === 'COUNT') count = Number(value);
    else kept.push(part);
  }
  const options = RRule.parseString(kept.join(';'));
  const base = { ...options, dtstart: new Date(first), tzid: null, ...(until !== undefined ? { until: new Date(until) } : {}) };
  const found = firstRuleMatch(base, first, until);
  const firstMatch = typeof found === 'number' ? found : undefined;
  const firstIsRuleOccurrence = firstMatch === first;
  const ruleCount = count === undefined ? undefined : firstIsRuleOccurrence ? count : count - 1;
  // A rule that never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 passes the syntax check) is
  // not handed to rrule again: it would search to the year 9999 on every expansion.
  const never = ruleCount === 0 || firstMatch === undefined;
  // noCache: rrule would otherwise keep every answer, and a calendar is asked thousands of times.
  const rule = never ? undefined : new RRule(ruleCount === undefined ? base : { ...base, count: ruleCount }, true);
  const freq = options.freq ?? RRule.YEARLY;
  const step = dtstartStep(freq, options.interval ?? 1);
  // The moved DTSTART's own period may lose starts before it; keep that period clear of lo.
  const margin = UNIT_MS[freq] ?? (freq === RRule.MONTHLY ? 32 * DAY : 367 * DAY);

  /** The rule's starts in [lo, hi], at most OCCURRENCE_BUDGET of them or a budget error. */
  function ruleBetween(lo: number, hi: number): number[] {
    if (!rule) return [];
    let from = rule;
    // A COUNT rule is counted from its first occurrence, so it cannot move; COUNT is capped
    // instead (MAX_COUNT), which bounds that walk.
    const periods = ruleCount === undefined ? Math.floor((lo - margin - first) / step) : 0;
    if (periods >= 1) from = new RRule({ ...base, dtstart: new Date(first + periods * step) }, true);
    let over = false;
    const dates = from.between(new Date(lo), new Date(hi), true, (_d, i) => {
      over = i >= OCCURRENCE_BUDGET;
      return !over;
    });
    if (over) throw new RecurrenceBudgetError(`more than ${OCCURRENCE_BUDGET} occurrences from ${new Date(lo).toISOString().slice(0, 10)} to ${new Date(hi).toISOString().slice(0, 10)}`);
    return dates.map((d) => d.getTime());
  }

  const excluded = new Set<number>();
  for (const x of window.exdates ?? []) {
    const local = parseLocal(x);
    if (local !== undefined) excluded.add(local);
  }

  return {
    zone,
    first,
    ...(until !== undefined ? { until } : {}),
    ...(typeof found === 'string' ? { never: found } : {}),
    between(lo, hi) {
      const out = ruleBetween(lo, hi);
      if (!firstIsRuleOccurrence && first >= lo && first <= hi) out.unshift(first);
      return out.filter((t) => !excluded.has(t));
    },
    firstStarts(limit, last) {
      const dates = rule ? rule.all((d, i) => i < limit && d.getTime() <= last).map((d) => d.getTime()) : [];
      if (!firstIsRuleOccurrence) dates.unshift(first);
      return dates.slice(0, limit);
    },
  };
}
