import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { makeOrg } from './org.js';

/**
 * A real git repository in a temp folder holding an organisation, for the commands that read
 * commits (base-branch policy, merge parents, file history).
 */
export interface Person {
  name: string;
  email: string;
}


export class TestRepo {
  readonly git: SimpleGit;
  private tick = 0;
  private base = Date.UTC(2026, 10, 1, 12, 0, 0);

  private constructor(readonly root: string) {
    this.git = simpleGit({ baseDir: root });
  }

  static async create(files: Record<string, string> = {}, by: Person = { name: 'Org Admin', email: 'admin@example.com' }, options: { branch?: string; at?: string } = {}): Promise<TestRepo> {
    const repo = new TestRepo(makeOrg(files));
    if (options.at) repo.clock(options.at);
    await repo.git.init(['-b', options.branch ?? 'main']);
    await repo.git.addConfig('user.name', 'Test Runner').addConfig('user.email', 'runner@example.com').addConfig('commit.gpgsign', 'false');
    await repo.git.add(['-A']);
    await repo.commitStaged('Initial organisation', by);
    return repo;
  }

  /** Commits from now on are dated from this instant, a second apart. */
  clock(iso: string): void {
    this.base = Date.parse(iso);
    this.tick = 0;
  }

  private next(): string {
    return new Date(this.base + 1000 * this.tick++).toISOString();
  }

  /** Runs git as a given person at the next tick (simple-git refuses identity variables). */
  private gitAs(by: Person, args: string[]): void {
    // Distinct, increasing timestamps keep history order independent of the clock's resolution.
    const when = this.next();
    execFileSync('git', args, {
      cwd: this.root,
      stdio: 'pipe',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_AUTHOR_NAME: by.name, GIT_AUTHOR_EMAIL: by.email, GIT_COMMITTER_NAME: by.name, GIT_COMMITTER_EMAIL: by.email, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
    });
  }

  private async commitStaged(message: string, by: Person): Promise<string> {
    this.gitAs(by, ['commit', '--allow-empty', '-q', '-m', message]);
    return (await this.git.revparse(['HEAD'])).trim();
  }

  /** Writes (or, with null, deletes) files and commits them; returns the commit's sha. */
  async commit(files: Record<string, string | null>, message: string, by: Person): Promise<string> {
    for (const [rel, content] of Object.entries(files)) {
      const abs = join(this.root, rel);
      if (content === null) rmSync(abs, { force: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    }
    await this.git.add(['-A']);
    return this.commitStaged(message, by);
  }

  /** `git mv` and commit: the file keeps its content under a new name. */
  async mv(from: string, to: string, message: string, by: Person): Promise<string> {
    mkdirSync(dirname(join(this.root, to)), { recursive: true });
    await this.git.mv(from, to);
    return this.commitStaged(message, by);
  }

  async checkout(ref: string, create = false): Promise<void> {
    await this.git.checkout(create ? ['-b', ref] : [ref]);
  }

  /** `git merge --no-ff` of a branch into the checked-out one, as GitHub's merge button does. */
  async merge(branch: string, message: string, by: Person): Promise<string> {
    this.gitAs(by, ['merge', '--no-ff', '-q', '-m', message, branch]);
    return (await this.git.revparse(['HEAD'])).trim();
  }

  /** Squash and merge: the branch's changes as one commit on the checked-out branch. */
  async squashMerge(branch: string, message: string, by: Person): Promise<string> {
    this.gitAs(by, ['merge', '--squash', '-q', branch]);
    return this.commitStaged(message, by);
  }

  /** Rebase and merge: the branch's own commits replayed on the checked-out branch, authors and author dates kept, as GitHub does. */
  async rebaseMerge(branch: string, by: Person): Promise<string> {
    const own = (await this.git.raw(['rev-list', '--reverse', `HEAD..${branch}`])).split('\n').filter(Boolean);
    for (const sha of own) {
      const when = this.next();
      // Only the committer is set: the author and author date are the commit's own.
      execFileSync('git', ['cherry-pick', '--allow-empty', sha], { cwd: this.root, stdio: 'pipe', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', GIT_COMMITTER_NAME: by.name, GIT_COMMITTER_EMAIL: by.email, GIT_COMMITTER_DATE: when } });
    }
    return (await this.git.revparse(['HEAD'])).trim();
  }

  async sha(ref = 'HEAD'): Promise<string> {
    return (await this.git.revparse([ref])).trim();
  }

  async message(ref: string): Promise<string> {
    return this.git.raw(['log', '-1', '--format=%B', ref]);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
