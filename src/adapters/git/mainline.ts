import { simpleGit } from 'simple-git';
import type { MainlineCommit } from '../../app/ports/git.js';
import { resolveCommit } from './read-at-ref.js';

/**
 * The first-parent line of a branch with what each commit changed against its first parent (a
 * merge's whole pull request, a squash's or a direct push's own diff), in one git process.
 * Commit messages are the author's to write, so none is parsed beyond its subject line, and the
 * marker that starts a commit is one no subject or path can hold (a NUL-separated record).
 */
const MARK = '\u0001\u0002opsledger\u0002';

export async function mainlineHistory(root: string, ref: string, since: number, until: number): Promise<MainlineCommit[]> {
  const sha = await resolveCommit(root, ref);
  // A day of slack: git stops at the first commit older than --since, and committer clocks drift.
  const args = ['log', '--first-parent', '--diff-merges=first-parent', '--name-only', '--no-renames', '--relative', '-z', `--format=${MARK.replace(/\u0001/g, '%x01').replace(/\u0002/g, '%x02')}%H%x00%P%x00%cI%x00%aI%x00%ae%x00%s`];
  if (since > 0) args.push(`--since=${new Date(since - 86_400_000).toISOString()}`);
  args.push(sha, '--');
  const out = await simpleGit({ baseDir: root }).raw(args);
  const commits: MainlineCommit[] = [];
  for (const chunk of out.split(MARK)) {
    if (!chunk) continue;
    const fields = chunk.split('\0');
    const [h = '', parents = '', committed = '', authored = '', email = '', subject = ''] = fields;
    if (!/^[0-9a-f]{40}$/.test(h)) continue;
    const changed = fields.slice(6).map((f) => f.replace(/^\n/, '')).filter(Boolean).sort();
    const committedAt = Date.parse(committed);
    if (committedAt < since || committedAt > until) continue;
    commits.push({ sha: h, parents: parents.split(' ').filter(Boolean), committedAt, authoredAt: Date.parse(authored), authorEmail: email, subject, changed });
  }
  return commits.reverse();
}
