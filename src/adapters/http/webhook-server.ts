import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks, type EmitterWebhookEvent } from '@octokit/webhooks';
import { DeliveryLog } from './delivery-log.js';

/**
 * The App's HTTP front door: `POST /api/github/webhooks` and `GET /healthz`. It checks what
 * GitHub sends before anything else looks at it: a missing, malformed or wrong
 * X-Hub-Signature-256 is 401 and nothing else happens; a body over GitHub's 25 MB cap is 413,
 * refused from its Content-Length or as soon as it grows past the cap; a redelivery is
 * acknowledged and dropped. Accepted deliveries are answered 202 at once and handled after,
 * one at a time per queue key (one pull request, one deployment), in the order they arrived.
 */
export type LogEntry = Record<string, unknown>;

export interface WebhookServerOptions {
  webhooks: Webhooks;
  deliveries: DeliveryLog;
  port: number;
  maxBodyBytes: number;
  /**
   * Deliveries that share a key are handled one at a time, in arrival order; a delivery with
   * several keys waits for all of them and holds all of them.
   */
  queueKey(name: string, payload: Record<string, unknown>): string | readonly string[];
  log(entry: LogEntry): void;
}

export interface RunningServer {
  port: number;
  /** Stops taking deliveries, finishes the ones accepted, then closes. */
  stop(): Promise<void>;
}

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

function send(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify(body));
}

/** The body, or undefined once it grew past `max` (the rest is then left to `refuse`). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  // Events rather than `for await`: leaving a `for await` early destroys the socket, and with it
  // the 413 the client is about to be sent.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).off('error', reject);
      chunks.length = 0;
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/** How long a refused client may go on sending before its connection is closed. */
const LINGER_MS = 5_000;

/**
 * Answers a request whose body is not wanted, then closes. Closing a socket the client is still
 * writing to sends it a reset, and the reset can destroy the answer before the client has read it,
 * so the rest of the body is read and dropped for up to LINGER_MS and the answer finished after.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (req.complete) return send(res, status, body, true);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.write(text);
  const finish = () => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(finish, LINGER_MS);
  timer.unref();
  req.once('end', finish).once('close', finish);
  req.resume();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

export async function startWebhookServer(o: WebhookServerOptions): Promise<RunningServer> {
  const queues = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();
  let draining = false;

  const enqueue = (key: string | readonly string[], work: () => Promise<void>) => {
    const keys = [...new Set(typeof key === 'string' ? [key] : key)];
    // Only the tails that exist now: a later delivery waits on this one, never the reverse, so no cycle.
    const mine = Promise.all(keys.map((k) => queues.get(k))).then(work);
    for (const k of keys) queues.set(k, mine);
    pending.add(mine);
    void mine.finally(() => {
      pending.delete(mine);
      for (const k of keys) if (queues.get(k) === mine) queues.delete(k);
    });
  };

  const webhook = async (req: IncomingMessage, res: ServerResponse) => {
    const signature = header(req, 'x-hub-signature-256');
    if (!signature || !SIGNATURE.test(signature)) {
      o.log({ outcome: 'unsigned', status: 401 });
      return refuse(req, res, 401, { error: 'missing or malformed X-Hub-Signature-256' });
    }
    const declared = Number(header(req, 'content-length') ?? NaN);
    if (declared > o.maxBodyBytes) {
      o.log({ outcome: 'too-large', status: 413, bytes: declared });
      return refuse(req, res, 413, { error: `the body is over ${o.maxBodyBytes} bytes` });
    }
    const body = await readBody(req, o.maxBodyBytes);
    if (!body) {
      o.log({ outcome: 'too-large', status: 413 });
      return refuse(req, res, 413, { error: `the body is over ${o.maxBodyBytes} bytes` });
    }
    const text = body.toString('utf8');
    if (!text || !(await o.webhooks.verify(text, signature).catch(() => false))) {
      o.log({ outcome: 'bad-signature', status: 401 });
      return send(res, 401, { error: 'the signature does not match' }, true);
    }
    const id = header(req, 'x-github-delivery') ?? '';
    const name = header(req, 'x-github-event') ?? '';
    if (!DeliveryLog.isId(id) || !/^[a-z_]{1,64}$/.test(name)) {
      o.log({ delivery: id.slice(0, 64), event: name.slice(0, 64), outcome: 'bad-headers', status: 400 });
      return send(res, 400, { error: 'X-GitHub-Delivery and X-GitHub-Event are required' });
    }
    let payload: Record<string, unknown>;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      payload = parsed as Record<string, unknown>;
    } catch {
      o.log({ delivery: id, event: name, outcome: 'bad-payload', status: 400 });
      return send(res, 400, { error: 'the body is not a JSON object' });
    }
    const action = typeof payload.action === 'string' ? payload.action : undefined;
    if (!o.deliveries.claim(id)) {
      o.log({ delivery: id, event: name, action, outcome: 'duplicate', status: 200 });
      return send(res, 200, { ok: true, duplicate: true });
    }
    send(res, 202, { ok: true });
    o.log({ delivery: id, event: name, action, outcome: 'accepted', status: 202 });
    enqueue(o.queueKey(name, payload), async () => {
      try {
        await o.webhooks.receive({ id, name, payload } as EmitterWebhookEvent);
      } catch (e) {
        o.log({ delivery: id, event: name, action, outcome: 'error', detail: (e as Error)?.message ?? String(e) });
      } finally {
        o.deliveries.finish(id);
      }
    });
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (draining) return send(res, 503, { error: 'shutting down' }, true);
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { ok: true });
    if (path === '/api/github/webhooks') {
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
      return void webhook(req, res).catch((e: unknown) => {
        o.log({ outcome: 'error', status: 500, detail: (e as Error)?.message ?? String(e) });
        if (!res.headersSent) send(res, 500, { error: 'internal error' }, true);
      });
    }
    send(res, 404, { error: 'not found' });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    async stop() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      while (pending.size) await Promise.allSettled([...pending]);
      server.closeAllConnections();
      await closed;
    },
  };
}
