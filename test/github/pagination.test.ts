import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { GitHubMalformedResponse } from '../../src/adapters/github/errors.js';
import { createGitHubApi, nextPageOnApi } from '../../src/adapters/github/octokit.js';
import { FakeGitHub } from '../helpers/fake-github.js';

/**
 * Pagination follows GitHub's Link header only under the configured API: the token must never
 * travel to another host, another port, another base path or a URL with credentials in it.
 */
let gh: FakeGitHub | undefined;
let other: Server | undefined;
afterEach(async () => {
  await gh?.close();
  await new Promise((r) => (other ? other.close(() => r(undefined)) : r(undefined)));
  gh = undefined;
  other = undefined;
});

describe('nextPageOnApi', () => {
  it.each([
    ['the same API, next page', 'https://api.github.com/repositories/1/pulls?page=2', 'https://api.github.com', true],
    ['Enterprise Server under /api/v3', 'https://ghe.example.com/api/v3/repositories/1/pulls?page=2', 'https://ghe.example.com/api/v3', true],
    ['a relative link', '/repositories/1/pulls?page=2', 'https://api.github.com', true],
    ['another host', 'https://evil.example.com/repositories/1/pulls?page=2', 'https://api.github.com', false],
    ['a look-alike host', 'https://api.github.com.evil.example/x', 'https://api.github.com', false],
    ['another port', 'https://api.github.com:8443/repositories/1', 'https://api.github.com', false],
    ['plain http for an https API', 'http://api.github.com/repositories/1', 'https://api.github.com', false],
    ['outside the Enterprise base path', 'https://ghe.example.com/other/repositories/1', 'https://ghe.example.com/api/v3', false],
    ['a path that climbs out of the base path', 'https://ghe.example.com/api/v3/../../evil', 'https://ghe.example.com/api/v3', false],
    ['credentials in the link', 'https://user:pass@api.github.com/repositories/1', 'https://api.github.com', false],
    ['not a URL', 'http://[::1', 'https://api.github.com', false],
  ])('%s', (_name, link, base, followed) => {
    expect(nextPageOnApi(link, base) !== undefined).toBe(followed);
  });
});

describe('a Link header that points elsewhere', () => {
  it.each([
    ['another host on this machine', (port: number) => `http://127.0.0.2:${port}/repos/acme/ledger/pulls/7/commits?page=2`],
    ['another port', (port: number) => `http://127.0.0.1:${port}/repos/acme/ledger/pulls/7/commits?page=2`],
  ])('%s: the page is not requested, the token is not sent, the answer is a typed failure', async (_name, linkTo) => {
    const seen: (string | undefined)[] = [];
    other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise((r) => other!.listen(0, '0.0.0.0', () => r(undefined)));
    const port = (other.address() as { port: number }).port;
    gh = await new FakeGitHub().start();
    gh.pulls.set(7, { number: 7, author: 'mina-park', headSha: 'a'.repeat(40), headRef: 'x', baseSha: 'b'.repeat(40), baseRef: 'main', state: 'open', mergedAt: null, mergeCommitSha: null, commits: [], reviews: [] });
    gh.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', { status: 200, body: [], headers: { link: `<${linkTo(port)}>; rel="next"` } });
    const api = createGitHubApi(clientConfigFromEnv(gh.env({ OPSLEDGER_GITHUB_RETRIES: '0' })));
    await expect(api.listPullCommits(7)).rejects.toBeInstanceOf(GitHubMalformedResponse);
    expect(seen).toEqual([]);
  });
});
