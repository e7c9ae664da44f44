import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Every file of the working tree under root, as repo-relative paths with forward slashes: what
 * a policy's path patterns are checked against. Names only; no file is opened.
 */

const run = promisify(execFile);

// A walk that reaches this many entries stops and answers "unknown": a partial list would call
// patterns dead that only name files past the cut.
export const WALK_LIMIT = 200_000;
// The cache folder holds opsledger's own files, never the repository's (git ignores it through the .gitignore written in it).
const NOT_WALKED = new Set(['.git', 'node_modules', '.opsledger-cache']);

/**
 * Tracked and untracked files git would commit (ignored ones left out, as a pull request never
 * carries them), less those deleted from the working tree; outside git, a bounded walk.
 */
export async function repositoryPaths(root: string): Promise<string[] | undefined> {
  let listing: string;
  try {
    // `-t` tags each path; a file deleted from the working tree is listed twice, once as R.
    ({ stdout: listing } = await run('git', ['ls-files', '-z', '-t', '--cached', '--others', '--deleted', '--exclude-standard'], { cwd: root, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }));
  } catch {
    return walk(root);
  }
  const present = new Set<string>();
  const deleted = new Set<string>();
  for (const entry of listing.split('\0')) {
    if (entry.length < 3) continue;
    (entry[0] === 'R' ? deleted : present).add(entry.slice(2));
  }
  return [...present].filter((p) => !deleted.has(p)).sort();
}

function walk(root: string): string[] | undefined {
  const out: string[] = [];
  const stack = [''];
  let seen = 0;
  while (stack.length) {
    const rel = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > WALK_LIMIT) return undefined;
      const path = rel ? `${rel}/${e.name}` : e.name;
      // Links are names in the tree like files; following one could leave the repository.
      if (e.isDirectory() && !e.isSymbolicLink()) {
        if (!NOT_WALKED.has(e.name)) stack.push(path);
      } else out.push(path);
    }
  }
  return out.sort();
}
