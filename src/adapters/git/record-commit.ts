import { simpleGit, type SimpleGit } from 'simple-git';
import { ExpectedFailure } from '../../app/ports/failure.js';
import { withFileLock } from '../fs/file-lock.js';
import { resolve } from 'node:path';

/**
 * Commits a recorded outcome and, when asked, pushes it so that concurrent recorders (several
 * release pipelines finishing at once) lose nothing. On a rejected push the recorder drops its
 * own commit, moves to the remote branch, waits a random moment and records again on the new
 * text: re-deciding on the newest file means a conflict is never resolved by a guess (someone
 * may have cancelled the change or recorded it meanwhile), and history stays linear.
 */

export type { CommitResult, RecordStep } from '../../app/ports/workspace.js';
import type { CommitResult, RecordStep } from '../../app/ports/workspace.js';

export interface CommitOptions {
  /** The file the step writes, relative to the repository root. */
  file: string;
  message: string;
  push: boolean;
  maxAttempts?: number;
  /** Pause before retry n (1-based); randomised so racing recorders spread out. */
  backoffMs?: (attempt: number) => number;
}


export class RecordGitError extends ExpectedFailure {
  override name = 'RecordGitError';
  constructor(message: string) {
    super('git.record', message);
  }
}

const RETRYABLE_PUSH = /rejected|non-fast-forward|fetch first|failed to (update|lock) ref|cannot lock ref|stale info|incorrect old value/i;

const defaultBackoff = (attempt: number) => Math.round((25 + Math.random() * 150) * Math.min(attempt, 6));

async function upstreamOf(git: SimpleGit): Promise<{ remote: string; branch: string }> {
  const branch = (await git.revparse(['--abbrev-ref', 'HEAD'])).trim();
  if (branch === 'HEAD') throw new RecordGitError('HEAD is detached; check out the branch to record on');
  try {
    const upstream = (await git.revparse(['--abbrev-ref', '--symbolic-full-name', '@{u}'])).trim();
    const slash = upstream.indexOf('/');
    if (slash > 0) return { remote: upstream.slice(0, slash), branch: upstream.slice(slash + 1) };
  } catch {
    // No upstream configured: push to origin under the same name.
  }
  return { remote: 'origin', branch };
}

/** CI runners often have no git identity; commits then carry opsledger's own. */
async function identityArgs(git: SimpleGit): Promise<string[]> {
  const email = await git.raw(['config', '--get', 'user.email']).catch(() => '');
  return email.trim() ? [] : ['-c', 'user.name=opsledger', '-c', 'user.email=opsledger@users.noreply.github.com'];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function commitRecord<R>(root: string, step: RecordStep<R>, options: CommitOptions): Promise<CommitResult<R>> {
  const git = simpleGit({ baseDir: root });
  if (!(await git.checkIsRepo())) throw new RecordGitError('--commit needs the organisation to be a git repository');
  if ((await git.raw(['--literal-pathspecs', 'status', '--porcelain', '-z', '--', options.file])).trim() !== '') return { status: 'dirty', attempts: 0 };
  const target = options.push ? await upstreamOf(git) : undefined;
  const identity = await identityArgs(git);
  const maxAttempts = options.maxAttempts ?? 30;
  const backoff = options.backoffMs ?? defaultBackoff;

  // Concurrent recorders in one clone share its index and HEAD: git refuses a second commit
  // while one runs (index.lock) and HEAD read after a commit may already be someone else's.
  // Each writes and commits, and later drops its commit, holding one lock per repository.
  const gitDir = resolve(root, (await git.revparse(['--git-dir'])).trim());
  const exclusively = async <T>(fn: () => Promise<T>): Promise<T> => {
    const held = await withFileLock(resolve(gitDir, 'opsledger-record'), fn);
    if (!held.ok) throw new RecordGitError(`another opsledger record kept the repository locked (${held.holder})`);
    return held.value;
  };

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const made = await exclusively(async () => {
      const result = await step();
      if (!result.ok || !result.changed) return { result };
      await git.raw([...identity, '--literal-pathspecs', 'commit', '--quiet', '--only', '-m', options.message, '--', options.file]);
      return { result, commit: (await git.revparse(['HEAD'])).trim() };
    });
    const result = made.result;
    if (!result.ok) return { status: 'refused', value: result.value, attempts: attempt };
    const commit = made.commit;
    if (!target) return { status: 'done', value: result.value, ...(commit ? { commit } : {}), attempts: attempt };
    try {
      await git.push(target.remote, `HEAD:refs/heads/${target.branch}`);
      return { status: 'done', value: result.value, ...(commit ? { commit } : {}), pushed: target, attempts: attempt };
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      if (!RETRYABLE_PUSH.test(message)) throw new RecordGitError(`git push failed: ${message.trim()}`);
    }
    // Somebody pushed first. Drop only the commit made here (never anyone else's work), take
    // the remote branch as it is now, and record again on top of it.
    await sleep(backoff(attempt));
    await git.fetch(target.remote, target.branch);
    await exclusively(async () => {
      if (commit) {
        if ((await git.revparse(['HEAD'])).trim() !== commit) throw new RecordGitError('HEAD moved during the record; not touching it');
        await git.raw(['reset', '--quiet', '--keep', 'HEAD~1']);
      }
      try {
        await git.raw(['rebase', '--quiet', `${target.remote}/${target.branch}`]);
      } catch (e) {
        await git.raw(['rebase', '--abort']).catch(() => undefined);
        throw new RecordGitError(`could not move onto ${target.remote}/${target.branch}: ${(e as Error).message.trim()}`);
      }
    });
  }
  throw new RecordGitError(`gave up after ${maxAttempts} attempts: the remote branch kept moving`);
}
