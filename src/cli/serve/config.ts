import { isAbsolute, resolve } from 'node:path';
import { describeRefusal, readNamedFile } from '../../adapters/fs/read-policy.js';
import { checkPrivateKey } from '../../adapters/github/app-auth.js';
import { apiUrlFromEnv, clientTuningFromEnv } from '../../adapters/github/env.js';
import { GitHubConfigError } from '../../adapters/github/errors.js';
import type { GitHubClientConfig } from '../../adapters/github/octokit.js';
import { UsageError } from '../context.js';

/**
 * `opsledger serve`'s configuration, from the environment as a container receives it. Anything
 * missing or unusable is a usage error naming the variable (exit 2); no value of a secret is
 * ever repeated in a message.
 */
export interface ServeConfig {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  apiUrl: string;
  tuning: Omit<GitHubClientConfig, 'token' | 'baseUrl' | 'repo'>;
  /** A deployment protection rule not decided within this is rejected. */
  decisionTimeoutMs: number;
  /** What is kept in memory across deliveries: parsed blobs (estimated bytes) and organisations (commits). */
  cache: { maxBytes: number; maxCommits: number };
}

/** A positive whole number from the environment, or the default when unset. */
function count(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^[1-9]\d{0,8}$/.test(v)) throw new UsageError(`${name} must be a positive whole number, not "${v.slice(0, 40)}"`);
  return Number(v);
}

const MAX_KEY_BYTES = 64 * 1024;

function required(env: Record<string, string | undefined>, name: string, why: string): string {
  const v = env[name];
  if (!v) throw new UsageError(`${name} is not set: ${why}`);
  return v;
}

export function serveConfigFromEnv(env: Record<string, string | undefined>, cwd: string): ServeConfig {
  const id = required(env, 'OPSLEDGER_APP_ID', "the GitHub App's id (its settings page, \"App ID\")");
  if (!/^[1-9]\d{0,15}$/.test(id)) throw new UsageError(`OPSLEDGER_APP_ID must be the App's numeric id, not "${id.slice(0, 40)}"`);
  let privateKey = env.OPSLEDGER_PRIVATE_KEY;
  let keyName = 'OPSLEDGER_PRIVATE_KEY';
  if (!privateKey) {
    const path = env.OPSLEDGER_PRIVATE_KEY_PATH;
    if (!path) throw new UsageError('OPSLEDGER_PRIVATE_KEY is not set (nor OPSLEDGER_PRIVATE_KEY_PATH): the App\'s private key in PEM form, or the path of its .pem file');
    keyName = 'OPSLEDGER_PRIVATE_KEY_PATH';
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    const read = readNamedFile(file, MAX_KEY_BYTES);
    if ('refused' in read) throw new UsageError(`OPSLEDGER_PRIVATE_KEY_PATH: cannot read ${path}: ${describeRefusal(read.refused, read.stat, MAX_KEY_BYTES)}`);
    privateKey = read.bytes.toString('utf8');
  }
  // A key pasted into a single-line variable often arrives with literal \n.
  if (!privateKey.includes('\n') && privateKey.includes('\\n')) privateKey = privateKey.replace(/\\n/g, '\n');
  const webhookSecret = required(env, 'OPSLEDGER_WEBHOOK_SECRET', "the App's webhook secret, which signs every delivery");
  try {
    checkPrivateKey(privateKey, keyName);
    const timeout = env.OPSLEDGER_DECISION_TIMEOUT_MS;
    if (timeout !== undefined && timeout !== '' && !/^[1-9]\d*$/.test(timeout)) throw new UsageError(`OPSLEDGER_DECISION_TIMEOUT_MS must be a positive whole number, not "${timeout.slice(0, 40)}"`);
    const cache = { maxBytes: count(env, 'OPSLEDGER_CACHE_MB', 1024) * 1024 * 1024, maxCommits: count(env, 'OPSLEDGER_CACHE_COMMITS', 4) };
    return { appId: Number(id), privateKey, webhookSecret, apiUrl: apiUrlFromEnv(env), tuning: clientTuningFromEnv(env), decisionTimeoutMs: timeout ? Number(timeout) : 120_000, cache };
  } catch (e) {
    if (e instanceof GitHubConfigError) throw new UsageError(e.message);
    throw e;
  }
}
