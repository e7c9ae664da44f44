import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExpectedFailure } from '../../app/ports/failure.js';

/**
 * A bare mirror of each repository the App is installed on, under the data folder, fetched from
 * the repository's clone URL before each decision (a warm mirror fetches only what is new).
 * The installation token travels as an HTTP header in the git process's environment
 * (GIT_CONFIG_COUNT), scoped to the clone URL's origin: it is never on a command line other
 * processes can list, in the remote URL, in the mirror's config or in FETCH_HEAD.
 */
export class MirrorError extends ExpectedFailure {
  override name = 'MirrorError';
}

export interface MirroredRepository {
  /** GitHub's repository id: stable across renames and transfers, and safe as a folder name. */
  id: number;
  cloneUrl: string;
  defaultBranch: string;
}

const BRANCH = /^(?!.*\.\.)(?!\/)[A-Za-z0-9._\/-]+(?<![./])$/;

/** The environment that hands git the token for this clone URL's origin only. */
export function credentialEnv(cloneUrl: string, token: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    return {};
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${url.origin}/.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}

export class RepositoryMirrors {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly dir: string,
    private readonly timeoutMs = 10 * 60_000,
  ) {}

  pathOf(id: number): string {
    return join(this.dir, `${id}.git`);
  }

  /**
   * Brings the mirror up to date (creating it on first use) and returns its path. One fetch per
   * repository at a time. An abort stops the git processes (the fetch and the transport helpers
   * it started) and rejects once they have exited, so the next fetch finds no lock of theirs.
   */
  async sync(repo: MirroredRepository, token: string, signal?: AbortSignal): Promise<string> {
    if (!Number.isSafeInteger(repo.id) || repo.id < 1) throw new MirrorError('git.mirror', `repository id ${repo.id} is not a GitHub repository id`);
    if (!BRANCH.test(repo.defaultBranch)) throw new MirrorError('git.mirror', `"${repo.defaultBranch}" is not a branch name`);
    const path = this.pathOf(repo.id);
    return this.exclusive(path, async () => {
      if (!existsSync(join(path, 'HEAD'))) {
        mkdirSync(path, { recursive: true });
        await this.git(['init', '--bare', '--quiet', '.'], path, {}, signal);
      }
      await this.git(['fetch', '--prune', '--no-tags', '--quiet', '--', repo.cloneUrl, '+refs/heads/*:refs/heads/*', '+refs/pull/*/head:refs/pull/*/head'], path, credentialEnv(repo.cloneUrl, token), signal);
      // HEAD names the default branch, so "the organisation as it is now" reads the right one.
      await this.git(['symbolic-ref', 'HEAD', `refs/heads/${repo.defaultBranch}`], path, {}, signal);
      return path;
    });
  }

  private async exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const settled = mine.catch(() => undefined);
    this.locks.set(key, settled);
    void settled.then(() => {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    });
    return mine;
  }

  private git(args: string[], cwd: string, extraEnv: Record<string, string> = {}, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new MirrorError('git.fetch', `git ${args[0]} was not started: the work was cancelled`));
      // Its own process group: git fetch runs a transport helper (remote-https, upload-pack),
      // and stopping only the parent would leave that running.
      const child = spawn('git', args, { cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', ...extraEnv } });
      let stderr = '';
      let stopped: string | undefined;
      child.stderr!.on('data', (d: Buffer) => {
        if (stderr.length < 64 * 1024) stderr += d.toString();
      });
      // SIGTERM, not SIGKILL: git removes its lock files and temporary packs on the way out.
      const stop = (why: string) => {
        if (stopped !== undefined || child.exitCode !== null) return;
        stopped = why;
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
      };
      const timer = setTimeout(() => stop(`no answer within ${Math.round(this.timeoutMs / 1000)}s`), this.timeoutMs);
      const onAbort = () => stop('the work was cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (error?: string) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(new MirrorError('git.fetch', `git ${args[0]} failed: ${error}`));
      };
      child.on('error', (e) => done(e.message));
      child.on('close', (code, sig) => {
        if (stopped !== undefined) return done(stopped);
        if (code === 0) return done();
        done(stderr.trim().split('\n').slice(-2).join(' ') || `exit ${code ?? sig}`);
      });
    });
  }
}
