import { loadOrganisation, type LoadedOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { assessRisk } from '../../src/app/assess-risk.js';
import { decideApprovals, type Review } from '../../src/core/approvals.js';
import { buildChangeForm, plannedApprovals } from '../../src/core/change-form/build.js';
import type { ChangeForm } from '../../src/core/change-form/types.js';
import { organisationZone } from '../../src/core/evidence-time.js';
import { activePolicy } from '../../src/core/organisation.js';
import type { RiskReport } from '../../src/core/risk/types.js';
import type { CommentSubject } from '../../src/report/pull-request.js';
import { PROJECT_ROOT } from './org.js';

/**
 * The example organisation's changes as a pull request would show them: each assessed at the
 * time the example was written, its approvals planned by the policy and decided from one
 * approving review (by the first eligible member of the first group, on the head commit), so
 * the forms carry an approval with its review link and approvals still missing.
 */
export const EXAMPLE_NOW = Date.parse('2026-11-22T12:00:00+09:00');
export const EXAMPLE_PULL = 'https://github.com/northwind/ops/pull/7';

export interface ExampleForms {
  loaded: LoadedOrganisation;
  reports: Map<string, RiskReport>;
  formFor(id: string, catalogUrl?: string): { form: ChangeForm; subject: CommentSubject };
}

export async function exampleForms(root = PROJECT_ROOT): Promise<ExampleForms> {
  const loaded = await loadOrganisation(root);
  const all = assessRisk(loaded, { shallow: false, byId: new Map() }, { ids: [...loaded.org.changes.keys()], now: EXAMPLE_NOW });
  const reports = new Map(all.map((r) => [r.change, r]));
  const formFor = (id: string, catalogUrl?: string) => {
    const org = loaded.org;
    const policy = activePolicy(org)!.doc.spec;
    const report = reports.get(id)!;
    const change = org.changes.get(id)!.doc;
    const planned = plannedApprovals(org, policy, report, change);
    const alt = planned.plan.alternatives[0]!;
    const first = alt.requirements[0];
    const approver = first ? planned.members[first.group]!.find((m) => m !== change.spec.requester) : undefined;
    const reviews: Review[] = approver ? [{ id: 9000 + Number(id.slice(-4)), login: approver, state: 'APPROVED', commitId: 'head' }] : [];
    const decision = decideApprovals({ prAuthor: change.spec.requester, headSha: 'head', reviews, commits: [], requirements: alt.requirements, members: planned.members });
    const reviewLinks = Object.fromEntries(reviews.map((r) => [r.login, `${EXAMPLE_PULL}#pullrequestreview-${r.id}`]));
    const form = buildChangeForm({
      org,
      id,
      policy,
      report,
      approvals: { ...planned, decision, reviewLinks, author: change.spec.requester },
      zone: organisationZone(org),
      now: EXAMPLE_NOW,
      ...(catalogUrl ? { catalogUrl } : {}),
    });
    return { form, subject: { subject: id, report, plan: planned.plan, alternative: alt.name, decision } };
  };
  return { loaded, reports, formFor };
}
