import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitHub, type FakeCommit, type FakeReview } from './fake-github.js';
import { TestRepo, type Person } from './git-repo.js';
import { MINIMAL_ORG } from './org.js';

/**
 * A change-request pull request in a real repository, mirrored into the fake GitHub: the
 * people, teams and policy every approval test starts from.
 *
 * checkout team (owner of checkout-api): mina-park (the author), joel-ortiz
 * cab: dana-lee in YAML, carol-cab through the GitHub team acme/cab
 * ecab (emergency approvers): frank-ops;  eve: nobody's member
 * Policy: medium risk needs 1 owner + 1 cab; teams, policy and calendar are sensitive.
 */
export const PEOPLE = {
  mina: { name: 'Mina Park', email: 'mina@northwind.example', login: 'mina-park' },
  joel: { name: 'Joel Ortiz', email: 'joel@northwind.example', login: 'joel-ortiz' },
  dana: { name: 'Dana Lee', email: 'dana@northwind.example', login: 'dana-lee' },
  admin: { name: 'Org Admin', email: 'admin@northwind.example', login: 'org-admin' },
} as const;

export const TEAMS_YAML = (cab: string[] = ['dana-lee']) => `apiVersion: opsledger/v1
kind: Team
metadata: {name: checkout, title: Checkout}
spec:
  members: [mina-park, joel-ortiz]
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: cab, title: Change Advisory Board}
spec:
  members: [${cab.join(', ')}]
  github: {team: acme/cab}
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: ecab, title: Emergency CAB}
spec:
  members: [frank-ops]
`;

const BASE_POLICY = readFileSync(join(MINIMAL_ORG, 'changes', 'policy.yaml'), 'utf8');

export function policyYaml(medium = '{approvals: [{group: owner, count: 1}, {group: cab, count: 1}], rollback: plan}'): string {
  return (
    BASE_POLICY.replace(/^ {4}medium: .*$/m, `    medium: ${medium}`) +
    '  sensitivePaths: [changes/policy.yaml, changes/calendar.yaml, "teams/**"]\n'
  );
}

export interface ChangeOptions {
  id?: string;
  type?: 'normal' | 'emergency' | 'standard';
  phase?: string;
  schedule?: { start: string; end: string };
}

export function changeYaml(o: ChangeOptions = {}): string {
  const id = o.id ?? 'CR-2026-0100';
  const schedule = o.schedule ?? { start: '2026-12-02T01:00:00+09:00', end: '2026-12-02T02:00:00+09:00' };
  return `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id}, title: Add an index for order lookups}
spec:
  type: ${o.type ?? 'normal'}
  requester: mina-park
  services: [checkout-api]
  environment: production
  schedule: {start: "${schedule.start}", end: "${schedule.end}"}
  description: Add an index for order lookups.
${o.type === 'emergency' ? '  justification: Checkout times out on order lookups.\n' : ''}  implementation: [Create the index concurrently]
  verification: [{description: Staging query plan, evidence: "https://ci.example.com/run/1"}]
  delivery: {strategy: canary, stages: [{traffic: 10, duration: 30m}, {traffic: 100}], autoRollback: true}
  rollback:
    steps: [Drop the index]
    expectedDuration: 5m
    tested: {at: "2026-11-20", evidence: "https://ci.example.com/run/2"}
status:
  phase: ${o.phase ?? 'submitted'}
`;
}

export const CHANGE_FILE = (id = 'CR-2026-0100') => `changes/${id}.yaml`;

/** Reads GitHub's official example payloads (npm @octokit/webhooks-examples). */
const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

export function webhookExample(event: string, action: string): Record<string, any> {
  const found = EXAMPLES.find((e) => e.name === event)?.examples.find((x) => x.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found) as Record<string, any>;
}

