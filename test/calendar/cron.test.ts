import { describe, expect, it } from 'vitest';
import { CronError, cronOccurrences, cronToRrule, parseCron } from '../../src/core/calendar/cron.js';
import { formatLocal } from '../../src/core/calendar/local-time.js';
import { ms } from './helpers.js';

describe('cron to RRULE', () => {
  it.each([
    ['0 22 * * *', 'FREQ=DAILY'],
    ['10 1 * * *', 'FREQ=DAILY'],
    ['0 1 * * 2', 'FREQ=WEEKLY;BYDAY=TU'],
    ['0 23 * * FRI', 'FREQ=WEEKLY;BYDAY=FR'],
    ['0 23 * * 1-5', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
    ['0 0 * * 7', 'FREQ=WEEKLY;BYDAY=SU'],
    ['0 0 * * sun,sat', 'FREQ=WEEKLY;BYDAY=SU,SA'],
    ['0 0 1 * *', 'FREQ=MONTHLY;BYMONTHDAY=1'],
    ['0 0 L * *', 'FREQ=MONTHLY;BYMONTHDAY=-1'],
    ['0 0 1,15 * *', 'FREQ=MONTHLY;BYMONTHDAY=1,15'],
    ['0 0 25 DEC *', 'FREQ=MONTHLY;BYMONTH=12;BYMONTHDAY=25'],
    ['0 9 * * 5#2', 'FREQ=MONTHLY;BYDAY=2FR'],
    ['0 9 * * FRI#1,MON#3', 'FREQ=MONTHLY;BYDAY=1FR,3MO'],
    ['0 9 * * 5L', 'FREQ=MONTHLY;BYDAY=-1FR'],
    ['0 */6 * * *', 'FREQ=DAILY;BYHOUR=0,6,12,18;BYMINUTE=0'],
    ['*/15 9-10 * * *', 'FREQ=DAILY;BYHOUR=9,10;BYMINUTE=0,15,30,45'],
    ['0 8-18/5 * * *', 'FREQ=DAILY;BYHOUR=8,13,18;BYMINUTE=0'],
    ['30 2 * 1-3 *', 'FREQ=DAILY;BYMONTH=1,2,3'],
    ['0 0 */10 * *', 'FREQ=MONTHLY;BYMONTHDAY=1,11,21,31'],
    // A day field starting with * is not "restricted": both must hold, which an RRULE says.
    ['0 0 */2 * 1', 'FREQ=MONTHLY;BYMONTHDAY=1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31;BYDAY=MO'],
    ['0 0 ? * 1', 'FREQ=WEEKLY;BYDAY=MO'],
    ['@daily', 'FREQ=DAILY'],
    ['@weekly', 'FREQ=WEEKLY;BYDAY=SU'],
    ['@monthly', 'FREQ=MONTHLY;BYMONTHDAY=1'],
    ['@yearly', 'FREQ=MONTHLY;BYMONTH=1;BYMONTHDAY=1'],
    ['@hourly', 'FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0'],
  ])('%s → %s', (cron, rule) => {
    expect(cronToRrule(parseCron(cron)).rule).toBe(rule);
  });

  it.each([
    ['0 23 * * 5', '2026-03-01T00:00:00', ['2026-03-06T23:00:00', '2026-03-13T23:00:00', '2026-03-20T23:00:00']],
    ['0 9 * * 5#2', '2026-03-01T00:00:00', ['2026-03-13T09:00:00', '2026-04-10T09:00:00', '2026-05-08T09:00:00']],
    ['0 0 L 2 *', '2026-01-01T00:00:00', ['2026-02-28T00:00:00', '2027-02-28T00:00:00', '2028-02-29T00:00:00']],
    ['30 1 31 * *', '2026-03-31T01:30:00', ['2026-03-31T01:30:00', '2026-05-31T01:30:00', '2026-07-31T01:30:00']],
    ['0 0 29 2 *', '2026-01-01T00:00:00', ['2028-02-29T00:00:00', '2032-02-29T00:00:00', '2036-02-29T00:00:00']],
  ])('%s from %s runs at %j, as cron does', (cron, from, expected) => {
    const got = cronOccurrences(parseCron(cron), ms(from + 'Z'), ms('2040-01-01T00:00:00Z'), 3).map(formatLocal);
    expect(got).toEqual(expected);
  });

  it.each([
    ['0 22 * * 8', 'day-of-week', /8 is out of range 0-7/],
    ['60 * * * *', 'minute', /60 is out of range 0-59/],
    ['0 24 * * *', 'hour', /24 is out of range 0-23/],
    ['0 0 0 * *', 'day-of-month', /0 is out of range 1-31/],
    ['0 0 * 13 *', 'month', /13 is out of range 1-12/],
    ['0 0 * FOO *', 'month', /"FOO" is not a number or a name such as JAN/],
    ['0 0 1 * 1', 'day-of-month', /both restricted.*EITHER/],
    ['0 0 1-7 * MON', 'day-of-month', /both restricted/],
    ['0 0 15W * *', 'day-of-month', /nearest weekday/],
    ['0 0 30 2 *', 'day-of-month', /never occurs/],
    ['5-1 * * * *', 'minute', /runs backwards/],
    ['*/0 * * * *', 'minute', /step "0"/],
    ['0 0 * * 5#6', 'day-of-week', /week number after # must be 1-5/],
    ['0 ? * * *', 'hour', /only allowed in the day fields/],
    ['0 0,,1 * * *', 'hour', /has an empty list item/],
    ['{{.window}} * * * *', 'minute', /is not a number/],
  ])('refuses %j in the %s field', (cron, field, message) => {
    let error: unknown;
    try {
      parseCron(cron);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CronError);
    expect((error as CronError).field).toBe(field);
    expect((error as CronError).message).toMatch(message);
    expect((error as CronError).message.startsWith(`${field}: `)).toBe(true);
  });

  it.each([
    ['0 0 * *', /4 fields; a schedule has five/],
    ['0 0 0 * * *', /6 fields.*seconds and years are not supported/],
    ['', /1 field/],
    ['@fortnightly', /not a known shorthand/],
  ])('refuses the shape of %j', (cron, message) => {
    expect(() => parseCron(cron)).toThrow(message);
  });
});
