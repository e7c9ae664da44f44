import type { AgendaQuestion, ChangeRequest, PolicySpec, RiskClass } from '../model.js';
import { phrase, type Phrase } from '../phrase.js';
import { evidenceMoment, evidenceProblem } from '../risk/evidence.js';
import { instant } from '../risk/context.js';
import { DEFAULT_REHEARSAL_WITHIN } from './policy.js';

/**
 * The open questions a policy has the CAB ask of a change. A question is open when its check
 * fails; a change that answers it is not asked. Every check reads what the risk engine reads:
 * the rehearsal goes through the one evidence reader (a date after the assessment or the start
 * never counts) with the question's own age limit, and the maintenance window is the
 * calendar's verdict over the schedule, which risk's `maintenance-window` control reads too.
 */
export interface OpenQuestion {
  id: string;
  check: AgendaQuestion['check'];
  phrase: Phrase;
}

function rehearsalOpen(change: ChangeRequest, policy: PolicySpec, within: string, now: number, zone: string): boolean {
  const tested = change.spec.rollback?.tested;
  if (!tested) return true;
  const start = instant(change.spec.schedule.start)!;
  // Only the age is asked here: a link outside the trusted hosts is the control's business.
  const asked: PolicySpec = { ...policy, evidence: { maxAge: within } };
  return evidenceProblem({ at: tested.at }, asked, evidenceMoment(now, start, change.spec.schedule.start, zone)) !== undefined;
}

function isOpenQuestion(q: AgendaQuestion, change: ChangeRequest, facts: QuestionFacts, policy: PolicySpec, now: number): boolean {
  const spec = change.spec;
  switch (q.check) {
    case 'rollback-rehearsed':
      return rehearsalOpen(change, policy, q.within ?? DEFAULT_REHEARSAL_WITHIN, now, facts.zone);
    case 'premortem':
      return !spec.premortem?.length;
    case 'verification':
      return !spec.verification?.length;
    case 'communication':
      return !spec.communication?.length;
    case 'maintenance-window':
      return !facts.inMaintenance;
  }
}

function questionPhrase(q: AgendaQuestion): Phrase {
  if (q.check === 'rollback-rehearsed') return phrase('agenda.question.rollback-rehearsed', { within: q.within ?? DEFAULT_REHEARSAL_WITHIN });
  return phrase(`agenda.question.${q.check}`);
}

/**
 * What the caller judged with the one calendar function: whether maintenance windows cover the
 * whole schedule (verdictOver, as risk's maintenance-window control reads it), for every class.
 */
export interface QuestionFacts {
  class: RiskClass;
  inMaintenance: boolean;
  /** The organisation's zone: a date-only rehearsal is a whole day on its clock. */
  zone: string;
}

export function openQuestions(questions: readonly AgendaQuestion[], change: ChangeRequest, facts: QuestionFacts, policy: PolicySpec, now: number): OpenQuestion[] {
  return questions
    .filter((q) => !q.classes || q.classes.includes(facts.class))
    .filter((q) => isOpenQuestion(q, change, facts, policy, now))
    .map((q) => ({ id: q.id, check: q.check, phrase: questionPhrase(q) }));
}

