import { ExpectedFailure } from '../../app/ports/failure.js';

/**
 * Typed failures of the GitHub adapter. Callers branch on the class, never on message text:
 * the gate turns every one of them into a denial with its reason, and the pull-request
 * commands into a failed check.
 */
export class GitHubError extends ExpectedFailure {
  override name = 'GitHubError';
  constructor(
    message: string,
    /** `GET /repos/{owner}/{repo}/...`, the route template that failed, when known. */
    readonly route?: string,
    readonly status?: number,
  ) {
    // A short, stable code for JSON output (`github.not-found`, ...); subclasses narrow it.
    super('github.error', message);
  }
}

/** 404 or 410: the repository, pull request or team does not exist, or the token cannot see it. */
export class GitHubNotFound extends GitHubError {
  override name = 'GitHubNotFound';
  override readonly code = 'github.not-found';
}

/** 401, or 403 without rate-limit headers: the token is missing, expired or lacks a permission. */
export class GitHubAuthError extends GitHubError {
  override name = 'GitHubAuthError';
  override readonly code = 'github.auth';
}

/** 429, or 403 with an exhausted rate limit, still failing after the throttling retries. */
export class GitHubRateLimited extends GitHubError {
  override name = 'GitHubRateLimited';
  override readonly code = 'github.rate-limited';
  constructor(
    message: string,
    route?: string,
    status?: number,
    /** Seconds GitHub asked us to wait, when it said. */
    readonly retryAfter?: number,
  ) {
    super(message, route, status);
  }
}

/** 5xx, timeouts and network failures, still failing after the retries. */
export class GitHubUnavailable extends GitHubError {
  override name = 'GitHubUnavailable';
  override readonly code = 'github.unavailable';
}

/** A 2xx answer whose body is not what GitHub documents (not JSON, missing fields, wrong types). */
export class GitHubMalformedResponse extends GitHubError {
  override name = 'GitHubMalformedResponse';
  override readonly code = 'github.malformed';
}

/** 400, 409 or 422: GitHub refused what we sent. */
export class GitHubRejected extends GitHubError {
  override name = 'GitHubRejected';
  override readonly code = 'github.rejected';
}

/** The Actions environment lacks what a command needs (token, repository, event payload). */
export class GitHubConfigError extends GitHubError {
  override name = 'GitHubConfigError';
  override readonly code = 'github.config';
}

interface RequestErrorLike {
  status: number;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
  cause?: unknown;
}

function isRequestErrorLike(e: unknown): e is RequestErrorLike {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
}

function header(e: RequestErrorLike, name: string): string | undefined {
  const v = e.response?.headers?.[name];
  return v === undefined ? undefined : String(v);
}

/**
 * Maps whatever Octokit threw into one of the typed errors, from the status code, the
 * rate-limit headers and whether a response arrived at all.
 */
export function toGitHubError(e: unknown, route: string): GitHubError {
  if (e instanceof GitHubError) return e;
  if (!isRequestErrorLike(e)) {
    // Aborts and timeouts thrown before Octokit wrapped them.
    const name = (e as { name?: unknown } | undefined)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return new GitHubUnavailable(`${route}: no answer before the timeout`, route);
    return new GitHubUnavailable(`${route}: ${(e as Error)?.message ?? String(e)}`, route);
  }
  const status = e.status;
  if (!e.response) {
    // Octokit reports network failures and aborted requests as a 500 without a response.
    const cause = (e.cause as { name?: unknown } | undefined)?.name ?? (e as { name?: unknown }).name;
    const why = cause === 'TimeoutError' || cause === 'AbortError' ? 'no answer before the timeout' : 'the server could not be reached';
    return new GitHubUnavailable(`${route}: ${why}`, route);
  }
  const retryAfterText = header(e, 'retry-after');
  const retryAfter = retryAfterText !== undefined && /^\d+$/.test(retryAfterText) ? Number(retryAfterText) : undefined;
  if (status === 429 || (status === 403 && (header(e, 'x-ratelimit-remaining') === '0' || retryAfter !== undefined))) {
    return new GitHubRateLimited(`${route}: rate limited (HTTP ${status})${retryAfter !== undefined ? `, retry after ${retryAfter}s` : ''}`, route, status, retryAfter);
  }
  if (status === 401) return new GitHubAuthError(`${route}: the token was refused (HTTP 401)`, route, status);
  if (status === 403) return new GitHubAuthError(`${route}: the token lacks a permission (HTTP 403)`, route, status);
  if (status === 404 || status === 410) return new GitHubNotFound(`${route}: not found (HTTP ${status})`, route, status);
  if (status >= 500) return new GitHubUnavailable(`${route}: GitHub answered HTTP ${status}`, route, status);
  return new GitHubRejected(`${route}: GitHub refused the request (HTTP ${status})`, route, status);
}
