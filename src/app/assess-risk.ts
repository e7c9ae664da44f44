import { openChangeIds } from '../core/change-phase.js';
import { buildGraph, graphAfterServiceEdits, type Graph } from '../core/graph.js';
import { stepOf } from '../core/map-step.js';
import type { ChangeRequest, PolicySpec } from '../core/model.js';
import { activePolicy, type Organisation } from '../core/organisation.js';
import { assessChange, nearbyWindows } from '../core/risk/assess.js';
import { calendarView } from '../core/risk/calendar-view.js';
import type { CalendarView, RiskContext, Submission } from '../core/risk/context.js';
import type { WindowOccurrence } from '../core/calendar/expand.js';
import type { DiffSize } from '../core/risk/diff-size.js';
import type { RiskReport } from '../core/risk/types.js';
import { didYouMean } from '../core/suggest.js';
import { InputError } from './errors.js';
import type { LoadedOrganisation } from './load-organisation.js';
import type { DocumentOrigins } from './ports/git.js';
import { calendarFailure } from './calendar-failure.js';

/** A change's submission with the start of the work that brought it in (for lead time for changes). */
export type ChangeSubmission = { at: number; workStartedAt: number } | { unknown: 'shallow-clone' };

/**
 * When a change was submitted: the first commit of its document (by id, whatever file holds it
 * now), or unknown in a shallow clone that does not reach it; undefined when it was never
 * committed. Every use case that scores or measures a change (risk, gate, the CAB, the catalog,
 * metrics) asks this one function, so they cannot disagree.
 */
export function submissionTimes(org: Organisation, origins: DocumentOrigins): (id: string) => ChangeSubmission | undefined {
  return (id) => {
    if (!org.changes.has(id)) return undefined;
    const origin = origins.byId.get(id);
    if (!origin) return undefined;
    return 'unknown' in origin ? { unknown: origin.unknown } : { at: origin.at, workStartedAt: origin.workStartedAt };
  };
}

/**
 * Which changes a measured diff belongs to: those whose file the diff itself adds or edits (as
 * the CAB reviews only the change requests a pull request touches). A change the diff does not
 * touch keeps its declared size.
 */
export function measuredDiffs(org: Organisation, changedFiles: ReadonlySet<string>, size: DiffSize): (id: string) => DiffSize | undefined {
  return (id) => {
    const file = org.changes.get(id)?.file;
    return file !== undefined && changedFiles.has(file) ? size : undefined;
  };
}

export function riskContextFor(
  org: Organisation,
  policy: PolicySpec,
  now: number,
  submittedAt?: (id: string) => Submission | undefined,
  measuredDiff?: (id: string) => DiffSize | undefined,
): RiskContext {
  return { org, graph: buildGraph(org), policy, calendar: calendarView(org, policy), now, ...(submittedAt ? { submittedAt } : {}), ...(measuredDiff ? { measuredDiff } : {}) };
}

const sharedGraphs = new WeakMap<object, WeakMap<object, Graph>>();
const sharedCalendars = new WeakMap<object, WeakMap<object, WeakMap<object, WeakMap<object, CalendarView>>>>();

