import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * The part of `fetch` Octokit uses, over node:http and node:https. Node's own fetch is undici,
 * which loads on the first request: about 60-100 ms of CPU, a tenth of the gate's, against some
 * 20 ms for node:http. What Octokit reads of the answer (status, url, headers, text, arrayBuffer)
 * and the failures it tells apart behave as fetch's do:
 *
 * - an abort or a timeout rejects with the signal's reason (an `AbortError` or `TimeoutError`),
 *   while the request is made and while its body is read;
 * - a connection that fails rejects with `TypeError('fetch failed')` and the socket's error as
 *   its cause;
 * - redirects are followed (at most 20): 303, and 301 or 302 after a POST, continue as a GET
 *   without the body; a redirect to another origin drops the credentials;
 * - a gzip, deflate or brotli body is decoded, and header names read in lower case.
 */

type Body = string | Uint8Array | ArrayBuffer | null | undefined;

interface Init {
  method?: string;
  headers?: Record<string, string>;
  body?: Body;
  signal?: AbortSignal | null;
  redirect?: 'follow' | 'error' | 'manual';
}

const MAX_REDIRECTS = 20;
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

export class HttpHeaders {
  private readonly map = new Map<string, string>();

  constructor(raw: IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(raw)) {
      if (value === undefined) continue;
      this.map.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  /** Sorted by name, as fetch's Headers iterate. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    yield* [...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export class HttpResponse {
  readonly ok: boolean;
  readonly body = null;
  private used = false;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: HttpHeaders,
    private readonly bytes: Promise<Buffer>,
    readonly redirected: boolean,
  ) {
    this.ok = status >= 200 && status < 300;
    // Read or not, a failed body must not surface as an unhandled rejection.
    bytes.catch(() => {});
  }

  private consume(): Promise<Buffer> {
    if (this.used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.used = true;
    return this.bytes;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.consume());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.consume();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function bodyBytes(body: Body): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('httpFetch: the body must be a string or bytes');
}

/** The whole body of an answer, decoded from its content-encoding. */
async function readBody(res: IncomingMessage): Promise<Buffer> {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  let stream: NodeJS.ReadableStream = res;
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br') {
    const zlib = await import('node:zlib');
    const decoder = encoding === 'br' ? zlib.createBrotliDecompress() : encoding === 'deflate' ? zlib.createInflate() : zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    res.on('error', (e) => decoder.destroy(e));
    stream = res.pipe(decoder);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function httpFetch(input: string | URL, init: Init = {}): Promise<HttpResponse> {
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body = bodyBytes(init.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = String(value);
  headers['accept-encoding'] ??= 'gzip, deflate, br';
  const signal = init.signal ?? undefined;
  if (signal?.aborted) throw abortReason(signal);
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) });
    const res = await send(url, method, headers, body, signal);
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && location !== undefined && (init.redirect ?? 'follow') === 'follow') {
      res.resume();
      if (redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
      const next = new URL(location, url);
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) delete headers[h];
      }
      if (next.origin !== url.origin) for (const h of CREDENTIALS) delete headers[h];
      url = next;
      continue;
    }
    if (init.redirect === 'error' && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0)) {
      res.resume();
      throw new TypeError('fetch failed', { cause: new Error('unexpected redirect') });
    }
    const bytes = new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => {
        reject(abortReason(signal!));
        res.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      readBody(res).then(resolve, (e: unknown) => reject(signal?.aborted ? abortReason(signal) : new TypeError('terminated', { cause: e }))).finally(() => signal?.removeEventListener('abort', onAbort));
    });
    return new HttpResponse(res.statusCode ?? 0, res.statusMessage ?? '', url.href, new HttpHeaders(res.headers), bytes, redirects > 0);
  }
}

async function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<IncomingMessage>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const req = request(url, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers });
    const onAbort = () => {
      reject(abortReason(signal!));
      req.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('response', (res) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.once('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortReason(signal) : new TypeError('fetch failed', { cause: e }));
    });
    req.end(body);
  });
}
