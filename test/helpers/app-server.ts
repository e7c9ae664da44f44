import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { request } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGitHub } from './fake-github.js';
import { githubOpenApi } from './github-openapi.js';
import { PROJECT_ROOT } from './org.js';
import { webhookExample, type Scenario } from './pr-scenario.js';

/**
 * A real `opsledger serve` process for the App's tests: a GitHub App key made for the run,
 * deliveries signed as GitHub signs them, the repository served from a local bare repository
 * named as the payload's clone_url, and the server's JSON log lines collected as they come.
 */
export const APP_ID = 424242;
export const SECRET = 'test-webhook-secret-7f3a';
export const REPO_ID = 1296269;

let keys: { pem: string; publicKey: KeyObject } | undefined;
export function appKey(): { pem: string; publicKey: KeyObject } {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = { pem: pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey: pair.publicKey };
  }
  return keys;
}

export function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface LogLine {
  time: string;
  delivery?: string;
  event?: string;
  action?: string;
  outcome: string;
  [k: string]: unknown;
}

export class AppServer {
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  port = 0;
  exit: Promise<number>;
  private constructor(readonly child: ChildProcess) {
    this.exit = new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    let pending = '';
    child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      pending += d.toString();
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          this.lines.push({ time: '', outcome: 'not-json', text: line });
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  static async start(github: FakeGitHub, data: string, env: Record<string, string> = {}): Promise<AppServer> {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'opsledger.js'), 'serve', '--port', '0', '--data', data], {
      cwd: data,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        GITHUB_API_URL: github.url,
        OPSLEDGER_APP_ID: String(APP_ID),
        OPSLEDGER_PRIVATE_KEY: appKey().pem,
        OPSLEDGER_WEBHOOK_SECRET: SECRET,
        OPSLEDGER_GITHUB_RETRY_BASE_MS: '1',
        OPSLEDGER_GITHUB_TIMEOUT_MS: '2000',
        OPSLEDGER_GITHUB_WRITE_GAP_MS: '0',
        ...env,
      },
    });
    const server = new AppServer(child);
    const listening = await server.waitFor((l) => l.outcome === 'listening', 20_000);
    server.port = listening.port as number;
    return server;
  }

  async waitFor(match: (l: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > until || this.child.exitCode !== null) throw new Error(`no such log line within ${timeoutMs}ms; log:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The line that ends the handling of a delivery. */
  done(delivery: string, timeoutMs?: number): Promise<LogLine> {
    return this.waitFor((l) => l.delivery === delivery && ['decided', 'failed', 'answered', 'unanswered', 'unanswerable', 'ignored', 'error'].includes(l.outcome), timeoutMs);
  }

  async stop(): Promise<number> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }
}

export interface Sent {
  status: number;
  body: string;
  id: string;
}

/** POSTs a delivery; `headers` replace the signed defaults (undefined removes one). */
export function deliver(port: number, event: string, payload: unknown, options: { id?: string; headers?: Record<string, string | undefined>; raw?: string } = {}): Promise<Sent> {
  const body = options.raw ?? JSON.stringify(payload);
  const id = options.id ?? randomUUID();
  const headers: Record<string, string | undefined> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': sign(body), 'content-length': String(Buffer.byteLength(body)), ...options.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/github/webhooks', headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string> }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, id }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A bare repository standing in for GitHub's git service: the scenario's branches are pushed into it. */
export function bareRemote(s: Scenario): { url: string; publish(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'opsledger-remote-')), 'ledger.git');
  execFileSync('git', ['init', '--bare', '-q', dir]);
  const publish = () => execFileSync('git', ['push', '--force', '--quiet', dir, '+refs/heads/*:refs/heads/*'], { cwd: s.repo.root, stdio: 'pipe' });
  publish();
  return { url: dir, publish };
}

function repository(github: FakeGitHub, cloneUrl: string, base: Record<string, any>): Record<string, any> {
  return { ...base, id: REPO_ID, name: github.repo, full_name: `${github.owner}/${github.repo}`, owner: { ...base.owner, login: github.owner }, clone_url: cloneUrl, default_branch: github.defaultBranch };
}

/** A pull_request_review (or pull_request) delivery for the scenario's pull request, from GitHub's own example. */
export function pullEvent(s: Scenario, cloneUrl: string, kind: 'pull_request_review' | 'pull_request' = 'pull_request_review'): Record<string, any> {
  const payload = kind === 'pull_request_review' ? webhookExample('pull_request_review', 'submitted') : webhookExample('pull_request', 'synchronize');
  const p = s.github.pulls.get(s.number)!;
  Object.assign(payload.pull_request, { number: s.number });
  Object.assign(payload.pull_request.head, { sha: p.headSha, ref: p.headRef });
  Object.assign(payload.pull_request.base, { sha: p.baseSha, ref: p.baseRef });
  payload.pull_request.user.login = p.author;
  if (kind === 'pull_request') payload.number = s.number;
  payload.repository = repository(s.github, cloneUrl, payload.repository);
  payload.installation = { id: 2311213, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMjMxMTIxMw==' };
  return payload;
}

/**
 * A check_suite (or check_run) delivery from GitHub's own example, for the scenario's repository,
 * its head commit, and the pull requests `numbers` as the suite's (the run's) pull_requests.
 */
export function checkEvent(s: Scenario, cloneUrl: string, event: 'check_suite' | 'check_run', action: string, numbers: number[], name = 'opsledger/cab'): Record<string, any> {
  const payload = webhookExample(event, action);
  const holder = event === 'check_suite' ? payload.check_suite : payload.check_run;
  // The one example that lists a pull request (the others list none), and whose app and
  // repository have every field GitHub's description now requires.
  const suite = webhookExample('check_suite', 'rerequested');
  const template = suite.check_suite.pull_requests[0] as Record<string, any>;
  holder.pull_requests = numbers.map((number) => {
    const p = s.github.pulls.get(number)!;
    return { ...template, number, url: `${s.github.url}/repos/${s.github.owner}/${s.github.repo}/pulls/${number}`, head: { ...template.head, sha: p.headSha, ref: p.headRef }, base: { ...template.base, sha: p.baseSha, ref: p.baseRef } };
  });
  holder.head_sha = s.head();
  if (event === 'check_run') {
    holder.name = name;
    // The check_run examples predate fields GitHub's description now requires.
    holder.node_id ??= 'CR_kwDOABCDEF8AAAAB';
    holder.details_url ??= 'https://example.com/checks';
    holder.app = suite.check_suite.app;
    holder.check_suite.app = suite.check_suite.app;
  }
  payload.repository = repository(s.github, cloneUrl, suite.repository);
  payload.installation = { id: 2311213, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMjMxMTIxMw==' };
  return payload;
}

/** A deployment_protection_rule delivery, assembled from official pieces (GitHub publishes no example of it). */
export function protectionEvent(s: Scenario, cloneUrl: string, o: { sha?: string; change?: string; environment?: string; runId?: number } = {}): Record<string, any> {
  const base = webhookExample('pull_request', 'synchronize');
  return {
    action: 'requested',
    environment: o.environment ?? 'production',
    event: 'push',
    sha: o.sha ?? s.head(),
    ref: 'refs/heads/main',
    deployment_callback_url: `${s.github.url}/repos/${s.github.owner}/${s.github.repo}/actions/runs/${o.runId ?? 4242}/deployment_protection_rule`,
    deployment: o.change ? { ...(githubOpenApi().example('GET', '/repos/{owner}/{repo}/deployments/{deployment_id}') as Record<string, unknown>), payload: { change: o.change }, environment: o.environment ?? 'production' } : null,
    pull_requests: [],
    repository: repository(s.github, cloneUrl, base.repository),
    installation: { id: 2311213, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMjMxMTIxMw==' },
    sender: base.sender,
  };
}
