import { DAY } from './local-time.js';
import { RRule } from './rrule-lib.js';

/**
 * Five-field cron (minute hour day-of-month month day-of-week), as Argo CD (robfig/cron) and
 * GitLab (fugit) read it, turned into an RFC 5545 RRULE where one rule can say the same thing.
 *
 * Accepted: `*`, `?` (in the day fields), numbers, lists, ranges `a-b`, steps `*\/n`, `a-b/n`,
 * `a/n`, month and weekday names (JAN, MON), 7 for Sunday, `L` (last day of the month),
 * `5#2` / `FRI#2` (second Friday) and `5L` (last Friday), and the @yearly/@monthly/@weekly/
 * @daily/@midnight/@hourly shorthands.
 *
 * Refused, with the field named:
 * - both day-of-month and day-of-week restricted: cron then runs on days matching EITHER field,
 *   and an RRULE can only intersect them (split such a schedule into two windows);
 * - `W` (nearest weekday), which no RRULE part expresses;
 * - a seconds or year field (six or seven fields), out-of-range values, backwards ranges.
 * A field "restricted" is one not starting with `*` or `?`, the rule vixie cron and robfig
 * use: `*\/2` in one day field and a value in the other means both must hold, which an RRULE
 * can say.
 */
export type CronField = 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

