import { parseInstant } from '../calendar/local-time.js';
import { parseDeadline } from '../duration.js';
import type { Incident, IncidentPolicy } from '../model.js';
import type { Located, Organisation } from '../organisation.js';
import { dateOnlyDay, endOfBusinessDays, type EvidenceClock } from '../evidence-time.js';

/**
 * The instant a date-only due date (YYYY-MM-DD) has passed: the last millisecond of that day on
 * the organisation's clock (organisationZone), read by the one reader of bare dates
 * (dateOnlyDay in src/core/evidence-time.ts), so an action item due on the 30th and a
 * rehearsal dated the 30th end at the same moment.
 */
export function dueDateEnd(date: string, clock: EvidenceClock): number | undefined {
  return dateOnlyDay(date, clock)?.to;
}

export interface OverdueReview {
  incident: string;
  severity: string;
  resolvedAt: string;
  reviewWithin: string;
  dueAt: number;
}
export interface OverdueAction {
  incident: string;
  index: number;
  title: string;
  owner: string;
  due: string;
  state: string;
}
export interface FollowUps {
  reviews: OverdueReview[];
  actions: OverdueAction[];
}

/** The review due time of a resolved incident under the policy, or undefined when none is required. */
export function reviewDueAt(incident: Incident, policy: IncidentPolicy | undefined, clock: EvidenceClock): number | undefined {
  return dueOfReview(incident.spec.severity, incident.spec.resolvedAt, policy?.severities, clock);
}

function dueOfReview(severity: string | undefined, resolvedAt: string | undefined, severities: Readonly<Record<string, { reviewWithin?: string }>> | undefined, clock: EvidenceClock): number | undefined {
  const within = severity ? severities?.[severity]?.reviewWithin : undefined;
  const resolved = resolvedAt ? parseInstant(resolvedAt) : undefined;
  const deadline = within ? parseDeadline(within) : undefined;
  if (resolved === undefined || deadline === undefined) return undefined;
  return 'span' in deadline ? resolved + deadline.span : endOfBusinessDays(resolved, deadline.businessDays, clock);
}

/** What the overdue rules read of an incident: the model's document and validate's facts both give it. */
export interface FollowUpSubject {
  severity?: string | undefined;
  resolvedAt?: string | undefined;
  reviewCompletedAt?: string | undefined;
  actionItems: readonly { due?: string | undefined; state?: string | undefined }[];
}

/**
 * The one rule for what an incident still owes and by when, whatever the day: its review, when
 * the policy wants one and none is completed (due `reviewWithin` after resolvedAt); and each open
 * or in-progress action item, due when its day ends on `clock`. Something is overdue at `now`
 * once `now` is past its deadline (isPast); validate keeps the deadlines with its cached result
 * and asks that question each run.
 */
export function followUpDeadlines(subject: FollowUpSubject, severities: Readonly<Record<string, { reviewWithin?: string }>> | undefined, clock: EvidenceClock): { review?: number; actions: { index: number; end: number }[] } {
  const may = mayOwe(subject);
  const review = may.review ? dueOfReview(subject.severity, subject.resolvedAt, severities, clock) : undefined;
  const actions: { index: number; end: number }[] = [];
  for (const index of may.actions) {
    const end = dueDateEnd(subject.actionItems[index]!.due!, clock);
    if (end !== undefined) actions.push({ index, end });
  }
  return { ...(review !== undefined ? { review } : {}), actions };
}

/**
 * What an incident may owe before the policy and the clock are asked: its review (a severity and a
 * resolution, and no review completed) and the open or in-progress action items with a due date,
 * by index. followUpDeadlines owes at most these.
 */
export function mayOwe(subject: FollowUpSubject): { review: boolean; actions: number[] } {
  const actions: number[] = [];
  subject.actionItems.forEach((item, index) => {
    if (item.due && (item.state === 'open' || item.state === 'in-progress')) actions.push(index);
  });
  return { review: !subject.reviewCompletedAt && !!subject.severity && !!subject.resolvedAt, actions };
}

export function isPast(deadline: number, now: number): boolean {
  return now > deadline;
}

/**
 * What is overdue at `now` after the incidents given (followUpDeadlines on each, then isPast). One function
 * for validate, readiness, the catalog and reports, so they count the same items.
 */
export function overdueFollowUps(incidents: Iterable<Located<Incident>>, policy: IncidentPolicy | undefined, now: number, clock: EvidenceClock): FollowUps {
  const reviews: OverdueReview[] = [];
  const actions: OverdueAction[] = [];
  for (const { doc } of incidents) {
    const items = doc.spec.review?.actionItems ?? [];
    const owed = followUpDeadlines({ severity: doc.spec.severity, resolvedAt: doc.spec.resolvedAt, reviewCompletedAt: doc.spec.review?.completedAt, actionItems: items }, policy?.severities, clock);
    if (owed.review !== undefined && isPast(owed.review, now)) {
      reviews.push({ incident: doc.metadata.name, severity: doc.spec.severity, resolvedAt: doc.spec.resolvedAt!, reviewWithin: policy!.severities[doc.spec.severity]!.reviewWithin!, dueAt: owed.review });
    }
    for (const { index, end } of owed.actions) {
      if (!isPast(end, now)) continue;
      const item = items[index]!;
      actions.push({ incident: doc.metadata.name, index, title: item.title, owner: item.owner, due: item.due, state: item.state });
    }
  }
  return { reviews, actions };
}

/** The incidents that touched a service (named directly, or through a CI the service owns). */
export function incidentsOf(org: Organisation, service: string): Located<Incident>[] {
  const owned = new Set([...org.cis.values()].filter((c) => c.doc.spec.service === service).map((c) => c.doc.metadata.name));
  return [...org.incidents.values()].filter((i) => i.doc.spec.services?.includes(service) || i.doc.spec.configurationItems?.some((c) => owned.has(c)));
}
