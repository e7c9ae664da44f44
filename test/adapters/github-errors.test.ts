import { describe, expect, it } from 'vitest';
import { GitHubAuthError, GitHubNotFound, GitHubRateLimited, GitHubRejected, GitHubUnavailable, toGitHubError } from '../../src/adapters/github/errors.js';

/** Octokit's failures become typed errors by status code and headers, never by message text. */
const route = 'GET /repos/{owner}/{repo}';
const withResponse = (status: number, headers: Record<string, string> = {}, message = 'whatever GitHub says') => Object.assign(new Error(message), { status, response: { headers, data: {} } });

describe('toGitHubError', () => {
  it.each([
    [withResponse(404), GitHubNotFound],
    [withResponse(410), GitHubNotFound],
    [withResponse(401), GitHubAuthError],
    [withResponse(403), GitHubAuthError],
    [withResponse(403, { 'x-ratelimit-remaining': '0' }), GitHubRateLimited],
    [withResponse(403, { 'retry-after': '30' }), GitHubRateLimited],
    [withResponse(429), GitHubRateLimited],
    [withResponse(500), GitHubUnavailable],
    [withResponse(503), GitHubUnavailable],
    [withResponse(422), GitHubRejected],
    [Object.assign(new Error('fetch failed'), { status: 500 }), GitHubUnavailable],
    [Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), GitHubUnavailable],
  ] as const)('%#: maps to %o', (error, type) => {
    const mapped = toGitHubError(error, route);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.route).toBe(route);
  });

  it('ignores what the message says', () => {
    expect(toGitHubError(withResponse(404, {}, 'You have exceeded a secondary rate limit'), route)).toBeInstanceOf(GitHubNotFound);
    expect(toGitHubError(withResponse(429, { 'retry-after': '7' }, 'Not Found'), route)).toMatchObject({ code: 'github.rate-limited', retryAfter: 7 });
  });

  it('says "timeout" for a request that got no answer in time', () => {
    const e = Object.assign(new Error('x'), { status: 500, cause: Object.assign(new Error('y'), { name: 'TimeoutError' }) });
    expect(toGitHubError(e, route).message).toContain('timeout');
  });
});
