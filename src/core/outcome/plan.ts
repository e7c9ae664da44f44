import { formatInstant, parseInstant } from '../calendar/local-time.js';
import type { ChangeRequest, ChangeStatus, OutcomeResult } from '../model.js';
import { refusal, type Refusal } from './refusals.js';

/**
 * What `opsledger record` asks for, and whether the change can take it. Pure: the decision
 * depends only on the change as it is, the request and the clock, so a recorder that retries
 * after a rebase re-decides on the newest version of the file.
 */
export interface OutcomeRequest {
  result: OutcomeResult;
  implementedAt?: string;
  failureDetectedAt?: string;
  restoredAt?: string;
  incidents?: readonly string[];
  /**
   * Turn a recorded failure into a success: only with a reason, which is kept in the outcome's
   * notes, so the override is as visible in the file as the failure was.
   */
  force?: { reason: string };
}

export type Outcome = NonNullable<ChangeStatus['outcome']>;

/** `overridden`: a recorded failure is replaced (with --force), so the whole outcome is rewritten. */
export type OutcomePlan = { ok: true; outcome: Outcome; previous?: Outcome; overridden?: boolean } | { ok: false; refusals: Refusal[] };

/** A recorder's clock may run a little ahead of the one that stamped the deploy. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const FAILURES: ReadonlySet<OutcomeResult> = new Set(['failed', 'rolled-back']);
const TIMES = ['implementedAt', 'failureDetectedAt', 'restoredAt'] as const;

export function planOutcome(change: ChangeRequest, request: OutcomeRequest, now: number): OutcomePlan {
  const refusals: Refusal[] = [];
  const phase = change.status?.phase;
  if (phase === 'cancelled') refusals.push(refusal('record.cancelled'));
  if (phase === 'draft') refusals.push(refusal('record.draft'));

  const recorded = change.status?.outcome;
  const overriding = recorded !== undefined && FAILURES.has(recorded.result) && !FAILURES.has(request.result);
  if (overriding && !request.force) refusals.push(refusal('record.rewrite-failure', `recorded ${recorded.result}, asked ${request.result}`, 'result'));
  // A forced success starts from the recorded outcome without its failure times (they described
  // the failure now being overridden); the reason joins the notes.
  const previous = overriding && request.force ? forcedBase(recorded, request.result, request.force.reason) : recorded;
  // A later run completes an earlier record (e.g. restoredAt once service is back): fields not
  // given keep their recorded values, incidents accumulate.
  const incidents = [...new Set([...(previous?.incidents ?? []), ...(request.incidents ?? [])])];
  const outcome: Outcome = {
    ...previous,
    result: request.result,
    implementedAt: request.implementedAt ?? previous?.implementedAt ?? formatInstant(Math.floor(now / 1000) * 1000),
    ...(request.failureDetectedAt ?? previous?.failureDetectedAt ? { failureDetectedAt: request.failureDetectedAt ?? previous?.failureDetectedAt } : {}),
    ...(request.restoredAt ?? previous?.restoredAt ? { restoredAt: request.restoredAt ?? previous?.restoredAt } : {}),
    ...(incidents.length ? { incidents } : {}),
  };

  const failure = FAILURES.has(outcome.result);
  if (!failure && (outcome.failureDetectedAt || outcome.restoredAt)) {
    refusals.push(refusal('record.failure-on-success', `result ${outcome.result}`, outcome.failureDetectedAt ? 'failureDetectedAt' : 'restoredAt'));
  }
  if (failure && outcome.restoredAt && !outcome.failureDetectedAt) {
    refusals.push(refusal('record.restored-without-detection', undefined, 'restoredAt'));
  }

  let earlier: [string, number] | undefined;
  for (const key of TIMES) {
    const text = outcome[key];
    const t = text === undefined ? undefined : parseInstant(text);
    if (t === undefined) continue;
    if (earlier && t < earlier[1]) refusals.push(refusal('record.order', `${key} ${outcome[key]} is before ${earlier[0]} ${outcome[earlier[0] as keyof Outcome] as string}`, key));
    if (t > now + CLOCK_SKEW_MS && request[key] !== undefined) refusals.push(refusal('record.future', `${key} ${outcome[key]}`, key));
    earlier = [key, t];
  }
  return refusals.length ? { ok: false, refusals } : { ok: true, outcome, ...(recorded ? { previous: recorded } : {}), ...(overriding ? { overridden: true } : {}) };
}

function forcedBase(recorded: Outcome, result: OutcomeResult, reason: string): Outcome {
  const { failureDetectedAt: _detected, restoredAt: _restored, ...rest } = recorded;
  const note = `Recorded ${recorded.result}, changed to ${result} with --force: ${reason.replace(/\s+/g, ' ')}`;
  // One line: the splicer writes scalars on the key's line, where a block scalar would not fit.
  return { ...rest, notes: recorded.notes ? `${recorded.notes} ${note}` : note };
}
