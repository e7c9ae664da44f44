import { createHash, randomBytes, verify as verifySignature, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubOpenApi } from './github-openapi.js';

/**
 * A stand-in for GitHub's REST API on 127.0.0.1. Every route it serves is a GitHub operation
 * (method + path template from the official OpenAPI description), every answer is built from
 * GitHub's own example for that operation and validated against the operation's schema, and
 * every request body our client sends is validated too. Anything that does not match lands in
 * `violations`, which each test expects to stay empty, so a fake that drifts from GitHub (or
 * a client that sends what GitHub would refuse) fails the suite.
 */
type Json = Record<string, unknown>;

export interface FakeCommit {
  sha: string;
  message: string;
  authorLogin?: string | undefined;
  authorEmail: string;
  committerLogin?: string | undefined;
  committerEmail: string;
  /** ISO 8601; the example payload's date when not given. */
  authorDate?: string;
}

export interface FakeReview {
  login: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
  submittedAt?: string;
}

export interface FakePull {
  number: number;
  author: string;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  state: 'open' | 'closed';
  mergedAt: string | null;
  mergeCommitSha: string | null;
  commits: FakeCommit[];
  reviews: FakeReview[];
  /** What GitHub counts, when it should differ from the commits listed (over 250). */
  commitCount?: number;
}

export interface Fault {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer: the client's timeout has to give up. */
  hang?: boolean;
  /** Answer 200 with this text as an application/json body (broken JSON). */
  raw?: string;
}

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  params: string[];
  /** `more`: the route paged an object-wrapped list itself and another page follows. */
  handle(p: Record<string, string>, body: unknown, query: URLSearchParams): { status: number; body?: unknown; more?: boolean };
}

export interface LoggedRequest {
  method: string;
  path: string;
  template?: string;
  body?: unknown;
}

const TOKEN = 'test-token';

export class FakeGitHub {
  readonly token = TOKEN;
  owner = 'acme';
  repo = 'ledger';
  defaultBranch = 'main';
  readonly pulls = new Map<number, FakePull>();
  readonly pullsForCommit = new Map<string, number[]>();
  readonly teams = new Map<string, string[]>();
  readonly comments = new Map<number, { id: number; body: string; login: string; type: 'User' | 'Bot' }[]>();
  readonly labels = new Map<number, string[]>();
  readonly reviewRequests: { number: number; reviewers: string[]; teams: string[] }[] = [];
  readonly statuses: { sha: string; state: string; context: string; description: string; targetUrl?: string }[] = [];
  readonly checkRuns: { id: number; create: Json; updates: Json[]; app?: string; completedAt?: string }[] = [];
  /** The App slug check runs created through the API are listed as written by. */
  checkRunApp = 'github-actions';
  readonly deployments: { id: number; sha: string; environment: string; createdAt: string; payload: unknown; statuses: { state: string; createdAt: string }[] }[] = [];
  readonly protectionAnswers: { runId: number; body: Json }[] = [];
  readonly requests: LoggedRequest[] = [];
  /** GET requests answered 304 Not Modified (an If-None-Match that matched the answer's ETag). */
  notModified = 0;
  readonly violations: string[] = [];
  /** Installation tokens handed out by POST /app/installations/{id}/access_tokens, in order. */
  readonly installationTokens: string[] = [];
  /** The GitHub App whose JWTs the token route accepts (enableApp). */
  private app?: { id: number; publicKey: KeyObject };
  /** Milliseconds a route waits before answering: to hold work in flight. */
  readonly delays = new Map<string, number>();
  /** A route answers only once its promise settles: to hold a request until the test lets it go. */
  readonly holds = new Map<string, Promise<unknown>>();
  private readonly faults: { method: string; template: string; fault: Fault; remaining: number }[] = [];
  private readonly routes: Route[] = [];
  private server?: Server;
  private nextId = 1000;
  url = '';

  constructor() {
    this.defineRoutes();
  }

  /** Makes a route misbehave for the next `times` requests. */
  inject(method: string, template: string, fault: Fault, times = Number.POSITIVE_INFINITY): void {
    if (!this.routes.some((r) => r.method === method && r.template === template)) throw new Error(`no route ${method} ${template}`);
    this.faults.push({ method, template, fault, remaining: times });
  }

