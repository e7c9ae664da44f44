import { describe, expect, it } from 'vitest';
import { makeOrg, spawnCli } from '../helpers/org.js';

/*
 * The attacker's cases end-to-end, through the built CLI in its own process with a timeout:
 * calendar, risk and catalog finish with exit 1 and the diagnostic, or exit 0; never a hang
 * (the timeout) and never exit 2 / "internal error".
 */

const FILE = 'changes/calendar.yaml';

function calendar(window: string): string {
  return `apiVersion: opsledger/v1\nkind: ChangeCalendar\nmetadata: {name: production}\nspec:\n  windows:\n${window}`;
}
const recurringWindow = (rrule: string, duration: string) => calendar(`    - name: w\n      kind: freeze\n      start: "2026-01-06T01:00:00"\n      rrule: ${rrule}\n      duration: ${duration}\n      timeZone: Asia/Seoul\n`);
const oneOff = (start: string, end: string) => calendar(`    - name: w\n      kind: freeze\n      start: "${start}"\n      end: "${end}"\n`);

const AT = '2026-12-06T00:00:00Z';
const COMMANDS: [string, string[]][] = [
  ['calendar', ['calendar', '--format', 'json', '--at', AT]],
  ['risk', ['risk', '--open', '--format', 'json', '--at', AT]],
  ['catalog', ['catalog', '--out', 'site']],
];

const REFUSED: [string, string, string][] = [
  ['FREQ=SECONDLY', recurringWindow('FREQ=SECONDLY', '1s'), 'calendar.rrule-too-dense'],
  ['a BYSECOND list', recurringWindow('FREQ=MINUTELY;BYSECOND=0,15,30,45', '1s'), 'calendar.rrule-too-dense'],
  ['99999999999d', recurringWindow('FREQ=WEEKLY', '99999999999d'), 'schema.format'],
  ['lower-case t/z', oneOff('2026-12-20T00:00:00Z', '2026-12-21t00:00:00z'), 'schema.format'],
  ['a leap second', oneOff('2026-12-20T00:00:00Z', '2026-12-31T23:59:60Z'), 'schema.format'],
  ['a zero-length recurring window', recurringWindow('FREQ=DAILY', '0m'), 'calendar.window-order'],
];

describe('hostile calendars through the built CLI', () => {
  for (const [name, content, code] of REFUSED) {
    it.each(COMMANDS)(`${name}: %s exits 1 with ${code}`, (_cmd, args) => {
      const root = makeOrg({ [FILE]: content });
      const r = spawnCli([...args, '--root', root], { cwd: root, timeoutMs: 60_000 });
      expect(r.stderr).not.toContain('internal error');
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain(code);
    });
  }

  it('a back-to-back minutely freeze: calendar reports the budget (exit 1), risk answers (exit 0)', () => {
    const root = makeOrg({ [FILE]: recurringWindow('FREQ=MINUTELY', '1m') });
    const cal = spawnCli(['calendar', '--format', 'json', '--at', AT, '--root', root], { cwd: root, timeoutMs: 60_000 });
    expect(cal.stderr).toContain('calendar.expansion-budget');
    expect(cal.stderr).toContain(FILE);
    expect(cal.code).toBe(1);
    const risk = spawnCli(['risk', '--open', '--format', 'json', '--at', AT, '--root', root], { cwd: root, timeoutMs: 60_000 });
    expect(risk.stderr).not.toContain('internal error');
    expect(risk.code).toBe(0);
  }, 120_000);

  it('a window sixty times a day over a ten-year --from/--to range is reported, not truncated', () => {
    const everyMinute = Array.from({ length: 60 }, (_, i) => i).join(',');
    const root = makeOrg({ [FILE]: recurringWindow(`FREQ=DAILY;BYHOUR=3;BYMINUTE=${everyMinute}`, '1m') });
    const r = spawnCli(['calendar', '--format', 'json', '--at', AT, '--from', '2026-01-01T00:00:00Z', '--to', '2035-12-01T00:00:00Z', '--root', root], { cwd: root, timeoutMs: 60_000 });
    expect(r.stderr).toContain('calendar.expansion-budget');
    expect(r.code).toBe(1);
  }, 120_000);
});
