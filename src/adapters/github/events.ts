import { GitHubConfigError } from './errors.js';

/**
 * What opsledger reads from webhook payloads. Payloads are checked as carefully as API answers:
 * a field that is missing or of the wrong type stops the command with the reason.
 */
function field(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function str(obj: unknown, path: string, what: string): string {
  const v = field(obj, path);
  if (typeof v !== 'string' || v === '') throw new GitHubConfigError(`the ${what} event payload has no ${path}`);
  return v;
}

export interface PullRequestEventInfo {
  number: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
  author: string;
  /**
   * The head branch lives in another repository (a fork, or one since deleted). GitHub runs
   * pull_request and pull_request_review workflows for such pull requests with a read-only
   * token, so nothing can be written back to them from that run.
   */
  fromFork: boolean;
}

function fromFork(payload: Record<string, unknown>): boolean {
  const head = field(payload, 'pull_request.head.repo');
  const base = field(payload, 'pull_request.base.repo.full_name');
  // A payload without repositories (one written by hand) says nothing about forks.
  if (typeof base !== 'string') return false;
  if (head === null) return true;
  const name = field(head, 'full_name');
  return typeof name === 'string' && name.toLowerCase() !== base.toLowerCase();
}

/** pull_request, pull_request_target and pull_request_review payloads all carry the pull request. */
export function pullRequestFromEvent(payload: Record<string, unknown>): PullRequestEventInfo {
  const number = field(payload, 'pull_request.number');
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw new GitHubConfigError('the event payload has no pull_request.number: run this on pull_request or pull_request_review');
  return {
    number,
    headSha: str(payload, 'pull_request.head.sha', 'pull request'),
    baseSha: str(payload, 'pull_request.base.sha', 'pull request'),
    baseRef: str(payload, 'pull_request.base.ref', 'pull request'),
    author: str(payload, 'pull_request.user.login', 'pull request'),
    fromFork: fromFork(payload),
  };
}

export interface ProtectionRuleEventInfo {
  environment: string;
  runId: number;
  sha?: string;
  /** A change id the deployment names in its payload (`{"change": "CR-..."}`), if any. */
  change?: string;
}

const CALLBACK = /\/repos\/[^/]+\/[^/]+\/actions\/runs\/(\d+)\/deployment_protection_rule$/;

export function protectionRuleFromEvent(payload: Record<string, unknown>): ProtectionRuleEventInfo {
  const environment = str(payload, 'environment', 'deployment_protection_rule');
  const callback = str(payload, 'deployment_callback_url', 'deployment_protection_rule');
  const m = CALLBACK.exec(new URL(callback, 'https://invalid.example').pathname);
  if (!m) throw new GitHubConfigError(`deployment_callback_url ${callback} does not name a workflow run`);
  const sha = field(payload, 'sha');
  let change = field(payload, 'deployment.payload.change');
  // The deployments API stores payload as a JSON string when it was given one.
  const raw = field(payload, 'deployment.payload');
  if (change === undefined && typeof raw === 'string') {
    try {
      change = (JSON.parse(raw) as { change?: unknown }).change;
    } catch {
      change = undefined;
    }
  }
  return {
    environment,
    runId: Number(m[1]),
    ...(typeof sha === 'string' && sha ? { sha } : {}),
    ...(typeof change === 'string' && change ? { change } : {}),
  };
}
