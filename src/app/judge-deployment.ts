import type { GateDecision } from '../core/gate.js';
import { decideDeploy } from './decide-deploy.js';
import { recordGateDecision } from './record-gate.js';
import { OrganisationsAtRefs } from './load-organisation.js';
import { knownFailure } from './ports/failure.js';
import type { GitRepository } from './ports/git.js';
import type { GitHubApi } from './ports/github.js';
import { ReviewError } from './review-pull-request.js';

/**
 * A deployment protection rule's question: may this commit go to this environment now? The
 * changes are the one the deployment names in its payload (`{"change": "CR-…"}`), else those
 * whose files the pull request behind the commit changed; each is gated as `opsledger gate`
 * gates it, with the deployed commit checked against the approved pull request. Approved only
 * when every change is allowed. Every failure on the way (a bad payload, an unknown change,
 * GitHub unreachable, no decision before the deadline) is a rejection with its reason: the
 * waiting deployment always gets an answer.
 */
export interface DeploymentQuestion {
  /**
   * Opens the repository (fetching it may be part of the work the deadline covers). The signal
   * is aborted at the deadline: the fetch and GitHub requests made with it must stop there.
   */
  git: (signal: AbortSignal) => Promise<GitRepository>;
  github: (signal: AbortSignal) => GitHubApi;
  environment: string;
  sha: string;
  change?: string;
  at: number;
  /** No decision within this many milliseconds rejects. */
  deadlineMs: number;
}

export interface DeploymentVerdict {
  state: 'approved' | 'rejected';
  decisions: GateDecision[];
  /** Why nothing could be gated (no change found, an error, the deadline), when that is the answer. */
  reason?: string;
}

const SHA = /^[0-9a-f]{40}$/;

class DeadlinePassed extends Error {}

/**
 * The deadline cancels the work, not only the wait for it: past it the answer is the rejection,
 * and the fetch, the git processes and the GitHub requests still running for this question are
 * stopped, so nothing the late work would have done (a request, a write) happens after the answer.
 */
export async function judgeDeployment(q: DeploymentQuestion): Promise<DeploymentVerdict> {
  const work = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const passed = new DeadlinePassed(`no decision within ${Math.round(q.deadlineMs / 1000)}s`);
      reject(passed);
      work.abort(passed);
    }, q.deadlineMs);
  });
  const judged = judge(q, work.signal);
  // Whatever the abandoned work ends with once cancelled is nobody's answer.
  judged.catch(() => undefined);
  try {
    return await Promise.race([judged, deadline]);
  } catch (e) {
    const reason = e instanceof DeadlinePassed ? e.message : (knownFailure(e)?.detail ?? `internal error: ${(e as Error)?.message ?? String(e)}`);
    return { state: 'rejected', decisions: [], reason };
  } finally {
    clearTimeout(timer);
  }
}

async function judge(q: DeploymentQuestion, signal: AbortSignal): Promise<DeploymentVerdict> {
  if (!SHA.test(q.sha)) return { state: 'rejected', decisions: [], reason: `the event names no commit (sha "${q.sha.slice(0, 40)}")` };
  let api: GitHubApi | undefined;
  const github = () => (api ??= q.github(signal));
  const git = await q.git(signal);
  // Local git reads do not take the signal: the work stops between steps instead.
  signal.throwIfAborted();
  const ids = q.change ? [q.change] : await changesDeployedAt(github, git, q.sha);
  if (!ids.length) return { state: 'rejected', decisions: [], reason: `${q.sha.slice(0, 7)} changes no change request; name one in the deployment payload ({"change": "CR-YYYY-NNNN"})` };
  const decisions: GateDecision[] = [];
  // Each decision leaves its record on the deployed commit; one that cannot be recorded is not an approval.
  for (const changeId of ids) {
    signal.throwIfAborted();
    decisions.push(await recordGateDecision(github, await decideDeploy({ git, github, changeId, at: q.at, environment: q.environment, deployedSha: q.sha }), q.sha));
  }
  return { state: decisions.every((d) => d.allowed) ? 'approved' : 'rejected', decisions };
}

/** The change requests the pull request behind `sha` (merged first, else open) adds or changes. */
async function changesDeployedAt(github: () => GitHubApi, git: GitRepository, sha: string): Promise<string[]> {
  const api = github();
  const pulls = await api.listPullsForCommit(sha);
  const summary = pulls.find((p) => p.mergedAt !== null) ?? pulls.find((p) => p.state === 'open');
  if (!summary) throw new ReviewError('pull-request', `${sha.slice(0, 7)} belongs to no pull request; name the change in the deployment payload ({"change": "CR-YYYY-NNNN"})`);
  const pull = await api.getPullRequest(summary.number);
  // The pull request's own diff, as the CAB saw it (a merge commit's would include what else reached the base meanwhile).
  const changed = new Set(await git.changedPathsBetween(pull.baseSha, pull.headSha));
  const org = await new OrganisationsAtRefs(git).at(pull.headSha);
  return [...org.org.changes].filter(([, l]) => changed.has(l.file)).map(([id]) => id).sort();
}
