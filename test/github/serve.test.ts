import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { githubOpenApi } from '../helpers/github-openapi.js';
import { AppServer, APP_ID, appKey, bareRemote, checkEvent, deliver, get, protectionEvent, pullEvent, REPO_ID, SECRET, sign } from '../helpers/app-server.js';
import { CHANGE_FILE, changeYaml, openPullRequest, PEOPLE, type Scenario } from '../helpers/pr-scenario.js';

/**
 * `opsledger serve` end to end: a real server process, deliveries signed with the test secret
 * and built from GitHub's example payloads, the fake GitHub (checked against the OpenAPI
 * description) answering the App's token, check-run and protection-rule routes, and the
 * repository fetched from a local bare repository named as the payload's clone_url.
 */
let s: Scenario | undefined;
let server: AppServer | undefined;
const folders: string[] = [];

beforeAll(() => {
  ensureBuilt();
  // Loading GitHub's OpenAPI description takes seconds: not inside the first request's timeout.
  githubOpenApi().operation('GET', '/repos/{owner}/{repo}');
}, 120_000);

afterEach(async () => {
  if (server) await server.stop();
  server = undefined;
  if (s) {
    expect(s.github.violations).toEqual([]);
    await s.close();
  }
  s = undefined;
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function dataFolder(): string {
  const d = mkdtempSync(join(tmpdir(), 'opsledger-app-data-'));
  folders.push(d);
  return d;
}

async function scenario(options: Parameters<typeof openPullRequest>[0] = {}) {
  s = await openPullRequest(options);
  s.github.enableApp(APP_ID, appKey().publicKey);
  const remote = bareRemote(s);
  return { s, remote };
}

/** A `decided` line's running totals of the caches the App keeps across deliveries. */
type CacheLine = { conclusion?: string; cache: { commitsRead: number; commitHits: number; blobsParsed: number; blobHits: number } };

function checkRunsOf(sc: Scenario) {
  return sc.github.checkRuns.map((r) => ({ create: r.create, last: r.updates.at(-1) }));
}

describe('opsledger serve: configuration', () => {
  it.each([
    ['OPSLEDGER_APP_ID', {}],
    ['OPSLEDGER_PRIVATE_KEY', { OPSLEDGER_APP_ID: '1' }],
    ['OPSLEDGER_WEBHOOK_SECRET', { OPSLEDGER_APP_ID: '1', OPSLEDGER_PRIVATE_KEY: 'PEM' }],
    ['OPSLEDGER_PRIVATE_KEY', { OPSLEDGER_APP_ID: '1', OPSLEDGER_PRIVATE_KEY: 'not a key', OPSLEDGER_WEBHOOK_SECRET: 'x' }],
    ['OPSLEDGER_PRIVATE_KEY_PATH', { OPSLEDGER_APP_ID: '1', OPSLEDGER_PRIVATE_KEY_PATH: 'missing.pem', OPSLEDGER_WEBHOOK_SECRET: 'x' }],
    ['OPSLEDGER_APP_ID', { OPSLEDGER_APP_ID: 'abc' }],
    ['GITHUB_API_URL', { OPSLEDGER_APP_ID: '1', OPSLEDGER_WEBHOOK_SECRET: 'x', GITHUB_API_URL: 'ftp://example' }],
  ])('exits 2 naming %s when it is missing or unusable, without a stack trace', async (name, env) => {
    const full = name === 'GITHUB_API_URL' ? { ...env, OPSLEDGER_PRIVATE_KEY: appKey().pem } : env;
    const r = await runBuiltCli(['serve', '--port', '0', '--data', dataFolder()], { cwd: tmpdir(), env: full as Record<string, string> });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(name);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('BEGIN RSA');
  });
});

describe('opsledger serve: the webhook door', () => {
  it('answers /healthz, and refuses unsigned, malformed and wrongly signed deliveries with 401 and nothing else', async () => {
    const { s, remote } = await scenario();
    const data = dataFolder();
    server = await AppServer.start(s.github, data);
    expect(await get(server.port, '/healthz')).toBe(200);
    const payload = pullEvent(s, remote.url);
    const body = JSON.stringify(payload);
    const refused = [
      await deliver(server.port, 'pull_request_review', payload, { headers: { 'x-hub-signature-256': undefined } }),
      await deliver(server.port, 'pull_request_review', payload, { headers: { 'x-hub-signature-256': 'sha1=abc' } }),
      await deliver(server.port, 'pull_request_review', payload, { headers: { 'x-hub-signature-256': sign(body, 'another-secret') } }),
      await deliver(server.port, 'pull_request_review', payload, { headers: { 'x-hub-signature-256': sign(body + ' ') } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.github.requests).toEqual([]);
    expect(server.lines.map((l) => l.outcome).filter((o) => o !== 'listening')).toEqual(['unsigned', 'unsigned', 'bad-signature', 'bad-signature']);
    expect(existsSync(join(data, 'deliveries.log'))).toBe(false);
    expect(readdirSync(join(data, 'mirrors'))).toEqual([]);
  }, 60_000);

  it('refuses a body over 25 MB with 413, from its Content-Length or as it streams', async () => {
    const { s } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    const port = server.port;
    const status = (chunked: boolean) =>
      new Promise<number>((resolve, reject) => {
        const headers: Record<string, string> = { 'x-github-event': 'pull_request', 'x-github-delivery': 'big-1', 'x-hub-signature-256': sign('x'), ...(chunked ? {} : { 'content-length': String(26 * 1024 * 1024) }) };
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/github/webhooks', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        // An error before the answer means the answer was lost (the server closed on a client still sending).
        req.on('error', (e: NodeJS.ErrnoException) => reject(new Error(`no answer: ${e.code ?? e.message}`)));
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 27 && req.write(chunk)) sent++;
          if (sent < 27 && !req.destroyed) req.once('drain', pump);
        };
        pump();
        // Generous: 27 MB through a loopback socket on a loaded 2-core runner took over 20 s once.
        setTimeout(() => reject(new Error('no answer')), 45_000);
      });
    expect(await status(false)).toBe(413);
    expect(await status(true)).toBe(413);
    // The log line is written after the answer, so wait for it rather than race it.
    await server.waitFor((l) => l.outcome === 'too-large' && server!.lines.filter((m) => m.outcome === 'too-large').length === 2);
    expect(server.lines.filter((l) => l.outcome === 'too-large')).toHaveLength(2);
    expect(s.github.requests).toEqual([]);
  }, 120_000);
});

describe('opsledger serve: a refused client still sending', () => {
  // The answer comes before the body is read; closing at once on a client that is still
  // writing resets it, and a reset can destroy the answer before the client reads it.
  it.each([
    ['a declared body over the cap', 413, { 'content-length': String(26 * 1024 * 1024), 'x-hub-signature-256': sign('x') }],
    ['no signature', 401, { 'content-length': String(2 * 1024 * 1024) }],
  ])('%s: answered at once, and the connection stays open while the client goes on sending', async (_name, expected, extra) => {
    const { s } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    const socket = connect(server.port, '127.0.0.1');
    const errors: string[] = [];
    socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
    const head = Object.entries({ host: 'localhost', 'x-github-event': 'pull_request', 'x-github-delivery': 'still-sending', ...extra })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    let received = '';
    const answered = new Promise<void>((resolve) => socket.on('data', (d) => ((received += d.toString('latin1')), received.includes('\r\n\r\n') && resolve())));
    socket.write(`POST /api/github/webhooks HTTP/1.1\r\n${head}\r\n`);
    await answered;
    expect(Number(received.split(' ')[1])).toBe(expected);
    expect(received.toLowerCase()).toContain('connection: close');
    // Half a second of body after the answer, in 64 KiB writes: none may fail.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    for (let i = 0; i < 10; i++) {
      await new Promise<void>((resolve, reject) => socket.write(chunk, (e) => (e ? reject(e) : resolve())));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(errors).toEqual([]);
    expect(socket.destroyed).toBe(false);
    socket.destroy();
  }, 60_000);
});

describe('opsledger serve: the opsledger/cab check run', () => {
  it('posts in_progress then action_required while approvals are missing, then success; a redelivery is acknowledged and not processed again', async () => {
    const { s, remote } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    const first = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    expect(first.status).toBe(202);
    expect(await server.done(first.id)).toMatchObject({ outcome: 'decided', conclusion: 'action_required', event: 'pull_request', action: 'synchronize' });
    expect(checkRunsOf(s)[0]).toMatchObject({ create: { name: 'opsledger/cab', head_sha: s.head(), status: 'in_progress' }, last: { status: 'completed', conclusion: 'action_required' } });
    expect(String(checkRunsOf(s)[0]!.last!.output && (checkRunsOf(s)[0]!.last!.output as { summary: string }).summary)).toMatch(/\| `cab`[^|\n]* \| 1 \| — \| 1 from @/);

    s.review('joel-ortiz', 'APPROVED');
    s.review('dana-lee', 'APPROVED');
    const second = await deliver(server.port, 'pull_request_review', pullEvent(s, remote.url));
    expect(await server.done(second.id)).toMatchObject({ outcome: 'decided', conclusion: 'success' });
    expect(checkRunsOf(s)[1]!.last).toMatchObject({ conclusion: 'success', details_url: `https://github.com/acme/ledger/pull/${s.number}` });

    const replay = await deliver(server.port, 'pull_request_review', pullEvent(s, remote.url), { id: second.id });
    expect(replay.status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(s.github.checkRuns).toHaveLength(2);
    expect(server.lines.filter((l) => l.delivery === second.id).map((l) => l.outcome)).toEqual(['accepted', 'decided', 'duplicate']);
  }, 90_000);

  it('handles concurrent reviews on one pull request one at a time, in the order they arrived', async () => {
    const { s, remote } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    // Slow answers widen the window in which unqueued handling would interleave.
    s.github.delays.set('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', 300);
    s.review('joel-ortiz', 'APPROVED');
    const sent = await Promise.all([0, 1, 2].map(() => deliver(server!.port, 'pull_request_review', pullEvent(s!, remote.url))));
    expect(sent.map((x) => x.status)).toEqual([202, 202, 202]);
    await server.waitFor(() => server!.lines.filter((l) => l.outcome === 'accepted').length === 3);
    const accepted = server.lines.filter((l) => l.outcome === 'accepted').map((l) => l.delivery);
    for (const id of accepted) expect(await server.done(id!)).toMatchObject({ outcome: 'decided' });
    const order = [...server.lines].filter((l) => l.outcome === 'decided').map((l) => l.delivery);
    expect(order).toEqual(accepted);
    const writes = s.github.requests.filter((r) => r.template?.includes('check-runs')).map((r) => `${r.method} ${(r.body as { status?: string }).status}`);
    expect(writes).toEqual(['POST in_progress', 'PATCH completed', 'POST in_progress', 'PATCH completed', 'POST in_progress', 'PATCH completed']);
  }, 90_000);

  it('decides again on check_run.rerequested of opsledger/cab, and on check_suite.rerequested for each pull request of the suite', async () => {
    const { s, remote } = await scenario();
    // A second pull request with the same head: the suite's head belongs to both.
    s.github.pulls.set(8, { ...structuredClone(s.github.pulls.get(s.number)!), number: 8 });
    server = await AppServer.start(s.github, dataFolder());
    const suite = checkEvent(s, remote.url, 'check_suite', 'rerequested', [s.number, 8]);
    expect(githubOpenApi().checkWebhook('check-suite-rerequested', suite)).toEqual([]);
    const run = checkEvent(s, remote.url, 'check_run', 'rerequested', [s.number]);
    expect(githubOpenApi().checkWebhook('check-run-rerequested', run)).toEqual([]);

    const bySuite = await deliver(server.port, 'check_suite', suite);
    expect(bySuite.status).toBe(202);
    await server.waitFor(() => server!.lines.filter((l) => l.delivery === bySuite.id && l.outcome === 'decided').length === 2);
    expect(server.lines.filter((l) => l.delivery === bySuite.id && l.outcome === 'decided').map((l) => [l.pull, l.conclusion])).toEqual([[s.number, 'action_required'], [8, 'action_required']]);
    const byRun = await deliver(server.port, 'check_run', run);
    expect(await server.done(byRun.id)).toMatchObject({ outcome: 'decided', pull: s.number });
    const pullsRead = s.github.requests.filter((r) => r.template === '/repos/{owner}/{repo}/pulls/{pull_number}').map((r) => r.path.split('/').pop());
    expect(pullsRead.map(Number)).toEqual([s.number, 8, s.number]);
    expect(checkRunsOf(s).map((r) => [r.create.head_sha, r.last?.status])).toEqual([[s.head(), 'completed'], [s.head(), 'completed'], [s.head(), 'completed']]);
  }, 90_000);

  it('queues a check suite in the queue of each of its pull requests: a review that arrives after it waits for it', async () => {
    const { s, remote } = await scenario();
    s.github.pulls.set(8, { ...structuredClone(s.github.pulls.get(s.number)!), number: 8 });
    server = await AppServer.start(s.github, dataFolder());
    s.github.delays.set('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', 400);
    const bySuite = await deliver(server.port, 'check_suite', checkEvent(s, remote.url, 'check_suite', 'rerequested', [8, s.number]));
    // On the suite's second pull request: it waits for the whole suite, not only for the first.
    const review = pullEvent(s, remote.url);
    review.pull_request.number = 8;
    const byReview = await deliver(server.port, 'pull_request_review', review);
    await server.done(byReview.id);
    const decided = server.lines.filter((l) => l.outcome === 'decided').map((l) => [l.delivery === bySuite.id ? 'suite' : 'review', l.pull]);
    expect(decided).toEqual([['suite', s.number], ['suite', 8], ['review', 8]]);
  }, 90_000);

  it.each([
    ['check_suite.rerequested naming no pull request', 'check_suite', 'rerequested', [], 'opsledger/cab'],
    ['check_suite.requested (the push is decided on pull_request)', 'check_suite', 'requested', [7], 'opsledger/cab'],
    ['check_run.rerequested of another check', 'check_run', 'rerequested', [7], 'ci/build'],
  ] as const)('ignores %s: logged, nothing asked of GitHub', async (_name, event, action, numbers, check) => {
    const { s, remote } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    const d = await deliver(server.port, event, checkEvent(s, remote.url, event, action, [...numbers], check));
    expect(d.status).toBe(202);
    expect(await server.done(d.id)).toMatchObject({ outcome: 'ignored', event, action });
    expect(s.github.requests).toEqual([]);
  }, 60_000);

  it('decides a pushed head from what it kept: the base is not read again and only the changed blob is parsed', async () => {
    const { s, remote } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    const first = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    const before = (await server.done(first.id)) as unknown as CacheLine;
    expect(before).toMatchObject({ outcome: 'decided', cache: { commitsRead: 2, commitHits: 0 } });

    s.setHead(await s.repo.commit({ [CHANGE_FILE()]: changeYaml() + '# reviewed\n' }, 'Note the review', PEOPLE.mina));
    remote.publish();
    const pushed = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    const after = (await server.done(pushed.id)) as unknown as CacheLine;
    expect(after).toMatchObject({ outcome: 'decided', head: s.head(), conclusion: before.conclusion });
    // The base came from the commit cache; of the new head, only the edited file was parsed.
    expect(after.cache.commitsRead - before.cache.commitsRead).toBe(1);
    expect(after.cache.commitHits - before.cache.commitHits).toBe(1);
    expect(after.cache.blobsParsed - before.cache.blobsParsed).toBe(1);
    expect(after.cache.blobHits - before.cache.blobHits).toBeGreaterThan(5);
  }, 90_000);

  it('fails the check with the reason when the base has no policy, and never leaves it in progress', async () => {
    const { s, remote } = await scenario({ baseFiles: { 'changes/policy.yaml': 'apiVersion: opsledger/v1\nkind: Nonsense\n' } });
    server = await AppServer.start(s.github, dataFolder());
    const d = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    expect(await server.done(d.id)).toMatchObject({ outcome: 'failed', code: 'policy-missing' });
    expect(checkRunsOf(s)[0]!.last).toMatchObject({ status: 'completed', conclusion: 'failure' });
  }, 60_000);
});

async function mergedPull() {
  // Scheduled around now: the server decides at the real time.
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const sc = await scenario({ change: { schedule: { start: iso(Date.now() - 3600_000), end: iso(Date.now() + 3 * 3600_000) } } });
  sc.s.review('joel-ortiz', 'APPROVED');
  sc.s.review('dana-lee', 'APPROVED');
  await sc.s.repo.checkout('main');
  const mergeCommit = await sc.s.repo.merge('cr-100', 'Merge pull request #7 from acme/cr-100', PEOPLE.admin);
  const pull = sc.s.github.pulls.get(7)!;
  Object.assign(pull, { state: 'closed', mergedAt: '2026-11-21T09:00:00Z', mergeCommitSha: mergeCommit });
  for (const sha of [...pull.commits.map((c) => c.sha), mergeCommit]) sc.s.github.pullsForCommit.set(sha, [7]);
  sc.remote.publish();
  return { ...sc, mergeCommit };
}

describe('opsledger serve: deployment protection rules', () => {
  it('approves the merge commit of the approved pull request, finding the change from the pull request', async () => {
    const { s, remote, mergeCommit } = await mergedPull();
    server = await AppServer.start(s.github, dataFolder());
    const event = protectionEvent(s, remote.url, { sha: mergeCommit });
    expect(githubOpenApi().checkWebhook('deployment-protection-rule-requested', event)).toEqual([]);
    const d = await deliver(server.port, 'deployment_protection_rule', event);
    const line = await server.done(d.id);
    expect(line).toMatchObject({ outcome: 'answered', state: 'approved', changes: ['CR-2026-0100'] });
    const answer = s.github.protectionAnswers[0]!;
    expect(answer.runId).toBe(4242);
    expect(answer.body).toMatchObject({ environment_name: 'production', state: line.state });
    expect(String(answer.body.comment).length).toBeLessThanOrEqual(1024);
  }, 60_000);

  it.each([
    ['an unknown change', { change: 'CR-2026-9999' }, {}, /change-exists/],
    ['a commit that is not the approved head or its merge', { sha: 'later', change: 'CR-2026-0100' }, {}, /deployed-commit/],
    ['a commit no pull request brought, naming no change', { sha: 'later' }, {}, /belongs to no pull request/],
    ['a payload without a commit', { sha: '' }, {}, /names no commit/],
    ['GitHub unreachable', {}, { fault: 500 }, /github\.unavailable|HTTP 500/],
    ['no decision before the deadline', {}, { hang: true, env: { OPSLEDGER_DECISION_TIMEOUT_MS: '400', OPSLEDGER_GITHUB_TIMEOUT_MS: '3000', OPSLEDGER_GITHUB_RETRIES: '0' } }, /no decision within/],
  ] as const)('rejects %s with the reason', async (_name, o, how, reason) => {
    const { s, remote, mergeCommit } = await mergedPull();
    let sha: string = mergeCommit;
    if ('sha' in o && o.sha === 'later') {
      sha = await s.repo.commit({ 'README.md': 'later\n' }, 'Later work', PEOPLE.admin);
      remote.publish();
    } else if ('sha' in o) sha = o.sha;
    if ('fault' in how) s.github.inject('GET', '/repos/{owner}/{repo}', { status: how.fault });
    if ('hang' in how) s.github.inject('GET', '/repos/{owner}/{repo}', { hang: true });
    server = await AppServer.start(s.github, dataFolder(), 'env' in how ? how.env : {});
    const event = protectionEvent(s, remote.url, { sha, ...('change' in o ? { change: o.change } : {}) });
    const d = await deliver(server.port, 'deployment_protection_rule', event);
    expect(await server.done(d.id, 30_000)).toMatchObject({ outcome: 'answered', state: 'rejected' });
    expect(s.github.protectionAnswers).toHaveLength(1);
    const answer = s.github.protectionAnswers[0]!.body;
    expect(answer).toMatchObject({ environment_name: 'production', state: 'rejected' });
    expect(String(answer.comment)).toMatch(reason);
    expect(String(answer.comment).length).toBeLessThanOrEqual(1024);
  }, 60_000);
});

describe('opsledger serve: the deadline cancels the work', () => {
  const DEADLINE = { OPSLEDGER_DECISION_TIMEOUT_MS: '800', OPSLEDGER_GITHUB_RETRIES: '0' };
  const settle = () => new Promise((r) => setTimeout(r, 3000));
  const routeOf = (r: { method: string; template?: string; path: string }) => `${r.method} ${r.template ?? r.path}`;

  it('a GitHub request in flight at the deadline is ended, and nothing reaches GitHub after the rejection', async () => {
    const { s, remote, mergeCommit } = await mergedPull();
    // The gate's question for the merged pull request is held until the rejection is out;
    // answered, it would lead straight to the next (the pull request itself).
    const HELD = 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls';
    let release = () => {};
    s.github.holds.set(HELD, new Promise<void>((r) => (release = r)));
    // Long enough to reach that question on a busy machine.
    server = await AppServer.start(s.github, dataFolder(), { ...DEADLINE, OPSLEDGER_DECISION_TIMEOUT_MS: '15000', OPSLEDGER_GITHUB_TIMEOUT_MS: '60000' });
    const d = await deliver(server.port, 'deployment_protection_rule', protectionEvent(s, remote.url, { sha: mergeCommit, change: 'CR-2026-0100' }));
    expect(await server.done(d.id, 40_000)).toMatchObject({ outcome: 'answered', state: 'rejected', detail: expect.stringMatching(/no decision within/) });
    release();
    await settle();
    expect(s.github.protectionAnswers).toHaveLength(1);
    const answered = s.github.requests.findIndex((r) => r.template?.endsWith('/deployment_protection_rule'));
    expect(s.github.requests.slice(0, answered).map(routeOf)).toContain(HELD);
    expect(s.github.requests.slice(answered + 1).map(routeOf)).toEqual([]);
  }, 90_000);

  it('a fetch held past the deadline is stopped with its transport: no git process is left, and the rejection is sent once', async () => {
    const { s, mergeCommit } = await mergedPull();
    // A git server that takes the connection and never answers.
    const held = new Set<import('node:net').Socket>();
    const gitServer = createServer(() => undefined);
    gitServer.on('connection', (c) => held.add(c));
    await new Promise<void>((r) => gitServer.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(gitServer.address() as AddressInfo).port}/acme/ledger.git`;
    const gitProcesses = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(url));
    try {
      server = await AppServer.start(s.github, dataFolder(), DEADLINE);
      const d = await deliver(server.port, 'deployment_protection_rule', protectionEvent(s, url, { sha: mergeCommit, change: 'CR-2026-0100' }));
      await server.waitFor((l) => l.delivery === d.id && l.outcome === 'accepted');
      await server.waitFor(() => held.size > 0, 20_000);
      expect(await server.done(d.id)).toMatchObject({ outcome: 'answered', state: 'rejected', detail: expect.stringMatching(/no decision within/) });
      await settle();
      expect(gitProcesses()).toEqual([]);
      expect([...held].every((c) => c.destroyed || c.readableEnded)).toBe(true);
      expect(s.github.protectionAnswers).toHaveLength(1);
      expect(s.github.requests.filter((r) => r.method !== 'GET').map(routeOf)).toEqual(['POST /app/installations/{installation_id}/access_tokens', 'POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule']);
    } finally {
      for (const c of held) c.destroy();
      gitServer.close();
    }
  }, 60_000);
});

describe('opsledger serve: restarts, shutdown and secrets', () => {
  it('still knows handled deliveries after a restart and decides from the warm mirror', async () => {
    const { s, remote } = await scenario();
    const data = dataFolder();
    server = await AppServer.start(s.github, data);
    const first = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    await server.done(first.id);
    expect(await server.stop()).toBe(0);

    server = await AppServer.start(s.github, data);
    const replay = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'), { id: first.id });
    expect(replay.status).toBe(200);
    const next = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    expect(await server.done(next.id)).toMatchObject({ outcome: 'decided' });
    expect(s.github.checkRuns).toHaveLength(2);
    expect(readdirSync(join(data, 'mirrors'))).toEqual([`${REPO_ID}.git`]);
  }, 90_000);

  it('finishes work in flight on SIGTERM, then exits 0', async () => {
    const { s, remote } = await scenario();
    server = await AppServer.start(s.github, dataFolder());
    s.github.delays.set('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', 1500);
    const d = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    await server.waitFor((l) => l.delivery === d.id && l.outcome === 'accepted');
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const outcomes = server.lines.map((l) => l.outcome);
    expect(outcomes.indexOf('decided')).toBeGreaterThan(outcomes.indexOf('stopping'));
    expect(outcomes.at(-1)).toBe('stopped');
    expect(checkRunsOf(s)[0]!.last).toMatchObject({ status: 'completed' });
  }, 60_000);

  it('never writes the installation token, the key or the secret into its log or the mirror', async () => {
    const { s, remote } = await scenario();
    const data = dataFolder();
    server = await AppServer.start(s.github, data);
    // A failure whose message could quote what the server holds.
    s.github.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', { status: 500 });
    const d = await deliver(server.port, 'pull_request', pullEvent(s, remote.url, 'pull_request'));
    await server.done(d.id);
    await server.stop();
    expect(s.github.installationTokens.length).toBeGreaterThan(0);
    const mirror = join(data, 'mirrors', `${REPO_ID}.git`);
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(mirror);
    const keyLine = appKey().pem.split('\n')[1]!;
    for (const secret of [...s.github.installationTokens, SECRET, keyLine]) {
      expect(server.stdout + server.stderr).not.toContain(secret);
      for (const f of files) expect(readFileSync(f).includes(secret), f).toBe(false);
    }
    expect(execFileSync('git', ['config', '--list', '--local'], { cwd: mirror }).toString()).not.toMatch(/extraheader|x-access-token/i);
  }, 60_000);
});
