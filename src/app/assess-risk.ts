import { openChangeIds } from '../core/change-phase.js';
import { buildGraph } from '../core/graph.js';
import type { PolicySpec } from '../core/model.js';
import { activePolicy, type Organisation } from '../core/organisation.js';
import { assessChange } from '../core/risk/assess.js';
import { calendarView } from '../core/risk/calendar-view.js';
import type { RiskContext } from '../core/risk/context.js';
import type { DiffSize } from '../core/risk/diff-size.js';
import type { RiskReport } from '../core/risk/types.js';
import { didYouMean } from '../core/suggest.js';
import { InputError } from './errors.js';
import type { LoadedOrganisation } from './load-organisation.js';
import { calendarFailure } from './calendar-failure.js';

/**
 * When a change was submitted: the time its file was first committed. Every use case that
 * scores a change (risk, gate, the CAB, the catalog) asks this one function.
 */
export function submissionTimes(org: Organisation, firstAdded: ReadonlyMap<string, number>): (id: string) => number | undefined {
  return (id) => {
    const file = org.changes.get(id)?.file;
    return file ? firstAdded.get(file) : undefined;
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
  submittedAt?: (id: string) => number | undefined,
  measuredDiff?: (id: string) => DiffSize | undefined,
): RiskContext {
  return { org, graph: buildGraph(org), policy, calendar: calendarView(org, policy), now, ...(submittedAt ? { submittedAt } : {}), ...(measuredDiff ? { measuredDiff } : {}) };
}

/** Everything the risk engine needs, from a loaded organisation, when its changes were submitted and what git measured. */
export function riskContext(loaded: Pick<LoadedOrganisation, 'org'>, now: number, firstAdded: ReadonlyMap<string, number>, measuredDiff?: (id: string) => DiffSize | undefined): RiskContext {
  const policy = activePolicy(loaded.org)?.doc.spec;
  if (!policy) throw new InputError('the organisation has no Policy document (kind: Policy); add changes/policy.yaml');
  return riskContextFor(loaded.org, policy, now, submissionTimes(loaded.org, firstAdded), measuredDiff);
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
export function assessRisk(loaded: LoadedOrganisation, firstAdded: ReadonlyMap<string, number>, options: AssessRiskOptions): RiskReport[] {
  const { reports } = assessRiskEach(loaded, firstAdded, options);
  return [...reports];
}

/**
 * The same reports, made one at a time as they are read: a writer that prints each before the
 * next is made holds one report's blast radius at a time, not every one's. The ids are checked
 * (and counted) before the first report is made.
 */
export function assessRiskEach(loaded: LoadedOrganisation, firstAdded: ReadonlyMap<string, number>, options: AssessRiskOptions): { count: number; reports: Iterable<RiskReport> } {
  const ids = [...options.ids, ...(options.open ? openChangeIds(loaded.org.changes) : [])];
  if (!ids.length) throw new InputError('name at least one change id (CR-YYYY-NNNN), or pass --open');
  for (const id of ids) {
    if (!loaded.org.changes.has(id)) {
      const hint = didYouMean(id, loaded.org.changes.keys());
      throw new InputError(`no change request ${id}${hint ? `; ${hint}` : ''}`);
    }
  }
  const context = riskContext(loaded, options.now, firstAdded, options.measured ? measuredDiffs(loaded.org, options.measured.files, options.measured.size) : undefined);
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
