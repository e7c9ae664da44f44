import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { CalendarWindow, ChangeCalendar } from '../../src/core/model.js';
import { PROJECT_ROOT } from '../helpers/org.js';

export const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad instant in test: ${iso}`);
  return t;
};

export function recurring(name: string, start: string, rrule: string, duration: string, timeZone: string, extra: Partial<CalendarWindow> = {}): CalendarWindow {
  return { name, kind: 'maintenance', start, rrule, duration, timeZone, ...extra };
}

export function oneOff(name: string, start: string, end: string, extra: Partial<CalendarWindow> = {}): CalendarWindow {
  return { name, kind: 'freeze', start, end, ...extra };
}

/** The example organisation's calendar (changes/calendar.yaml), as the tool ships it. */
export function exampleCalendar(): ChangeCalendar {
  return parse(readFileSync(join(PROJECT_ROOT, 'changes', 'calendar.yaml'), 'utf8')) as ChangeCalendar;
}

// An Intl formatter separate from the code under test, for brute-force checks.
const formatters = new Map<string, Intl.DateTimeFormat>();
export function wallClock(instant: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  return f.format(new Date(instant)).replace(' ', 'T');
}

/**
 * Every instant (on a 15-minute grid, enough for the zones used in tests) whose wall clock in
 * the zone reads `local` ("2026-03-08T02:30:00"): empty in a spring-forward gap, two in an
 * autumn overlap.
 */
export function instantsReading(local: string, zone: string): number[] {
  const guess = Date.parse(local + 'Z');
  const out: number[] = [];
  for (let t = guess - 16 * 3_600_000; t <= guess + 16 * 3_600_000; t += 15 * 60_000) {
    if (wallClock(t, zone) === local) out.push(t);
  }
  return out;
}
