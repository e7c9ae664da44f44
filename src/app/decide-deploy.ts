import { countedApprovals } from '../core/approvals.js';
import { decideGate, gateInterval, type GateDecision, type GateEvidence, type GateInput } from '../core/gate.js';
import { mergeBase } from '../core/merge-base.js';
import { knownFailure } from './ports/failure.js';
import type { GitRepository } from './ports/git.js';
import type { GitHubApi } from './ports/github.js';
import type { DiffSize } from '../core/risk/diff-size.js';

/**
 * What the gate needs once GitHub has been asked the first question: the organisation model,
 * risk and the CAB. Loading them takes longer than starting Node, so they load while GitHub
 * answers rather than before the question goes out.
 */
const laterSteps = () =>
  Promise.all([import('../core/model.js'), import('../core/organisation.js'), import('../core/risk/assess.js'), import('./assess-risk.js'), import('./load-organisation.js'), import('./review-pull-request.js'), import('../core/environments.js')]).then(
    ([model, organisation, assess, assessRisk, load, review, environments]) => ({
      environmentsOf: environments.environmentsOf,
      RISK_CLASSES: model.RISK_CLASSES,
      activePolicy: organisation.activePolicy,
      assessChange: assess.assessChange,
      riskContextFor: assessRisk.riskContextFor,
      submissionTimes: assessRisk.submissionTimes,
      OrganisationsAtRefs: load.OrganisationsAtRefs,
      reviewPullRequest: review.reviewPullRequest,
      ReviewError: review.ReviewError,
    }),
  );

/**
 * Everything the gate decides from, gathered so that any failure becomes a denying check with
 * its reason instead of an exception: GitHub down, rate-limited or answering nonsense, a
 * shallow clone, a missing policy. decideGate (pure) then lists every check.
 */
export interface GateRequest {
  git: GitRepository;
  /** Opens the GitHub client; a configuration problem (no token) throws and denies. */
  github: () => GitHubApi;
  changeId: string;
  at: number;
  environment?: string;
  /** The commit being deployed (a deployment protection rule's sha): checked against the approved pull request. */
  deployedSha?: string;
}

