import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { createGitHubApi } from '../../src/adapters/github/octokit.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { OrganisationsAtRefs } from '../../src/app/load-organisation.js';
import { cabConclusion, reviewPullRequestOnGitHub } from '../../src/app/review-pull-request.js';
import { cabCheckRun } from '../../src/cli/serve/handlers.js';
import { cli } from '../helpers/org.js';
import { CHANGE_FILE, changeYaml, openPullRequest, policyYaml, type Scenario } from '../helpers/pr-scenario.js';

/**
 * The CAB and spec.servicePaths: a pull request that changes a path the base's policy ties to a
 * service must carry a change request covering that service, approved as usual; otherwise
 * `cab.service-path-uncovered` on the path and the opsledger/cab check is red. Real
 * repositories, the pull request served by the fake GitHub (checked against GitHub's OpenAPI
 * description). Every row worked out by hand from the map below:
 *   checkout-api: deploy/checkout/**, deploy/shared/**     cart: deploy/cart/**, deploy/shared/**
 * The owner (joel-ortiz, of the checkout team that owns both services) and the CAB (dana-lee)
 * approve the head unless the row says otherwise.
 */
vi.setConfig({ testTimeout: 60_000 });

const TIED = '  servicePaths: {checkout-api: ["deploy/checkout/**", "deploy/shared/**"], cart: ["deploy/cart/**", "deploy/shared/**"]}\n';
const BASE_FILES = { 'changes/policy.yaml': policyYaml() + TIED, 'deploy/checkout/app.yaml': 'replicas: 3\n', 'deploy/cart/app.yaml': 'replicas: 2\n', 'deploy/shared/net.yaml': 'mtu: 1500\n', 'docs/notes.md': 'Notes\n' };

/** The pull request's change request, on other services than checkout-api, or on CIs alone. */
const changeOn = (services: string, cis?: string) => changeYaml().replace(/^ {2}services: \[checkout-api\]$/m, services ? `  services: [${services}]` : `  configurationItems: [${cis}]`);
const NO_CHANGE = { [CHANGE_FILE()]: null };

let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

async function review(sc: Scenario) {
  const api = createGitHubApi(clientConfigFromEnv(sc.github.env()));
  const pull = await api.getPullRequest(sc.number);
  return reviewPullRequestOnGitHub({ refs: new OrganisationsAtRefs(openGitRepository(sc.repo.root)), api, pull, now: Date.parse('2026-11-21T00:00:00Z') });
}

interface Row {
  prFiles: Record<string, string | null>;
  approved?: boolean;
  /** cab.service-path-uncovered: each path, with the services its message names. */
  errors: [string, string[]][];
  /** Each tied service: its paths and the changes covering it. */
  tied: [string, string[], string[]][];
  conclusion: 'success' | 'failure' | 'action_required';
}

