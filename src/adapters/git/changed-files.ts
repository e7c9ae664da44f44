import { simpleGit } from 'simple-git';
import { GitRefError } from './ref-error.js';

export { GitRefError };

/**
 * Repo-relative paths of files changed since `ref`: committed since the merge base of `ref` and
 * HEAD (what a pull request changes), plus uncommitted and untracked files in the working tree.
 * Deleted files are left out: they have nothing left to report.
 */
export async function changedFilesSince(root: string, ref: string): Promise<{ files: Set<string>; base: string }> {
  const git = simpleGit({ baseDir: root });
  try {
    await git.revparse(['--show-toplevel']);
  } catch {
    throw new GitRefError(ref, 'the folder is not inside a git repository');
  }
  let base: string;
  try {
    await git.revparse(['--verify', '--quiet', `${ref}^{commit}`]);
    base = (await git.raw(['merge-base', ref, 'HEAD'])).trim();
  } catch {
    throw new GitRefError(ref, 'no such commit, branch or tag');
  }
  // Paths from git are relative to the top of the work tree; `--relative` makes them relative
  // to root when root is a subfolder. `-z`: one path per NUL, as bytes, never quoted (without
  // it git writes a non-ASCII path as "changes/\303\251.yaml", which names no file), and never
  // trimmed (a name may end in a space).
  const diff = await git.raw(['diff', '-z', '--name-only', '--no-renames', '--diff-filter=d', '--relative', base, '--']);
  const untracked = await git.raw(['ls-files', '-z', '--others', '--exclude-standard']);
  const out = new Set<string>();
  for (const path of (diff + '\0' + untracked).split('\0')) if (path) out.add(path);
  return { files: out, base };
}
