import type { GitHubApi } from '../../app/ports/github.js';
import { approvalSummary, type PullReview } from '../../app/review-pull-request.js';

/** The `opsledger/cab` commit status: green exactly when every required approval is present. */
export const CAB_CONTEXT = 'opsledger/cab';

export function cabDescription(review: PullReview): string {
  if (review.met) {
    const who = review.subjects.flatMap((s) => s.decision.approvers);
    return review.subjects.length ? `approved${who.length ? ` by ${[...new Set(who)].join(', ')}` : ' (no approvals required)'}` : 'no change requests or sensitive files';
  }
  if (review.invalid.length) return `does not validate: ${review.invalid.join(', ')}`;
  // The code first: GitHub cuts a status description at 140 characters.
  if (review.diagnostics.length) return `${review.diagnostics[0]!.code}: ${review.diagnostics.map((d) => d.message).join('; ')}`;
  const missing = review.subjects
    .filter((s) => !s.decision.met)
    .map((s) => `${s.subject} needs ${s.decision.requirements.filter((r) => !r.met).map((r) => `${r.count - r.approvers.length} from ${r.group}`).join(', ')}`);
  return `waiting: ${missing.join('; ')}`;
}

/** `details`: the run whose job summary explains the decision (the status's "Details" link). */
export async function publishCabStatus(api: GitHubApi, headSha: string, review: PullReview, details?: string): Promise<void> {
  await api.createCommitStatus({ sha: headSha, context: CAB_CONTEXT, state: review.met ? 'success' : 'failure', description: cabDescription(review), ...(details ? { targetUrl: details } : {}) });
}

export function reviewJson(review: PullReview) {
  return {
    met: review.met,
    sensitive: review.sensitive,
    invalid: review.invalid,
    servicePaths: review.servicePaths,
    diagnostics: review.diagnostics,
    subjects: review.subjects.map((s) => ({
      subject: s.subject,
      ...(s.report ? { class: s.report.class, type: s.report.type, effectiveType: s.report.effectiveType, factors: s.report.factors, conflicts: s.report.conflicts.map((c) => c.code) } : {}),
      requiredClass: s.plan.class,
      alternative: s.alternative,
      met: s.decision.met,
      requirements: s.decision.requirements,
      approvers: s.decision.approvers,
      rejected: s.decision.rejected,
      notes: s.plan.notes,
      ...(s.plan.tied ? { tied: s.plan.tied } : {}),
    })),
    summary: approvalSummary(review),
  };
}
