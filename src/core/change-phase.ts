import type { ChangePhase, ChangeRequest } from './model.js';

/**
 * Which changes count where, by phase, in one place. A change without a status is submitted.
 * - open: not yet finished (completed) or abandoned (cancelled). What `risk --open` scores, the
 *   catalog assesses and lists as upcoming, and a CAB still has to look at.
 * - on the calendar: going to happen or has happened; a draft is not yet a plan, a cancelled
 *   change never will be. What `calendar` shows and exports.
 * - holding its window: committed to a slot it has not finished; only these can collide
 *   with another change (a draft has no slot yet, a completed change is over).
 */


export function phaseOf(change: Pick<ChangeRequest, 'status'>): ChangePhase {
  return change.status?.phase ?? 'submitted';
}

export function isOpen(change: Pick<ChangeRequest, 'status'>): boolean {
  const p = phaseOf(change);
  return p !== 'completed' && p !== 'cancelled';
}

/** Abandoned: never happens, and any outcome it carries is no deployment (metrics, the failure rate). */
export function isCancelled(change: Pick<ChangeRequest, 'status'>): boolean {
  return phaseOf(change) === 'cancelled';
}

export function isOnCalendar(change: Pick<ChangeRequest, 'status'>): boolean {
  const p = phaseOf(change);
  return p !== 'draft' && p !== 'cancelled';
}

export function holdsItsWindow(change: Pick<ChangeRequest, 'status'>): boolean {
  return isOpen(change) && phaseOf(change) !== 'draft';
}

/** The open changes' ids, sorted. */
export function openChangeIds(changes: ReadonlyMap<string, { doc: Pick<ChangeRequest, 'status'> }>): string[] {
  return [...changes].filter(([, l]) => isOpen(l.doc)).map(([id]) => id).sort();
}
