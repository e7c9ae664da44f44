import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import type { CommitIdentity, Review } from '../../core/approvals.js';
import {
  ANNOTATIONS_PER_REQUEST,
  type CheckAnnotation,
  type CheckRunListing,
  type CheckRunResult,
  type CommitStatus,
  type Deployment,
  type DeploymentStatus,
  type GitHubApi,
  type ProtectionRuleAnswer,
  type PullRequest,
  type PullSummary,
  type RepoRef,
  type Repository,
} from '../../app/ports/github.js';
import { GitHubMalformedResponse, GitHubNotFound, GitHubUnavailable, toGitHubError } from './errors.js';
import { httpFetch } from './http-fetch.js';
import { checkShape, type ShapeName } from './shapes.js';
import type { ResponseCache } from './etag-cache.js';

export interface GitHubClientConfig {
  token: string;
  /** GITHUB_API_URL: https://api.github.com, a GitHub Enterprise Server's /api/v3, or a test server. */
  baseUrl: string;
  repo: RepoRef;
  /** Per attempt, so a hung connection is retried rather than waited on forever. */
  timeoutMs?: number;
  /** Retries of 5xx, timeouts and rate limits before giving up. */
  retries?: number;
  /** Backoff unit: retry n waits n² units (Octokit's retry plugin), rate limits wait Retry-After units. */
  retryBaseMs?: number;
  /** Rate-limit waits longer than this are not waited out: the command fails (the gate denies). */
  maxRateLimitWaitSeconds?: number;
  /** Gap between writes; GitHub asks for about a second to stay clear of secondary rate limits. */
  writeGapMs?: number;
  /** Ends every request in flight and refuses later ones (a decision past its deadline). */
  signal?: AbortSignal;
  /** GET answers kept with their ETags and asked for again conditionally (a 304 costs no rate limit). */
  cache?: ResponseCache;
}

const DEFAULTS = { timeoutMs: 15_000, retries: 3, retryBaseMs: 1000, maxRateLimitWaitSeconds: 60, writeGapMs: 1000 };
const MAX_PAGES = 50;

type Data = Record<string, unknown>;

interface Response {
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** Every request through httpFetch (node:http, not undici: see there), each attempt bounded by the timeout. */
export function timedFetch(timeoutMs: number): typeof fetch {
  const timed = (input: string | URL, init?: Parameters<typeof httpFetch>[1]) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return httpFetch(input, { ...init, signal });
  };
  return timed as unknown as typeof fetch;
}

function nextLink(headers: Response['headers']): string | undefined {
  const link = headers.link;
  if (typeof link !== 'string') return undefined;
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
}

/**
 * The next page's address when it lies under the configured API (same origin, same base path,
 * no credentials in it). Octokit sends the token with every request it makes, so a Link header
 * pointing anywhere else (a proxy's, a misconfigured Enterprise Server's, an attacker's) would
 * hand the token to that host.
 */
export function nextPageOnApi(next: string, baseUrl: string): string | undefined {
  let url: URL;
  let base: URL;
  try {
    base = new URL(baseUrl);
    url = new URL(next, base);
  } catch {
    return undefined;
  }
  const prefix = base.pathname.replace(/\/+$/, '') + '/';
  if (url.origin !== base.origin || url.username || url.password || !url.pathname.startsWith(prefix)) return undefined;
  return url.href;
}

