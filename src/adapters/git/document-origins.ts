import type { DocumentOrigin, DocumentOrigins, UnknownOrigin } from '../../app/ports/git.js';
import { DATA_FOLDERS } from '../../core/data-folders.js';
import { noteGraph } from './pr-history.js';
import { gitOutput } from './run-git.js';

/**
 * Where each change request's document first appeared: the commit whose diff first adds the line
 * that names it (`name: CR-YYYY-NNNN`), in any file, in the history of a ref.
 *
 * Why the log of the id line and not the first commit of the file, nor the blame of the id line:
 * - the file's first commit is wrong for a change appended to an existing multi-document file
 *   (that is the file's birth, not the document's), and after a `git mv` (the new path is born
 *   at the move);
 * - the blame of the id line gives the last commit that wrote that line: a reformat of the line,
 *   or the commit that moved the document from another file (blame follows lines across files
 *   only with `-C -C`, which searches every file of every commit), and it costs one process per
 *   file;
 * - one `git log -p -G` over the data folders lists every commit that added or removed a line
 *   naming a change, with just those lines: one process for the whole repository. The oldest
 *   commit that adds the line is where the document first appeared, whatever happened after
 *   (a rename shows no line at all, a move between files adds it again later).
 *
 * The whole history of the ref is read, not only its first-parent line: on the first-parent
 * line a merged pull request adds the document at the merge, but the proposal is the pull
 * request's own commit, and its author date is what a rebase or a squash keeps.
 *
 * In a shallow clone the boundary commits have no parents, so they seem to add every document
 * they hold: a document present at the boundary has an origin beyond it, and is unknown.
 * A document first added after the boundary is known.
 */

/** git prints %x01 before each commit line, a byte no diff line starts with. */
const SEP = '\u0001';

