import type { WindowOccurrence } from '../calendar/expand.js';
import type { Graph } from '../graph.js';
import type { ChangeRequest, PolicySpec } from '../model.js';
import type { Organisation } from '../organisation.js';
import type { DiffSize } from './diff-size.js';

/**
 * What the risk engine needs from the change calendar, behind an interface so the engine stays
 * independent of how windows are stored and expanded.
 */
export interface CalendarView {
  /**
   * Window occurrences applying to the change that are in force over [start, end), any
   * interval: the risk engine asks about the schedule and its margins, the gate about its moment.
   */
  windowsFor(change: ChangeRequest, start: number, end: number): WindowOccurrence[];
}

/**
 * When a change was submitted, as git knows it: a time, or unknown because the history that
 * holds it was not fetched (a shallow clone). No answer at all means it was never committed.
 */
export type Submission = { at: number } | { unknown: 'shallow-clone' };

/** The code of a fact git cannot give from a shallow clone (registered in core/codes.ts). */
export const SHALLOW_CODE = 'git.shallow';
export const SHALLOW_HINT = 'fetch the full history: git fetch --unshallow, or fetch-depth: 0 in actions/checkout';

export interface RiskContext {
  org: Organisation;
  graph: Graph;
  policy: PolicySpec;
  calendar: CalendarView;
  /** The moment of assessment (for lead time when a change's submission time is unknown). */
  now: number;
  /** When a change was first proposed (the first commit of its document); undefined if never committed. */
  submittedAt?(changeId: string): Submission | undefined;
  /**
   * The size git measured for a change's diff (the pull request, or the working tree against
   * a ref); undefined when nothing was measured and only `spec.diff` is known.
   */
  measuredDiff?(changeId: string): DiffSize | undefined;
}

export function instant(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}