/** The default branch as this clone has it: the remote-tracking ref first, else the local branch. */
export async function defaultBranchRef(git: GitRepository, branch: string): Promise<string> {
  const spellings = [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`];
  // One git process for both spellings where the adapter can; each asked in turn where it cannot tell.
  const first = await git.firstCommitOf?.(spellings);
  if (typeof first === 'string') return first;
  if (first === null) return git.resolveCommit(branch);
  for (const ref of spellings) {
    try {
      return await git.resolveCommit(ref);
    } catch {
      // try the next spelling
    }
  }
  return git.resolveCommit(branch);
}

/** The gate: may this change deploy at `at`? Any failure on the way is a denying check with its reason. */
export async function decideDeploy(req: GateRequest): Promise<GateDecision> {
  try {
    return decideGate(await gatherGateInput(req));
  } catch (e) {
    // Gathering catches what it expects; anything else still denies, with the reason.
    return decideGate({ changeId: req.changeId, at: req.at, errors: [{ code: 'error', detail: (e as Error)?.message ?? String(e) }], ...(req.deployedSha !== undefined ? { deployedSha: req.deployedSha } : {}) });
  }
}

async function gatherGateInput(req: GateRequest): Promise<GateInput> {
  const errors: { code: string; detail: string }[] = [];
  const input: GateInput = { changeId: req.changeId, at: req.at, errors, ...(req.environment !== undefined ? { environment: req.environment } : {}), ...(req.deployedSha !== undefined ? { deployedSha: req.deployedSha } : {}) };
  const attempt = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step();
    } catch (e) {
      const f = knownFailure(e) ?? { code: 'error', detail: (e as Error)?.message ?? String(e) };
      errors.push(f);
      return undefined;
    }
  };

  const api = await attempt(async () => req.github());
  const asked = api ? attempt(() => api.getRepository()) : undefined;
  const { RISK_CLASSES, activePolicy, environmentsOf, assessChange, riskContextFor, submissionTimes, OrganisationsAtRefs, reviewPullRequest, ReviewError } = await laterSteps();
  const repo = await asked;
  const refs = new OrganisationsAtRefs(req.git);
  const defaultRef = repo ? await attempt(() => defaultBranchRef(req.git, repo.defaultBranch)) : undefined;
  if (!defaultRef) return input;
  const evidence: GateEvidence = { policyCommit: defaultRef, approvalBase: null, pullRequest: null, approvals: [] };
  input.evidence = evidence;

  const current = await attempt(() => refs.at(defaultRef));
  const located = current?.org.changes.get(req.changeId);
  if (!current || !located) return input;
  input.change = located.doc;

  const policy = activePolicy(current.org)?.doc.spec;
  // Scored first with the declared diff size, so a failure finding the pull request still
  // leaves a score; scored again below with the size git measured for the merged pull request.
  const score = async (measured?: DiffSize) => {
    if (!policy) return;
    const risk = riskContextFor(current.org, policy, req.at, submissionTimes(current.org, await req.git.documentOrigins(defaultRef)), measured ? (id) => (id === req.changeId ? measured : undefined) : undefined);
    input.risk = assessChange(risk, req.changeId);
    const interval = gateInterval(req.at, located.doc);
    input.windows = risk.calendar.windowsFor(located.doc, interval.from, interval.to);
  };
  if (policy) input.environments = environmentsOf(policy);
  if (!policy) errors.push({ code: 'policy-missing', detail: 'the default branch has no valid Policy' });
  else await attempt(() => score());

  const sha = await attempt(async () => {
    const found = await req.git.lastCommitTouching(defaultRef, located.file);
    if (!found) throw new Error(`no commit on ${repo!.defaultBranch} touches ${located.file}`);
    return found;
  });
  if (!sha || !api) return input;
  const pulls = await attempt(() => api.listPullsForCommit(sha));
  const summary = pulls?.find((p) => p.mergedAt !== null && p.baseRef === repo!.defaultBranch);
  if (!summary) {
    if (pulls) errors.push({ code: 'pull-request', detail: `commit ${sha.slice(0, 7)} reached ${repo!.defaultBranch} without a merged pull request` });
    return input;
  }
  const pull = await attempt(() => api.getPullRequest(summary.number));
  if (!pull) return input;
  const merged = pull.mergedAt !== null && pull.baseRef === repo!.defaultBranch && pull.mergeCommitSha !== null;
  input.pullRequest = { number: pull.number, merged, url: pull.url, headSha: pull.headSha, mergeCommitSha: pull.mergeCommitSha };
  evidence.pullRequest = { number: pull.number, headSha: pull.headSha, mergeCommitSha: pull.mergeCommitSha };
  if (!merged) return input;

  await attempt(async () => {
    const [reviews, commits] = [await api.listReviews(pull.number), await api.listPullCommits(pull.number)];
    if (pull.commits > commits.length) throw new Error(`#${pull.number} has ${pull.commits} commits but GitHub lists ${commits.length}: co-authors cannot all be checked`);
    const mergeCommit = pull.mergeCommitSha!;
    // Where main stood before the merge, from git's parents and GitHub's list of the commits.
    const where = mergeBase(await req.git.firstParentLine(mergeCommit, commits.length + 1), commits);
    if ('unknown' in where) throw new ReviewError('merge-base', `#${pull.number}: ${where.unknown}`);
    const baseRef = where.base;
    const diffSize = await req.git.diffSizeBetween(baseRef, mergeCommit);
    await score(diffSize);
    const review = await reviewPullRequest({
      refs,
      api,
      baseRef,
      headRef: mergeCommit,
      author: pull.author,
      headSha: pull.headSha,
      reviews,
      commits,
      now: req.at,
      changedPaths: await req.git.changedPathsBetween(baseRef, mergeCommit),
      diffSize,
    });
    const subject = review.subjects.find((s) => s.subject === req.changeId);
    if (!subject) throw new Error(`#${pull.number} does not change ${req.changeId}`);
    input.approvals = subject.decision;
    // The map of the pull request's base, as the CAB read it; the pull request's own edits to it do not count.
    if (Object.keys(review.policy.servicePaths ?? {}).length) input.servicePaths = review.servicePaths.map((t) => ({ service: t.service, paths: t.paths, covered: t.changes.includes(req.changeId) }));
    evidence.approvalBase = baseRef;
    evidence.approvals = countedApprovals(subject.decision, reviews);
    if (input.risk && RISK_CLASSES.indexOf(input.risk.class) > RISK_CLASSES.indexOf(subject.plan.class)) {
      errors.push({ code: 'risk-rose', detail: `approved as ${subject.plan.class} risk in #${pull.number}, now ${input.risk.class}: the change needs approval again` });
    }
  });
  return input;
}