function memo<K extends object, V>(map: WeakMap<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/**
 * riskContextFor, with the graph and the calendar view shared between organisations that hold
 * the same services and CIs Maps (the graph) and also the same calendars and policy (the view):
 * the review of each pull request in a history that changed only change requests builds them
 * once. Shared, so nothing may change them; only the review and the audit ask here.
 */
export function sharedRiskContextFor(org: Organisation, policy: PolicySpec, now: number): RiskContext {
  const graph = memo(memo(sharedGraphs, org.services, () => new WeakMap()), org.cis, () => {
    // An edit of services that keeps their dependencies (the audit's walk, a tier changed) is
    // the graph before it with the edited nodes made again.
    const step = stepOf(org.services);
    const from = step?.from.deref();
    const prev = from ? sharedGraphs.get(from)?.get(org.cis) : undefined;
    return (prev && graphAfterServiceEdits(prev, step!)) || buildGraph(org);
  });
  const byCis = memo(memo(sharedCalendars, org.calendars, () => new WeakMap()), org.services, () => new WeakMap());
  const calendar = memo(memo(byCis, org.cis, () => new WeakMap()), policy, () => calendarView(org, policy));
  return { org, graph, policy, calendar, now };
}

/** Everything the risk engine needs, from a loaded organisation, when its changes were submitted and what git measured. */
export function riskContext(loaded: Pick<LoadedOrganisation, 'org'>, now: number, origins: DocumentOrigins, measuredDiff?: (id: string) => DiffSize | undefined): RiskContext {
  const policy = activePolicy(loaded.org)?.doc.spec;
  if (!policy) throw new InputError('the organisation has no Policy document (kind: Policy); add changes/policy.yaml');
  return riskContextFor(loaded.org, policy, now, submissionTimes(loaded.org, origins), measuredDiff);
}

export interface AssessRiskOptions {
  ids: readonly string[];
  /** Add every open change. */
  open?: boolean;
  now: number;
  /** Blast-radius rows per report, nearest first (default: all); every node still counts. */
  blastRadiusRows?: number;
  /** The work since a ref as git measured it, with the files it touches (`risk --changed-since`). */
  measured?: { files: ReadonlySet<string>; size: DiffSize };
}

/** Scores the named changes (and the open ones); an unknown id is an input error with a suggestion. */
export function assessRisk(loaded: LoadedOrganisation, origins: DocumentOrigins, options: AssessRiskOptions): RiskReport[] {
  const { reports } = assessRiskEach(loaded, origins, options);
  return [...reports];
}

/**
 * The same reports, made one at a time as they are read: a writer that prints each before the
 * next is made holds one report's blast radius at a time, not every one's. The ids are checked
 * (and counted) before the first report is made.
 */
export function assessRiskEach(loaded: LoadedOrganisation, origins: DocumentOrigins, options: AssessRiskOptions): { count: number; reports: Iterable<RiskReport> } {
  const ids = [...options.ids, ...(options.open ? openChangeIds(loaded.org.changes) : [])];
  if (!ids.length) throw new InputError('name at least one change id (CR-YYYY-NNNN), or pass --open');
  for (const id of ids) {
    if (!loaded.org.changes.has(id)) {
      const hint = didYouMean(id, loaded.org.changes.keys());
      throw new InputError(`no change request ${id}${hint ? `; ${hint}` : ''}`);
    }
  }
  const scoring = riskContext(loaded, options.now, origins, options.measured ? measuredDiffs(loaded.org, options.measured.files, options.measured.size) : undefined);
  // Whatever can fail on valid input fails here, before the first report is made, so a writer
  // never prints half an answer: the calendar question of every change is asked now and its
  // answer kept for the report (a few windows per change, not its blast radius).
  const context = { ...scoring, calendar: rememberingCalendar(scoring.calendar) };
  try {
    for (const id of ids) nearbyWindows(context, loaded.org.changes.get(id)!.doc);
  } catch (e) {
    calendarFailure(e);
  }
  const assess = { ...(options.blastRadiusRows !== undefined ? { blastRadiusRows: options.blastRadiusRows } : {}) };
  return { count: ids.length, reports: (function* () {
    for (const id of ids) {
      try {
        yield assessChange(context, id, assess);
      } catch (e) {
        calendarFailure(e);
      }
    }
  })() };
}

/** A calendar view that answers each (change, interval) question once. */
function rememberingCalendar(view: CalendarView): CalendarView {
  const answers = new WeakMap<ChangeRequest, { start: number; end: number; windows: WindowOccurrence[] }[]>();
  return {
    windowsFor(change, start, end) {
      let known = answers.get(change);
      if (!known) answers.set(change, (known = []));
      const hit = known.find((a) => a.start === start && a.end === end);
      if (hit) return hit.windows;
      const windows = view.windowsFor(change, start, end);
      known.push({ start, end, windows });
      return windows;
    },
  };
}
