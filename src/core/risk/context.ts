import type { Graph } from '../graph.js';
import type { ChangeRequest, ChangeType, PolicySpec } from '../model.js';
import type { Organisation } from '../organisation.js';

/** A calendar window occurrence that applies to a change (its scope matched). */
export interface WindowHit {
  name: string;
  kind: 'freeze' | 'maintenance';
  start: number;
  end: number;
  allow: ChangeType[];
  reason?: string;
}

/**
 * What the risk engine needs from the change calendar, behind an interface so the engine stays
 * independent of how windows are stored and expanded.
 */
export interface CalendarView {
  /** Window occurrences applying to the change that overlap [start, end). */
  windowsFor(change: ChangeRequest, start: number, end: number): WindowHit[];
}

export interface RiskContext {
  org: Organisation;
  graph: Graph;
  policy: PolicySpec;
  calendar: CalendarView;
  /** The moment of assessment (for lead time when a change's submission time is unknown). */
  now: number;
  /** When a change was first proposed (the first commit of its file); undefined if unknown. */
  submittedAt?(changeId: string): number | undefined;
}

export function instant(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}
