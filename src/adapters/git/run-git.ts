import { execFile } from 'node:child_process';

// Listings of a large organisation's trees and logs run to hundreds of megabytes.
const MAX_OUTPUT = 512 * 1024 * 1024;

/** Why a git process failed: its exit code and what it said. */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | string | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (${exitCode}): ${stderr.trim().split('\n')[0] ?? ''}`);
  }
}

/**
 * One git process in `root`, its standard output as text; a failure to start or a non-zero exit
 * rejects with GitCommandError. The gate asks git about twenty questions: through simple-git
 * each cost the gate's process about 10 ms of CPU and loading simple-git 70 ms more; a plain
 * child process costs about 4 ms. Arguments are the caller's own: a ref or path that came from
 * elsewhere goes after `--` or is checked not to read as an option (see resolveCommit).
 */
export function gitOutput(root: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: root, encoding: 'utf8', maxBuffer: MAX_OUTPUT }, (error, stdout, stderr) => {
      if (error) reject(new GitCommandError(args, (error as NodeJS.ErrnoException & { code?: number | string }).code ?? null, String(stderr ?? '')));
      else resolve(stdout);
    });
  });
}
