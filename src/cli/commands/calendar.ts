import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadOrganisation, type LoadedOrganisation } from '../../app/load-organisation.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import { CalendarBudgetError, type Occurrence, type WindowInput } from '../../core/calendar/expand.js';
import { calendarToIcs } from '../../core/calendar/ics.js';
import { DAY } from '../../core/calendar/local-time.js';
import { parseInstant as instantFlag } from '../instant-flag.js';
import { calendarWindows } from '../../core/calendar/organisation-calendar.js';
import { windowApplies } from '../../core/calendar/scope.js';
import { DEFAULT_HORIZON_DAYS, type ActiveOccurrence } from '../../core/calendar/state.js';
import { calendarChanges, calendarReport, calendarSubject, icsChangesOf, type CalendarChange, type CalendarReport } from '../../app/calendar-report.js';
import { openGitRepository } from '../../adapters/git/repository.js';
import { summarize, type Diagnostic } from '../../core/diagnostics.js';
import { getReporter } from '../../report/index.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { environmentFlag, policyEnvironments } from '../environment-flag.js';
import { renderValidation } from '../render.js';
import { calendarImportCommand } from './calendar-import.js';

/**
 * `opsledger calendar`: the change calendar's state at an instant (open, or closed by a freeze),
 * when that next changes, what is in force, and the occurrences over a range; optionally for
 * one change or some services, and exported as .ics. `opsledger calendar import ...` lives in
 * calendar-import.ts.
 */

const DEFAULT_RANGE_DAYS = 30;
// Ranges are for reading and exporting; ten years of hourly windows is already 87k lines.
const MAX_RANGE_DAYS = 3660;

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * Calendar documents that failed validation would silently drop their freezes: refuse instead.
 * A file that gave no document at all (a link leading out, a FIFO, YAML that does not parse,
 * nothing found) may have held a calendar, so its errors refuse the answer too: "open" must
 * not rest on a freeze nobody could read.
 */
function calendarErrors(loaded: LoadedOrganisation): Diagnostic[] {
  const calendarDocs = new Set<string>();
  const read = new Set<string>();
  for (const a of loaded.repo.analyses) {
    if (a.documents.length > 0) read.add(a.file);
    for (const d of a.documents) if (d.kind === 'ChangeCalendar') calendarDocs.add(`${a.file}#${d.index}`);
  }
  // A file read and found empty (file.empty) held no calendar: that error says so, it hides nothing.
  return loaded.validation.diagnostics.filter((d) => d.severity === 'error' && (calendarDocs.has(`${d.file}#${d.document ?? 0}`) || (!read.has(d.file) && d.code !== 'file.empty')));
}

function calendarFile(loaded: LoadedOrganisation, name: string): string | undefined {
  for (const a of loaded.repo.analyses) if (a.documents.some((d) => d.kind === 'ChangeCalendar' && d.name === name)) return a.file;
  return undefined;
}

function occurrenceLine(o: Occurrence | ActiveOccurrence): string {
  const flags: string[] = [];
  if ('blocking' in o && o.kind === 'freeze') flags.push(o.blocking ? 'blocks' : 'allows this change');
  if (o.kind === 'freeze' && o.allow.length) flags.push(`allows ${o.allow.join(', ')}`);
  return `  ${o.kind.padEnd(11)} ${o.name.padEnd(32)} ${o.start} – ${o.end}  (local ${o.localStart} – ${o.localEnd})${flags.length ? `  [${flags.join('; ')}]` : ''}${o.reason ? `\n${' '.repeat(14)}${o.reason}` : ''}\n`;
}

function changeLine(c: CalendarChange): string {
  const type = c.effectiveType && c.effectiveType !== c.type ? `${c.type}→${c.effectiveType}` : c.type;
  return `  ${c.id.padEnd(14)} ${(c.class ?? '-').padEnd(8)} ${type.padEnd(9)} ${c.start} – ${c.end}  ${c.environment}${c.services.length ? ` · ${c.services.join(', ')}` : ''} · ${c.phase}${c.title ? `\n${' '.repeat(16)}${c.title}` : ''}\n`;
}

