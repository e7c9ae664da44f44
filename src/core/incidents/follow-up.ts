import { parseInstant } from '../calendar/local-time.js';
import { parseDuration } from '../duration.js';
import type { Incident, IncidentPolicy } from '../model.js';
import type { Located, Organisation } from '../organisation.js';
import { dateOnlyDay, type EvidenceClock } from '../evidence-time.js';

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
export function reviewDueAt(incident: Incident, policy: IncidentPolicy | undefined): number | undefined {
  const within = policy?.severities[incident.spec.severity]?.reviewWithin;
  const resolved = incident.spec.resolvedAt ? parseInstant(incident.spec.resolvedAt) : undefined;
  const span = within ? parseDuration(within) : undefined;
  return resolved === undefined || span === undefined ? undefined : resolved + span;
}

/**
 * What is overdue at `now` after the incidents given: resolved incidents whose review the policy
 * wanted by now and that have none completed, and open or in-progress action items past their
 * due date (past once its day has ended on `clock`, the organisation's zone). One function for
 * readiness, the catalog and reports, so they count the same items.
 */
export function overdueFollowUps(incidents: Iterable<Located<Incident>>, policy: IncidentPolicy | undefined, now: number, clock: EvidenceClock): FollowUps {
  const reviews: OverdueReview[] = [];
  const actions: OverdueAction[] = [];
  for (const { doc } of incidents) {
    const due = reviewDueAt(doc, policy);
    if (due !== undefined && now > due && !doc.spec.review?.completedAt) {
      reviews.push({ incident: doc.metadata.name, severity: doc.spec.severity, resolvedAt: doc.spec.resolvedAt!, reviewWithin: policy!.severities[doc.spec.severity]!.reviewWithin!, dueAt: due });
    }
    (doc.spec.review?.actionItems ?? []).forEach((item, index) => {
      const end = dueDateEnd(item.due, clock);
      if (end !== undefined && now > end && (item.state === 'open' || item.state === 'in-progress')) {
        actions.push({ incident: doc.metadata.name, index, title: item.title, owner: item.owner, due: item.due, state: item.state });
      }
    });
  }
  return { reviews, actions };
}

/** The incidents that touched a service (named directly, or through a CI the service owns). */
export function incidentsOf(org: Organisation, service: string): Located<Incident>[] {
  const owned = new Set([...org.cis.values()].filter((c) => c.doc.spec.service === service).map((c) => c.doc.metadata.name));
  return [...org.incidents.values()].filter((i) => i.doc.spec.services?.includes(service) || i.doc.spec.configurationItems?.some((c) => owned.has(c)));
}
