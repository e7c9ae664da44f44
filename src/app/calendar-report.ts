import { declaredEnvironments, environmentsOf } from '../core/environments.js';
import { english } from '../core/phrase.js';
import type { DocumentOrigins } from './ports/git.js';
import { publicOccurrence, type Occurrence, type WindowInput } from '../core/calendar/expand.js';
import { windowsInForce } from '../core/calendar/in-force.js';
import { formatInstant } from '../core/calendar/local-time.js';
import { calendarWindows, subjectForChange, subjectForServices } from '../core/calendar/organisation-calendar.js';
import type { ScopeSubject } from '../core/calendar/scope.js';
import { calendarState, type CalendarState } from '../core/calendar/state.js';
import { scheduledInPeriod } from '../core/cab-agenda/build.js';
import { icsChangeOf, type IcsChange } from '../core/calendar/ics.js';
import type { ChangeRequest, ChangePhase, ChangeType, RiskClass } from '../core/model.js';
import { activePolicy } from '../core/organisation.js';
import { changeTypeOf } from '../core/risk/assess.js';
import { closest } from '../core/suggest.js';
import { assessRisk, riskContext } from './assess-risk.js';
import { InputError } from './errors.js';
import type { LoadedOrganisation } from './load-organisation.js';

/**
 * `opsledger calendar` without its export: the state at an instant, what is in force, and the
 * occurrences over a range, for everyone, some services, or one change. For a change the
 * freezes are judged for the type it is treated as (changeTypeOf, as risk and the gate judge
 * it), scored as of `at`, so a standard change outside its template is stopped by a freeze that
 * stops normal changes here too.
 */
export interface CalendarQuery {
  at: number;
  from: number;
  to: number;
  change?: string;
  services?: readonly string[];
  env?: string;
  /** List the changes scheduled in [from, to) too (`--changes`, the default; `--no-changes` hides them). */
  changes?: boolean;
}

/** A scheduled change as the calendar lists it, with the class `risk` gives it as of `at`. */
export interface CalendarChange {
  id: string;
  title?: string;
  type: ChangeType;
  effectiveType?: ChangeType;
  /** Absent when the organisation has no Policy to score it with. */
  class?: RiskClass;
  phase: ChangePhase;
  environment: string;
  services: string[];
  start: string;
  end: string;
}

export interface CalendarReport extends CalendarState {
  range: { from: string; to: string };
  subject?: { change?: string; services?: string[]; environments?: string[]; type?: ChangeType; declaredType?: ChangeType; treatedAs?: string };
  occurrences: Occurrence[];
  /** With `changes`: the changes on the calendar (change-phase.ts) scheduled in the range. */
  changes?: CalendarChange[];
  ics?: { file: string; events: number };
}

export interface CalendarSubject {
  subject?: ScopeSubject;
  describe?: CalendarReport['subject'];
}

/** The subject the calendar is asked about; unknown names are input errors with a suggestion. */
export function calendarSubject(loaded: Pick<LoadedOrganisation, 'org'>, origins: DocumentOrigins, query: Pick<CalendarQuery, 'at' | 'change' | 'services' | 'env'>): CalendarSubject {
  const { org } = loaded;
  const services = query.services ?? [];
  const env = query.env;
  if (query.change !== undefined && (services.length || env)) throw new InputError('--change takes its services and environment from the change; do not combine it with --service or --env');
  const policy = activePolicy(org)?.doc.spec;
  const envs = policy ? environmentsOf(policy) : declaredEnvironments([]);
  if (query.change !== undefined) {
    const change = org.changes.get(query.change)?.doc;
    if (!change) {
      const near = closest(query.change, org.changes.keys());
      throw new InputError(`no change "${query.change}"${near ? `; did you mean ${near}?` : ''}`);
    }
    const context = activePolicy(org) ? riskContext(loaded, query.at, origins) : undefined;
    const { type, demotion } = changeTypeOf(context, org, query.change);
    const subject = subjectForChange(org, change, envs, type);
    return {
      subject,
      describe: {
        change: query.change,
        services: subject.services!.map((s) => s.name),
        environments: [subject.environments![0]!],
        type,
        ...(type !== change.spec.type ? { declaredType: change.spec.type } : {}),
        ...(demotion ? { treatedAs: english(demotion) } : {}),
      },
    };
  }
  for (const s of services) {
    if (!org.services.has(s)) {
      const near = closest(s, org.services.keys());
      throw new InputError(`no service "${s}"${near ? `; did you mean ${near}?` : ''}`);
    }
  }
  if (!services.length && !env) return {};
  // Every spelling of the environment asked about (canonical first), as freezes may name any.
  const spellings = env === undefined ? undefined : envs.spellings(env);
  const subject = services.length ? subjectForServices(org, services, spellings ? { environments: spellings } : {}) : { environments: spellings! };
  return { subject, describe: { ...(services.length ? { services: [...services] } : {}), ...(spellings ? { environments: [spellings[0]!] } : {}) } };
}

