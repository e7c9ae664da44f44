import { CheckRepoActions, simpleGit } from 'simple-git';

/**
 * When each file under `folder` was first added, from one `git log` run (one process for the
 * whole folder, not one per file). Files outside git, or a folder outside a repository, are
 * simply absent from the map.
 */
export async function firstAddedTimes(root: string, folder: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    const git = simpleGit({ baseDir: root });
    // The App reads a bare mirror: a repository without a working tree has history all the same.
    if (!(await git.checkIsRepo()) && !(await git.checkIsRepo(CheckRepoActions.BARE))) return out;
    const log = await git.raw(['log', '--diff-filter=A', '--format=@%aI', '--name-only', '--relative', '--', folder]);
    let when: number | undefined;
    for (const line of log.split('\n')) {
      if (line.startsWith('@')) when = Date.parse(line.slice(1));
      else if (line.trim() && when !== undefined) out.set(line.trim(), when); // newest first: the last seen is the oldest
    }
  } catch {
    // No git, or an unborn branch: lead time falls back to "from now".
  }
  return out;
}
