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
 *
 * Renames are followed (`-M`, as `--follow` does for one file): the commits of a file before a
 * `git mv` belong to it under its new name, so moving a file does not erase its history.
 */
export async function fileHistory(root: string, folders: readonly string[]): Promise<Map<string, FileCommit[]> | undefined> {
  const git = simpleGit({ baseDir: root });
  let log: string;
  try {
    if (!(await git.checkIsRepo())) return undefined;
    // `-z`: paths as bytes, never quoted; the header ends in NUL and the first status follows a newline.
    log = await git.raw(['log', '-z', `--format=${RECORD}%H${FIELD}%aI${FIELD}%an${FIELD}%s`, '--name-status', '-M', '--relative', '--', ...folders]);
  } catch {
    return undefined;
  }
  return historyFromLog(log);
}

/** Parses `git log -z --name-status -M`, newest first: `R100\0old\0new\0` for a rename, `M\0path\0` otherwise. */
export function historyFromLog(log: string): Map<string, FileCommit[]> {
  const out = new Map<string, FileCommit[]>();
  // An older name → the name it has now, learnt from the renames seen so far (newer commits come first).
  const renamedTo = new Map<string, string>();
  const add = (path: string, commit: FileCommit) => {
    const key = pathKey(renamedTo.get(path) ?? path);
    const list = out.get(key);
    if (!list) out.set(key, [commit]);
    else if (list.length < PER_FILE && list[list.length - 1] !== commit) list.push(commit);
    return key;
  };
  for (const record of log.split(RECORD)) {
    if (!record) continue;
    const [head = '', ...tokens] = record.split('\0');
    const [hash, date, author, subject] = head.split(FIELD);
    if (!hash || !date) continue;
    const commit: FileCommit = { hash, date, author: author ?? '', subject: subject ?? '' };
    for (let i = 0; i < tokens.length; ) {
      const status = (i === 0 ? tokens[i]!.replace(/^\n/, '') : tokens[i]!).trim();
      if (!status) {
        i += 1;
        continue;
      }
      if (/^[RC]/.test(status)) {
        const [from = '', to = ''] = [tokens[i + 1], tokens[i + 2]];
        const now = renamedTo.get(to) ?? to;
        add(to, commit);
        if (status.startsWith('R') && from) renamedTo.set(from, now);
        i += 3;
      } else {
        if (tokens[i + 1]) add(tokens[i + 1]!, commit);
        i += 2;
      }
    }
  }
  return out;
}
