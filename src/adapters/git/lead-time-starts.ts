import { simpleGit } from 'simple-git';

/**
 * When work on each file began, for lead time for changes: the first commit of the pull request
 * that added the file, or the commit that added it when it did not come through a merge
 * (squash, rebase or a direct push). Author dates, because they survive rebases and amends;
 * committer dates say when a commit was last rewritten.
 *
 * One `git log` over the whole history gives every commit with its parents, author date and the
 * files it added; the pull requests are then read off the graph in memory: a merge on the
 * first-parent line brings in the commits reachable from its other parents that the line had not
 * seen yet, and those are the pull request's commits. No process per file or per merge.
 */

interface Commit {
  parents: string[];
  authored: number;
  added: string[];
}

/** git prints %x01 before each commit line, a byte no path or date contains. */
const SEP = '\u0001';

export function parseHistory(log: string): { head?: string; commits: Map<string, Commit> } {
  const commits = new Map<string, Commit>();
  let head: string | undefined;
  let current: Commit | undefined;
  for (const line of log.split('\n')) {
    if (line.startsWith(SEP)) {
      const [hash = '', parents = '', date = ''] = line.slice(1).split('\t');
      current = { parents: parents.split(' ').filter(Boolean), authored: Date.parse(date), added: [] };
      commits.set(hash, current);
      head ??= hash;
    } else if (current && line.startsWith('A\t')) {
      current.added.push(line.slice(2));
    }
  }
  return head === undefined ? { commits } : { head, commits };
}

/** File → author time of the first commit of the work that added it (see above). */
export function startsFromHistory(log: string, shallow: boolean): Map<string, number> {
  const { head, commits } = parseHistory(log);
  const out = new Map<string, number>();
  if (!head) return out;
  // The first-parent line, oldest first.
  const line: string[] = [];
  for (let c: string | undefined = head; c && commits.has(c); c = commits.get(c)!.parents[0]) line.push(c);
  line.reverse();
  const start = new Map<string, number>();
  const seen = new Set<string>();
  for (const m of line) {
    seen.add(m);
    start.set(m, commits.get(m)!.authored);
    const brought: string[] = [];
    const queue = commits.get(m)!.parents.slice(1);
    while (queue.length) {
      const c = queue.pop()!;
      if (seen.has(c) || !commits.has(c)) continue;
      seen.add(c);
      brought.push(c);
      queue.push(...commits.get(c)!.parents);
    }
    if (brought.length) {
      const first = Math.min(...brought.map((c) => commits.get(c)!.authored));
      for (const c of brought) start.set(c, first);
    }
  }
  for (const [hash, commit] of commits) {
    // A shallow clone's oldest commits have no parents and seem to add every file: not real.
    if (shallow && commit.parents.length === 0) continue;
    const when = start.get(hash);
    if (when === undefined || Number.isNaN(when)) continue;
    for (const file of commit.added) {
      const known = out.get(file);
      if (known === undefined || when < known) out.set(file, when);
    }
  }
  return out;
}

/** Start times for every file ever added under `root` (paths relative to it). Empty outside git. */
export async function leadTimeStarts(root: string): Promise<Map<string, number>> {
  try {
    const git = simpleGit({ baseDir: root });
    if (!(await git.checkIsRepo())) return new Map();
    const shallow = (await git.raw(['rev-parse', '--is-shallow-repository'])).trim() === 'true';
    const log = await git.raw(['-c', 'core.quotePath=false', 'log', '--format=%x01%H%x09%P%x09%aI', '--name-status', '--no-renames', '--relative']);
    return startsFromHistory(log, shallow);
  } catch {
    // No git, or an unborn branch: every lead time is unknown, which the report says.
    return new Map();
  }
}
