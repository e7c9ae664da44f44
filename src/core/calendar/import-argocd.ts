import { joinPointer } from '../diagnostics.js';
import type { CalendarWindow, WindowScope } from '../model.js';
import { isObj, strings, type Obj } from '../shape.js';
import type { CronSchedule } from './cron.js';
import { formatSpan } from './window-duration.js';
import { dnsLabel, isDnsLabel, problem, readCron, readZone, recurringStart, type ImportOptions, type ImportProblem, type ImportResult, type ImportedWindow } from './import.js';

/**
 * Argo CD AppProject `spec.syncWindows` → calendar windows.
 *
 * A deny window stops syncs: it becomes a freeze. An allow window is when syncs may run: it
 * becomes a maintenance window. `schedule` (cron) and `timeZone` (default UTC, as in Argo CD)
 * become the rule and zone; `duration` (Go syntax, 1h30m) becomes ours.
 *
 * Argo CD selects applications by name, namespace and cluster, with globs; opsledger scopes
 * select services. Exact application names become `scope.services` (Argo CD applications are
 * usually named after the service). Anything else (globs, namespaces, clusters, manualSync,
 * andOperator, syncOverrun) cannot be said in a scope; the window then applies more widely
 * than in Argo CD, and a note above it says so, for the reviewer to narrow by hand. Wider is
 * the safe side for a freeze; for a maintenance window it is the note that matters.
 */

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/** Milliseconds of a Go duration ("1h30m", "90m", "1.5h"), or undefined. */
export function parseGoDuration(text: string): number | undefined {
  if (!GO_DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * GO_UNITS[m[2]!]!;
  return total;
}

/** An exact opsledger duration (hours, not nominal days): 48h stays 48h. */
function exactDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

function scopeFor(win: Obj, options: ImportOptions, notes: string[]): WindowScope | undefined {
  const scope: WindowScope = {};
  const apps = strings(win.applications);
  const namespaces = strings(win.namespaces);
  const clusters = strings(win.clusters);
  if (apps.length && !apps.includes('*')) {
    if (apps.every(isDnsLabel) && !namespaces.length && !clusters.length) scope.services = [...new Set(apps)];
    else notes.push(`applications ${apps.join(', ')}: ${apps.every(isDnsLabel) ? 'combined with namespaces or clusters, which' : 'patterns'} have no opsledger scope; this window applies to every service — narrow scope.services by hand`);
  }
  if (namespaces.length) notes.push(`namespaces ${namespaces.join(', ')}: opsledger scopes have no namespaces; this window applies to every service — narrow its scope by hand`);
  if (clusters.length) notes.push(`clusters ${clusters.join(', ')}: opsledger scopes have no clusters; use scope.environments if a cluster is an environment`);
  if (win.andOperator === true) notes.push('andOperator: true (applications AND namespaces AND clusters) is not carried over');
  if (options.environment) scope.environments = [options.environment];
  return Object.keys(scope).length ? scope : undefined;
}

function convertWindow(win: unknown, project: string, index: number, document: number, options: ImportOptions): { window?: ImportedWindow; problems: ImportProblem[]; allowed?: AllowWindow } {
  const at = (...k: (string | number)[]) => joinPointer('/spec/syncWindows', index, ...k);
  if (!isObj(win)) return { problems: [problem(document, at(), 'import.shape', 'a sync window is a mapping with kind, schedule and duration')] };
  const problems: ImportProblem[] = [];
  const kind = win.kind;
  if (kind !== 'allow' && kind !== 'deny') problems.push(problem(document, at('kind'), 'import.shape', `kind must be allow or deny, not ${JSON.stringify(kind ?? null)}`));
  const cron = readCron(win.schedule, document, at('schedule'));
  if ('problem' in cron) problems.push(cron.problem);
  const durationMs = typeof win.duration === 'string' ? parseGoDuration(win.duration) : undefined;
  if (durationMs === undefined) problems.push(problem(document, at('duration'), 'import.duration', `duration ${JSON.stringify(win.duration ?? null)} is not a Go duration such as 1h or 1h30m`));
  else if (durationMs < 1000 || durationMs % 1000 !== 0) problems.push(problem(document, at('duration'), 'import.duration', `duration ${String(win.duration)} must be whole seconds, at least one`));
  const zone = readZone(win.timeZone, 'UTC', document, at('timeZone'));
  if ('problem' in zone) problems.push(zone.problem);
  if (problems.length || 'problem' in cron || 'problem' in zone || durationMs === undefined) return { problems };

  const first = recurringStart(cron.schedule, zone.zone, options.since, durationMs);
  if (!first) return { problems: [problem(document, at('schedule'), 'import.cron', `cron "${String(win.schedule)}" has no occurrence in the next 30 years`)] };
  const notes: string[] = [];
  const scope = scopeFor(win, options, notes);
  if (win.manualSync === true) {
    notes.push(kind === 'deny' ? 'manualSync: true lets people sync by hand during this deny window; written as allow: [emergency], the changes a person pushes through a freeze' : 'manualSync: true lets people sync by hand outside this allow window; the freeze outside it allows emergency changes');
  }
  if (win.syncOverrun === true) notes.push('syncOverrun: true (syncs may run past the window edge) has no opsledger equivalent');
  const freeze = kind === 'deny';
  const description = typeof win.description === 'string' && win.description.trim() ? win.description.trim() : undefined;
  const window: CalendarWindow = {
    name: dnsLabel(`${project}-${freeze ? 'freeze' : 'maintenance'}-${index + 1}`),
    kind: freeze ? 'freeze' : 'maintenance',
    start: first.start,
    rrule: first.rrule,
    duration: exactDuration(durationMs),
    timeZone: zone.zone,
    ...(scope ? { scope } : {}),
    reason: description ?? `Argo CD ${kind} sync window of AppProject ${project}`,
  };
  if (freeze && win.manualSync === true) window.allow = ['emergency'];
  if (!freeze) notes.push('Argo CD lets the applications this window matches sync only inside their allow windows: the time outside them is imported as a freeze of its own');
  const source = `Argo CD AppProject ${project}, spec.syncWindows[${index}]: ${kind} "${String(win.schedule)}" for ${String(win.duration)} in ${zone.zone}`;
  const allowed = freeze ? undefined : { schedule: cron.schedule, durationMs, zone: zone.zone, ...(scope ? { scope } : {}), manualSync: win.manualSync === true, index };
  return { window: { window, source, notes }, problems: [], ...(allowed ? { allowed } : {}) };
}

interface AllowWindow {
  schedule: CronSchedule;
  durationMs: number;
  zone: string;
  scope?: WindowScope;
  manualSync: boolean;
  index: number;
}

const WEEK = 7 * 1440;
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * Argo CD's rule for allow windows: an application that any allow window matches may sync only
 * while one of them is active. So the time outside the allow windows of one scope is a freeze
 * for it. A cron that repeats every week (no day-of-month or month field) gives allow
 * intervals in minutes of the week; what lies between them, grouped by the time of day it
 * starts and how long it lasts, is one weekly freeze per group. Other crons (the first of the
 * month) have no weekly shape: they are reported, not guessed.
 */
function outsideAllowWindows(allowed: readonly AllowWindow[], project: string, document: number, options: ImportOptions): ImportResult {
  const result: ImportResult = { windows: [], problems: [] };
  const groups = new Map<string, AllowWindow[]>();
  for (const a of allowed) {
    const key = `${a.zone}\u0000${JSON.stringify(a.scope ?? {})}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  let n = 0;
  for (const group of groups.values()) {
    const at = joinPointer('/spec/syncWindows', group[0]!.index);
    const weekly = group.every((a) => !a.schedule.monthDaysRestricted && a.schedule.months.length === 12 && a.schedule.weekdays.every((w) => w.nth === undefined) && a.durationMs % 60_000 === 0);
    if (!weekly) {
      result.problems.push(problem(document, at, 'import.allow-outside', `Argo CD blocks syncs outside allow windows, but ${group.length > 1 ? 'these allow windows do' : 'this allow window does'} not repeat weekly, so the freeze outside ${group.length > 1 ? 'them' : 'it'} is not imported; add it by hand`, 'warning'));
      continue;
    }
    const covered = new Uint8Array(WEEK);
    for (const a of group) {
      const days = a.schedule.weekdaysRestricted ? [...new Set(a.schedule.weekdays.map((w) => w.day % 7))] : [0, 1, 2, 3, 4, 5, 6];
      const length = Math.min(a.durationMs / 60_000, WEEK);
      for (const d of days) for (const h of a.schedule.hours) for (const m of a.schedule.minutes) {
        const start = d * 1440 + h * 60 + m;
        for (let t = 0; t < length; t++) covered[(start + t) % WEEK] = 1;
      }
    }
    if (covered.every((c) => c === 1)) continue;
    // Walk the week from a covered minute so that no gap is cut at the week's edge.
    const origin = covered.indexOf(1);
    const gaps: { start: number; length: number }[] = [];
    for (let i = 0; i < WEEK; i++) {
      const t = (origin + i) % WEEK;
      if (covered[t]) continue;
      const last = gaps[gaps.length - 1];
      if (last && (last.start + last.length) % WEEK === t) last.length++;
      else gaps.push({ start: t, length: 1 });
    }
    const shapes = new Map<string, { minuteOfDay: number; length: number; days: number[] }>();
    for (const g of gaps) {
      const minuteOfDay = g.start % 1440;
      const key = `${minuteOfDay}/${g.length}`;
      const shape = shapes.get(key) ?? { minuteOfDay, length: g.length, days: [] };
      shape.days.push(Math.floor(g.start / 1440));
      shapes.set(key, shape);
    }
    const manual = group.every((a) => a.manualSync);
    for (const shape of shapes.values()) {
      const schedule: CronSchedule = { minutes: [shape.minuteOfDay % 60], hours: [Math.floor(shape.minuteOfDay / 60)], monthDays: Array.from({ length: 31 }, (_, i) => i + 1), months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], weekdays: (shape.days.length < 7 ? shape.days.sort() : [0, 1, 2, 3, 4, 5, 6]).map((day) => ({ day })), monthDaysRestricted: false, weekdaysRestricted: shape.days.length < 7 };
      const first = recurringStart(schedule, group[0]!.zone, options.since, shape.length * 60_000);
      if (!first) continue;
      const scope = group[0]!.scope;
      const allows = group.map((a) => `syncWindows[${a.index}]`).join(', ');
      const window: CalendarWindow = {
        name: dnsLabel(`${project}-outside-allow-${++n}`),
        kind: 'freeze',
        start: first.start,
        rrule: first.rrule,
        // Whole days as days, which the calendar keeps in wall-clock time across a DST change.
        duration: formatSpan({ days: Math.floor(shape.length / 1440), ms: (shape.length % 1440) * 60_000 }),
        timeZone: group[0]!.zone,
        ...(scope ? { scope } : {}),
        ...(manual ? { allow: ['emergency'] } : {}),
        reason: `Argo CD syncs the applications of AppProject ${project} only inside its allow windows (${allows})`,
      };
      const notes = [`outside ${allows}: ${shape.days.map((d) => DAYS[d]).join(',')} from ${String(Math.floor(shape.minuteOfDay / 60)).padStart(2, '0')}:${String(shape.minuteOfDay % 60).padStart(2, '0')} for ${window.duration}`];
      if (manual) notes.push('manualSync: true on every one of these allow windows lets people sync by hand outside them: written as allow: [emergency]');
      result.windows.push({ window, source: `Argo CD AppProject ${project}: outside the allow windows ${allows}`, notes });
    }
  }
  return result;
}

/** Every AppProject in the documents of one file; other kinds (a CRD, an Application) are skipped. */
export function importArgoCd(documents: readonly unknown[], options: ImportOptions): ImportResult {
  const result: ImportResult = { windows: [], problems: [] };
  let projects = 0;
  documents.forEach((doc, d) => {
    if (!isObj(doc) || doc.kind !== 'AppProject') return;
    projects++;
    const project = isObj(doc.metadata) && typeof doc.metadata.name === 'string' ? doc.metadata.name : `project-${d + 1}`;
    const spec = isObj(doc.spec) ? doc.spec : {};
    const windows = spec.syncWindows;
    if (windows === undefined || windows === null) return;
    if (!Array.isArray(windows)) {
      result.problems.push(problem(d, '/spec/syncWindows', 'import.shape', 'spec.syncWindows must be a list'));
      return;
    }
    const allowed: AllowWindow[] = [];
    windows.forEach((w, i) => {
      const converted = convertWindow(w, project, i, d, options);
      if (converted.window) result.windows.push(converted.window);
      if (converted.allowed) allowed.push(converted.allowed);
      result.problems.push(...converted.problems);
    });
    const outside = outsideAllowWindows(allowed, project, d, options);
    result.windows.push(...outside.windows);
    result.problems.push(...outside.problems);
  });
  if (result.windows.length === 0 && result.problems.length === 0) {
    result.problems.push(problem(0, '', 'import.no-windows', projects ? 'the AppProject has no spec.syncWindows' : 'no Argo CD AppProject (kind: AppProject) in this file', 'warning'));
  }
  return result;
}