function renderText(r: CalendarReport): string {
  let out = `Calendar at ${r.at}: ${r.state.toUpperCase()}`;
  if (r.nextTransition) out += `, ${r.state === 'closed' ? 'opens' : 'closes'} at ${r.nextTransition}`;
  else out += `, no change within the next ${DEFAULT_HORIZON_DAYS} days`;
  out += r.maintenance ? ' (inside a maintenance window)\n' : '\n';
  if (r.subject) out += `For: ${[r.subject.change, r.subject.services?.join(', '), r.subject.environments?.join(', ')].filter(Boolean).join(' / ')}\n`;
  if (r.subject?.treatedAs) out += `Treated as a ${r.subject.type} change: ${r.subject.treatedAs}\n`;
  if (r.active.length) out += `\nIn force now:\n${r.active.map(occurrenceLine).join('')}`;
  out += `\nOccurrences from ${r.range.from} to ${r.range.to}: ${r.occurrences.length}\n`;
  out += r.occurrences.map(occurrenceLine).join('');
  if (r.changes) {
    out += `\nScheduled changes from ${r.range.from} to ${r.range.to}: ${r.changes.length}\n`;
    out += r.changes.map(changeLine).join('');
  }
  if (r.ics) out += `\nWrote ${r.ics.events} events to ${r.ics.file}\n`;
  return out;
}

const INSTANT = '2026-12-20T09:00:00+09:00';
const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the calendar', example: 'json' },
  at: { type: 'string', description: 'the instant to report the state at (ISO 8601 with an offset)', defaultText: 'now', example: INSTANT },
  from: { type: 'string', description: 'start of the range of occurrences', defaultText: '--at', example: '2026-12-01T00:00:00Z' },
  to: { type: 'string', description: 'end of the range of occurrences', defaultText: `--from + ${DEFAULT_RANGE_DAYS} days`, example: '2027-01-01T00:00:00Z' },
  service: { type: 'string', multiple: true, description: 'only windows that apply to these services (comma-separated or repeated)', defaultText: 'every service', example: 'checkout' },
  env: { type: 'string', description: 'only windows that apply to this environment (calendar import: the environment the windows name)', defaultText: 'every environment', example: 'production' },
  change: { type: 'string', description: "only windows that apply to this change's services and environment", example: 'CR-2026-0042' },
  ics: { type: 'string', description: 'also write the windows as an iCalendar file', example: 'calendar.ics' },
  'with-changes': { type: 'boolean', description: 'add scheduled changes to the --ics export' },
  changes: { type: 'boolean', description: 'list the changes scheduled in the range, each with its risk class (the default)' },
  'no-changes': { type: 'boolean', description: 'do not list scheduled changes' },
  out: { type: 'string', description: 'calendar import: write the ChangeCalendar document to this file', defaultText: 'standard output', example: 'changes/calendar-argocd.yaml' },
  since: { type: 'string', description: 'calendar import: recurring windows start at their first occurrence from this instant', defaultText: 'now', example: '2026-12-01T00:00:00Z' },
  name: { type: 'string', description: 'calendar import: the name of the ChangeCalendar written', defaultText: 'the source (argocd or gitlab)', example: 'production' },
});
export type CalendarOptions = OptionsOf<typeof options>;

export const calendarSpec = defineCommand({
  name: 'calendar',
  summary: 'the change calendar: open or closed now, the next transition, occurrences, .ics export; import argocd|gitlab',
  usage: [
    'opsledger calendar [--at T] [--from T --to T] [--service S]... [--env E] [--change CR-id] [--no-changes] [--ics FILE [--with-changes]] [--format text|json]',
    '--from/--to narrow the --ics export to the range: windows as their occurrences in it, changes scheduled in it',
    'opsledger calendar import argocd|gitlab FILE... [--out FILE] [--since T] [--name NAME] [--env E]',
  ],
  options,
  examples: [
    'opsledger calendar',
    `opsledger calendar --at ${INSTANT} --change CR-2026-0042 --format json`,
    'opsledger calendar --service checkout --ics freeze.ics --with-changes',
    'opsledger calendar import argocd appproject.yaml --out changes/calendar-argocd.yaml',
  ],
  run: calendarCommand,
});

