import type { CalendarWindow } from '../model.js';
import { DAY, instantToLocal, parseLocal } from './local-time.js';
import { RRule } from './rrule-lib.js';

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
}

export class RecurrenceError extends Error {
  override name = 'RecurrenceError';
}

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

/**
 * The rule's first match at or after DTSTART (floating), or undefined when there is none within
 * 400 years. rrule looks for a match until the year 9999 and, for a rule that never matches,
 * takes seconds to minutes to find that out; moved forward by whole 400-year cycles to just
 * before that end, the same search stops after at most 400 years (under a second).
 */
type RuleOptions = ConstructorParameters<typeof RRule>[0] & object;

function firstRuleMatch(base: RuleOptions, first: number, until: number | undefined): number | undefined {
  const shift = Math.max(0, Math.floor((RRULE_END - CYCLE - first) / CYCLE)) * CYCLE;
  const moved = { dtstart: new Date(first + shift), ...(until !== undefined ? { until: new Date(until + shift) } : {}) };
  // Cheap first: the same date filters read yearly (one step a year, not one a day) match a
  // superset of the rule's dates, so no yearly match means no match at all.
  const yearly = yearlySuperset(base);
  if (yearly && !new RRule({ ...yearly, ...moved }).after(new Date(first + shift - 1))) return undefined;
  const match = new RRule({ ...base, ...moved }).after(new Date(first + shift - 1));
  return match ? match.getTime() - shift : undefined;
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

export function compileRecurrence(window: CalendarWindow): Recurrence {
  const zone = window.timeZone;
  if (!window.rrule || !zone) throw new RecurrenceError(`window "${window.name}" is not recurring`);
  const first = parseLocal(window.start);
  if (first === undefined) throw new RecurrenceError(`window "${window.name}" starts at "${window.start}", not a local date-time`);

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
  const firstMatch = firstRuleMatch(base, first, until);
  const firstIsRuleOccurrence = firstMatch === first;
  const ruleCount = count === undefined ? undefined : firstIsRuleOccurrence ? count : count - 1;
  // A rule that never matches (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30 passes the syntax check) is
  // not handed to rrule again: it would search to the year 9999 on every expansion.
  const rule = ruleCount === 0 || firstMatch === undefined ? undefined : new RRule(ruleCount === undefined ? base : { ...base, count: ruleCount });

  const excluded = new Set<number>();
  for (const x of window.exdates ?? []) {
    const local = parseLocal(x);
    if (local !== undefined) excluded.add(local);
  }

  return {
    zone,
    first,
    ...(until !== undefined ? { until } : {}),
    between(lo, hi) {
      const out = rule ? rule.between(new Date(lo), new Date(hi), true).map((d) => d.getTime()) : [];
      if (!firstIsRuleOccurrence && first >= lo && first <= hi) out.unshift(first);
      return out.filter((t) => !excluded.has(t));
    },
  };
}