function inSubject(org: LoadedOrganisation['org'], doc: ChangeRequest, subject: ScopeSubject | undefined): boolean {
  // The services a change touches: those it names and the owners of the CIs it names.
  const touched = new Set([...(doc.spec.services ?? []), ...(doc.spec.configurationItems ?? []).flatMap((ci) => org.cis.get(ci)?.doc.spec.service ?? [])]);
  if (subject?.services && !subject.services.some((x) => touched.has(x.name))) return false;
  if (subject?.environments && !subject.environments.includes(doc.spec.environment)) return false;
  return true;
}

/**
 * The changes on the calendar scheduled in [from, to) that concern the subject (its services,
 * its environment in any spelling), each with the class the one risk function (`assessRisk`,
 * what `risk` prints) gives it as of `at`. The terminal listing and the .ics export both use it.
 */
export function calendarChanges(loaded: LoadedOrganisation, origins: DocumentOrigins, query: Pick<CalendarQuery, 'at' | 'from' | 'to'>, subject: ScopeSubject | undefined): CalendarChange[] {
  const docs = scheduledInPeriod(loaded.org, { from: query.from, to: query.to }).filter((d) => inSubject(loaded.org, d, subject));
  const scored = docs.length && activePolicy(loaded.org) ? assessRisk(loaded, origins, { ids: docs.map((d) => d.metadata.name), now: query.at, blastRadiusRows: 0 }) : [];
  const byId = new Map(scored.map((r) => [r.change, r]));
  return docs.map((d) => {
    const r = byId.get(d.metadata.name);
    return {
      id: d.metadata.name,
      ...(d.metadata.title ? { title: d.metadata.title } : {}),
      type: d.spec.type,
      ...(r ? { effectiveType: r.effectiveType, class: r.class } : {}),
      phase: d.status?.phase ?? 'submitted',
      environment: d.spec.environment,
      services: [...(d.spec.services ?? [])],
      start: formatInstant(Date.parse(d.spec.schedule.start)),
      end: formatInstant(Date.parse(d.spec.schedule.end)),
    };
  });
}

/** The calendar's changes as .ics events, with their class. */
export function icsChangesOf(loaded: Pick<LoadedOrganisation, 'org'>, changes: readonly CalendarChange[]): IcsChange[] {
  return changes.map((c) => ({ ...icsChangeOf(loaded.org.changes.get(c.id)!.doc), ...(c.class ? { riskClass: c.class } : {}) }));
}

/** The calendar's answer; a CalendarBudgetError (a range too dense to list) propagates to the front. */
export function calendarReport(loaded: LoadedOrganisation, origins: DocumentOrigins, query: CalendarQuery): CalendarReport {
  const { subject, describe } = calendarSubject(loaded, origins, query);
  const windows: WindowInput[] = calendarWindows(loaded.org);
  const state = calendarState(windows, query.at, subject ? { subject } : {});
  return {
    ...state,
    range: { from: formatInstant(query.from), to: formatInstant(query.to) },
    ...(describe ? { subject: describe } : {}),
    occurrences: windowsInForce(windows, { from: query.from, to: query.to }, subject).map(publicOccurrence),
    ...(query.changes ? { changes: calendarChanges(loaded, origins, query, subject) } : {}),
  };
}
