import { joinPointer } from '../diagnostics.js';
import type { CalendarWindow, WindowScope } from '../model.js';
import { isObj, strings, type Obj } from '../shape.js';
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

function convertWindow(win: unknown, project: string, index: number, document: number, options: ImportOptions): { window?: ImportedWindow; problems: ImportProblem[] } {
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
    notes.push(kind === 'deny' ? 'manualSync: true lets people sync by hand during this deny window; the nearest opsledger equivalent is allow: [emergency]' : 'manualSync: true is not carried over');
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
  const source = `Argo CD AppProject ${project}, spec.syncWindows[${index}]: ${kind} "${String(win.schedule)}" for ${String(win.duration)} in ${zone.zone}`;
  return { window: { window, source, notes }, problems: [] };
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
    windows.forEach((w, i) => {
      const { window, problems } = convertWindow(w, project, i, d, options);
      if (window) result.windows.push(window);
      result.problems.push(...problems);
    });
  });
  if (result.windows.length === 0 && result.problems.length === 0) {
    result.problems.push(problem(0, '', 'import.no-windows', projects ? 'the AppProject has no spec.syncWindows' : 'no Argo CD AppProject (kind: AppProject) in this file', 'warning'));
  }
  return result;
}
