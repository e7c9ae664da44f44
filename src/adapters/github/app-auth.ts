import { createPrivateKey } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { GitHubApi, RepoRef } from '../../app/ports/github.js';
import { GitHubConfigError, toGitHubError } from './errors.js';
import { createGitHubApi, timedFetch, type GitHubClientConfig } from './octokit.js';

/**
 * opsledger as a GitHub App: the App's JWT and its installations' tokens, from
 * @octokit/auth-app (which signs the JWT, caches each installation's token and renews it before
 * it expires). Every request goes to the configured API, so GitHub Enterprise Server works the
 * same as github.com.
 */
export interface AppCredentials {
  appId: number;
  /** PEM, as GitHub hands it out (PKCS#1) or PKCS#8. */
  privateKey: string;
  baseUrl: string;
}

export interface Installation {
  /** The installation token: a git credential and an API token; never logged or written down. */
  token: string;
  /** `signal`: aborting it ends the requests of this client in flight and refuses later ones. */
  api(repo: RepoRef, signal?: AbortSignal): GitHubApi;
}

export interface GitHubApp {
  installation(id: number): Promise<Installation>;
}

/** Throws GitHubConfigError when the key cannot sign: a configuration mistake, found at start rather than on the first event. */
export function checkPrivateKey(pem: string, name: string): void {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
  } catch {
    // The key's text is never repeated in a message.
    throw new GitHubConfigError(`${name} is not an RSA private key in PEM form (the .pem file GitHub generates for the App)`);
  }
}

const TOKEN_ROUTE = 'POST /app/installations/{installation_id}/access_tokens';

export function createGitHubApp(credentials: AppCredentials, tuning: Omit<GitHubClientConfig, 'token' | 'baseUrl' | 'repo'> = {}): GitHubApp {
  const octokit = new Octokit({
    baseUrl: credentials.baseUrl,
    request: { fetch: timedFetch(tuning.timeoutMs ?? 15_000) },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const auth = createAppAuth({ appId: credentials.appId, privateKey: credentials.privateKey, request: octokit.request });
  return {
    async installation(id: number): Promise<Installation> {
      let token: string;
      try {
        ({ token } = await auth({ type: 'installation', installationId: id }));
      } catch (e) {
        throw toGitHubError(e, TOKEN_ROUTE);
      }
      return { token, api: (repo, signal) => createGitHubApi({ ...tuning, token, baseUrl: credentials.baseUrl, repo, ...(signal ? { signal } : {}) }) };
    },
  };
}
