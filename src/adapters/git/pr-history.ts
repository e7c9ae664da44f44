import type { LineCommit } from '../../core/merge-base.js';
import { GitObjectMissing, resolveCommit } from './read-at-ref.js';
import { gitOutput } from './run-git.js';

/**
 * The git questions the pull-request and gate commands ask: what a pull request changed, which
 * commit last touched a change request on the default branch, and the first-parent line a
 * merge sits on.
 */

/** Every path the pull request touches (added, modified or deleted), relative to root, against the merge base. */
export async function changedPathsBetween(root: string, base: string, head: string): Promise<string[]> {
  const { mergeBase, head: h } = await pullRequestBase(root, base, head);
  const out = await gitOutput(root, ['diff', '--name-only', '--no-renames', '--relative', '-z', mergeBase, h, '--']);
  return out.split('\0').filter(Boolean);
}

/** Where the pull request's branch left the base: every question about its diff starts there. */
export async function pullRequestBase(root: string, base: string, head: string): Promise<{ mergeBase: string; head: string }> {
  const [b, h] = [await resolveCommit(root, base), await resolveCommit(root, head)];
  // Two commits have the same merge base for the life of the process; the diff's size and its paths both ask.
  const key = `${root}\0${b}\0${h}`;
  const known = mergeBases.get(key);
  if (known) return { mergeBase: known, head: h };
  let mergeBase: string;
  try {
    mergeBase = (await gitOutput(root, ['merge-base', b, h])).trim();
  } catch {
    throw new GitObjectMissing(base, `has no common history with ${head}`);
  }
  if (mergeBases.size < 10_000) mergeBases.set(key, mergeBase);
  return { mergeBase, head: h };
}

const mergeBases = new Map<string, string>();

/** The newest commit reachable from `ref` that changed `file`, or undefined. */
export async function lastCommitTouching(root: string, ref: string, file: string): Promise<string | undefined> {
  const commit = await resolveCommit(root, ref);
  const out = (await gitOutput(root, ['--literal-pathspecs', 'log', '-1', '--format=%H', commit, '--', file])).trim();
  return out || undefined;
}

/**
 * The commit and its first-parent ancestors, newest first, with parents, author e-mail and
 * author date: the git side of deciding where a base stood before a merge (core/merge-base.ts).
 */
export async function firstParentLine(root: string, commit: string, count: number): Promise<LineCommit[]> {
  const sha = await resolveCommit(root, commit);
  const out = await gitOutput(root, ['log', '--first-parent', `-n${Math.max(1, count)}`, '--format=%H%x00%P%x00%ae%x00%aI%x00', sha]);
  const fields = out.split('\0');
  const line: LineCommit[] = [];
  for (let i = 0; i + 4 < fields.length; i += 4) {
    const [h, parents, email, date] = fields.slice(i, i + 4).map((f) => f.trim());
    if (!h) break;
    line.push({ sha: h, parents: parents ? parents.split(' ') : [], authorEmail: email ?? '', authored: Date.parse(date ?? '') });
  }
  return line;
}

export async function headCommit(root: string): Promise<string> {
  return resolveCommit(root, 'HEAD');
}

/** Where root sits inside its repository (`''` at the top, else `sub/dir/`): GitHub wants paths from the top. */
export async function repoPrefix(root: string): Promise<string> {
  return (await gitOutput(root, ['rev-parse', '--show-prefix'])).trim();
}
