import type { CalendarWindow, ChangeCalendar } from '../model.js';
import { CronError, cronToRrule, firstCronOccurrence, parseCron, type CronSchedule } from './cron.js';
import { formatLocal, instantToLocal } from './local-time.js';
import { isTimeZone } from './rrule-syntax.js';

/**
 * Shared ground of the importers (Argo CD sync windows, GitLab deploy freezes): their result
 * shape, problems reported against the source document, and the calendar they add up to.
 * Importers work on parsed values; reading files and placing problems on lines is the CLI's.
 */
export interface ImportProblem {
  /** Index of the document in its file. */
  document: number;
  /** JSON pointer to the offending value in that document. */
  pointer: string;
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface ImportedWindow {
  window: CalendarWindow;
  /** Where it came from, written as a comment above the window. */
  source: string;
  /** What could not be carried over, written as comments for the person reviewing it. */
  notes: string[];
}

export interface ImportResult {
  windows: ImportedWindow[];
  problems: ImportProblem[];
}

export interface ImportOptions {
  /** Recurring windows start at their first occurrence at or after this instant. */
  since: number;
  /** Scope every imported window to this environment. */
  environment?: string;
}

export const CALENDAR_SCHEMA_ID = 'https://opsledger.dev/schemas/v1/change-calendar.schema.json';

export function problem(document: number, pointer: string, code: string, message: string, severity: 'error' | 'warning' = 'error'): ImportProblem {
  return { document, pointer, code, message, severity };
}

/** A window name from free text: a lowercase DNS label. */
export function dnsLabel(text: string): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label || 'window';
}

export function isDnsLabel(text: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(text);
}

export type Cron = { schedule: CronSchedule } | { problem: ImportProblem };

export function readCron(text: unknown, document: number, pointer: string): Cron {
  if (typeof text !== 'string') return { problem: problem(document, pointer, 'import.cron', 'the schedule must be a cron expression such as "0 22 * * *"') };
  try {
    return { schedule: parseCron(text) };
  } catch (e) {
    if (e instanceof CronError) return { problem: problem(document, pointer, 'import.cron', `cron "${text}": ${e.message}`) };
    throw e;
  }
}

export type Zone = { zone: string } | { problem: ImportProblem };

export function readZone(text: unknown, fallback: string, document: number, pointer: string): Zone {
  const zone = text === undefined || text === null || text === '' ? fallback : text;
  if (typeof zone !== 'string' || !isTimeZone(zone)) {
    return { problem: problem(document, pointer, 'import.timezone', `"${String(zone)}" is not an IANA time zone such as Europe/Amsterdam or UTC`) };
  }
  return { zone };
}

/**
 * The recurring part of a window: the rule, and its first wall-clock start at or after `since`
 * less `lookBack` (the window's length), so an occurrence still running at `since` — a freeze
 * in force right now — is part of the imported window.
 */
export function recurringStart(schedule: CronSchedule, zone: string, since: number, lookBack = 0): { start: string; rrule: string; local: number } | undefined {
  // An occurrence that ends exactly at `since` is over: hence the extra millisecond.
  const local = firstCronOccurrence(schedule, instantToLocal(since, zone) - (lookBack > 0 ? lookBack - 1 : 0));
  if (local === undefined) return undefined;
  return { start: formatLocal(local), rrule: cronToRrule(schedule).rule, local };
}

/** One calendar from imported windows; repeated names get -2, -3 so the calendar validates. */
export function importedCalendar(name: string, imported: readonly ImportedWindow[]): { calendar: ChangeCalendar; windows: ImportedWindow[] } {
  const used = new Set<string>();
  const windows = imported.map((w) => {
    let candidate = w.window.name;
    for (let n = 2; used.has(candidate); n++) candidate = `${w.window.name.slice(0, 60)}-${n}`;
    used.add(candidate);
    return candidate === w.window.name ? w : { ...w, window: { ...w.window, name: candidate } };
  });
  return {
    calendar: { apiVersion: 'opsledger/v1', kind: 'ChangeCalendar', metadata: { name: dnsLabel(name) }, spec: { windows: windows.map((w) => w.window) } },
    windows,
  };
}
