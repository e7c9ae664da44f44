import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { appendToNamedFile, writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import type { GitHubApi } from '../../app/ports/github.js';
import { clientConfigFromEnv, readEventPayload } from '../../adapters/github/env.js';
import { GitHubConfigError } from '../../adapters/github/errors.js';
import { pullRequestFromEvent } from '../../adapters/github/events.js';
import { createGitHubApi } from '../../adapters/github/octokit.js';
import { fitJobSummary } from '../../report/job-summary.js';
import { UsageError, type CommandContext } from '../context.js';

/** What the GitHub-facing commands share: the client, the event, the job summary and report files. */
export function openGitHub(ctx: CommandContext): GitHubApi {
  return createGitHubApi(clientConfigFromEnv(ctx.env));
}

/**
 * The pull request a command is about: `--pr N`, else the event payload's. `readOnly` is set
 * when the event is about a pull request from a fork: the run's token can write nothing back.
 * A number given with `--pr` comes with whatever token the caller chose, so it is never read-only.
 */
export function pullTarget(ctx: CommandContext, values: Record<string, unknown>): { number: number; readOnly: boolean } {
  if (values.pr !== undefined) {
    const n = Number(values.pr);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('--pr takes a pull-request number');
    return { number: n, readOnly: false };
  }
  const event = pullRequestFromEvent(readEventPayload(ctx.env, eventPath(ctx, values)));
  return { number: event.number, readOnly: event.fromFork };
}

/**
 * Why a run on a fork's pull request wrote nothing: said in the job summary, on stdout and (for
 * `pr`) in the report, so the run ends neutral with the reason rather than red with a 403.
 */
export const FORK_EXPLANATION =
  'This pull request comes from a fork, and GitHub gives its workflow runs a read-only token, so opsledger wrote nothing to it: no check run, risk comment, labels, review requests or opsledger/cab status. The decision is in this summary; opsledger/cab is published when someone with write access runs `opsledger cab --pr N`.';

/**
 * The workflow run's page, whose summary holds the full report: where a status's "Details"
 * link leads. Undefined outside Actions or when a variable is not what the runner sets.
 */
export function runUrl(env: Record<string, string | undefined>): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = env;
  if (!server || !repository || !run || !/^\d+$/.test(run) || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return undefined;
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    return undefined;
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') return undefined;
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/${repository}/actions/runs/${run}`;
}

export function eventPath(ctx: CommandContext, values: Record<string, unknown>): string | undefined {
  return typeof values.event === 'string' ? resolve(ctx.cwd, values.event) : undefined;
}

/**
 * Appends markdown to the job summary when the runner offers one (GITHUB_STEP_SUMMARY), cut to
 * GitHub's 1 MiB (fitJobSummary) so the summary is never dropped whole. The
 * runner named the file, so a link is written through; a FIFO, device or folder is refused
 * (UnsafeWriteTargetError) rather than blocked on or replaced.
 */
export function appendJobSummary(ctx: CommandContext, markdown: string): void {
  const file = ctx.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  let written = 0;
  try {
    written = statSync(file).size;
  } catch {
    // Not there yet: the runner creates it on first write.
  }
  const { text } = fitJobSummary(markdown.endsWith('\n') ? markdown : markdown + '\n', written);
  if (text) appendToNamedFile(file, text);
}

/**
 * Writes a command's machine-readable result where `--report FILE` asked (the action's `report`
 * output), replacing the file whole like every other output opsledger writes: a link, FIFO,
 * device or folder there is refused (UnsafeWriteTargetError, exit 2), never replaced.
 */
export function writeReport(ctx: CommandContext, values: Record<string, unknown>, data: unknown): string | undefined {
  if (typeof values.report !== 'string') return undefined;
  const file = resolve(ctx.cwd, values.report);
  writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

export { knownFailure } from '../../app/ports/failure.js';

/** Configuration problems are usage errors (exit 2) for pr and cab; the gate denies instead. */
export function isConfigError(e: unknown): boolean {
  return e instanceof GitHubConfigError;
}

/**
 * Where the catalog is published (OPSLEDGER_CATALOG_URL, e.g. https://catalog.example.com/):
 * each change form links to its change page there. A value that is not an http(s) address is
 * a usage error, not a link that leads nowhere.
 */
export function catalogUrlFromEnv(env: Record<string, string | undefined>): string | undefined {
  const raw = env.OPSLEDGER_CATALOG_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`OPSLEDGER_CATALOG_URL is not an address: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`OPSLEDGER_CATALOG_URL must be an http(s) address, not ${url.protocol}`);
  url.search = '';
  url.hash = '';
  return url.href;
}