export async function calendarCommand(ctx: CommandContext, values: CalendarOptions, positionals: string[]): Promise<number> {
  if (positionals[0] === 'import') return calendarImportCommand(ctx, values, positionals.slice(1));
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; the only subcommand is import`);
  for (const flag of ['out', 'since', 'name'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to \`opsledger calendar import\``);
  const format = values.format;
  const root = rootOf(ctx, values);
  if (!existsSync(root)) throw new UsageError(`no such folder: ${root}`);

  if (values.changes && values['no-changes']) throw new UsageError('--changes and --no-changes contradict each other');
  const listChanges = !values['no-changes'];
  const at = instantFlag(values.at, 'at') ?? Date.now();
  const from = instantFlag(values.from, 'from') ?? at;
  const to = instantFlag(values.to, 'to') ?? from + DEFAULT_RANGE_DAYS * DAY;
  if (to <= from) throw new UsageError('--to must come after --from');
  if (to - from > MAX_RANGE_DAYS * DAY) throw new UsageError(`the range may span at most ${MAX_RANGE_DAYS} days`);
  if (values['with-changes'] && typeof values.ics !== 'string') throw new UsageError('--with-changes adds scheduled changes to the --ics export; give --ics FILE too');

  const loaded = await loadOrganisation(worktreeSource(root));
  const broken = calendarErrors(loaded);
  if (broken.length) {
    ctx.stderr('opsledger calendar: the change calendar does not validate, so its freezes cannot be trusted:\n');
    ctx.stderr(renderValidation(ctx, getReporter('text')!, { diagnostics: broken, summary: summarize(broken, new Set(broken.map((d) => d.file)).size, broken.length) }, loaded.repo.source));
    return 1;
  }

  const changeId = typeof values.change === 'string' ? values.change : undefined;
  // An undeclared --env is a usage error with a suggestion, like an environment written in a file.
  if (typeof values.env === 'string') environmentFlag(policyEnvironments(loaded.org), '--env', values.env);
  const query = { at, from, to, ...(changeId !== undefined ? { change: changeId } : {}), services: stringList(values.service), ...(typeof values.env === 'string' ? { env: values.env } : {}), changes: listChanges };
  const withChanges = Boolean(values['with-changes']);
  // Submission times matter for a change's type and class (notice, a template's maximum risk); git is asked only then.
  const origins = changeId !== undefined || listChanges || withChanges ? await openGitRepository(root).documentOrigins() : { shallow: false, byId: new Map() };
  let report: CalendarReport;
  try {
    report = calendarReport(loaded, origins, query);
  } catch (e) {
    // Too many occurrences is the range's fault, not a crash: say which window and stop.
    if (!(e instanceof CalendarBudgetError)) throw e;
    const where = e.window?.calendar !== undefined ? calendarFile(loaded, e.window.calendar) : undefined;
    ctx.stderr(`opsledger calendar: calendar.expansion-budget${where ? ` (${where})` : ''}: ${e.message}; ask about a shorter range with --from/--to\n`);
    return 1;
  }

  if (typeof values.ics === 'string') {
    const { subject } = calendarSubject(loaded, origins, query);
    const windows: WindowInput[] = calendarWindows(loaded.org);
    const target = resolve(ctx.cwd, values.ics);
    const exported = windows.filter((w) => windowApplies(w, subject));
    // --from or --to narrow the export to the range; without them it holds every window whole.
    const narrowed = values.from !== undefined || values.to !== undefined;
    const range = narrowed ? { from, to } : undefined;
    const span = range ?? { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
    const changes = withChanges ? icsChangesOf(loaded, calendarChanges(loaded, origins, { at, ...span }, subject)) : [];
    const names = [...loaded.org.calendars.keys()];
    const ics = calendarToIcs(exported, { name: names.length === 1 ? names[0]! : 'opsledger', stamp: Date.now(), changes, ...(range ? { range } : {}) });
    try {
      writeFileAtomic(target, ics);
    } catch (e) {
      ctx.stderr(`opsledger calendar: cannot write ${values.ics}: ${(e as Error).message}\n`);
      return 2;
    }
    report.ics = { file: values.ics, events: ics.split('\r\n').filter((l) => l === 'BEGIN:VEVENT').length };
  }

  ctx.stdout(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : renderText(report));
  return 0;
}
