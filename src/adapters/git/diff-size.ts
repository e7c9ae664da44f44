import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DiffSize } from '../../core/risk/diff-size.js';
import { GitRefError } from './ref-error.js';
import { NUMSTAT, numstatBetween, parseNumstatEntries, type NumstatEntry } from './pr-history.js';

/**
 * How large a diff is, measured by git rather than taken from `spec.diff`, which the requester
 * types: a pull request against its base, or the working tree against the merge base with a ref.
 */

const run = promisify(execFile);
// A numstat line is short, but a pull request may touch hundreds of thousands of files.
const MAX_OUTPUT = 256 * 1024 * 1024;

async function git(root: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run('git', args, { cwd: root, maxBuffer: MAX_OUTPUT, encoding: 'utf8', ...(env ? { env } : {}) });
  return stdout;
}

function sizeOf(entries: readonly NumstatEntry[]): DiffSize {
  const size: DiffSize = { files: 0, additions: 0, deletions: 0 };
  for (const e of entries) {
    size.files += 1;
    size.additions += e.added ?? 0;
    size.deletions += e.deleted ?? 0;
  }
  return size;
}

/** Sums `git diff --numstat -z --no-renames`: `added\tdeleted\tpath\0` per file, `-\t-` for binary files. */
export function parseNumstat(out: string): DiffSize {
  return sizeOf(parseNumstatEntries(out));
}

/** The pull request's diff against where its branch left the base (as changedPathsBetween lists its files). */
export async function diffSizeBetween(root: string, base: string, head: string): Promise<DiffSize> {
  return sizeOf(await numstatBetween(root, base, head));
}

/**
 * The work since `ref` as `validate --changed-since` sees it: commits since the merge base,
 * uncommitted edits and untracked files. `git diff` leaves untracked files out, so they are
 * marked intent-to-add in a copy of the index; the real index is never written.
 */
export async function diffSizeSince(root: string, ref: string): Promise<DiffSize> {
  let mergeBase: string;
  try {
    await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    mergeBase = (await git(root, ['merge-base', ref, 'HEAD'])).trim();
  } catch {
    throw new GitRefError(ref, 'no such commit, branch or tag (or no history shared with HEAD)');
  }
  const scratch = mkdtempSync(join(tmpdir(), 'opsledger-index-'));
  try {
    const index = join(scratch, 'index');
    const real = resolve(root, (await git(root, ['rev-parse', '--git-path', 'index'])).trim());
    // The copy keeps git's stat cache, so unchanged files are not hashed again.
    if (existsSync(real)) copyFileSync(real, index);
    const env = { ...process.env, GIT_INDEX_FILE: index };
    await git(root, ['add', '--intent-to-add', '--', '.'], env);
    return parseNumstat(await git(root, [...NUMSTAT, mergeBase, '--'], env));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