export interface Scenario {
  repo: TestRepo;
  github: FakeGitHub;
  base: string;
  number: number;
  /** `fork`: the head branch lives in someone's fork (the run's token is then read-only). */
  eventFile(kind?: 'pull_request_review' | 'pull_request', options?: { fork?: boolean }): string;
  /** Mirrors the branch's commits (oldest first) into the fake pull request. */
  syncCommits(shas: string[]): Promise<void>;
  review(login: string, state: FakeReview['state'], commitId?: string): void;
  head(): string;
  setHead(sha: string): void;
  close(): Promise<void>;
}

const LOGIN_BY_EMAIL = new Map<string, string>(Object.values(PEOPLE).map((p) => [p.email, p.login]));

export async function openPullRequest(options: { change?: ChangeOptions; prFiles?: Record<string, string | null>; baseFiles?: Record<string, string> } = {}): Promise<Scenario> {
  const repo = await TestRepo.create({ 'teams/teams.yaml': TEAMS_YAML(), 'changes/policy.yaml': policyYaml(), ...(options.baseFiles ?? {}) }, PEOPLE.admin);
  const base = await repo.sha();
  await repo.checkout('cr-100', true);
  const first = await repo.commit({ [CHANGE_FILE(options.change?.id)]: changeYaml(options.change), ...(options.prFiles ?? {}) }, 'Add CR-2026-0100: order lookup index', PEOPLE.mina);
  const github = await new FakeGitHub().start();
  github.teams.set('acme/cab', ['carol-cab']);
  const number = 7;
  github.pulls.set(number, { number, author: 'mina-park', headSha: first, headRef: 'cr-100', baseSha: base, baseRef: 'main', state: 'open', mergedAt: null, mergeCommitSha: null, commits: [], reviews: [] });
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-event-'));
  const scenario: Scenario = {
    repo,
    github,
    base,
    number,
    head: () => github.pulls.get(number)!.headSha,
    setHead: (sha) => void (github.pulls.get(number)!.headSha = sha),
    async syncCommits(shas) {
      const commits: FakeCommit[] = [];
      for (const sha of shas) {
        const [date, email, message] = (await repo.git.raw(['log', '-1', '--format=%aI%x00%ae%x00%B', sha])).split('\0');
        const login = LOGIN_BY_EMAIL.get(email!);
        commits.push({ sha, message: message!.trimEnd(), authorLogin: login, authorEmail: email!, committerLogin: login, committerEmail: email!, authorDate: new Date(date!).toISOString() });
      }
      github.pulls.get(number)!.commits = commits;
    },
    review(login, state, commitId) {
      github.pulls.get(number)!.reviews.push({ login, state, commitId: commitId ?? scenario.head() });
    },
    eventFile(kind = 'pull_request_review', options = {}) {
      const payload = kind === 'pull_request_review' ? webhookExample('pull_request_review', 'submitted') : webhookExample('pull_request', 'synchronize');
      const pr = payload.pull_request;
      const p = github.pulls.get(number)!;
      pr.number = number;
      pr.head.sha = p.headSha;
      pr.head.ref = p.headRef;
      pr.base.sha = p.baseSha;
      pr.base.ref = p.baseRef;
      pr.user.login = p.author;
      pr.base.repo.full_name = `${github.owner}/${github.repo}`;
      pr.head.repo.full_name = options.fork ? `eve/${github.repo}` : `${github.owner}/${github.repo}`;
      pr.head.repo.fork = !!options.fork;
      if (kind === 'pull_request') payload.number = number;
      payload.repository.name = github.repo;
      payload.repository.full_name = `${github.owner}/${github.repo}`;
      payload.repository.owner.login = github.owner;
      const file = join(dir, `${kind}${options.fork ? '-fork' : ''}.json`);
      writeFileSync(file, JSON.stringify(payload));
      return file;
    },
    async close() {
      await github.close();
      repo.remove();
    },
  };
  await scenario.syncCommits([first]);
  return scenario;
}

export type { Person };
