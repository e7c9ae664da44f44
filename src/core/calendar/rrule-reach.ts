import { RRule } from './rrule-lib.js';

export type RuleOptions = ConstructorParameters<typeof RRule>[0] & object;

const HOUR_S = 3600;
const DAY_S = 86_400;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function list(value: number | number[] | null | undefined): number[] | undefined {
  if (value === null || value === undefined) return undefined;
  const values = ([] as number[]).concat(value);
  return values.length ? [...new Set(values)] : undefined;
}

/**
 * Why a rule below DAILY can never produce a date after DTSTART, or undefined when it can.
 * rrule answers these questions by walking: a rule whose INTERVAL lattice never lands on a
 * BYHOUR/BYMINUTE value spins in rrule's step loop forever (the year check is outside that loop),
 * and a BYSETPOS no period has that many candidates for walks every period up to the year 9999
 * (a minutely rule: 4 billion periods). Both are decided here from arithmetic instead.
 *
 * The lattice of an N-unit rule visits the times of day DTSTART + k·N; within a day these are
 * DTSTART's time plus the multiples of gcd(N, units per day), so a rule can reach a BYHOUR /
 * BYMINUTE / BYSECOND combination only if one of those times carries it. A period of a rule at
 * DAILY or finer has every time of its time set, so BYSETPOS values beyond that set's size select
 * nothing, ever.
 */
export function unreachable(options: RuleOptions, dtstart: Date): string | undefined {
  const freq = options.freq ?? RRule.YEARLY;
  const hours = list(options.byhour);
  const minutes = list(options.byminute);
  const seconds = list(options.bysecond);
  const positions = list(options.bysetpos);

  if (positions && freq >= RRule.DAILY) {
    const size =
      freq === RRule.DAILY ? (hours?.length ?? 1) * (minutes?.length ?? 1) * (seconds?.length ?? 1)
      : freq === RRule.HOURLY ? (minutes?.length ?? 1) * (seconds?.length ?? 1)
      : freq === RRule.MINUTELY ? (seconds?.length ?? 1)
      : 1;
    if (!positions.some((p) => p !== 0 && Math.abs(p) <= size)) {
      return `every period of this rule has ${size} candidate time${size === 1 ? '' : 's'}, so BYSETPOS=${positions.join(',')} selects none`;
    }
  }

  if (freq <= RRule.DAILY) return undefined;
  const unit = freq === RRule.HOURLY ? HOUR_S : freq === RRule.MINUTELY ? 60 : 1;
  const interval = (options.interval ?? 1) * unit;
  const step = gcd(interval, DAY_S);
  const start = dtstart.getUTCHours() * HOUR_S + dtstart.getUTCMinutes() * 60 + dtstart.getUTCSeconds();
  // The lattice only moves the counter's own fields; finer fields come from the time set, which
  // the BY* lists (or DTSTART) fill in for every period.
  for (let t = start % step; t < DAY_S; t += step) {
    const h = Math.floor(t / HOUR_S);
    const m = Math.floor((t % HOUR_S) / 60);
    const s = t % 60;
    if (hours && !hours.includes(h)) continue;
    if (freq >= RRule.MINUTELY && minutes && !minutes.includes(m)) continue;
    if (freq === RRule.SECONDLY && seconds && !seconds.includes(s)) continue;
    return undefined;
  }
  const fields = [hours && `BYHOUR=${hours.join(',')}`, freq >= RRule.MINUTELY && minutes && `BYMINUTE=${minutes.join(',')}`, freq === RRule.SECONDLY && seconds && `BYSECOND=${seconds.join(',')}`].filter(Boolean);
  return `counted from ${dtstart.toISOString().slice(11, 19)} every ${options.interval ?? 1} ${freq === RRule.HOURLY ? 'hour' : freq === RRule.MINUTELY ? 'minute' : 'second'}${(options.interval ?? 1) === 1 ? '' : 's'}, the rule never lands on ${fields.join(';')}`;
}
