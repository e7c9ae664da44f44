import type { CalendarWindow } from '../model.js';
import { DAY, instantToLocal, parseLocal } from './local-time.js';
import { RRule } from './rrule-lib.js';

/**
 * A recurring window's rule, expanded on floating wall-clock time (local-time.ts). rrule is
 * given no tzid on purpose: its zone support converts through the host's zone and has shifted
 * occurrences by an hour around DST changes; on floating time there are no such changes, and
 * each wall-clock start is turned into an instant afterwards.
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
  const firstIsRuleOccurrence = new RRule(base).after(new Date(first - 1))?.getTime() === first;
  const ruleCount = count === undefined ? undefined : firstIsRuleOccurrence ? count : count - 1;
  const rule = ruleCount === 0 ? undefined : new RRule(ruleCount === undefined ? base : { ...base, count: ruleCount });

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
