import { describe, expect, it } from 'vitest';
import { makeOrg, validateJson } from '../helpers/org.js';

/*
 * Hostile calendar and schedule values are refused at validate, positioned at the value, so no
 * later command meets them (#16). Each row: the case named in the issue and others of its class.
 */

const FILE = 'changes/calendar.yaml';

function recurringWindow(rrule: string, duration = '1h', start = '2026-01-06T01:00:00', zone = 'UTC', exdates = ''): string {
  return `apiVersion: opsledger/v1
kind: ChangeCalendar
metadata: {name: production}
spec:
  windows:
    - name: w
      kind: freeze
      start: "${start}"
      rrule: ${rrule}
${exdates}      duration: ${duration}
      timeZone: ${zone}
`;
}

function oneOffWindow(start: string, end: string): string {
  return `apiVersion: opsledger/v1
kind: ChangeCalendar
metadata: {name: production}
spec:
  windows:
    - name: w
      kind: freeze
      start: "${start}"
      end: "${end}"
`;
}

// line 8 start, 9 rrule or end, 10 duration (11 with exdates), 11 timeZone
type Row = [string, string, string, number, number, string];

const ROWS: Row[] = [
  // Sub-minute recurrence.
  ['FREQ=SECONDLY', recurringWindow('FREQ=SECONDLY', '1s'), 'calendar.rrule-too-dense', 9, 14, '/spec/windows/0/rrule'],
  ['FREQ=SECONDLY;INTERVAL=30;COUNT=3', recurringWindow('FREQ=SECONDLY;INTERVAL=30;COUNT=3', '1s'), 'calendar.rrule-too-dense', 9, 14, '/spec/windows/0/rrule'],
  ['BYSECOND list on a daily rule', recurringWindow('FREQ=DAILY;BYSECOND=0,30', '1s'), 'calendar.rrule-too-dense', 9, 14, '/spec/windows/0/rrule'],
  ['BYSECOND=60 (leap second)', recurringWindow('FREQ=MINUTELY;BYSECOND=60', '1m'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  // A window recurring more often than it lasts.
  ['minutely lasting 2m', recurringWindow('FREQ=MINUTELY', '2m'), 'calendar.window-overlap', 10, 17, '/spec/windows/0/duration'],
  ['weekly lasting 8d', recurringWindow('FREQ=WEEKLY', '8d'), 'calendar.window-overlap', 10, 17, '/spec/windows/0/duration'],
  ['BYMINUTE list closer than the duration', recurringWindow('FREQ=HOURLY;BYMINUTE=0,10', '15m'), 'calendar.window-overlap', 10, 17, '/spec/windows/0/duration'],
  // Unbounded rule parts.
  ['INTERVAL=0', recurringWindow('FREQ=DAILY;INTERVAL=0'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['huge COUNT', recurringWindow('FREQ=DAILY;COUNT=999999999'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['huge INTERVAL', recurringWindow('FREQ=MINUTELY;INTERVAL=99999999999'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['UNTIL in the year 9999', recurringWindow('FREQ=DAILY;UNTIL=99991231'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  // Durations out of range.
  ['99999999999d', recurringWindow('FREQ=YEARLY', '99999999999d'), 'schema.format', 10, 17, '/spec/windows/0/duration'],
  ['3661d', recurringWindow('FREQ=YEARLY;INTERVAL=20', '3661d'), 'schema.format', 10, 17, '/spec/windows/0/duration'],
  ['negative duration', recurringWindow('FREQ=DAILY', '-1h'), 'schema.format', 10, 17, '/spec/windows/0/duration'],
  ['fractional duration', recurringWindow('FREQ=DAILY', '1.5h'), 'schema.format', 10, 17, '/spec/windows/0/duration'],
  // Zero-length windows: one rule for one-off and recurring.
  ['duration 0m', recurringWindow('FREQ=DAILY', '0m'), 'calendar.window-order', 10, 17, '/spec/windows/0/duration'],
  ['duration 0s0h', recurringWindow('FREQ=WEEKLY', '0s0h'), 'calendar.window-order', 10, 17, '/spec/windows/0/duration'],
  ['one-off ending as it starts', oneOffWindow('2026-12-20T00:00:00Z', '2026-12-20T00:00:00Z'), 'calendar.window-order', 9, 12, '/spec/windows/0/end'],
  ['one-off ending as it starts, other offset', oneOffWindow('2026-12-20T09:00:00+09:00', '2026-12-20T00:00:00Z'), 'calendar.window-order', 9, 12, '/spec/windows/0/end'],
  // Instants: lower-case t/z, leap seconds, 24:00, years and offsets out of range.
  ['lower-case t and z in end', oneOffWindow('2026-12-20T00:00:00Z', '2026-12-21t00:00:00z'), 'schema.format', 9, 12, '/spec/windows/0/end'],
  ['lower-case z in end', oneOffWindow('2026-12-20T00:00:00Z', '2026-12-21T00:00:00z'), 'schema.format', 9, 12, '/spec/windows/0/end'],
  ['leap second', oneOffWindow('2026-12-20T00:00:00Z', '2026-12-31T23:59:60Z'), 'schema.format', 9, 12, '/spec/windows/0/end'],
  ['24:00', oneOffWindow('2026-12-20T00:00:00Z', '2026-12-21T24:00:00Z'), 'schema.format', 9, 12, '/spec/windows/0/end'],
  ['year 9999', oneOffWindow('2026-12-20T00:00:00Z', '9999-12-31T00:00:00Z'), 'schema.format', 9, 12, '/spec/windows/0/end'],
  ['offset +25:00', oneOffWindow('2026-12-20T00:00:00Z', '2026-12-21T00:00:00+25:00'), 'schema.format', 9, 12, '/spec/windows/0/end'],
  ['start in year 0000', oneOffWindow('0000-01-01T00:00:00Z', '2026-12-21T00:00:00Z'), 'calendar.window-shape', 8, 14, '/spec/windows/0/start'],
  ['recurring start in 1969', recurringWindow('FREQ=DAILY', '1h', '1969-12-31T01:00:00'), 'calendar.window-shape', 8, 14, '/spec/windows/0/start'],
  ['exdate in 9999', recurringWindow('FREQ=DAILY', '1h', '2026-01-06T01:00:00', 'UTC', '      exdates: ["9999-12-31T01:00:00"]\n'), 'schema.format', 10, 17, '/spec/windows/0/exdates/0'],
  // Shapes the rrule library expands wrongly or without end, refused as RFC 5545 or unsupported.
  ['BYHOUR on a MINUTELY rule (off the INTERVAL lattice, hangs after a filtered day)', recurringWindow('FREQ=MINUTELY;INTERVAL=11;BYMONTH=2,12;BYHOUR=4,16', '1m'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['BYMINUTE on a SECONDLY rule', recurringWindow('FREQ=SECONDLY;INTERVAL=60;BYMINUTE=5', '1m'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['a numbered weekday on a MINUTELY rule', recurringWindow('FREQ=MINUTELY;BYDAY=2SU', '1m'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['BYWEEKNO on a DAILY rule', recurringWindow('FREQ=DAILY;BYWEEKNO=53'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['BYYEARDAY on a MONTHLY rule', recurringWindow('FREQ=MONTHLY;BYYEARDAY=366'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['BYMONTHDAY on a WEEKLY rule', recurringWindow('FREQ=WEEKLY;BYMONTHDAY=31'), 'calendar.rrule', 9, 14, '/spec/windows/0/rrule'],
  ['time zone that does not exist', recurringWindow('FREQ=DAILY', '1h', '2026-01-06T01:00:00', 'Mars/Olympus'), 'calendar.timezone', 11, 17, '/spec/windows/0/timeZone'],
];

describe('hostile calendar values are refused at validate, positioned', () => {
  it.each(ROWS)('%s', async (_name, content, code, line, column, pointer) => {
    const { code: exit, report } = await validateJson(makeOrg({ [FILE]: content }));
    expect(exit).toBe(1);
    const found = report.diagnostics.filter((d) => d.file === FILE);
    expect(found.map((d) => ({ code: d.code, line: d.line, column: d.column, pointer: d.pointer }))).toContainEqual({ code, line, column, pointer });
  });

  it.each([
    ['FREQ=MINUTELY lasting 1m', recurringWindow('FREQ=MINUTELY', '1m')],
    ['FREQ=SECONDLY;INTERVAL=60', recurringWindow('FREQ=SECONDLY;INTERVAL=60', '1m')],
    ['FREQ=SECONDLY;BYSECOND=0', recurringWindow('FREQ=SECONDLY;BYSECOND=0', '1m')],
    ['weekly lasting exactly a week', recurringWindow('FREQ=WEEKLY', '7d')],
    ['a DST gap start', recurringWindow('FREQ=DAILY', '1h', '2026-03-08T02:30:00', 'America/New_York')],
    ['3660d yearly', recurringWindow('FREQ=YEARLY;INTERVAL=11', '3660d')],
  ])('accepts %s', async (_name, content) => {
    const { report } = await validateJson(makeOrg({ [FILE]: content }));
    expect(report.diagnostics.filter((d) => d.file === FILE)).toEqual([]);
  });
});

describe('rules that match no date after the start are answered by arithmetic, not walked', () => {
  // Each of these made rrule walk to the year 9999 or loop without end inside one call.
  it.each([
    ['BYSETPOS beyond a minutely period', 'FREQ=MINUTELY;BYSETPOS=366', '1m'],
    ['BYSETPOS beyond an hourly period', 'FREQ=HOURLY;BYSETPOS=-2', '1m'],
    ['BYSETPOS beyond a daily period', 'FREQ=DAILY;BYSETPOS=366', '1h'],
    ['an hourly INTERVAL that never lands on BYHOUR', 'FREQ=HOURLY;INTERVAL=24;BYHOUR=3', '1h'],
    ['an hourly INTERVAL of 6 from 01:00 and BYHOUR=3', 'FREQ=HOURLY;INTERVAL=6;BYHOUR=3', '1h'],
    ['a day that never exists', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', '1h'],
    ['UNTIL before the start', 'FREQ=DAILY;UNTIL=20250101', '1h'],
  ])('%s: a calendar.rrule-never warning at the rule', async (_name, rule, duration) => {
    const { report } = await validateJson(makeOrg({ [FILE]: recurringWindow(rule, duration) }));
    const found = report.diagnostics.filter((d) => d.file === FILE);
    expect(found.map((d) => ({ code: d.code, severity: d.severity, pointer: d.pointer, line: d.line, column: d.column }))).toEqual([
      { code: 'calendar.rrule-never', severity: 'warning', pointer: '/spec/windows/0/rrule', line: 9, column: 14 },
    ]);
  });

  it.each([
    ['an hourly INTERVAL of 2 from 01:00 and BYHOUR=3', 'FREQ=HOURLY;INTERVAL=2;BYHOUR=3'],
    ['BYSETPOS within a daily period', 'FREQ=DAILY;BYHOUR=1,13;BYSETPOS=-1'],
    ['a minutely rule with date filters only', 'FREQ=MINUTELY;INTERVAL=30;BYMONTH=2,12'],
  ])('%s recurs and is accepted', async (_name, rule) => {
    const { report } = await validateJson(makeOrg({ [FILE]: recurringWindow(rule, '1m') }));
    expect(report.diagnostics.filter((d) => d.file === FILE)).toEqual([]);
  });
});

const CHANGE = 'changes/CR-2026-0001.yaml';

describe('instants in changes follow the same reader', () => {
  it.each([
    ['lower-case t', '2026-12-02t01:00:00+09:00'],
    ['lower-case z', '2026-12-02T01:00:00z'],
    ['leap second', '2026-12-31T23:59:60Z'],
    ['year 3000', '3000-01-01T00:00:00Z'],
  ])('%s in a schedule is refused at its position', async (_name, value) => {
    const root = makeOrg();
    const { readFileSync, writeFileSync } = await import('node:fs');
    const path = `${root}/${CHANGE}`;
    const text = readFileSync(path, 'utf8');
    const start = /start: "?([^"\n,}]+)"?/.exec(text)![1]!;
    writeFileSync(path, text.replace(start, value));
    const { report } = await validateJson(root);
    const d = report.diagnostics.find((x) => x.file === CHANGE && x.pointer === '/spec/schedule/start');
    expect(d?.code).toBe('schema.format');
    expect(d?.line).toBe(text.slice(0, text.indexOf(start)).split('\n').length);
  });
});