const ROWS: Record<string, Row> = {
  'a tied path with a change request on its service': {
    prFiles: { 'deploy/checkout/app.yaml': 'replicas: 4\n' },
    errors: [],
    tied: [['checkout-api', ['deploy/checkout/app.yaml'], ['CR-2026-0100']]],
    conclusion: 'success',
  },
  'a tied path with a change request on another service': {
    prFiles: { 'deploy/checkout/app.yaml': 'replicas: 4\n', [CHANGE_FILE()]: changeOn('cart') },
    errors: [['deploy/checkout/app.yaml', ['checkout-api']]],
    tied: [['checkout-api', ['deploy/checkout/app.yaml'], []]],
    conclusion: 'failure',
  },
  'a tied path and no change request': {
    prFiles: { 'deploy/cart/app.yaml': 'replicas: 1\n', ...NO_CHANGE },
    errors: [['deploy/cart/app.yaml', ['cart']]],
    tied: [['cart', ['deploy/cart/app.yaml'], []]],
    conclusion: 'failure',
  },
  'a path tied to nothing and no change request': {
    prFiles: { 'docs/notes.md': 'More notes\n', ...NO_CHANGE },
    errors: [],
    tied: [],
    conclusion: 'success',
  },
  'a path tied to two services, the change request covering one': {
    prFiles: { 'deploy/shared/net.yaml': 'mtu: 9000\n' },
    errors: [['deploy/shared/net.yaml', ['cart']]],
    tied: [
      ['cart', ['deploy/shared/net.yaml'], []],
      ['checkout-api', ['deploy/shared/net.yaml'], ['CR-2026-0100']],
    ],
    conclusion: 'failure',
  },
  'a change request covering the service through its database': {
    prFiles: { 'deploy/checkout/app.yaml': 'replicas: 4\n', [CHANGE_FILE()]: changeOn('', 'checkout-db') },
    errors: [],
    tied: [['checkout-api', ['deploy/checkout/app.yaml'], ['CR-2026-0100']]],
    conclusion: 'success',
  },
  'a covering change request not yet approved': {
    prFiles: { 'deploy/checkout/app.yaml': 'replicas: 4\n' },
    approved: false,
    errors: [],
    tied: [['checkout-api', ['deploy/checkout/app.yaml'], ['CR-2026-0100']]],
    conclusion: 'action_required',
  },
  // The pull request's own map never counts: neither to loosen it ...
  'a pull request that removes the map and edits a tied path without a change request': {
    prFiles: { 'changes/policy.yaml': policyYaml(), 'deploy/checkout/app.yaml': 'replicas: 4\n', ...NO_CHANGE },
    errors: [['deploy/checkout/app.yaml', ['checkout-api']]],
    tied: [['checkout-api', ['deploy/checkout/app.yaml'], []]],
    conclusion: 'failure',
  },
  'a pull request that ties the path to the service its change request covers': {
    prFiles: { 'changes/policy.yaml': policyYaml() + TIED.replace('checkout-api: ["deploy/checkout/**", ', 'checkout-api: [').replace('cart: [', 'cart: ["deploy/checkout/**", '), 'deploy/checkout/app.yaml': 'replicas: 4\n', [CHANGE_FILE()]: changeOn('cart') },
    errors: [['deploy/checkout/app.yaml', ['checkout-api']]],
    tied: [['checkout-api', ['deploy/checkout/app.yaml'], []]],
    conclusion: 'failure',
  },
  // ... nor to tighten it before it is merged.
  'a pull request that ties a new path and edits it': {
    prFiles: { 'changes/policy.yaml': policyYaml() + TIED.replace('cart: [', 'cart: ["docs/**", '), 'docs/notes.md': 'More notes\n' },
    errors: [],
    tied: [],
    conclusion: 'success',
  },
};

describe('the CAB: paths the base policy ties to a service', () => {
  it.each(Object.entries(ROWS))('%s', async (_, row) => {
    s = await openPullRequest({ baseFiles: BASE_FILES, prFiles: row.prFiles });
    if (row.approved !== false) {
      s.review('joel-ortiz', 'APPROVED');
      s.review('dana-lee', 'APPROVED');
    }
    const r = await review(s);
    expect(r.diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.code, d.pointer])).toEqual(row.errors.map(([file]) => [file, 1, 1, 'error', 'cab.service-path-uncovered', '']));
    for (const [file, services] of row.errors) for (const service of services) expect(r.diagnostics.find((d) => d.file === file)!.message).toContain(service);
    expect(r.servicePaths.map((t) => [t.service, t.paths, t.changes])).toEqual(row.tied);
    expect(cabConclusion(r)).toBe(row.conclusion);
    expect(r.met).toBe(row.conclusion === 'success');
    // The approval plan of each change names the services its tied paths made it stand for.
    for (const subject of r.subjects.filter((x) => x.change)) {
      expect(subject.plan.tied ?? []).toEqual(row.tied.filter(([, , changes]) => changes.includes(subject.subject)).map(([service, paths]) => ({ service, paths })));
    }
  });
});

