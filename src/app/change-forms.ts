import { buildChangeForm } from '../core/change-form/build.js';
import type { ChangeForm } from '../core/change-form/types.js';
import { organisationZone } from '../core/evidence-time.js';
import { readinessDelta } from '../core/readiness/delta.js';
import type { PullReview } from './review-pull-request.js';

/**
 * The change form of every change a pull request reviews, by change id: the head's change,
 * judged by the base's rules, with the approvals as the reviews decided them. `opsledger pr`
 * (the comment) and the App's `opsledger/cab` check (its summary) both ask here.
 */
export interface ChangeFormOptions {
  now: number;
  /** The pull request's web address: each approval links to its review there. */
  pullUrl?: string;
  author?: string;
  /** The catalog's published root (OPSLEDGER_CATALOG_URL): each form links to its change page. */
  catalogUrl?: string;
}

export function changeForms(review: PullReview, options: ChangeFormOptions): Map<string, ChangeForm> {
  const zone = organisationZone(review.base.org);
  const readiness = readinessDelta(review.base.org, review.head.org, { now: options.now });
  const reviewLinks: Record<string, string> = {};
  if (options.pullUrl) for (const [login, id] of Object.entries(review.approvingReviews)) reviewLinks[login] = `${options.pullUrl}#pullrequestreview-${id}`;
  const out = new Map<string, ChangeForm>();
  for (const s of review.subjects) {
    if (!s.change) continue;
    out.set(
      s.subject,
      buildChangeForm({
        org: review.head.org,
        id: s.subject,
        policy: review.policy,
        ...(s.report ? { report: s.report } : {}),
        approvals: { plan: s.plan, alternative: s.alternative, decision: s.decision, members: s.members, teams: s.teams, reviewLinks, ...(options.author ? { author: options.author } : {}) },
        readiness,
        zone,
        now: options.now,
        ...(options.catalogUrl ? { catalogUrl: options.catalogUrl } : {}),
      }),
    );
  }
  return out;
}