/** The id line as YAML writes it: block or flow style, plain or quoted. */
const ID_LINE = /(?:^|[\s{,])name\s*:\s*(["']?)(CR-\d{4}-\d{4,})\1\s*(?:$|[,}#])/;
/** The same, loosely, for git's `-G` (POSIX basic regex): it only narrows the commits git diffs. */
const GIT_PICKAXE = 'name[[:space:]]*:.*CR-[0-9]';

interface GraphCommit {
  parents: string[];
  authored: number;
  authorEmail: string;
}

/** `%x01%H%x09%P%x09%aI%x09%ae` per commit, newest first (the e-mail last: it is the one field that could hold a tab). */
export function parseGraph(log: string): { head?: string; commits: Map<string, GraphCommit> } {
  const commits = new Map<string, GraphCommit>();
  let head: string | undefined;
  for (const line of log.split('\n')) {
    if (!line.startsWith(SEP)) continue;
    const [hash = '', parents = '', date = '', ...email] = line.slice(1).split('\t');
    commits.set(hash, { parents: parents.split(' ').filter(Boolean), authored: Date.parse(date), authorEmail: email.join('\t') });
    head ??= hash;
  }
  return head === undefined ? { commits } : { head, commits };
}

/**
 * When the work of each commit began, for lead time: a merge on the first-parent line brings in
 * the commits reachable from its other parents that the line had not seen yet (the pull
 * request's commits), and they all start at the oldest of them. Other commits start at their own
 * author time. Read off the graph in memory: no process per merge.
 */
export function workStarts(log: string | ReturnType<typeof parseGraph>): Map<string, number> {
  const { head, commits } = typeof log === 'string' ? parseGraph(log) : log;
  const start = new Map<string, number>();
  if (!head) return start;
  const line: string[] = [];
  // A replace ref can make a commit its own ancestor (`git replace X Y` with Y a child of X):
  // git's walk stops at commits it has seen, and so does this one.
  const onLine = new Set<string>();
  for (let c: string | undefined = head; c && commits.has(c) && !onLine.has(c); c = commits.get(c)!.parents[0]) {
    onLine.add(c);
    line.push(c);
  }
  line.reverse();
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
  for (const [hash, c] of commits) if (!start.has(hash)) start.set(hash, c.authored);
  return start;
}

interface Adder {
  commit: string;
  at: number;
  boundary: boolean;
}

/**
 * The ids each commit adds, from `git log -p -U0 -G… --format=%x01%H%x09%aI%x09%D`. Only lines
 * inside a hunk count: a header (`+++ b/…`) names a file, not a document.
 */
export function parseIdLog(log: string, shallow: boolean): Map<string, Adder[]> {
  const out = new Map<string, Adder[]>();
  let current: Adder | undefined;
  let inHunk = false;
  for (const line of log.split('\n')) {
    if (line.startsWith(SEP)) {
      const [hash = '', date = '', decorations = ''] = line.slice(1).split('\t');
      // `grafted` is how git marks a shallow clone's boundary; named refs are excluded from %D.
      current = { commit: hash, at: Date.parse(date), boundary: shallow && decorations.split(', ').includes('grafted') };
      inHunk = false;
    } else if (line.startsWith('diff ')) inHunk = false;
    else if (line.startsWith('@@')) inHunk = true;
    else if (inHunk && current && line.startsWith('+')) {
      const id = ID_LINE.exec(line.slice(1))?.[2];
      if (!id) continue;
      const list = out.get(id);
      if (!list) out.set(id, [current]);
      else if (list[list.length - 1] !== current) list.push(current);
    }
  }
  return out;
}

/** The origin of each id from its adders: unknown when the boundary of a shallow clone holds it, else the oldest. */
export function originsFrom(adders: Map<string, Adder[]>, starts: ReadonlyMap<string, number>): Map<string, DocumentOrigin | UnknownOrigin> {
  const out = new Map<string, DocumentOrigin | UnknownOrigin>();
  for (const [id, list] of adders) {
    if (list.some((a) => a.boundary)) {
      out.set(id, { unknown: 'shallow-clone' });
      continue;
    }
    const known = list.filter((a) => !Number.isNaN(a.at));
    if (!known.length) continue;
    const first = known.reduce((a, b) => (b.at < a.at ? b : a));
    const work = starts.get(first.commit);
    out.set(id, { commit: first.commit, at: first.at, workStartedAt: work !== undefined && !Number.isNaN(work) && work <= first.at ? work : first.at });
  }
  return out;
}

export async function documentOrigins(root: string, ref = 'HEAD'): Promise<DocumentOrigins> {
  try {
    // The App reads a bare mirror: a repository without a working tree has history all the same.
    // One process answers all three; outside a repository it fails, and the catch below answers.
    const [inside, bare, shallowAnswer] = (await gitOutput(root, ['rev-parse', '--is-inside-work-tree', '--is-bare-repository', '--is-shallow-repository'])).split('\n').map((l) => l.trim());
    if (inside !== 'true' && bare !== 'true') return { shallow: false, byId: new Map() };
    const shallow = shallowAnswer === 'true';
    const [graph, ids] = await Promise.all([
      gitOutput(root, ['log', '--format=%x01%H%x09%P%x09%aI%x09%ae', ref, '--']),
      gitOutput(root, [
        'log', '-p', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--full-history', '-G', GIT_PICKAXE,
        // Only the `grafted` marker is wanted from the decorations: a ref named like it must not pass for one.
        '--decorate-refs=refs/opsledger/none', '--format=%x01%H%x09%aI%x09%D', ref, '--', ...DATA_FOLDERS,
      ]),
    ]);
    const parsed = parseGraph(graph);
    // The gate asks next for the first-parent line of a merge on this history: git printed it
    // here. Not from a shallow clone, whose boundary commits show no parents until a fetch
    // deepens it: elsewhere a commit's parents, author and date are fixed by its id.
    if (!shallow) noteGraph(root, parsed.commits);
    return { shallow, byId: originsFrom(parseIdLog(ids, shallow), workStarts(parsed)) };
  } catch {
    // No git, an unborn branch or an unknown ref: nothing was ever committed that git can show.
    return { shallow: false, byId: new Map() };
  }
}
