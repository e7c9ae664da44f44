import { decideApprovals, type ApprovalDecision, type CommitIdentity, type Review } from '../core/approvals.js';
import { perServiceOwners, planApprovals, planForSensitiveOnly, teamsOfGroup, withTiedServices, type ApprovalAlternative, type ApprovalPlan } from '../core/approval-plan.js';
import { matchingPaths } from '../core/glob.js';
import { RISK_CLASSES, type ChangeRequest, type PolicySpec } from '../core/model.js';
import { activePolicy } from '../core/organisation.js';
import { reviewOrganisation } from '../core/review-org.js';
import { changeScopes, tiedServices, uncoveredServicePaths, type TiedService } from '../core/service-paths.js';
import { assessChange } from '../core/risk/assess.js';
import type { DiffSize } from '../core/risk/diff-size.js';
import type { RiskContext } from '../core/risk/context.js';
import type { RiskReport } from '../core/risk/types.js';
import { sharedRiskContextFor, submissionTimes } from './assess-risk.js';
import type { OrganisationsAtRefs } from './load-organisation.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Organisation } from '../core/organisation.js';
import { ExpectedFailure } from './ports/failure.js';
import type { GitHubApi, PullRequest } from './ports/github.js';
import type { DocumentOrigins } from './ports/git.js';

/**
 * The CAB's question for one pull request: which change requests it adds or changes, how risky
 * each is, which approvals that requires, and whether the reviews provide them. Rules (policy,
 * teams, calendar, templates) come from the base commit; the change requests from the head.
 * Shared by `opsledger pr`, `opsledger cab` and `opsledger gate`.
 */
export class ReviewError extends ExpectedFailure {
  override name = 'ReviewError';
}

export interface SubjectReview {
  /** A change id, or `pull request` for sensitive files changed without one. */
  subject: string;
  change?: ChangeRequest;
  report?: RiskReport;
  plan: ApprovalPlan;
  /** The alternative the decision is for: the first that is met, else the class's. */
  alternative: ApprovalAlternative['name'];
  decision: ApprovalDecision;
  /** Members (lowercase) of every group any alternative names, from the base branch. */
  members: Record<string, string[]>;
  /** Teams each group resolved to, for review requests. */
  teams: Record<string, string[]>;
}

export interface PullReview {
  changed: string[];
  sensitive: string[];
  subjects: SubjectReview[];
  /** Change-request files of the head that do not validate: nothing can approve them. */
  invalid: string[];
  /**
   * The services the changed paths are tied to by the base's policy (spec.servicePaths), each
   * with the change requests of the pull request that cover it.
   */
  servicePaths: TiedService[];
  /** What the author must fix on the pull request's files besides validation: `cab.service-path-uncovered`. */
  diagnostics: Diagnostic[];
  met: boolean;
  /** The review that counts for each reviewer (lowercase login): their latest approval on the head commit, by id. */
  approvingReviews: Record<string, number>;
  base: ReviewedSide;
  head: ReviewedSide;
  policy: PolicySpec;
}

/**
 * One side of a pull request as the review reads it: the organisation, and the diagnostics that
 * say which of the changed files do not validate.
 */
export interface ReviewedSide {
  org: Organisation;
  commit?: string;
  validation: { diagnostics: readonly Diagnostic[] };
}

export interface ReviewInput {
  /** The run's reads of git: each commit is read once, however many steps ask for it. */
  refs: OrganisationsAtRefs;
  /** Only team members are asked: an audit from git alone answers with none. */
  api: Pick<GitHubApi, 'listTeamMembers'>;
  /** Commit whose rules apply (the pull request's base). */
  baseRef: string;
  /** Commit with the pull request's content. */
  headRef: string;
  author: string;
  headSha: string;
  reviews: readonly Review[];
  commits: readonly CommitIdentity[];
  now: number;
  changedPaths?: string[];
  /** The pull request's diff size as git measured it; measured here when not given. */
  diffSize?: DiffSize;
  /** Where each change's document first appeared in the head's history, for notice and the lead-time control. */
  origins?: DocumentOrigins;
  /**
   * The head's change requests in the changed files (sorted), when the caller knows them: the
   * audit does, and reading them off every change request of the head costs a scan per unit.
   */
  changeIds?: readonly string[];
  /**
   * The two sides already read (the audit keeps an organisation in step with the history);
   * otherwise they are read at baseRef and headRef through `refs`.
   */
  sides?: { base: ReviewedSide; head: ReviewedSide };
}

