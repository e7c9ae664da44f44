import { simpleGit } from 'simple-git';
import { GitObjectMissing, resolveCommit } from './read-at-ref.js';

/**
 * The git questions the pull-request and gate commands ask: what a pull request changed, which
 * commit last touched a change request on the default branch, and where the base branch stood
 * before a merge.
 */

/** Every path the pull request touches (added, modified or deleted), relative to root, against the merge base. */
export async function changedPathsBetween(root: string, base: string, head: string): Promise<string[]> {
  const git = simpleGit({ baseDir: root });
  const [b, h] = [await resolveCommit(root, base), await resolveCommit(root, head)];
  let mergeBase: string;
  try {
    mergeBase = (await git.raw(['merge-base', b, h])).trim();
  } catch {
    throw new GitObjectMissing(base, `has no common history with ${head}`);
  }
  const out = await git.raw(['diff', '--name-only', '--no-renames', '--relative', '-z', mergeBase, h, '--']);
  return out.split('\0').filter(Boolean);
}

/** The newest commit reachable from `ref` that changed `file`, or undefined. */
export async function lastCommitTouching(root: string, ref: string, file: string): Promise<string | undefined> {
  const commit = await resolveCommit(root, ref);
  const out = (await simpleGit({ baseDir: root }).raw(['log', '-1', '--format=%H', commit, '--', file])).trim();
  return out || undefined;
}

/**
 * Where the base branch stood before a pull request was merged, so approvals are judged by
 * the policy and teams that were in force then, not by anything the pull request brought:
 * - a merge commit: its first parent;
 * - a squash: its only parent;
 * - a rebase of n commits: n first-parent steps back, recognised by the rebased commits
 *   repeating the pull request's subjects.
 */
export async function baseBeforeMerge(root: string, mergeCommit: string, prSubjects: readonly string[]): Promise<string> {
  const commit = await resolveCommit(root, mergeCommit);
  const git = simpleGit({ baseDir: root });
  const parents = (await git.raw(['rev-list', '--parents', '-n', '1', commit])).trim().split(' ').slice(1);
  if (parents.length === 0) throw new GitObjectMissing(mergeCommit, 'the merge commit has no parent');
  const n = prSubjects.length;
  if (parents.length === 1 && n > 1) {
    const log = await git.raw(['log', '--first-parent', `-n${n}`, '--format=%s', commit]);
    const subjects = log.split('\n').filter((s, i, all) => i < all.length - 1 || s !== '').reverse();
    if (subjects.length === n && subjects.every((s, i) => s === prSubjects[i])) return resolveCommit(root, `${commit}~${n}`);
  }
  return parents[0]!;
}

export async function headCommit(root: string): Promise<string> {
  return resolveCommit(root, 'HEAD');
}

/** Where root sits inside its repository (`''` at the top, else `sub/dir/`): GitHub wants paths from the top. */
export async function repoPrefix(root: string): Promise<string> {
  return (await simpleGit({ baseDir: root }).revparse(['--show-prefix'])).trim();
}
