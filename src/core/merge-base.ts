/**
 * Where the base branch stood before a pull request was merged, from facts neither the
 * requester nor the wording of commit messages can bend: the merge commit's parents in git,
 * and the pull request's commits as GitHub lists them (author and author date, which GitHub
 * keeps when it rebases). Approvals are judged by the policy and teams of that base, so it must
 * never include a commit of the pull request itself.
 * - a merge commit (two parents, also what a merge queue makes): its first parent;
 * - one commit in the pull request: the merged commit's parent, whichever the method;
 * - rebase and merge of n commits: the n commits on the first-parent line are the pull
 *   request's, in order, by author and author date; the base is the commit before them;
 * - squash and merge: one commit whose parent is the base. It is taken only when none of the
 *   commits just before it looks like one of the pull request's; otherwise the base cannot
 *   be told and the caller denies.
 */
export interface LineCommit {
  sha: string;
  parents: string[];
  authorEmail: string;
  /** Author date, ms since the epoch. */
  authored: number;
}

export interface PullCommitFacts {
  authorEmail?: string;
  /** Author date as GitHub gives it (ISO 8601). */
  authorDate?: string;
}

export type MergeBase = { base: string; method: 'merge-commit' | 'single-commit' | 'rebase' | 'squash' } | { unknown: string };

function same(line: LineCommit, pr: PullCommitFacts): boolean {
  if (!pr.authorEmail || !pr.authorDate) return false;
  const t = Date.parse(pr.authorDate);
  return !Number.isNaN(t) && t === line.authored && pr.authorEmail.toLowerCase() === line.authorEmail.toLowerCase();
}

/** `line`: the merged commit and its first-parent ancestors, newest first (at least n + 1 when there are that many); `pr`: the pull request's commits, oldest first. */
export function mergeBase(line: readonly LineCommit[], pr: readonly PullCommitFacts[]): MergeBase {
  const merged = line[0];
  if (!merged) return { unknown: 'the merged commit is not in the local clone' };
  if (merged.parents.length >= 2) return { base: merged.parents[0]!, method: 'merge-commit' };
  if (merged.parents.length === 0) return { unknown: `the merged commit ${merged.sha.slice(0, 7)} has no parent` };
  const n = pr.length;
  if (n <= 1) return { base: merged.parents[0]!, method: 'single-commit' };
  const rebased = line.length > n && line.slice(0, n).every((c, k) => c.parents.length === 1 && same(c, pr[n - 1 - k]!));
  if (rebased) return { base: line[n]!.sha, method: 'rebase' };
  const lookalike = line.slice(1, n).find((c) => pr.some((p) => same(c, p)));
  if (lookalike) return { unknown: `${merged.sha.slice(0, 7)} is neither a squash nor a rebase of the pull request's ${n} commits (${lookalike.sha.slice(0, 7)} looks like one of them): the base before the merge cannot be told` };
  return { base: merged.parents[0]!, method: 'squash' };
}