type Judged = Omit<RiskContext, 'now' | 'submittedAt' | 'measuredDiff'>;
const judged = new WeakMap<ReviewedSide, WeakMap<ReviewedSide, [Judged, Judged]>>();

/**
 * The two organisations a pull request is scored in (the base's copies preferred, then the
 * head's), with their graphs and calendars: what depends on the two commits alone. When the
 * App's commit cache hands the same organisations to the next delivery about this pull request,
 * they are not built again.
 */
function reviewedOrganisations(base: ReviewedSide, head: ReviewedSide): [Judged, Judged] {
  let byHead = judged.get(base);
  if (!byHead) judged.set(base, (byHead = new WeakMap()));
  let found = byHead.get(head);
  if (!found) {
    const policy = activePolicy(base.org)!.doc.spec;
    const part = (org: Organisation): Judged => {
      const { now: _now, ...rest } = sharedRiskContextFor(org, policy, 0);
      return rest;
    };
    const [byBase, byHead_] = [reviewOrganisation(base.org, head.org, 'base'), reviewOrganisation(base.org, head.org, 'head')];
    // The same Maps either way (the pull request changed only change requests): one organisation,
    // so each change is scored once.
    const same = (Object.keys(byBase) as (keyof Organisation)[]).every((k) => byBase[k] === byHead_[k]);
    const forBase = part(byBase);
    byHead.set(head, (found = [forBase, same ? forBase : part(byHead_)]));
  }
  return found;
}

function stricter(a: RiskReport, b: RiskReport): RiskReport {
  return RISK_CLASSES.indexOf(b.class) > RISK_CLASSES.indexOf(a.class) ? b : a;
}

export async function reviewPullRequest(input: ReviewInput): Promise<PullReview> {
  const [base, head]: [ReviewedSide, ReviewedSide] = input.sides ? [input.sides.base, input.sides.head] : [await input.refs.at(input.baseRef), await input.refs.at(input.headRef)];
  const policy = activePolicy(base.org)?.doc.spec;
  if (!policy) throw new ReviewError('policy-missing', `the base commit ${base.commit!.slice(0, 7)} has no valid Policy: approvals cannot be decided`);
  const changed = input.changedPaths ?? (await input.refs.git.changedPathsBetween(input.baseRef, input.headRef));
  const changedSet = new Set(changed);
  const sensitive = matchingPaths(changed, policy.sensitivePaths ?? []);
  const invalid = [...new Set(head.validation.diagnostics.filter((d) => d.severity === 'error' && changedSet.has(d.file)).map((d) => d.file))];

  const teamCache = new Map<string, Promise<string[]>>();
  const teamMembers = (name: string): Promise<string[]> => {
    let p = teamCache.get(name);
    if (!p) {
      p = (async () => {
        const spec = base.org.teams.get(name)?.doc.spec;
        if (!spec) return [];
        const out = new Set((spec.members ?? []).map((m) => m.toLowerCase()));
        const gh = spec.github?.team;
        if (gh) {
          const [org, slug] = gh.split('/');
          if (org && slug) for (const m of await input.api.listTeamMembers(org, slug)) out.add(m);
        }
        return [...out].sort();
      })();
      teamCache.set(name, p);
    }
    return p;
  };

  const decide = async (subject: string, classPlan: ApprovalPlan, change?: ChangeRequest, report?: RiskReport): Promise<SubjectReview> => {
    const teams: Record<string, string[]> = {};
    const members: Record<string, string[]> = {};
    const plan = change ? perServiceOwners(classPlan, change, teams, base.org) : classPlan;
    for (const alt of plan.alternatives) {
      for (const r of alt.requirements) {
        if (members[r.group]) continue;
        teams[r.group] ??= teamsOfGroup(policy, r.group);
        const all = new Set<string>();
        for (const t of teams[r.group]!) for (const m of await teamMembers(t)) all.add(m);
        members[r.group] = [...all].sort();
      }
    }
    const decisions = plan.alternatives.map((alt) => ({
      alt,
      decision: decideApprovals({ prAuthor: input.author, headSha: input.headSha, reviews: input.reviews, commits: input.commits, requirements: alt.requirements, members }),
    }));
    const chosen = decisions.find((d) => d.decision.met) ?? decisions[0]!;
    return { subject, ...(change ? { change } : {}), ...(report ? { report } : {}), plan, alternative: chosen.alt.name, decision: chosen.decision, members, teams };
  };

  const subjects: SubjectReview[] = [];
  const changeIds = input.changeIds ?? [...head.org.changes].filter(([, l]) => changedSet.has(l.file)).map(([id]) => id).sort();
  // The base's map, and what each change covers with the base's CIs: a pull request can neither
  // untie its own paths nor claim a service through a CI it adds.
  const servicePaths = tiedServices(
    changed,
    policy,
    changeIds.map((id) => ({ id, scopes: changeScopes(head.org.changes.get(id)!.doc, base.org) })),
  );
  const diagnostics = uncoveredServicePaths(servicePaths);
  if (changeIds.length) {
    const submittedAt = input.origins ? submissionTimes(head.org, input.origins) : undefined;
    // Every change this pull request touches is scored with the pull request's own diff, whatever spec.diff declares.
    const size = input.diffSize ?? (await input.refs.git.diffSizeBetween(input.baseRef, input.headRef));
    const measured = (id: string) => (changeIds.includes(id) ? size : undefined);
    const [forBase, forHead] = reviewedOrganisations(base, head);
    const byBase = { ...forBase, now: input.now, ...(submittedAt ? { submittedAt } : {}), measuredDiff: measured };
    const byHead = { ...forHead, now: input.now, ...(submittedAt ? { submittedAt } : {}), measuredDiff: measured };
    for (const id of changeIds) {
      const report = forBase === forHead ? assessChange(byBase, id) : stricter(assessChange(byBase, id), assessChange(byHead, id));
      const change = head.org.changes.get(id)!.doc;
      subjects.push(await decide(id, withTiedServices(planApprovals(policy, report, sensitive), id, servicePaths), change, report));
    }
  } else if (sensitive.length) {
    subjects.push(await decide('pull request', planForSensitiveOnly(policy, sensitive)));
  }
  const met = invalid.length === 0 && diagnostics.length === 0 && subjects.every((s) => s.decision.met);
  const approvingReviews: Record<string, number> = {};
  for (const r of input.reviews) if (r.state === 'APPROVED' && r.commitId === input.headSha) approvingReviews[r.login.toLowerCase()] = r.id;
  return { changed, sensitive, subjects, invalid, servicePaths, diagnostics, met, approvingReviews, base, head, policy };
}

