import type { AgendaQuestion, PolicySpec } from '../model.js';

/**
 * What a policy's `agenda` section means once its defaults are filled in: the approver groups
 * the meeting stands for and the questions it asks. Without the section the meeting is the
 * `cab` group and it asks one question, whether the rollback was rehearsed in the last 30 days
 * (the evidence policy may accept older rehearsals for the control; the meeting still asks).
 */
export const DEFAULT_AGENDA_GROUPS: readonly string[] = ['cab'];
export const DEFAULT_REHEARSAL_WITHIN = '30d';
export const DEFAULT_AGENDA_QUESTIONS: readonly AgendaQuestion[] = [{ id: 'rehearsal', check: 'rollback-rehearsed', within: DEFAULT_REHEARSAL_WITHIN }];

export interface AgendaSettings {
  groups: readonly string[];
  questions: readonly AgendaQuestion[];
}

export function agendaSettings(policy: Pick<PolicySpec, 'agenda'>): AgendaSettings {
  return {
    groups: policy.agenda?.groups ?? DEFAULT_AGENDA_GROUPS,
    questions: policy.agenda?.questions ?? DEFAULT_AGENDA_QUESTIONS,
  };
}
