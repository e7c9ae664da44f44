import { describe, expect, it } from 'vitest';
import { checkRrule, isTimeZone } from '../../src/core/calendar/rrule-syntax.js';

describe('checkRrule', () => {
  it.each([
    'FREQ=WEEKLY;BYDAY=TU',
    'RRULE:FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;BYMONTHDAY=-1,1,15',
    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24;COUNT=3',
    'FREQ=DAILY;INTERVAL=2;UNTIL=20271231T000000Z',
    'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0;WKST=MO',
  ])('accepts %s', (rule) => {
    expect(checkRrule(rule)).toEqual([]);
  });

  it.each([
    ['', 1],
    ['BYDAY=TU', 1],
    ['FREQ=SOMETIMES', 1],
    ['FREQ=WEEKLY;BYDAY=XX', 1],
    ['FREQ=WEEKLY;INTERVAL=abc', 1],
    ['FREQ=DAILY;FOO=1', 1],
    ['FREQ=DAILY;COUNT=2;UNTIL=20270101', 1],
    ['FREQ=MONTHLY;BYMONTHDAY=32', 1],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 1],
    ['FREQ=DAILY;BYHOUR=24', 1],
    ['FREQ=DAILY;FREQ=WEEKLY', 1],
    ['FREQ=YEARLY;BYMONTH=13;BYDAY=1XX', 2],
  ])('rejects %j with %i problem(s)', (rule, count) => {
    expect(checkRrule(rule)).toHaveLength(count);
  });
});

describe('isTimeZone', () => {
  it.each([
    ['Asia/Seoul', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['+09:00', false],
  ])('%s → %s', (zone, ok) => {
    expect(isTimeZone(zone)).toBe(ok);
  });
});