/**
 * The CAB for a pull request as GitHub has it now: its reviews and commits, decided between
 * its base and head commits. `opsledger cab` and the App's `opsledger/cab` check both ask here,
 * so they cannot disagree.
 */
export async function reviewPullRequestOnGitHub(input: { refs: OrganisationsAtRefs; api: GitHubApi; pull: PullRequest; now: number }): Promise<PullReview> {
  const { api, pull } = input;
  const [reviews, commits] = [await api.listReviews(pull.number), await api.listPullCommits(pull.number)];
  if (pull.commits > commits.length) throw new ReviewError('commits', `#${pull.number} has ${pull.commits} commits but GitHub lists ${commits.length}: co-authors cannot all be checked`);
  return reviewPullRequest({ refs: input.refs, api, baseRef: pull.baseSha, headRef: pull.headSha, author: pull.author, headSha: pull.headSha, reviews, commits, now: input.now });
}

/**
 * The verdict of the CAB as a check-run conclusion: red only for what the author must fix
 * (files that do not validate, a tied path no change request covers); approvals that have yet to arrive are `action_required`, work
 * for reviewers rather than a failure.
 */
export function cabConclusion(review: PullReview): 'success' | 'failure' | 'action_required' {
  if (review.met) return 'success';
  return review.invalid.length || review.diagnostics.length ? 'failure' : 'action_required';
}

/** One line per subject: what is approved, what is missing. */
export function approvalSummary(review: PullReview): string[] {
  const lines: string[] = [];
  if (review.invalid.length) lines.push(`does not validate: ${review.invalid.join(', ')}`);
  for (const d of review.diagnostics) lines.push(`${d.message} [${d.code}]`);
  for (const s of review.subjects) {
    const reqs = s.decision.requirements;
    const what = reqs.length ? reqs.map((r) => `${r.group} ${r.approvers.length}/${r.count}${r.approvers.length ? ` (${r.approvers.join(', ')})` : ''}`).join('; ') : 'no approvals required';
    lines.push(`${s.subject}: ${s.decision.met ? 'approved' : 'not approved'}${s.alternative === 'emergency' ? ' as an emergency' : ''}: ${what}`);
  }
  if (!review.subjects.length && !review.invalid.length && !review.diagnostics.length) lines.push('no change requests or sensitive files: no approvals required');
  return lines;
}
