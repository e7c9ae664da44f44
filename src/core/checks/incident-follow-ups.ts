import { compareDiagnostics, joinPointer, type Diagnostic } from '../diagnostics.js';
import { zoneFrom } from '../evidence-time.js';
import { followUpDeadlines, isPast, mayOwe } from '../incidents/follow-up.js';
import { formatInstant } from '../calendar/local-time.js';
import { policies, type PolicyEntry } from './environments.js';
import type { CrossFinding, FileRecords } from './references.js';
import type { DocRecord } from '../facts.js';

/** A follow-up an incident owes: the warning it becomes once `dueAt` has passed. */
export interface FollowUpDeadline extends CrossFinding {
  dueAt: number;
}
export type PlacedDeadline = Diagnostic & { dueAt: number };

/**
 * Every follow-up the incidents owe, with its deadline: a review the policy wants and an open
 * action item. Nothing here depends on the day, so validate computes (and caches) these with
 * the rest of its result and asks `overdueAt` each run. The rule is followUpDeadlines, the one
 * readiness and the catalog use, so all three list the same items at the same instant.
 */
export function incidentDeadlines(files: readonly FileRecords[], context: DeadlineContext = deadlineContext(files)): FollowUpDeadline[] {
  const policy = context.policy?.record.facts;
  // Asked of ICU only when there is an incident: a run over a few documents often has none.
  let clock: { zone: string } | undefined;
  const out: FollowUpDeadline[] = [];
  for (const f of files) {
    for (const record of f.documents) {
      if (record.facts.kind !== 'Incident') continue;
      clock ??= { zone: zoneFrom(policy?.peakTimeZone, context.windowZones) };
      const inc = record.facts;
      const owed = followUpDeadlines(inc, policy?.incidentSeverities, clock);
      const at = (pointer: string, code: string, dueAt: number, message: string) => out.push({ file: f.file, document: record.index, pointer, target: 'value', severity: 'warning', code, message, dueAt });
      if (owed.review !== undefined) {
        // A business-day deadline ends on the last millisecond of a day: named as the midnight it reaches.
        at(REVIEW_AT, 'incident.review-overdue', owed.review, `${record.name || 'this incident'} (${inc.severity}) was resolved at ${inc.resolvedAt} and its review was due by ${formatInstant(Math.ceil(owed.review / 1000) * 1000)} under the policy; spec.review.completedAt is not set`);
      }
      for (const { index, end } of owed.actions) {
        const item = inc.actionItems[index]!;
        at(actionAt(index), 'incident.action-overdue', end, `action item ${index + 1} is ${item.state} and was due ${item.due}`);
      }
    }
  }
  return out;
}

/** Where a review deadline is placed: the resolution it runs from. */
const REVIEW_AT = '/spec/resolvedAt';
const actionAt = (index: number) => joinPointer('/spec/review/actionItems', index, 'due');

/**
 * Every deadline an incident may owe, whatever the policy says (which severities want a review,
 * the time zone): the pointers incidentDeadlines can give this record, and perhaps some it will
 * not. Where they are depends on the file alone, so they can be placed before the policy is known.
 */
export function possibleDeadlines(file: string, record: DocRecord): CrossFinding[] {
  if (record.facts.kind !== 'Incident') return [];
  const may = mayOwe(record.facts);
  const at = (pointer: string): CrossFinding => ({ file, document: record.index, pointer, target: 'value', severity: 'warning', code: '', message: '' });
  return [...(may.review ? [at(REVIEW_AT)] : []), ...may.actions.map((index) => at(actionAt(index)))];
}

/** What every incident's deadlines read besides the incident: the policy in force and the calendars' time zones. */
export interface DeadlineContext {
  policy: PolicyEntry | undefined;
  windowZones: string[];
}

export function deadlineContext(files: readonly FileRecords[]): DeadlineContext {
  return { policy: policies(files)[0], windowZones: windowZones(files) };
}

export function windowZones(files: readonly FileRecords[]): string[] {
  return files.flatMap((f) => f.documents.flatMap((d) => (d.facts.kind === 'ChangeCalendar' ? d.facts.timeZones : [])));
}

/**
 * The follow-ups overdue at `now`, as warnings. Never errors: what time alone makes late must not
 * turn a commit that passed into one that fails, so a commit's exit code is the same on any day
 * while the warnings tell the team what is late.
 */
export function overdueAt(deadlines: readonly PlacedDeadline[], now: number): Diagnostic[] {
  return deadlines
    .filter((d) => isPast(d.dueAt, now))
    .map(({ dueAt: _due, ...d }) => ({ ...d, severity: 'warning' as const }))
    .sort(compareDiagnostics);
}
