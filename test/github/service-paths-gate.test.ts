import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientConfigFromEnv } from '../../src/adapters/github/env.js';
import { createGitHubApi } from '../../src/adapters/github/octokit.js';
import { openGitRepository } from '../../src/adapters/git/repository.js';
import { decideDeploy } from '../../src/app/decide-deploy.js';
import { cli } from '../helpers/org.js';
import { CHANGE_FILE, changeYaml, openPullRequest, PEOPLE, policyYaml, type Scenario } from '../helpers/pr-scenario.js';

/**
 * The gate and spec.servicePaths: a change may deploy only when it covers every service the
 * pull request that merged it changed through paths its base's policy ties to a service, even
 * when another change of the same pull request covers them (that change has its own window and
 * approvals; the merged commit carries both). Real repositories, merged as GitHub's button
 * does, the pull request served by the fake GitHub. Map as in the CAB's test:
 *   checkout-api: deploy/checkout/**, deploy/shared/**     cart: deploy/cart/**, deploy/shared/**
 */
vi.setConfig({ testTimeout: 60_000 });

const AT = '2026-12-02T01:30:00+09:00';
const TIED = '  servicePaths: {checkout-api: ["deploy/checkout/**", "deploy/shared/**"], cart: ["deploy/cart/**", "deploy/shared/**"]}\n';
const BASE_FILES = { 'changes/policy.yaml': policyYaml() + TIED, 'deploy/checkout/app.yaml': 'replicas: 3\n', 'deploy/cart/app.yaml': 'replicas: 2\n', 'deploy/shared/net.yaml': 'mtu: 1500\n' };
const on = (id: string, services: string) => changeYaml({ id }).replace(/^ {2}services: \[checkout-api\]$/m, `  services: [${services}]`);

let s: Scenario | undefined;
afterEach(async () => {
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
});

/** The pull request approved by the owner and the CAB, then merged with a merge commit. */
async function approvedAndMerged(prFiles: Record<string, string | null>, baseFiles: Record<string, string> = BASE_FILES): Promise<Scenario> {
  const sc = await openPullRequest({ baseFiles, prFiles });
  sc.review('joel-ortiz', 'APPROVED');
  sc.review('dana-lee', 'APPROVED');
  await sc.repo.checkout('main');
  const mergeCommit = await sc.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin);
  const pull = sc.github.pulls.get(7)!;
  Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: mergeCommit });
  for (const c of pull.commits) sc.github.pullsForCommit.set(c.sha, [7]);
  return sc;
}

async function gate(sc: Scenario, changeId: string) {
  const env = sc.github.env();
  const d = await decideDeploy({ git: openGitRepository(sc.repo.root), github: () => createGitHubApi(clientConfigFromEnv(env)), changeId, at: Date.parse(AT) });
  return { allowed: d.allowed, failing: d.checks.filter((c) => !c.ok).map((c) => c.code), servicePaths: d.checks.find((c) => c.code === 'service-paths') };
}

describe('the gate: paths the approving base policy ties to a service', () => {
  it.each<[string, Record<string, string | null>, string, boolean, string[], boolean | undefined]>([
    // name, the pull request's files, the change gated, allowed, failing checks, service-paths check ok (undefined: not listed)
    ['a tied path its change covers', { 'deploy/checkout/app.yaml': 'replicas: 4\n' }, 'CR-2026-0100', true, [], true],
    ['no tied path changed', {}, 'CR-2026-0100', true, [], true],
    ['a tied path of a service the change does not cover', { 'deploy/cart/app.yaml': 'replicas: 1\n' }, 'CR-2026-0100', false, ['service-paths'], false],
    ['a tied path another change of the pull request covers: that change may deploy', { 'deploy/cart/app.yaml': 'replicas: 1\n', 'changes/CR-2026-0101.yaml': on('CR-2026-0101', 'cart') }, 'CR-2026-0101', true, [], true],
    ['a tied path another change of the pull request covers: this one may not', { 'deploy/cart/app.yaml': 'replicas: 1\n', 'changes/CR-2026-0101.yaml': on('CR-2026-0101', 'cart') }, 'CR-2026-0100', false, ['service-paths'], false],
    ['a path tied to two services, the change covering one', { 'deploy/shared/net.yaml': 'mtu: 9000\n' }, 'CR-2026-0100', false, ['service-paths'], false],
    ['a pull request that removed the map: judged by the map before it', { 'changes/policy.yaml': policyYaml(), 'deploy/checkout/app.yaml': 'replicas: 4\n', [CHANGE_FILE()]: on('CR-2026-0100', 'cart') }, 'CR-2026-0100', false, ['service-paths'], false],
  ])('%s', async (_, prFiles, changeId, allowed, failing, ok) => {
    s = await approvedAndMerged(prFiles);
    const r = await gate(s, changeId);
    expect([r.allowed, r.failing, r.servicePaths?.ok]).toEqual([allowed, failing, ok]);
  });

  it('lists no service-paths check when the policy ties no path', async () => {
    s = await approvedAndMerged({ 'deploy/cart/app.yaml': 'replicas: 1\n' }, { ...BASE_FILES, 'changes/policy.yaml': policyYaml() });
    const r = await gate(s, 'CR-2026-0100');
    expect([r.allowed, r.servicePaths]).toEqual([true, undefined]);
  });

  it('opsledger gate: exit 1, the check names the path and the service', async () => {
    s = await approvedAndMerged({ 'deploy/cart/app.yaml': 'replicas: 1\n' });
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', AT, '--format', 'json'], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    const check = (JSON.parse(r.stdout) as { checks: { code: string; ok: boolean; detail: string }[] }).checks.find((c) => c.code === 'service-paths')!;
    expect([check.ok, check.detail.includes('deploy/cart/app.yaml'), check.detail.includes('cart')]).toEqual([false, true, true]);
  });

  it('opsledger gate (text): a tied file name holding an escape sequence is shown, not obeyed', async () => {
    s = await approvedAndMerged({ 'deploy/cart/\x1b]0;pwned\x07x.yaml': 'replicas: 1\n' });
    const r = await cli(['gate', 'CR-2026-0100', '--root', s.repo.root, '--at', AT], s.repo.root, s.github.env());
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ service-paths: the pull request changed deploy/cart/\\u001b]0;pwned\\u0007x.yaml, tied to cart');
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
  });
});
