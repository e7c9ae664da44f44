import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src/adapters/github/http-fetch.js';
import { timedFetch } from '../../src/adapters/github/octokit.js';

/**
 * httpFetch stands in for fetch under Octokit: on each answer below it must read what Node's own
 * fetch reads (status, final url, headers, body) and fail where fetch fails, with the same kind
 * of error, since the GitHub adapter tells timeouts, aborts and unreachable servers apart by them.
 */
interface Seen {
  method: string;
  url: string;
  body: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

const seen: Seen[] = [];
let main: Server;
let other: Server;
let base = '';
let otherBase = '';

function handler(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body, authorization: req.headers.authorization, contentType: req.headers['content-type'] });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'X-GitHub-Request-Id': 'AB:CD', ...headers });
      res.end(JSON.stringify(value));
    };
    if (path === '/json') return json(200, { ok: 'é ✓', n: 1 }, { link: '<http://x/next>; rel="next"', ETag: 'W/"1"' });
    if (path === '/missing') return json(404, { message: 'Not Found' });
    if (path === '/empty') return void res.writeHead(204).end();
    if (path === '/gzip' || path === '/deflate' || path === '/br') {
      const raw = Buffer.from(JSON.stringify({ packed: path }));
      const packed = path === '/gzip' ? gzipSync(raw) : path === '/deflate' ? deflateSync(raw) : brotliCompressSync(raw);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': path.slice(1) });
      return void res.end(packed);
    }
    if (path === '/moved') return void res.writeHead(301, { location: '/json' }).end();
    if (path === '/see-other') return void res.writeHead(303, { location: '/echo' }).end();
    if (path === '/temporary') return void res.writeHead(307, { location: '/echo' }).end();
    if (path === '/away') return void res.writeHead(302, { location: `${otherBase}/echo` }).end();
    if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (path === '/echo') return json(200, { method: req.method, body });
    if (path === '/slow') return void setTimeout(() => json(200, { late: true }), 2000).unref();
    if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
      return void setTimeout(() => res.end('1}'), 2000).unref();
    }
    json(500, { message: 'no such route' });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  main = createServer(handler);
  other = createServer(handler);
  base = await listen(main);
  otherBase = (await listen(other)).replace('127.0.0.1', 'localhost');
});
afterAll(async () => {
  for (const s of [main, other]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

type AnyFetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{ status: number; url: string; redirected: boolean; headers: Iterable<[string, string]> & { get(n: string): string | null }; text(): Promise<string> }>;

async function observe(f: AnyFetch, path: string, init: Parameters<AnyFetch>[1] = {}) {
  const before = seen.length;
  const r = await f(`${base}${path}`, init);
  const headers = [...r.headers].filter(([k]) => k !== 'date' && k !== 'keep-alive' && k !== 'connection');
  return { status: r.status, url: r.url.replace(base, ''), redirected: r.redirected, headers, contentType: r.headers.get('Content-Type'), text: await r.text(), requests: seen.slice(before).map((s) => ({ ...s, url: s.url })) };
}

describe('httpFetch reads answers as fetch does', () => {
  it.each([
    ['a JSON answer with its headers', '/json', {}],
    ['a 404 with a body', '/missing', {}],
    ['a 204 without a body', '/empty', {}],
    ['a gzip body', '/gzip', {}],
    ['a deflate body', '/deflate', {}],
    ['a brotli body', '/br', {}],
    ['a 301 followed', '/moved', {}],
    ['a 303 after a POST continues as a GET without the body', '/see-other', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }],
    ['a 307 after a POST keeps the method and the body', '/temporary', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }],
    ['a redirect to another origin drops the credentials', '/away', { headers: { authorization: 'token secret' } }],
    ['a POST with a body', '/echo', { method: 'POST', body: '{"ü":1}', headers: { 'content-type': 'application/json; charset=utf-8' } }],
  ] as const)('%s', async (_, path, init) => {
    const theirs = await observe(fetch as unknown as AnyFetch, path, init as Parameters<AnyFetch>[1]);
    const ours = await observe(httpFetch as unknown as AnyFetch, path, init as Parameters<AnyFetch>[1]);
    expect(ours).toEqual(theirs);
  });

  it('drops the credentials only across origins', async () => {
    const before = seen.length;
    await (await httpFetch(`${base}/away`, { headers: { authorization: 'token secret' } })).text();
    await (await httpFetch(`${base}/moved`, { headers: { authorization: 'token secret' } })).text();
    expect(seen.slice(before).map((s) => [s.url, s.authorization])).toEqual([
      ['/away', 'token secret'],
      ['/echo', undefined],
      ['/moved', 'token secret'],
      ['/json', 'token secret'],
    ]);
  });
});

describe('httpFetch fails as fetch does', () => {
  const failure = async (f: AnyFetch, url: string, init: Parameters<AnyFetch>[1] = {}, readBody = false) => {
    try {
      const r = await f(url, init);
      if (readBody) await r.text();
      return 'no failure';
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      return { name: err.name, isTypeError: err instanceof TypeError, cause: err.cause?.code };
    }
  };

  it.each([
    ['a timeout while waiting for the answer', '/slow', false],
    ['a timeout while reading the body', '/slow-body', true],
  ] as const)('%s rejects with TimeoutError', async (_, path, readBody) => {
    const theirs = await failure(((u: string, i: object) => fetch(u, { ...i, signal: AbortSignal.timeout(200) })) as unknown as AnyFetch, `${base}${path}`, {}, readBody);
    const ours = await failure(timedFetch(200) as unknown as AnyFetch, `${base}${path}`, {}, readBody);
    expect(ours).toEqual(theirs);
    expect(ours).toMatchObject({ name: 'TimeoutError' });
  });

  it('an abort rejects with AbortError, also when the signal was aborted before', async () => {
    const controller = new AbortController();
    const pending = failure(httpFetch as unknown as AnyFetch, `${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual({ name: 'AbortError', isTypeError: false, cause: undefined });
    expect(await failure(httpFetch as unknown as AnyFetch, `${base}/json`, { signal: controller.signal })).toEqual(await failure(fetch as unknown as AnyFetch, `${base}/json`, { signal: controller.signal }));
  });

  it('an unreachable server rejects with TypeError and the socket error as its cause', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const ours = await failure(httpFetch as unknown as AnyFetch, `${url}/json`);
    expect(ours).toEqual(await failure(fetch as unknown as AnyFetch, `${url}/json`));
    expect(ours).toEqual({ name: 'TypeError', isTypeError: true, cause: 'ECONNREFUSED' });
  });

  it('endless redirects reject with TypeError', async () => {
    expect(await failure(httpFetch as unknown as AnyFetch, `${base}/loop`)).toEqual({ name: 'TypeError', isTypeError: true, cause: undefined });
  });
});