describe('the fronts', () => {
  it('opsledger cab: a red opsledger/cab status led by the code, exit 1, the finding in the JSON', async () => {
    s = await openPullRequest({ baseFiles: BASE_FILES, prFiles: ROWS['a tied path and no change request']!.prFiles });
    const r = await cli(['cab', '--root', s.repo.root, '--event', s.eventFile(), '--format', 'json'], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { met: boolean; diagnostics: { code: string; file: string }[]; servicePaths: { service: string }[] };
    expect([json.met, json.diagnostics.map((d) => [d.code, d.file]), json.servicePaths.map((t) => t.service)]).toEqual([false, [['cab.service-path-uncovered', 'deploy/cart/app.yaml']], ['cart']]);
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', state: 'failure', description: expect.stringMatching(/^cab\.service-path-uncovered: /) });
  });

  it('opsledger pr: exit 1, the comment names the path and the code, the job summary too', async () => {
    s = await openPullRequest({ baseFiles: BASE_FILES, prFiles: ROWS['a tied path with a change request on another service']!.prFiles });
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-pr-'));
    const summary = join(dir, 'summary.md');
    const r = await cli(['pr', '--root', s.repo.root], s.repo.root, s.github.env({ GITHUB_EVENT_PATH: s.eventFile('pull_request'), GITHUB_STEP_SUMMARY: summary }));
    expect(r.code).toBe(1);
    // The files themselves validate: the validation check is green, the CAB is not.
    expect(s.github.checkRuns[0]!.create).toMatchObject({ name: 'opsledger/validate', conclusion: 'success' });
    expect(s.github.statuses.at(-1)).toMatchObject({ context: 'opsledger/cab', state: 'failure' });
    const comment = s.github.comments.get(7)![0]!.body;
    expect(comment).toContain('⛔ `deploy/checkout/app.yaml` is tied to checkout-api');
    expect(comment).toContain('`cab.service-path-uncovered`');
    expect(readFileSync(summary, 'utf8')).toContain('cab.service-path-uncovered');
  });

  // The author names the files: a name may hold escape sequences, a carriage return or a newline.
  it.each([
    ['an escape sequence', 'deploy/cart/\x1b[2J\x1b[32mok.yaml', 'deploy/cart/\\u001b[2J\\u001b[32mok.yaml'],
    ['a carriage return', 'deploy/cart/evil\rapproved.yaml', 'deploy/cart/evil\\rapproved.yaml'],
    ['a newline', 'deploy/cart/evil\n  CR-2026-0100: approved.yaml', 'deploy/cart/evil\\n  CR-2026-0100: approved.yaml'],
  ])('opsledger cab (text): a tied file name holding %s is shown, not obeyed', async (_, name, shown) => {
    s = await openPullRequest({ baseFiles: BASE_FILES, prFiles: { [name]: 'replicas: 1\n', ...NO_CHANGE } });
    const r = await cli(['cab', '--root', s.repo.root, '--event', s.eventFile()], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`  ${shown} is tied to cart`);
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
    expect(r.stdout.split('\n').filter((l) => l.includes('approved.yaml') || l.includes('ok.yaml'))).toHaveLength(1);
  });

  it("the App's opsledger/cab check run: failure, annotated on the path with the code", async () => {
    s = await openPullRequest({ baseFiles: BASE_FILES, prFiles: ROWS['a path tied to two services, the change request covering one']!.prFiles });
    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const r = await review(s);
    const api = createGitHubApi(clientConfigFromEnv(s.github.env()));
    const run = cabCheckRun(r, await api.getPullRequest(s.number), Date.parse('2026-11-21T00:00:00Z'));
    expect(run.conclusion).toBe('failure');
    expect(run.annotations.map((a) => [a.path, a.startLine, a.level, a.title])).toEqual([['deploy/shared/net.yaml', 1, 'failure', 'cab.service-path-uncovered']]);
    expect(run.summary).toContain('⛔ `deploy/shared/net.yaml` is tied to cart');
    // The covering change's plan says which service its tied path made it stand for.
    expect(run.summary).toContain('changes deploy/shared/net.yaml, tied to checkout-api');
  });

  it('opsledger explain knows the code', async () => {
    const r = await cli(['explain', 'cab.service-path-uncovered'], process.cwd(), {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('spec.servicePaths');
  });
});
