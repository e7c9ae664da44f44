import { simpleGit } from 'simple-git';
import type { ChangedBlob, MainlineCommit } from '../../app/ports/git.js';
import { resolveCommit } from './read-at-ref.js';

/**
 * The first-parent line of a branch with what each commit changed against its first parent (a
 * merge's whole pull request, a squash's or a direct push's own diff), in one git process: the
 * paths, each path's blob after the commit (so an audit reads only the blobs a commit changed),
 * and the size of the diff as `git diff --numstat` counts it.
 * Commit messages are the author's to write, so none is parsed beyond its subject line, and the
 * marker that starts a commit is one no subject or path can hold (a NUL-separated record).
 */
const MARK = '\u0001\u0002opsledger\u0002';

export async function mainlineHistory(root: string, ref: string, since: number, until: number): Promise<MainlineCommit[]> {
  const sha = await resolveCommit(root, ref);
  // A day of slack: git stops at the first commit older than --since, and committer clocks drift.
  const args = ['log', '--first-parent', '--diff-merges=first-parent', '--raw', '--numstat', '--no-abbrev', '--no-renames', '--relative', '-z', `--format=${MARK.replace(/\u0001/g, '%x01').replace(/\u0002/g, '%x02')}%H%x00%P%x00%cI%x00%aI%x00%ae%x00%s`];
  if (since > 0) args.push(`--since=${new Date(since - 86_400_000).toISOString()}`);
  args.push(sha, '--');
  const out = await simpleGit({ baseDir: root }).raw(args);
  const commits: MainlineCommit[] = [];
  for (const chunk of out.split(MARK)) {
    if (!chunk) continue;
    const fields = chunk.split('\0');
    const [h = '', parents = '', committed = '', authored = '', email = '', subject = ''] = fields;
    if (!/^[0-9a-f]{40}$/.test(h)) continue;
    const blobs: ChangedBlob[] = [];
    const size = { files: 0, additions: 0, deletions: 0 };
    const rest = fields.slice(6);
    for (let i = 0; i < rest.length; i++) {
      const token = rest[i]!.replace(/^\n/, '');
      if (token.startsWith(':')) {
        // `:oldmode newmode oldoid newoid status`, then the path as the next field.
        const [, mode = '', , oid = ''] = token.slice(1).split(' ');
        const path = rest[++i] ?? '';
        // Only regular files are documents: a link (120000) or a submodule names no content here.
        const regular = /^100[0-7]{3}$/.test(mode) && !/^0+$/.test(oid);
        if (path) blobs.push({ path, oid: regular ? oid : null });
      } else if (token.includes('\t')) {
        const [added, deleted] = token.split('\t');
        size.files += 1;
        size.additions += Number(added) || 0;
        size.deletions += Number(deleted) || 0;
      }
    }
    blobs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const committedAt = Date.parse(committed);
    if (committedAt < since || committedAt > until) continue;
    commits.push({ sha: h, parents: parents.split(' ').filter(Boolean), committedAt, authoredAt: Date.parse(authored), authorEmail: email, subject, changed: blobs.map((b) => b.path), blobs, size });
  }
  return commits.reverse();
}
