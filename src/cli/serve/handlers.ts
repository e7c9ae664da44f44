import type { EmitterWebhookEventName, Webhooks } from '@octokit/webhooks';
import { judgeDeployment } from '../../app/judge-deployment.js';
import { CommitOrganisations, OrganisationsAtRefs } from '../../app/load-organisation.js';
import { knownFailure } from '../../app/ports/failure.js';
import type { CheckRunResult, GitHubApi, PullRequest } from '../../app/ports/github.js';
import { changeForms } from '../../app/change-forms.js';
import { cabConclusion, reviewPullRequestOnGitHub, type PullReview } from '../../app/review-pull-request.js';
import type { RepositoryMirrors } from '../../adapters/git/mirror.js';
import { openGitRepository, type GitCaches } from '../../adapters/git/repository.js';
import type { GitHubApp } from '../../adapters/github/app-auth.js';
import { protectionRuleFromEvent } from '../../adapters/github/events.js';
import { renderPullRequestComment } from '../../report/pull-request.js';
import { gateComment } from '../../report/gate-comment.js';
import { annotations } from '../github/annotations.js';
import { CAB_CONTEXT, cabDescription } from '../github/cab-status.js';
import type { ServerLog } from './log.js';

/**
 * What the App does with each event: the same use cases as `opsledger cab` and `opsledger gate`,
 * with GitHub reached as the installation and git through the repository's mirror.
 */
export interface AppDeps {
  app: GitHubApp;
  mirrors: RepositoryMirrors;
  log: ServerLog;
  now(): number;
  deadlineMs: number;
  /** Kept across deliveries: what every decision would otherwise read and parse again. */
  caches?: GitCaches;
  /** OPSLEDGER_CATALOG_URL: each change form links to its catalog page. */
  catalogUrl?: string;
}

export const CAB_EVENTS = [
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened',
  'pull_request.edited',
  'pull_request.ready_for_review',
  'pull_request_review.submitted',
  'pull_request_review.edited',
  'pull_request_review.dismissed',
] as const;

type Payload = Record<string, unknown>;

