import type { LineCommit } from '../../core/merge-base.js';
import { GitObjectMissing, noteCommits, resolveCommit } from './read-at-ref.js';
import { gitOutput } from './run-git.js';

/**
 * The git questions the pull-request and gate commands ask: what a pull request changed, which
 * commit last touched a change request on the default branch, and the first-parent line a
 * merge sits on.
 */

/** Every path the pull request touches (added, modified or deleted), relative to root, against the merge base. */
export async function changedPathsBetween(root: string, base: string, head: string): Promise<string[]> {
  return (await numstatBetween(root, base, head)).map((e) => e.path);
}

/** One file of `git diff --numstat`: lines added and deleted, undefined for a binary file. */
export interface NumstatEntry {
  path: string;
  added: number | undefined;
  deleted: number | undefined;
}

export const NUMSTAT = ['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--relative'];
const numstats = new Map<string, Promise<NumstatEntry[]>>();

/**
 * The pull request's files with their lines added and deleted, against where its branch left
 * the base. The gate asks for both the paths and the size of one pull request: one git process
 * answers both (the paths are those `git diff --name-only` lists, in its order).
 */
export async function numstatBetween(root: string, base: string, head: string): Promise<NumstatEntry[]> {
  const { mergeBase, head: h } = await pullRequestBase(root, base, head);
  // Keyed by commits, which never change; a few kept, as a long-lived App sees many pull requests.
  const key = `${root}\0${mergeBase}\0${h}`;
  let found = numstats.get(key);
  if (!found) {
    found = gitOutput(root, [...NUMSTAT, mergeBase, h, '--']).then(parseNumstatEntries);
    if (numstats.size >= 16) numstats.delete(numstats.keys().next().value!);
    numstats.set(key, found);
    // A failure is not remembered: the next question asks git again.
    const asked = found;
    asked.catch(() => numstats.get(key) === asked && numstats.delete(key));
  }
  return found;
}

/** `git diff --numstat -z --no-renames`: `added\tdeleted\tpath\0` per file, `-\t-` for a binary file. */
export function parseNumstatEntries(out: string): NumstatEntry[] {
  const entries: NumstatEntry[] = [];
  for (const entry of out.split('\0')) {
    if (!entry) continue;
    const first = entry.indexOf('\t');
    const second = entry.indexOf('\t', first + 1);
    const count = (s: string) => (s === '-' ? undefined : Number(s) || 0);
    entries.push({ added: count(entry.slice(0, first)), deleted: count(entry.slice(first + 1, second)), path: entry.slice(second + 1) });
  }
  return entries;
}

/** Where the pull request's branch left the base: every question about its diff starts there. */
export async function pullRequestBase(root: string, base: string, head: string): Promise<{ mergeBase: string; head: string }> {
  const [b, h] = [await resolveCommit(root, base), await resolveCommit(root, head)];
  // Two commits have the same merge base for the life of the process; the diff's size and its paths both ask.
  const key = `${root}\0${b}\0${h}`;
  // A parent is its child's merge base with it, and git listed the parents of the merges the gate reads.
  const known = mergeBases.get(key) ?? (parentsOf.get(`${root}\0${h}`)?.includes(b) ? b : undefined);
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
// Commits' parents as `git log` printed them, by root and commit.
const parentsOf = new Map<string, readonly string[]>();

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
  const line = lineFromGraph(root, sha, Math.max(1, count)) ?? (await lineFromGit(root, sha, count));
  // Git printed these as commits: asking it again whether they are would be one process each.
  for (const c of line) {
    noteCommits(root, [c.sha, ...c.parents]);
    if (parentsOf.size < 10_000) parentsOf.set(`${root}\0${c.sha}`, c.parents);
  }
  return line;
}

async function lineFromGit(root: string, sha: string, count: number): Promise<LineCommit[]> {
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

/** A commit as `git log` printed it: what firstParentLine reads of each. */
export interface GraphEntry {
  parents: readonly string[];
  authored: number;
  authorEmail: string;
}

// The last history a `git log` printed whole (documentOrigins reads every commit reachable from
// the default branch, with the fields firstParentLine asks for): one graph, the latest, so a
// long-lived process (the App, over many mirrors) keeps no more than that.
let graph: { root: string; commits: ReadonlyMap<string, GraphEntry> } | undefined;

export function noteGraph(root: string, commits: ReadonlyMap<string, GraphEntry>): void {
  graph = { root, commits };
}

/**
 * The first-parent line from the last graph git printed for this root, when it holds the whole
 * line: what `git log --first-parent -n<count>` prints, without its process. A commit's parents,
 * author and date are fixed by its id. Undefined (git is asked) when the commit is not in it or
 * the line leaves it before it ends, or comes back on itself (a replace ref can do that).
 */
function lineFromGraph(root: string, sha: string, count: number): LineCommit[] | undefined {
  if (!graph || graph.root !== root) return undefined;
  const line: LineCommit[] = [];
  const seen = new Set<string>();
  for (let c: string | undefined = sha; c !== undefined && line.length < count; ) {
    const entry = graph.commits.get(c);
    if (!entry || seen.has(c)) return undefined;
    seen.add(c);
    line.push({ sha: c, parents: [...entry.parents], authorEmail: entry.authorEmail.trim(), authored: entry.authored });
    c = entry.parents[0];
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
