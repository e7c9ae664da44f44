import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { githubOpenApi } from '../helpers/github-openapi.js';

/**
 * The fake GitHub is only as good as its faithfulness: every route must be a documented
 * GitHub operation, and its checks must actually catch a body that drifts from the schema.
 */
let gh: FakeGitHub;
beforeAll(async () => {
  gh = await new FakeGitHub().start();
});
afterAll(() => gh.close());

describe('the fake GitHub', () => {
  it('serves only operations of GitHub\'s OpenAPI description', () => {
    for (const { method, template } of gh.routeList()) expect(githubOpenApi().operation(method, template), `${method} ${template}`).toBeDefined();
    expect(gh.routeList().length).toBeGreaterThanOrEqual(14);
  });

  it('catches a response body that GitHub would never send', () => {
    const review = (githubOpenApi().example('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews') as Record<string, unknown>[])[0]!;
    expect(githubOpenApi().checkResponse('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200, [review])).toEqual([]);
    const { user: _u, ...noUser } = review;
    expect(githubOpenApi().checkResponse('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200, [noUser])).not.toEqual([]);
    expect(githubOpenApi().checkResponse('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200, [{ ...review, state: 42 }])).not.toEqual([]);
    expect(githubOpenApi().checkResponse('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 418, [])).not.toEqual([]);
  });

  it('catches a request body that GitHub would refuse', () => {
    expect(githubOpenApi().checkRequest('POST', '/repos/{owner}/{repo}/statuses/{sha}', { state: 'success', context: 'opsledger/cab' })).toEqual([]);
    expect(githubOpenApi().checkRequest('POST', '/repos/{owner}/{repo}/statuses/{sha}', { state: 'green' })).not.toEqual([]);
    expect(githubOpenApi().checkRequest('POST', '/repos/{owner}/{repo}/check-runs', { head_sha: 'abc' })).not.toEqual([]);
    expect(githubOpenApi().checkRequest('POST', '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', { environment_name: 'production', state: 'approved', comment: 'ok' })).toEqual([]);
  });

  it('records requests it has no route for', async () => {
    const r = await fetch(`${gh.url}/repos/acme/ledger/hooks`, { headers: { authorization: `token ${gh.token}` } });
    expect(r.status).toBe(404);
    expect(gh.violations).toEqual(['unrouted request GET /repos/acme/ledger/hooks']);
    gh.violations.length = 0;
  });
});