/** The Octokit-backed GitHubApi, with retries, throttling, timeouts and checked answers. */
export function createGitHubApi(config: GitHubClientConfig): GitHubApi {
  const c = { ...DEFAULTS, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) } as Required<GitHubClientConfig>;
  const { owner, repo } = c.repo;
  const Client = Octokit.plugin(retry, throttling);
  const giveUp = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < c.retries && retryAfter <= c.maxRateLimitWaitSeconds;
  const pacing = c.writeGapMs === DEFAULTS.writeGapMs ? {} : { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: c.writeGapMs }), notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: c.writeGapMs }) };
  const octokit = new Client({
    auth: c.token,
    baseUrl: c.baseUrl.replace(/\/+$/, ''),
    userAgent: 'opsledger',
    request: { fetch: timedFetch(c.timeoutMs), ...(c.signal ? { signal: c.signal } : {}) },
    retry: { retries: c.retries, retryAfterBaseValue: c.retryBaseMs },
    throttle: { onRateLimit: giveUp, onSecondaryRateLimit: giveUp, retryAfterBaseValue: c.retryBaseMs, ...pacing },
    // Octokit's own logging would write warnings into the command's output.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });

  // Once cancelled nothing reaches GitHub: fetch refuses the aborted signal (Octokit's retries
  // included), and no later call or page is started.
  const cancelled = (route: string) => {
    if (c.signal?.aborted) throw new GitHubUnavailable(`${route}: not requested: the work was cancelled`, route);
  };

  const cache = config.cache;
  /** A GET through the ETag cache: a 304 answers with the kept body, a 200 with an ETag is kept. */
  async function conditional(key: string | undefined, send: (headers: Record<string, string>) => Promise<{ data: unknown; headers: Response['headers'] }>, route: string): Promise<Response> {
    const kept = key && cache ? cache.get(key) : undefined;
    try {
      const r = await send(kept ? { 'if-none-match': kept.etag } : {});
      const etag = r.headers.etag;
      if (key && cache && typeof etag === 'string') cache.set(key, { etag, data: { data: r.data, link: r.headers.link ?? null } });
      return { data: r.data, headers: r.headers };
    } catch (e) {
      if (kept && (e as { status?: unknown }).status === 304) {
        const body = kept.data as { data: unknown; link: string | null };
        return { data: body.data, headers: body.link ? { link: body.link } : {} };
      }
      throw toGitHubError(e, route);
    }
  }
  const keyOf = (what: string) => `${c.baseUrl.replace(/\/+$/, '')} ${owner}/${repo} ${what}`;

  async function call(route: string, params: Data = {}): Promise<Response> {
    cancelled(route);
    const key = route.startsWith('GET ') ? keyOf(`${route} ${JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))}`) : undefined;
    return conditional(key, async (headers) => {
      const r = await octokit.request(route, { owner, repo, ...params, ...(Object.keys(headers).length ? { headers } : {}) });
      return { data: r.data, headers: r.headers as Response['headers'] };
    }, route);
  }

  async function getPage(url: string, route: string): Promise<Response> {
    cancelled(route);
    return conditional(keyOf(`GET ${url}`), async (headers) => {
      const r = await octokit.request({ method: 'GET', url, headers });
      return { data: r.data, headers: r.headers as Response['headers'] };
    }, route);
  }

  async function get<T>(shape: ShapeName, route: string, params: Data = {}): Promise<T> {
    return checkShape<T>(shape, (await call(route, params)).data, route);
  }

  /** Every page of a list, each page checked against its shape; GitHub's Link header says where the next one is, `items` takes the list out of a page. */
  async function pages<T>(shape: ShapeName, route: string, params: Data, items: (data: unknown) => T[]): Promise<T[]> {
    const out: T[] = [];
    let r = await call(route, { ...params, per_page: 100 });
    for (let page = 1; ; page++) {
      out.push(...items(checkShape<unknown>(shape, r.data, route)));
      const link = nextLink(r.headers);
      if (!link) return out;
      const next = nextPageOnApi(link, c.baseUrl);
      if (!next) throw new GitHubMalformedResponse(`${route}: the next page is not on the GitHub API at ${new URL(c.baseUrl).origin}; it was not requested`, route);
      if (page >= MAX_PAGES) throw new GitHubMalformedResponse(`${route}: more than ${MAX_PAGES} pages`, route);
      r = await getPage(next, route);
    }
  }

  async function list<T>(shape: ShapeName, route: string, params: Data = {}): Promise<T[]> {
    return pages(shape, route, params, (data) => data as T[]);
  }

  /** Every page of a list GitHub wraps in an object (`{total_count, check_runs: [...]}`), each page checked. */
  async function listIn<T>(shape: ShapeName, key: string, route: string, params: Data = {}): Promise<T[]> {
    return pages(shape, route, params, (data) => (data as Record<string, T[]>)[key] ?? []);
  }

  return {
    repoRef: { owner, repo },

    async listCheckRuns(ref: string, name: string): Promise<CheckRunListing[]> {
      type Row = { id: number; name: string; head_sha: string; status: string; conclusion: string | null; completed_at: string | null; output: { text?: string | null }; app: { slug?: string } | null };
      const rows = await listIn<Row>('checkRuns', 'check_runs', 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ref, check_name: name, filter: 'all' });
      return rows
        .filter((r) => r.name === name && r.head_sha === ref)
        .map((r) => ({ id: r.id, name: r.name, headSha: r.head_sha, status: r.status, conclusion: r.conclusion, completedAt: r.completed_at, text: r.output.text ?? null, app: r.app?.slug ?? null }));
    },

    async listDeployments(sha?: string): Promise<Deployment[]> {
      type Row = { id: number; sha: string; environment: string; created_at: string; payload: unknown };
      const rows = await list<Row>('deployments', 'GET /repos/{owner}/{repo}/deployments', sha ? { sha } : {});
      return rows.map((r) => {
        const payload = typeof r.payload === 'string' ? safeJson(r.payload) : r.payload;
        const change = payload && typeof payload === 'object' && typeof (payload as { change?: unknown }).change === 'string' ? (payload as { change: string }).change : null;
        return { id: r.id, sha: r.sha, environment: r.environment, createdAt: r.created_at, change };
      });
    },

    async listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]> {
      type Row = { id: number; state: DeploymentStatus['state']; created_at: string };
      const rows = await list<Row>('deploymentStatuses', 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { deployment_id: deploymentId });
      return rows.map((r) => ({ id: r.id, state: r.state, createdAt: r.created_at }));
    },

    async getRepository(): Promise<Repository> {
      const d = await get<{ full_name: string; default_branch: string }>('repository', 'GET /repos/{owner}/{repo}');
      return { fullName: d.full_name, defaultBranch: d.default_branch };
    },

    async getPullRequest(number: number): Promise<PullRequest> {
      const d = await get<{
        number: number;
        state: 'open' | 'closed';
        user: { login: string };
        head: { sha: string; ref: string };
        base: { sha: string; ref: string };
        merged_at: string | null;
        merge_commit_sha: string | null;
        commits?: number;
        html_url: string;
        draft?: boolean;
      }>('pull', 'GET /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: number });
      if (d.number !== number) throw new GitHubMalformedResponse(`GET /repos/{owner}/{repo}/pulls/{pull_number}: asked for #${number}, got #${d.number}`);
      return {
        number: d.number,
        state: d.state,
        author: d.user.login,
        headSha: d.head.sha,
        headRef: d.head.ref,
        baseSha: d.base.sha,
        baseRef: d.base.ref,
        mergedAt: d.merged_at,
        mergeCommitSha: d.merge_commit_sha,
        commits: d.commits ?? 0,
        url: d.html_url,
        draft: d.draft ?? false,
      };
    },

    async listReviews(number: number): Promise<Review[]> {
      const rows = await list<{ id: number; user: { login: string } | null; state: Review['state']; commit_id: string | null; submitted_at?: string }>('reviews', 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { pull_number: number });
      // A deleted account's review has no user; it can approve nothing.
      return rows.filter((r) => r.user).map((r) => ({ id: r.id, login: r.user!.login, state: r.state, commitId: r.commit_id ?? '', ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}) }));
    },

    async listPullCommits(number: number): Promise<CommitIdentity[]> {
      type Row = { sha: string; author: { login?: string } | null; committer: { login?: string } | null; commit: { message: string; author: { email?: string; date?: string } | null; committer: { email?: string } | null } };
      const rows = await list<Row>('commits', 'GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { pull_number: number });
      return rows.map((r) => ({
        sha: r.sha,
        message: r.commit.message,
        ...(r.author?.login ? { authorLogin: r.author.login } : {}),
        ...(r.committer?.login ? { committerLogin: r.committer.login } : {}),
        ...(r.commit.author?.email ? { authorEmail: r.commit.author.email } : {}),
        ...(r.commit.committer?.email ? { committerEmail: r.commit.committer.email } : {}),
        ...(r.commit.author?.date ? { authorDate: r.commit.author.date } : {}),
      }));
    },

    async listPullsForCommit(sha: string): Promise<PullSummary[]> {
      const rows = await list<{ number: number; state: 'open' | 'closed'; merged_at: string | null; base: { ref: string } }>('pullSummaries', 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { commit_sha: sha });
      return rows.map((r) => ({ number: r.number, state: r.state, mergedAt: r.merged_at, baseRef: r.base.ref }));
    },

    async listTeamMembers(org: string, slug: string): Promise<string[]> {
      const rows = await list<{ login: string }>('members', 'GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: slug });
      return rows.map((r) => r.login.toLowerCase());
    },

    async publishCheckRun(result: CheckRunResult): Promise<number> {
      const [first, ...rest] = annotationBatches(result);
      const created = checkShape<{ id: number }>(
        'created',
        (await call('POST /repos/{owner}/{repo}/check-runs', { name: result.name, head_sha: result.headSha, status: 'completed', conclusion: result.conclusion, ...detailsOf(result), output: checkOutput(result, first) })).data,
        'POST /repos/{owner}/{repo}/check-runs',
      );
      for (const batch of rest) {
        await call('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: created.id, output: checkOutput(result, batch) });
      }
      return created.id;
    },

    async startCheckRun(name: string, headSha: string, title: string): Promise<number> {
      const route = 'POST /repos/{owner}/{repo}/check-runs';
      return checkShape<{ id: number }>('created', (await call(route, { name, head_sha: headSha, status: 'in_progress', output: { title, summary: title } })).data, route).id;
    },

    async finishCheckRun(id: number, result: CheckRunResult): Promise<void> {
      const [first, ...rest] = annotationBatches(result);
      await call('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: id, status: 'completed', conclusion: result.conclusion, ...detailsOf(result), output: checkOutput(result, first) });
      for (const batch of rest) await call('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: id, output: checkOutput(result, batch) });
    },

    async createCommitStatus(s: CommitStatus): Promise<void> {
      await call('POST /repos/{owner}/{repo}/statuses/{sha}', {
        sha: s.sha,
        state: s.state,
        context: s.context,
        // GitHub cuts descriptions at 140 characters and refuses longer ones.
        description: s.description.length > 140 ? `${s.description.slice(0, 139)}…` : s.description,
        ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
      });
    },

    async upsertStickyComment(issueNumber: number, marker: string, body: string) {
      const route = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
      const comments = await list<{ id: number; body?: string; user: { login: string; type: string } | null }>('comments', route, { issue_number: issueNumber });
      // Only a bot's comment is ours to edit: anyone can paste the marker into their own.
      const mine = comments.find((x) => x.user?.type === 'Bot' && (x.body ?? '').startsWith(marker));
      const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
      if (mine) {
        await call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: mine.id, body: text });
        return { id: mine.id, created: false };
      }
      const r = await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issueNumber, body: text });
      return { id: checkShape<{ id: number }>('created', r.data, 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments').id, created: true };
    },

    async listLabels(issueNumber: number): Promise<string[]> {
      const rows = await list<{ name: string }>('labels', 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { issue_number: issueNumber });
      return rows.map((r) => r.name);
    },

    async removeLabel(issueNumber: number, label: string): Promise<void> {
      try {
        await call('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { issue_number: issueNumber, name: label });
      } catch (e) {
        // Someone (or a concurrent run) took it off first: the outcome wanted is there.
        if (!(e instanceof GitHubNotFound)) throw e;
      }
    },

    async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
      if (!labels.length) return;
      await call('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { issue_number: issueNumber, labels: [...labels] });
    },

    async requestReviewers(number: number, reviewers: { users: readonly string[]; teams: readonly string[] }): Promise<void> {
      if (!reviewers.users.length && !reviewers.teams.length) return;
      await call('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { pull_number: number, reviewers: [...reviewers.users], team_reviewers: [...reviewers.teams] });
    },

    async reviewDeploymentProtectionRule(a: ProtectionRuleAnswer): Promise<void> {
      await call('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        run_id: a.runId,
        environment_name: a.environment,
        state: a.state,
        comment: a.comment,
      });
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function annotationBatches(result: CheckRunResult): (readonly CheckAnnotation[] | undefined)[] {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < result.annotations.length; i += ANNOTATIONS_PER_REQUEST) batches.push(result.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return batches.length ? batches : [undefined];
}

// GitHub refuses a check-run summary over 65,535 characters.
const MAX_SUMMARY = 65_000;

function checkOutput(result: CheckRunResult, batch: readonly CheckAnnotation[] | undefined): Data {
  const summary = result.summary.length > MAX_SUMMARY ? `${result.summary.slice(0, MAX_SUMMARY)}\n\n…` : result.summary;
  return { title: result.title, summary, ...(result.text !== undefined ? { text: result.text } : {}), ...(batch?.length ? { annotations: batch.map(toAnnotation) } : {}) };
}

function detailsOf(result: CheckRunResult): Data {
  return result.detailsUrl ? { details_url: result.detailsUrl } : {};
}

function toAnnotation(a: CheckAnnotation): Data {
  // GitHub accepts columns only for annotations on a single line.
  const columns = a.startLine === a.endLine && a.startColumn !== undefined ? { start_column: a.startColumn, end_column: a.endColumn ?? a.startColumn } : {};
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    ...columns,
    annotation_level: a.level,
    message: a.message,
    ...(a.title ? { title: a.title } : {}),
  };
}
