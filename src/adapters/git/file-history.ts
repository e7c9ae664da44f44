import { simpleGit } from 'simple-git';
import type { FileCommit } from '../../core/catalog/types.js';
import { pathKey } from '../../core/path-key.js';

/** Commits kept per file: the catalog shows the latest few, and a busy file must not cost memory. */
const PER_FILE = 20;
const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * The commits that touched each file under `folders`, newest first, from one `git log` run for
 * the whole repository (one process per file would cost about 5 ms a file). Paths are relative
 * to `root`. Outside a git repository, or with no commits yet, the answer is undefined: the
 * catalog then says there is no history rather than showing an empty one. Keyed by `pathKey`.
 */
export async function fileHistory(root: string, folders: readonly string[]): Promise<Map<string, FileCommit[]> | undefined> {
  const git = simpleGit({ baseDir: root });
  let log: string;
  try {
    if (!(await git.checkIsRepo())) return undefined;
    // `-z`: paths as bytes, never quoted; the header ends in NUL and the first path follows a newline.
    log = await git.raw(['log', '-z', `--format=${RECORD}%H${FIELD}%aI${FIELD}%an${FIELD}%s`, '--name-only', '--no-renames', '--relative', '--', ...folders]);
  } catch {
    return undefined;
  }
  const out = new Map<string, FileCommit[]>();
  for (const record of log.split(RECORD)) {
    if (!record) continue;
    const [head = '', ...files] = record.split('\0');
    const [hash, date, author, subject] = head.split(FIELD);
    if (!hash || !date) continue;
    const commit: FileCommit = { hash, date, author: author ?? '', subject: subject ?? '' };
    for (const [i, file] of files.entries()) {
      const path = i === 0 && file.startsWith('\n') ? file.slice(1) : file;
      if (!path) continue;
      const key = pathKey(path);
      const list = out.get(key);
      if (!list) out.set(key, [commit]);
      else if (list.length < PER_FILE) list.push(commit);
    }
  }
  return out;
}
