import { describeRefusal, readNamedFile } from '../fs/read-policy.js';
import type { RepoRef } from '../../app/ports/github.js';
import { GitHubConfigError } from './errors.js';
import type { GitHubClientConfig } from './octokit.js';

/**
 * The GitHub Actions conventions every GitHub-facing command follows: GITHUB_TOKEN,
 * GITHUB_REPOSITORY, GITHUB_API_URL (GitHub Enterprise Server, and tests), GITHUB_EVENT_PATH,
 * GITHUB_SHA. OPSLEDGER_GITHUB_* tune timeouts and retries (tests make them fast).
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function repoFromEnv(env: Env): RepoRef {
  const full = env.GITHUB_REPOSITORY ?? '';
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(full);
  if (!m) throw new GitHubConfigError(full ? `GITHUB_REPOSITORY "${full}" is not owner/name` : 'GITHUB_REPOSITORY is not set (owner/name)');
  return { owner: m[1]!, repo: m[2]! };
}

function tuning(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new GitHubConfigError(`${name} must be a whole number, not "${v}"`);
  return Number(v);
}

/** GITHUB_API_URL: github.com's API unless set (GitHub Enterprise Server's /api/v3, a test server). */
export function apiUrlFromEnv(env: Env): string {
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  if (!/^https?:\/\//.test(apiUrl)) throw new GitHubConfigError(`GITHUB_API_URL "${apiUrl}" is not an http(s) URL`);
  return apiUrl;
}

export function clientConfigFromEnv(env: Env): GitHubClientConfig {
  const token = env.GITHUB_TOKEN ?? env.INPUT_TOKEN;
  if (!token) throw new GitHubConfigError('GITHUB_TOKEN is not set: the command needs a token to read pull requests and reviews');
  const apiUrl = apiUrlFromEnv(env);
  return { token, baseUrl: apiUrl, repo: repoFromEnv(env), ...clientTuningFromEnv(env) };
}

/** OPSLEDGER_GITHUB_* (timeouts, retries, pacing): the same for every client, token or App. */
export function clientTuningFromEnv(env: Env): Pick<GitHubClientConfig, 'timeoutMs' | 'retries' | 'retryBaseMs' | 'writeGapMs'> {
  const config: Pick<GitHubClientConfig, 'timeoutMs' | 'retries' | 'retryBaseMs' | 'writeGapMs'> = {};
  const timeoutMs = tuning(env, 'OPSLEDGER_GITHUB_TIMEOUT_MS');
  const retries = tuning(env, 'OPSLEDGER_GITHUB_RETRIES');
  const retryBaseMs = tuning(env, 'OPSLEDGER_GITHUB_RETRY_BASE_MS');
  const writeGapMs = tuning(env, 'OPSLEDGER_GITHUB_WRITE_GAP_MS');
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;
  if (retries !== undefined) config.retries = retries;
  if (retryBaseMs !== undefined) config.retryBaseMs = retryBaseMs;
  if (writeGapMs !== undefined) config.writeGapMs = writeGapMs;
  return config;
}

// GitHub caps webhook payloads at 25 MB; an event file larger than that is not GitHub's.
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** The webhook payload of the event that started the workflow (or a file named explicitly). */
export function readEventPayload(env: Env, path?: string): Record<string, unknown> {
  const file = path ?? env.GITHUB_EVENT_PATH;
  if (!file) throw new GitHubConfigError('GITHUB_EVENT_PATH is not set: run this inside a GitHub Actions workflow, or pass --event FILE');
  const read = readNamedFile(file, MAX_WEBHOOK_BYTES);
  if ('refused' in read) throw new GitHubConfigError(`cannot read the event payload ${file}: ${describeRefusal(read.refused, read.stat, MAX_WEBHOOK_BYTES)}`);
  let data: unknown;
  try {
    data = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    throw new GitHubConfigError(`cannot read the event payload ${file}: ${(e as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new GitHubConfigError(`the event payload ${file} is not a JSON object`);
  return data as Record<string, unknown>;
}