function field(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

class PayloadError extends Error {}

function str(payload: Payload, path: string): string {
  const v = field(payload, path);
  if (typeof v !== 'string' || !v) throw new PayloadError(`the payload has no ${path}`);
  return v;
}

function int(payload: Payload, path: string): number {
  const v = field(payload, path);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new PayloadError(`the payload has no ${path}`);
  return v;
}

/** The pull requests a check suite's head belongs to, as GitHub lists them in the payload. */
function suitePulls(payload: Payload): number[] {
  const list = field(payload, 'check_suite.pull_requests');
  if (!Array.isArray(list)) return [];
  const numbers = list.map((p) => field(p, 'number')).filter((n): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0);
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/**
 * Deliveries about one pull request wait for each other; so do the answers to one deployment.
 * A check suite can belong to several pull requests: its delivery waits in each of their queues.
 */
export function queueKey(name: string, payload: Payload): string[] {
  const repo = String(field(payload, 'repository.id') ?? field(payload, 'repository.full_name') ?? '');
  if (name === 'deployment_protection_rule') return [`${repo}:deploy:${String(field(payload, 'deployment_callback_url') ?? '')}`];
  const prs = name === 'check_suite' ? suitePulls(payload) : [field(payload, 'pull_request.number') ?? field(payload, 'check_run.pull_requests.0.number')].filter((n) => n !== undefined);
  return prs.length === 0 ? [`${repo}:${name}`] : prs.map((pr) => `${repo}#${String(pr)}`);
}

interface Target {
  installationId: number;
  owner: string;
  name: string;
  fullName: string;
}

function targetOf(payload: Payload): Target {
  return { installationId: int(payload, 'installation.id'), owner: str(payload, 'repository.owner.login'), name: str(payload, 'repository.name'), fullName: str(payload, 'repository.full_name') };
}

function mirrorOf(payload: Payload) {
  return { id: int(payload, 'repository.id'), cloneUrl: str(payload, 'repository.clone_url'), defaultBranch: str(payload, 'repository.default_branch') };
}

const MARKER = '<!-- opsledger:cab -->';

/** The `opsledger/cab` check: the verdict `opsledger cab` publishes as a status, with the pull request comment's markdown as its summary. */
export function cabCheckRun(review: PullReview, pull: PullRequest, now: number, catalogUrl?: string): CheckRunResult {
  const invalid = new Set(review.invalid);
  return {
    name: CAB_CONTEXT,
    headSha: pull.headSha,
    conclusion: cabConclusion(review),
    title: cabDescription(review).slice(0, 1000),
    summary: renderPullRequestComment(MARKER, review.subjects, review.sensitive, review.invalid, { forms: changeForms(review, { now, pullUrl: pull.url, author: pull.author, ...(catalogUrl ? { catalogUrl } : {}) }), servicePaths: review.servicePaths }),
    annotations: annotations([...review.head.validation.diagnostics.filter((d) => invalid.has(d.file) && d.severity === 'error'), ...review.diagnostics], ''),
    detailsUrl: pull.url,
  };
}

/** What the caches kept across deliveries have done so far (running totals), for the log. */
function cacheTotals(caches: GitCaches | undefined): Record<string, number> | undefined {
  if (!caches) return undefined;
  const b = caches.blobs?.stats;
  const o = caches.organisations instanceof CommitOrganisations ? caches.organisations.counts : undefined;
  return { ...(b ? { blobsParsed: b.parsed, blobHits: b.hits, blobBytes: b.bytes } : {}), ...(o ? { commitsRead: o.loads, commitHits: o.hits } : {}) };
}

function reason(e: unknown): { code: string; detail: string } {
  if (e instanceof PayloadError) return { code: 'payload', detail: e.message };
  return knownFailure(e) ?? { code: 'error', detail: (e as Error)?.message ?? String(e) };
}

export function registerAppHandlers(webhooks: Webhooks, deps: AppDeps): void {
  const { log } = deps;

  async function decideCab(delivery: string, event: string, payload: Payload, number: number): Promise<void> {
    const started = Date.now();
    const base = { delivery, event, action: field(payload, 'action'), repository: field(payload, 'repository.full_name'), pull: number };
    let api: GitHubApi | undefined;
    let checkId: number | undefined;
    let pull: PullRequest | undefined;
    try {
      const target = targetOf(payload);
      const installation = await deps.app.installation(target.installationId);
      log.secret(installation.token);
      api = installation.api({ owner: target.owner, repo: target.name });
      pull = await api.getPullRequest(number);
      checkId = await api.startCheckRun(CAB_CONTEXT, pull.headSha, 'deciding the approvals');
      const path = await deps.mirrors.sync(mirrorOf(payload), installation.token);
      const now = deps.now();
      const review = await reviewPullRequestOnGitHub({ refs: new OrganisationsAtRefs(openGitRepository(path, deps.caches)), api, pull, now });
      const result = cabCheckRun(review, pull, now, deps.catalogUrl);
      await api.finishCheckRun(checkId, result);
      const cache = cacheTotals(deps.caches);
      log({ ...base, outcome: 'decided', head: pull.headSha, conclusion: result.conclusion, ms: Date.now() - started, ...(cache ? { cache } : {}) });
    } catch (e) {
      const r = reason(e);
      if (api && checkId !== undefined && pull) {
        // The check must not stay "in progress": it says why no decision was made.
        await api.finishCheckRun(checkId, { name: CAB_CONTEXT, headSha: pull.headSha, conclusion: 'failure', title: 'opsledger could not decide the approvals', summary: `${r.detail} [${r.code}]`, annotations: [], detailsUrl: pull.url }).catch(() => undefined);
      }
      log({ ...base, outcome: 'failed', code: r.code, detail: r.detail, ms: Date.now() - started });
    }
  }

  webhooks.on([...CAB_EVENTS] as EmitterWebhookEventName[], async ({ id, name, payload }) => {
    const p = payload as unknown as Payload;
    const number = field(p, 'pull_request.number');
    if (typeof number !== 'number') return log({ delivery: id, event: name, outcome: 'failed', code: 'payload', detail: 'the payload has no pull_request.number' });
    await decideCab(id, name, p, number);
  });

  webhooks.on('check_run.rerequested', async ({ id, name, payload }) => {
    const p = payload as unknown as Payload;
    if (field(p, 'check_run.name') !== CAB_CONTEXT) return log({ delivery: id, event: name, action: 'rerequested', outcome: 'ignored', detail: 'not the opsledger/cab check' });
    const number = field(p, 'check_run.pull_requests.0.number');
    if (typeof number !== 'number') return log({ delivery: id, event: name, action: 'rerequested', outcome: 'ignored', detail: 'the check run names no pull request' });
    await decideCab(id, name, p, number);
  });

  // "Re-run all checks" on a suite: the CAB again for every pull request whose head it is.
  webhooks.on('check_suite.rerequested', async ({ id, name, payload }) => {
    const p = payload as unknown as Payload;
    const numbers = suitePulls(p);
    if (!numbers.length) return log({ delivery: id, event: name, action: 'rerequested', outcome: 'ignored', detail: 'the check suite names no pull request' });
    for (const number of numbers) await decideCab(id, name, p, number);
  });

  // A push already arrives as pull_request.synchronize, which decides; deciding again here would
  // post a second check run for the same head.
  webhooks.on('check_suite.requested', ({ id, name }) => log({ delivery: id, event: name, action: 'requested', outcome: 'ignored', detail: 'new commits are decided on pull_request events' }));

  webhooks.on('deployment_protection_rule.requested', async ({ id, name, payload }) => {
    const started = Date.now();
    const p = payload as unknown as Payload;
    const base = { delivery: id, event: name, action: 'requested', repository: field(p, 'repository.full_name'), environment: field(p, 'environment') };
    let rule;
    let target: Target;
    try {
      rule = protectionRuleFromEvent(p);
      target = targetOf(p);
    } catch (e) {
      // Without the run, the environment and the installation there is nobody to answer.
      return log({ ...base, outcome: 'unanswerable', ...reason(e) });
    }
    let api: GitHubApi;
    try {
      const installation = await deps.app.installation(target.installationId);
      log.secret(installation.token);
      api = installation.api({ owner: target.owner, repo: target.name });
      const token = installation.token;
      const repo = { owner: target.owner, repo: target.name };
      const verdict = await judgeDeployment({
        git: async (signal) => openGitRepository(await deps.mirrors.sync(mirrorOf(p), token, signal), deps.caches),
        // The work's own client, cancelled at the deadline; the answer goes through `api`.
        github: (signal) => installation.api(repo, signal),
        environment: rule.environment,
        sha: typeof p.sha === 'string' ? p.sha : '',
        ...(rule.change ? { change: rule.change } : {}),
        at: deps.now(),
        deadlineMs: deps.deadlineMs,
      });
      const comment = verdict.reason ? gateComment([], [`opsledger: not deployed: ${verdict.reason}`]) : gateComment(verdict.decisions);
      await api.reviewDeploymentProtectionRule({ runId: rule.runId, environment: rule.environment, state: verdict.state, comment });
      log({ ...base, outcome: 'answered', state: verdict.state, changes: verdict.decisions.map((d) => d.change), ...(verdict.reason ? { detail: verdict.reason } : {}), ms: Date.now() - started });
    } catch (e) {
      log({ ...base, outcome: 'unanswered', ...reason(e), ms: Date.now() - started });
    }
  });
}
