import { joinPointer } from '../diagnostics.js';
import type { CalendarWindow } from '../model.js';
import { isObj } from '../shape.js';
import { cronOccurrences } from './cron.js';
import { dnsLabel, problem, readCron, readZone, recurringStart, type ImportOptions, type ImportProblem, type ImportResult, type ImportedWindow } from './import.js';
import { DAY } from './local-time.js';
import { formatSpan } from './window-duration.js';

/**
 * GitLab deploy freeze periods (the JSON of GET /projects/:id/freeze_periods, or the same list
 * in YAML, or an object with a `freeze_periods` list) → freeze windows.
 *
 * GitLab freezes from each `freeze_start` until the next `freeze_end`, both crons read in
 * `cron_timezone`. A window has one fixed duration, so the end must follow the start by the same
 * wall-clock time at every occurrence ("0 23 * * 5" to "0 7 * * 1" is always 2d8h); a year of
 * occurrences is checked and a pair that drifts is refused. The duration's days are calendar
 * days and its hours exact (window-duration.ts), which matches GitLab's wall-clock end unless a
 * DST change falls inside the last partial day.
 */

const SAMPLE_DAYS = 400;
const SAMPLE_LIMIT = 1000;

function convertPeriod(period: unknown, base: string, index: number, document: number, options: ImportOptions): { window?: ImportedWindow; problems: ImportProblem[] } {
  // index -1: the document is the period itself (GitLab's answer for one period).
  const at = (...k: (string | number)[]) => (index < 0 ? joinPointer(base, ...k) : joinPointer(base, index, ...k));
  if (!isObj(period)) return { problems: [problem(document, at(), 'import.shape', 'a freeze period is a mapping with freeze_start, freeze_end and cron_timezone')] };
  const start = readCron(period.freeze_start, document, at('freeze_start'));
  const end = readCron(period.freeze_end, document, at('freeze_end'));
  const zone = readZone(period.cron_timezone, 'UTC', document, at('cron_timezone'));
  const problems = [start, end, zone].flatMap((x) => ('problem' in x ? [x.problem] : []));
  if ('problem' in start || 'problem' in end || 'problem' in zone) return { problems };

  const first = recurringStart(start.schedule, zone.zone, options.since);
  if (!first) return { problems: [problem(document, at('freeze_start'), 'import.cron', 'freeze_start has no occurrence in the next 30 years')] };
  const starts = cronOccurrences(start.schedule, first.local, first.local + SAMPLE_DAYS * DAY, SAMPLE_LIMIT);
  const ends = cronOccurrences(end.schedule, first.local + 60_000, starts[starts.length - 1]! + SAMPLE_DAYS * DAY, SAMPLE_LIMIT * 4);
  let gap: number | undefined;
  let j = 0;
  for (const s of starts) {
    while (j < ends.length && ends[j]! <= s) j++;
    const e = ends[j];
    if (e === undefined) break;
    const length = e - s;
    if (gap === undefined) gap = length;
    else if (length !== gap) {
      return {
        problems: [
          problem(
            document,
            at('freeze_end'),
            'import.gitlab-span',
            `freeze_end "${String(period.freeze_end)}" does not follow freeze_start "${String(period.freeze_start)}" by a fixed time (${formatSpan(split(gap))} after the first start, ${formatSpan(split(length))} after the one on ${new Date(s).toISOString().slice(0, 10)}); a window needs one duration`,
          ),
        ],
      };
    }
  }
  if (gap === undefined) return { problems: [problem(document, at('freeze_end'), 'import.cron', 'freeze_end never comes after freeze_start')] };
  const current = recurringStart(start.schedule, zone.zone, options.since, gap) ?? first;

  const id = typeof period.id === 'number' || typeof period.id === 'string' ? String(period.id) : String(Math.max(index, 0) + 1);
  const window: CalendarWindow = {
    name: dnsLabel(`gitlab-freeze-${id}`),
    kind: 'freeze',
    start: current.start,
    rrule: current.rrule,
    duration: formatSpan(split(gap)),
    timeZone: zone.zone,
    ...(options.environment ? { scope: { environments: [options.environment] } } : {}),
    reason: `GitLab deploy freeze from "${String(period.freeze_start)}" to "${String(period.freeze_end)}" (${zone.zone})`,
  };
  return { window: { window, source: `GitLab freeze period ${id}: ${String(period.freeze_start)} → ${String(period.freeze_end)} in ${zone.zone}`, notes: [] }, problems: [] };
}

function split(ms: number): { days: number; ms: number } {
  return { days: Math.floor(ms / DAY), ms: ms % DAY };
}

export function importGitLab(documents: readonly unknown[], options: ImportOptions): ImportResult {
  const result: ImportResult = { windows: [], problems: [] };
  documents.forEach((doc, d) => {
    // GitLab answers GET .../freeze_periods with a list and GET .../freeze_periods/:id (or a
    // create or update) with the one period as an object; both are what people save.
    const single = isObj(doc) && doc.freeze_periods === undefined && ('freeze_start' in doc || 'freeze_end' in doc);
    const list = Array.isArray(doc) ? doc : single ? [doc] : isObj(doc) && Array.isArray(doc.freeze_periods) ? doc.freeze_periods : undefined;
    const base = Array.isArray(doc) || single ? '' : '/freeze_periods';
    if (!list) {
      result.problems.push(problem(d, '', 'import.shape', 'expected a list of GitLab freeze periods (freeze_start, freeze_end, cron_timezone), or an object with freeze_periods'));
      return;
    }
    list.forEach((p, i) => {
      const { window, problems } = convertPeriod(p, base, single ? -1 : i, d, options);
      if (window) result.windows.push(window);
      result.problems.push(...problems);
    });
  });
  if (result.windows.length === 0 && result.problems.length === 0) {
    result.problems.push(problem(0, '', 'import.no-windows', 'the file lists no freeze periods', 'warning'));
  }
  return result;
}