export class CronError extends Error {
  override name = 'CronError';
  constructor(
    message: string,
    readonly field?: CronField,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

export interface CronSchedule {
  minutes: number[];
  hours: number[];
  /** 1..31, and -1 for L (the last day). */
  monthDays: number[];
  months: number[];
  /** 0 = Sunday; nth 1..5 for "#n", -1 for "L". */
  weekdays: { day: number; nth?: number }[];
  monthDaysRestricted: boolean;
  weekdaysRestricted: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const RRULE_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

interface FieldSpec {
  name: CronField;
  min: number;
  max: number;
  names?: string[];
  /** Value the first name stands for (JAN = 1, SUN = 0). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

function value(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + spec.nameBase!;
  if (!/^\d+$/.test(text)) throw new CronError(`"${text}" is not a number${spec.names ? ` or a name such as ${spec.names[0]}` : ''}`, spec.name);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new CronError(`${n} is out of range ${spec.min}-${spec.max}`, spec.name);
  return n;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** The values one list item stands for. */
function item(text: string, spec: FieldSpec): number[] {
  const [body = '', stepText, extra] = text.split('/');
  if (extra !== undefined) throw new CronError(`"${text}" has more than one step`, spec.name);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new CronError(`step "${stepText}" in "${text}" must be a whole number from 1`, spec.name);
    step = Number(stepText);
  }
  if (body === '*' || body === '?') {
    if (body === '?' && spec.name !== 'day-of-month' && spec.name !== 'day-of-week') throw new CronError('"?" is only allowed in the day fields', spec.name);
    return range(spec.min, spec.name === 'day-of-week' ? 6 : spec.max, step);
  }
  const dash = body.indexOf('-');
  if (dash > 0) {
    const from = value(body.slice(0, dash), spec);
    const to = value(body.slice(dash + 1), spec);
    if (to < from) throw new CronError(`range "${body}" runs backwards; write it as two ranges`, spec.name);
    return range(from, to, step);
  }
  const from = value(body, spec);
  return stepText === undefined ? [from] : range(from, spec.name === 'day-of-week' ? 6 : spec.max, step);
}

function field(text: string, spec: FieldSpec): number[] {
  if (text === '') throw new CronError('is empty', spec.name);
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new CronError(`"${text}" has an empty list item`, spec.name);
    for (const v of item(part, spec)) values.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

function monthDayField(text: string): number[] {
  const spec = FIELDS[2]!;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const upper = part.toUpperCase();
    if (upper === 'L') out.add(-1);
    else if (/W/.test(upper)) throw new CronError(`"${part}" (nearest weekday) cannot be written as an RRULE`, spec.name);
    else for (const v of field(part, spec)) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function weekdayField(text: string): { day: number; nth?: number }[] {
  const spec = FIELDS[4]!;
  const out: { day: number; nth?: number }[] = [];
  const seen = new Set<string>();
  const add = (day: number, nth?: number) => {
    const key = `${nth ?? ''}${day}`;
    if (!seen.has(key)) out.push(nth === undefined ? { day } : { day, nth });
    seen.add(key);
  };
  for (const part of text.split(',')) {
    const hash = /^(\w+)#(\d+)$/.exec(part);
    const last = /^(\w+?)L$/i.exec(part);
    if (hash) {
      const nth = Number(hash[2]);
      if (nth < 1 || nth > 5) throw new CronError(`"${part}": the week number after # must be 1-5`, spec.name);
      add(value(hash[1]!, spec) % 7, nth);
    } else if (last && part.toUpperCase() !== 'L') {
      add(value(last[1]!, spec) % 7, -1);
    } else {
      for (const d of field(part, spec)) add(d);
    }
  }
  return out;
}

export function parseCron(expression: string): CronSchedule {
  const text = expression.trim();
  const expanded = text.startsWith('@') ? MACROS[text.toLowerCase()] : text;
  if (expanded === undefined) throw new CronError(`"${text}" is not a known shorthand (${Object.keys(MACROS).join(', ')})`);
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) {
    throw new CronError(`"${text}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; a schedule has five: minute hour day-of-month month day-of-week${parts.length > 5 ? ' (seconds and years are not supported)' : ''}`);
  }
  const [min, hour, dom, month, dow] = parts as [string, string, string, string, string];
  const schedule: CronSchedule = {
    minutes: field(min, FIELDS[0]!),
    hours: field(hour, FIELDS[1]!),
    monthDays: monthDayField(dom),
    months: field(month, FIELDS[3]!),
    weekdays: weekdayField(dow),
    monthDaysRestricted: !/^[*?]/.test(dom),
    weekdaysRestricted: !/^[*?]/.test(dow),
  };
  if (schedule.monthDaysRestricted && schedule.weekdaysRestricted) {
    throw new CronError(
      `"${dom}" and day-of-week "${dow}" are both restricted, so cron runs on days matching EITHER; an RRULE can only require both. Split the schedule into two windows, one per field`,
      'day-of-month',
    );
  }
  const longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (!schedule.monthDays.some((d) => d === -1 || schedule.months.some((m) => d <= longest[m]!))) {
    throw new CronError(`"${dom}" never occurs in month "${month}", so the schedule never runs`, 'day-of-month');
  }
  return schedule;
}

/**
 * The RRULE for a schedule. `rule` is the readable form for a window whose start is a real
 * occurrence (a single hour and minute come from the start, as DTSTART gives them); `explicit`
 * names hours, minutes and seconds, for finding that first occurrence from an arbitrary time.
 */
export function cronToRrule(schedule: CronSchedule): { rule: string; explicit: string } {
  const parts: string[] = [];
  const allMonthDays = !schedule.monthDaysRestricted && schedule.monthDays.length === 31;
  const plainWeek = schedule.weekdays.every((w) => w.nth === undefined) && schedule.weekdays.length === 7;
  const hasNth = schedule.weekdays.some((w) => w.nth !== undefined);
  // MONTHLY lets BYDAY carry "2FR" and intersects BYMONTHDAY with BYDAY; WEEKLY reads best for
  // weekday schedules; DAILY for the rest.
  const freq = hasNth || !allMonthDays ? 'MONTHLY' : !plainWeek ? 'WEEKLY' : 'DAILY';
  parts.push(`FREQ=${freq}`);
  if (schedule.months.length !== 12) parts.push(`BYMONTH=${schedule.months.join(',')}`);
  if (!allMonthDays) parts.push(`BYMONTHDAY=${schedule.monthDays.join(',')}`);
  if (!plainWeek) parts.push(`BYDAY=${schedule.weekdays.map((w) => `${w.nth ?? ''}${RRULE_DAYS[w.day]}`).join(',')}`);
  const time = [`BYHOUR=${schedule.hours.join(',')}`, `BYMINUTE=${schedule.minutes.join(',')}`];
  const single = schedule.hours.length === 1 && schedule.minutes.length === 1;
  return {
    rule: [...parts, ...(single ? [] : time)].join(';'),
    explicit: [...parts, ...time, 'BYSECOND=0'].join(';'),
  };
}

/** Floating wall-clock starts of the schedule in [from, to], at most `limit` of them. */
export function cronOccurrences(schedule: CronSchedule, from: number, to: number, limit = 1000): number[] {
  const start = Math.ceil(from / 60_000) * 60_000;
  const rule = new RRule({ ...RRule.parseString(cronToRrule(schedule).explicit), dtstart: new Date(start), tzid: null });
  const out: number[] = [];
  rule.all((d, i) => {
    if (i >= limit || d.getTime() > to) return false;
    out.push(d.getTime());
    return true;
  });
  return out;
}

/** The first floating start at or after `from`, looking at most `years` ahead. */
export function firstCronOccurrence(schedule: CronSchedule, from: number, years = 30): number | undefined {
  return cronOccurrences(schedule, from, from + years * 366 * DAY, 1)[0];
}
