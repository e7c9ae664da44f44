import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, MINIMAL_ORG } from '../helpers/org.js';
import { openPullRequest, TEAMS_YAML, type Scenario } from '../helpers/pr-scenario.js';

/**
 * `opsledger pr` end to end on the official pull_request payload: the validation check run with
 * annotations, the one sticky risk comment, labels, review requests, the CAB status and the
 * job summary, all through the fake GitHub that checks every request and answer against
 * GitHub's OpenAPI description.
 */
let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

const BROKEN_SERVICE = `apiVersion: opsledger/v1
kind: Service
metadata: {name: search}
spec:
  owner: checkout
  tier: 7
  exposure: external
  lifecycle: production
`;

function manyBrokenDocuments(n: number): string {
  return Array.from({ length: n }, (_, i) => `apiVersion: opsledger/v1\nkind: Gadget${i}\nmetadata: {name: g${i}}\nspec: {}\n`).join('---\n');
}

async function pr(sc: Scenario, options: { fork?: boolean; env?: Record<string, string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-pr-'));
  const summary = join(dir, 'summary.md');
  const report = join(dir, 'report.json');
  const r = await cli(['pr', '--root', sc.repo.root, '--report', report], sc.repo.root, sc.github.env({ GITHUB_EVENT_PATH: sc.eventFile('pull_request', { fork: !!options.fork }), GITHUB_STEP_SUMMARY: summary, ...options.env }));
  return { ...r, summary: () => readFileSync(summary, 'utf8'), report: () => JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown> };
}

describe('opsledger pr', () => {
  it('publishes the check run, one risk comment, labels, review requests, the CAB status and the summary', async () => {
    s = await openPullRequest({ prFiles: { 'services/search/service.yaml': BROKEN_SERVICE } });
    const r = await pr(s);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);

    const run = s.github.checkRuns[0]!;
    expect(run.create).toMatchObject({ name: 'opsledger/validate', head_sha: s.head(), status: 'completed', conclusion: 'failure' });
    const annotations = (run.create.output as { annotations: Record<string, unknown>[] }).annotations;
    expect(annotations).toEqual([expect.objectContaining({ path: 'services/search/service.yaml', start_line: 6, end_line: 6, annotation_level: 'failure' })]);

    const comments = s.github.comments.get(7)!;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith('<!-- opsledger:risk -->')).toBe(true);
    expect(comments[0]!.body).toContain('**CR-2026-0100**');
    expect(comments[0]!.body).toContain('MEDIUM');
    // The approvals table: the cab group, one approval required, none given yet.
    expect(comments[0]!.body).toMatch(/\| `cab`[^|\n]* \| 1 \| — \| 1 from @/);

    expect(s.github.labels.get(7)).toEqual(['risk:medium', 'change:normal']);
    expect(s.github.reviewRequests).toEqual([{ number: 7, reviewers: ['joel-ortiz'], teams: ['cab'] }]);
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', state: 'failure', sha: s.head() });

    expect(r.summary()).toContain('### opsledger: #7');
    expect(r.summary()).toContain('CR-2026-0100: not approved');
    expect(r.report()).toMatchObject({ pullRequest: 7, riskClass: 'medium' });
  });

  it('updates its comment in place on the next run and leaves comments by people alone', async () => {
    s = await openPullRequest();
    s.github.comments.set(7, [{ id: 1, body: '<!-- opsledger:risk --> quoted by a person', login: 'eve', type: 'User' }]);
    expect((await pr(s)).code).toBe(0);
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    expect((await pr(s)).code).toBe(0);
    const comments = s.github.comments.get(7)!;
    expect(comments).toHaveLength(2);
    expect(comments[0]!.body).toBe('<!-- opsledger:risk --> quoted by a person');
    expect(comments[1]!.body).toContain('✅ complete');
    expect(s.github.count('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments')).toBe(1);
    expect(s.github.count('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}')).toBe(1);
    expect(s.github.statuses.at(-1)!.state).toBe('success');
  });

  it('sends annotations in batches of at most 50, as GitHub requires', async () => {
    s = await openPullRequest({ prFiles: { 'services/gadgets.yaml': manyBrokenDocuments(120) } });
    expect((await pr(s)).code).toBe(1);
    const run = s.github.checkRuns[0]!;
    const sizes = [run.create, ...run.updates].map((b) => ((b.output as { annotations?: unknown[] }).annotations ?? []).length);
    expect(sizes).toEqual([50, 50, 20]);
  });

  it("shows a change to a service's readiness in the comment", async () => {
    const service = readFileSync(join(MINIMAL_ORG, 'services/checkout/service.yaml'), 'utf8').replace(
      '  title: Cart\nspec:\n',
      '  title: Cart\nspec:\n  runbooks: [{title: Restart the cart pods, url: https://wiki.example.com/rb/cart}]\n',
    );
    // The fixture policy's readiness rules include a runbook for every service.
    s = await openPullRequest({ prFiles: { 'services/checkout/service.yaml': service } });
    expect((await pr(s)).code).toBe(0);
    const body = s.github.comments.get(7)![0]!.body;
    expect(body).toContain('### Readiness');
    expect(body).toMatch(/\| \S+ \| cart \| [^|]+ → [^|]+ \| runbook failed → passed \|/);
    expect(body.slice(body.indexOf('### Readiness'))).not.toContain('| checkout-api |');
  });

  it('labels a pull request that touches the teams as high risk', async () => {
    s = await openPullRequest({ prFiles: { 'teams/teams.yaml': TEAMS_YAML() + '# reviewed\n' } });
    expect((await pr(s)).code).toBe(0);
    expect(s.github.labels.get(7)).toContain('risk:high');
    expect(s.github.comments.get(7)![0]!.body).toContain('sensitive files');
  });

  it('fails with the reason, not a crash, when GitHub is down', async () => {
    s = await openPullRequest();
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', { status: 503 });
    const r = await pr(s);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('HTTP 503');
  });

  it('is a usage error without the event payload', async () => {
    s = await openPullRequest();
    const r = await cli(['pr', '--root', s.repo.root], s.repo.root, s.github.env());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GITHUB_EVENT_PATH');
  });

  it('replaces its labels when the class changes, and leaves labels people added alone', async () => {
    s = await openPullRequest();
    s.github.labels.set(7, ['risk:high', 'change:emergency', 'needs-docs']);
    expect((await pr(s)).code).toBe(0);
    const removed = s.github.requests.filter((r) => r.template === '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}' && r.method === 'DELETE').map((r) => decodeURIComponent(r.path.split('/').at(-1)!));
    expect(removed).toEqual(['risk:high', 'change:emergency']);
    const added = s.github.requests.filter((r) => r.template === '/repos/{owner}/{repo}/issues/{issue_number}/labels' && r.method === 'POST').map((r) => r.body);
    expect(added).toEqual([{ labels: ['risk:medium', 'change:normal'] }]);
    expect(s.github.labels.get(7)).toEqual(['needs-docs', 'risk:medium', 'change:normal']);

    // Nothing changed: nothing is taken off or put on again.
    const before = s.github.requests.length;
    expect((await pr(s)).code).toBe(0);
    const again = s.github.requests.slice(before).filter((r) => r.template?.startsWith('/repos/{owner}/{repo}/issues/{issue_number}/labels') && r.method !== 'GET');
    expect(again).toEqual([]);
  });

  it('links the opsledger/cab status and the validation check to the run, whose summary explains them', async () => {
    s = await openPullRequest();
    expect((await pr(s, { env: { GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '4242' } })).code).toBe(0);
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', targetUrl: 'https://github.com/acme/ledger/actions/runs/4242' });
    expect(s.github.checkRuns[0]!.create).toMatchObject({ name: 'opsledger/validate', details_url: 'https://github.com/acme/ledger/actions/runs/4242' });
  });

  it.each([
    ['a fork', 0, {}],
    ['a fork with a broken file', 1, { 'services/search/service.yaml': BROKEN_SERVICE }],
  ])('from %s: writes nothing to the read-only pull request, reports in the summary, exits %i', async (_name, code, prFiles) => {
    s = await openPullRequest({ prFiles });
    const r = await pr(s, { fork: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(code);
    expect(s.github.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(r.report()).toMatchObject({ pullRequest: 7, riskClass: 'medium', labels: ['risk:medium', 'change:normal'], readOnly: expect.any(String) });
    // The risk comment the pull request could not carry is in the summary instead.
    expect(r.summary()).toContain('### opsledger: #7');
    expect(r.summary()).toContain('**CR-2026-0100**');
    expect(r.summary()).not.toContain('<!-- opsledger:risk -->');
  });
});