  /** Accepts JWTs of this App (RS256, signed with the key whose public half is given) on /app/ routes. */
  enableApp(id: number, publicKey: KeyObject): void {
    this.app = { id, publicKey };
  }

  /** The App JWT's problem, or undefined when GitHub would accept it. */
  private jwtProblem(auth: string): string | undefined {
    if (!this.app) return 'no App is configured';
    const m = /^bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(auth);
    if (!m) return 'not a bearer JWT';
    const header = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as { alg?: string };
    const claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number; iat?: number };
    if (header.alg !== 'RS256') return `alg ${header.alg}`;
    if (!verifySignature('RSA-SHA256', Buffer.from(`${m[1]}.${m[2]}`), this.app.publicKey, Buffer.from(m[3]!, 'base64url'))) return 'bad signature';
    if (String(claims.iss) !== String(this.app.id)) return `iss ${String(claims.iss)}`;
    const now = Date.now() / 1000;
    // GitHub refuses JWTs that live over ten minutes or have expired.
    if (!claims.exp || !claims.iat || claims.exp < now || claims.exp - claims.iat > 600) return 'expired or too long-lived';
    return undefined;
  }

  count(method: string, template: string): number {
    return this.requests.filter((r) => r.method === method && r.template === template).length;
  }

  /** Every route this fake serves, for the test that checks each one against the OpenAPI description. */
  routeList(): { method: string; template: string }[] {
    return this.routes.map(({ method, template }) => ({ method, template }));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The environment a command running "in Actions" against this server sees. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      GITHUB_API_URL: this.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: `${this.owner}/${this.repo}`,
      OPSLEDGER_GITHUB_RETRY_BASE_MS: '1',
      OPSLEDGER_GITHUB_TIMEOUT_MS: '2000',
      OPSLEDGER_GITHUB_WRITE_GAP_MS: '0',
      ...extra,
    };
  }

  // ------------------------------------------------------------------ serving

  private route(method: string, template: string, handle: Route['handle']): void {
    const params: string[] = [];
    const regex = new RegExp(
      '^' +
        template.replace(/\{([^}]+)\}|[^{]+/g, (m, name: string | undefined) => {
          if (name) {
            params.push(name);
            return '([^/]+)';
          }
          return m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }) +
        '$',
    );
    this.routes.push({ method, template, regex, params, handle });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        this.violations.push(`${req.method} ${url.pathname}: request body is not JSON`);
      }
    }
    const method = req.method ?? 'GET';
    const route = this.routes.find((r) => r.method === method && r.regex.test(url.pathname));
    this.requests.push({ method, path: url.pathname, ...(route ? { template: route.template } : {}), ...(body !== undefined ? { body } : {}) });
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(payload !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
      res.end(payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (!route) {
      this.violations.push(`unrouted request ${method} ${url.pathname}`);
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    const auth = req.headers.authorization ?? '';
    if (route.template.startsWith('/app/')) {
      const problem = this.jwtProblem(auth);
      if (problem) {
        this.violations.push(`${method} ${url.pathname}: JWT refused: ${problem}`);
        return send(401, { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' });
      }
    } else {
      const given = /^(?:token|bearer) (.+)$/i.exec(auth)?.[1];
      if (given !== TOKEN && !(given && this.installationTokens.includes(given))) {
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      }
    }
    const delay = this.delays.get(`${method} ${route.template}`);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    await this.holds.get(`${method} ${route.template}`);
    const fault = this.faults.find((f) => f.method === method && f.template === route.template && f.remaining > 0);
    if (fault) {
      fault.remaining--;
      const f = fault.fault;
      if (f.hang) return; // the client gives up; closeAllConnections() ends it
      if (f.raw !== undefined) return send(200, f.raw);
      return send(f.status ?? 500, f.body ?? { message: 'Server Error', documentation_url: 'https://docs.github.com/rest' }, f.headers);
    }
    this.violations.push(...githubOpenApi().checkRequest(method, route.template, body));
    const m = route.regex.exec(url.pathname)!;
    const params = Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(m[i + 1]!)]));
    if (params.owner !== undefined && (params.owner !== this.owner || params.repo !== this.repo)) {
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    }
    let out: { status: number; body?: unknown; more?: boolean };
    try {
      out = route.handle(params, body, url.searchParams);
    } catch (e) {
      out = { status: 404, body: { message: (e as Error).message, documentation_url: 'https://docs.github.com/rest' } };
    }
    const { page, headers } = out.more !== undefined ? this.pagedObject(out.body, url, out.more) : this.paginate(out.body, url);
    // GitHub tags GET answers with an ETag and answers a matching If-None-Match with 304 and no body.
    if (method === 'GET' && out.status === 200) {
      const etag = `"${createHash('sha1').update(JSON.stringify(page) + (headers.link ?? '')).digest('hex')}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) {
        this.notModified++;
        res.writeHead(304, { etag });
        res.end();
        return;
      }
    }
    this.violations.push(...githubOpenApi().checkResponse(method, route.template, out.status, page));
    send(out.status, page, headers);
  }

  private pagedObject(body: unknown, url: URL, more: boolean): { page: unknown; headers: Record<string, string> } {
    if (!more) return { page: body, headers: {} };
    const next = new URL(url.toString());
    next.searchParams.set('page', String(Number(url.searchParams.get('page') ?? 1) + 1));
    return { page: body, headers: { link: `<${this.url}${next.pathname}${next.search}>; rel="next"` } };
  }

  private paginate(body: unknown, url: URL): { page: unknown; headers: Record<string, string> } {
    if (!Array.isArray(body)) return { page: body, headers: {} };
    const per = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const n = Number(url.searchParams.get('page') ?? 1);
    const page = body.slice((n - 1) * per, n * per);
    if (n * per >= body.length) return { page, headers: {} };
    const next = new URL(url.toString());
    next.searchParams.set('page', String(n + 1));
    return { page, headers: { link: `<${this.url}${next.pathname}${next.search}>; rel="next"` } };
  }

  // ------------------------------------------------------------------ GitHub's answers

  private example(method: string, template: string, status: number): Json {
    const e = githubOpenApi().example(method, template, status);
    return (Array.isArray(e) ? e[0] : e) as Json;
  }

  private pull(number: string | number): FakePull {
    const p = this.pulls.get(Number(number));
    if (!p) throw new Error('Not Found');
    return p;
  }

  private user(login: string, type: 'User' | 'Bot' = 'User'): Json {
    const u = this.example('GET', '/orgs/{org}/teams/{team_slug}/members', 200);
    // A bot's profile lives under /apps/ (and `[bot]` would not be a valid URI).
    const html = type === 'Bot' ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}` : `https://github.com/${login}`;
    return { ...u, login, type, html_url: html };
  }

  private pullBody(p: FakePull, template: string): Json {
    const method = 'GET';
    const e = this.example(method, template, 200);
    const head = e.head as Json;
    const base = e.base as Json;
    return {
      ...e,
      number: p.number,
      state: p.state,
      user: this.user(p.author),
      head: { ...head, sha: p.headSha, ref: p.headRef },
      base: { ...base, sha: p.baseSha, ref: p.baseRef },
      merged_at: p.mergedAt,
      merge_commit_sha: p.mergeCommitSha,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
      // GitHub's own example lacks `type` on teams, which its schema requires.
      requested_teams: [],
      draft: false,
      ...(template === '/repos/{owner}/{repo}/pulls/{pull_number}' ? { merged: p.mergedAt !== null, commits: p.commitCount ?? p.commits.length } : {}),
    };
  }

  private defineRoutes(): void {
    this.route('GET', '/repos/{owner}/{repo}', () => {
      const e = this.example('GET', '/repos/{owner}/{repo}', 200);
      // `language` is required (and nullable) in GitHub's schema but missing from its example.
      // Forks' `parent` and `source` in the example lack `language` too; this repository is no fork.
      const { parent: _p, source: _s, template_repository: _t, ...own } = e;
      return { status: 200, body: { ...own, fork: false, name: this.repo, full_name: `${this.owner}/${this.repo}`, default_branch: this.defaultBranch, language: null } };
    });
    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', (p) => ({ status: 200, body: this.pullBody(this.pull(p.pull_number!), '/repos/{owner}/{repo}/pulls/{pull_number}') }));
    this.route('GET', '/repos/{owner}/{repo}/commits/{commit_sha}/pulls', (p) => {
      const numbers = this.pullsForCommit.get(p.commit_sha!) ?? [];
      return { status: 200, body: numbers.map((n) => this.pullBody(this.pull(n), '/repos/{owner}/{repo}/commits/{commit_sha}/pulls')) };
    });
    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', (p) => {
      const e = this.example('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200);
      const reviews = this.pull(p.pull_number!).reviews.map((r, i) => ({ ...e, id: i + 1, node_id: `R_${i + 1}`, user: this.user(r.login), state: r.state, commit_id: r.commitId, submitted_at: r.submittedAt ?? new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString() }));
      return { status: 200, body: reviews };
    });
    this.route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', (p) => {
      const e = this.example('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/commits', 200);
      const commit = e.commit as Json;
      const commits = this.pull(p.pull_number!).commits.map((c) => ({
        ...e,
        sha: c.sha,
        author: c.authorLogin ? this.user(c.authorLogin) : null,
        committer: c.committerLogin ? this.user(c.committerLogin) : null,
        commit: { ...commit, message: c.message, author: { ...(commit.author as Json), email: c.authorEmail, ...(c.authorDate ? { date: c.authorDate } : {}) }, committer: { ...(commit.committer as Json), email: c.committerEmail } },
      }));
      return { status: 200, body: commits };
    });
    this.route('GET', '/orgs/{org}/teams/{team_slug}/members', (p) => {
      const members = this.teams.get(`${p.org}/${p.team_slug}`);
      if (!members) throw new Error('Not Found');
      return { status: 200, body: members.map((m) => this.user(m)) };
    });
    this.route('POST', '/repos/{owner}/{repo}/check-runs', (_p, body) => {
      const id = this.nextId++;
      this.checkRuns.push({ id, create: body as Json, updates: [] });
      const e = this.example('POST', '/repos/{owner}/{repo}/check-runs', 201);
      return { status: 201, body: { ...e, id, name: (body as Json).name, head_sha: (body as Json).head_sha } };
    });
    this.route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', (p, _b, q) => {
      const e = this.example('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', 200);
      const run0 = (e.check_runs as Json[])[0]!;
      const name = q.get('check_name');
      const runs = this.checkRuns
        .filter((r) => r.create.head_sha === p.ref && (!name || r.create.name === name))
        .map((r) => {
          const last = Object.assign({}, r.create, ...r.updates) as Json;
          const output = (last.output ?? {}) as Json;
          return {
            ...run0,
            id: r.id,
            name: last.name,
            head_sha: last.head_sha,
            status: last.status ?? 'completed',
            conclusion: last.conclusion ?? null,
            started_at: r.completedAt ?? '2026-12-01T00:00:00Z',
            completed_at: r.completedAt ?? '2026-12-01T00:00:00Z',
            output: { ...(run0.output as Json), title: output.title ?? null, summary: output.summary ?? null, text: output.text ?? null },
            app: { ...(run0.app as Json), slug: r.app ?? this.checkRunApp },
            pull_requests: [],
          };
        });
      // Newest first, as GitHub lists them.
      runs.reverse();
      const per = Math.min(100, Number(q.get('per_page') ?? 30));
      const n = Number(q.get('page') ?? 1);
      return { status: 200, body: { total_count: runs.length, check_runs: runs.slice((n - 1) * per, n * per) }, more: n * per < runs.length };
    });
    this.route('GET', '/repos/{owner}/{repo}/deployments', (_p, _b, q) => {
      const e = this.example('GET', '/repos/{owner}/{repo}/deployments', 200);
      const sha = q.get('sha');
      const rows = this.deployments.filter((d) => !sha || d.sha === sha).sort((a, b) => b.id - a.id);
      return { status: 200, body: rows.map((d) => ({ ...e, id: d.id, sha: d.sha, ref: d.sha, environment: d.environment, original_environment: d.environment, created_at: d.createdAt, updated_at: d.createdAt, payload: d.payload })) };
    });
    this.route('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', (p) => {
      const d = this.deployments.find((x) => x.id === Number(p.deployment_id));
      if (!d) throw new Error('Not Found');
      const e = this.example('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 200);
      return { status: 200, body: d.statuses.map((st, i) => ({ ...e, id: d.id * 100 + i, state: st.state, created_at: st.createdAt, updated_at: st.createdAt })).reverse() };
    });
    this.route('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (p, body) => {
      const run = this.checkRuns.find((r) => r.id === Number(p.check_run_id));
      if (!run) throw new Error('Not Found');
      run.updates.push(body as Json);
      return { status: 200, body: { ...this.example('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', 200), id: run.id } };
    });
    this.route('POST', '/repos/{owner}/{repo}/statuses/{sha}', (p, body) => {
      const b = body as { state: string; context: string; description: string; target_url?: string };
      this.statuses.push({ sha: p.sha!, state: b.state, context: b.context, description: b.description, ...(b.target_url ? { targetUrl: b.target_url } : {}) });
      return { status: 201, body: { ...this.example('POST', '/repos/{owner}/{repo}/statuses/{sha}', 201), state: b.state, context: b.context, description: b.description } };
    });
    this.route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (p) => {
      const e = this.example('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 200);
      return { status: 200, body: (this.comments.get(Number(p.issue_number)) ?? []).map((c) => ({ ...e, id: c.id, body: c.body, user: this.user(c.login, c.type) })) };
    });
    this.route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', (p, body) => {
      const list = this.comments.get(Number(p.issue_number)) ?? [];
      const c = { id: this.nextId++, body: (body as { body: string }).body, login: 'github-actions[bot]', type: 'Bot' as const };
      list.push(c);
      this.comments.set(Number(p.issue_number), list);
      return { status: 201, body: { ...this.example('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201), id: c.id, body: c.body, user: this.user(c.login, 'Bot') } };
    });
    this.route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (p, body) => {
      const c = [...this.comments.values()].flat().find((x) => x.id === Number(p.comment_id));
      if (!c) throw new Error('Not Found');
      c.body = (body as { body: string }).body;
      return { status: 200, body: { ...this.example('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', 200), id: c.id, body: c.body, user: this.user(c.login, c.type) } };
    });
    this.route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (p) => {
      const e = this.example('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', 200);
      return { status: 200, body: (this.labels.get(Number(p.issue_number)) ?? []).map((name, i) => ({ ...e, id: i + 1, name })) };
    });
    this.route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', (p) => {
      const list = this.labels.get(Number(p.issue_number)) ?? [];
      // GitHub answers 404 "Label does not exist" for a label the issue does not carry.
      if (!list.some((l) => l.toLowerCase() === p.name!.toLowerCase())) throw new Error('Label does not exist');
      const rest = list.filter((l) => l.toLowerCase() !== p.name!.toLowerCase());
      this.labels.set(Number(p.issue_number), rest);
      const e = this.example('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', 200);
      return { status: 200, body: rest.map((name, i) => ({ ...e, id: i + 1, name })) };
    });
    this.route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', (p, body) => {
      const set = new Set([...(this.labels.get(Number(p.issue_number)) ?? []), ...(body as { labels: string[] }).labels]);
      this.labels.set(Number(p.issue_number), [...set]);
      const e = this.example('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', 200);
      return { status: 200, body: [...set].map((name, i) => ({ ...e, id: i + 1, name })) };
    });
    this.route('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', (p, body) => {
      const b = body as { reviewers?: string[]; team_reviewers?: string[] };
      this.reviewRequests.push({ number: Number(p.pull_number), reviewers: b.reviewers ?? [], teams: b.team_reviewers ?? [] });
      const e = this.example('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', 201);
      return { status: 201, body: { ...e, requested_teams: [], number: Number(p.pull_number) } };
    });
    this.route('POST', '/app/installations/{installation_id}/access_tokens', () => {
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      this.installationTokens.push(token);
      const e = this.example('POST', '/app/installations/{installation_id}/access_tokens', 201);
      return { status: 201, body: { ...e, token, expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z') } };
    });
    this.route('POST', '/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', (p, body) => {
      this.protectionAnswers.push({ runId: Number(p.run_id), body: body as Json });
      return { status: 204 };
    });
  }
}
