import type { CommitIdentity, Review } from '../../core/approvals.js';

/**
 * The part of GitHub opsledger talks to, as an interface we own: commands depend on this, not
 * on Octokit, and every value crossing it has been checked against the shape GitHub
 * documents. Failures arrive as the typed errors of adapters/github/errors.ts, each an ExpectedFailure.
 */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface Repository {
  fullName: string;
  defaultBranch: string;
}

export interface PullRequest {
  number: number;
  state: 'open' | 'closed';
  author: string;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  /** How many commits GitHub counts in the pull request (the commits list stops at 250). */
  commits: number;
  url: string;
  draft: boolean;
}

/** A pull request as `GET /commits/{sha}/pulls` lists it: enough to pick the right one. */
export interface PullSummary {
  number: number;
  state: 'open' | 'closed';
  mergedAt: string | null;
  baseRef: string;
}

export type AnnotationLevel = 'notice' | 'warning' | 'failure';

export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  startColumn?: number;
  endColumn?: number;
  level: AnnotationLevel;
  message: string;
  title?: string;
}

export interface CheckRunResult {
  name: string;
  headSha: string;
  /** `action_required` is GitHub's "waiting on people": not red, yet a required check it does not satisfy. */
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  /** The output's text (a gate record's JSON). */
  text?: string;
  annotations: readonly CheckAnnotation[];
  /**
   * The page with the full details: the workflow run and its job summary for the Action, the
   * pull request for the App (GitHub asks for one with `action_required`).
   */
  detailsUrl?: string;
}

export interface CommitStatus {
  sha: string;
  context: string;
  state: 'success' | 'failure' | 'error' | 'pending';
  description: string;
  targetUrl?: string;
}

export interface ProtectionRuleAnswer {
  runId: number;
  environment: string;
  state: 'approved' | 'rejected';
  comment: string;
}

/** A check run as `GET /commits/{ref}/check-runs` lists it: what an audit reads a record from. */
export interface CheckRunListing {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  completedAt: string | null;
  text: string | null;
  /** The App that wrote it (`github-actions`, opsledger's App); null when GitHub does not say. */
  app: string | null;
}

export interface Deployment {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  /** The change the deployment's payload names (`{"change": "CR-…"}`), when it names one. */
  change: string | null;
}

export interface DeploymentStatus {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';
  createdAt: string;
}

export interface GitHubApi {
  readonly repoRef: RepoRef;
  getRepository(): Promise<Repository>;
  getPullRequest(number: number): Promise<PullRequest>;
  listReviews(number: number): Promise<Review[]>;
  listPullCommits(number: number): Promise<CommitIdentity[]>;
  listPullsForCommit(sha: string): Promise<PullSummary[]>;
  /** Logins (lowercase) of an organisation team's members. */
  listTeamMembers(org: string, slug: string): Promise<string[]>;
  /** Creates a completed check run; annotations beyond GitHub's 50 per request go in follow-up updates. */
  publishCheckRun(result: CheckRunResult): Promise<number>;
  /** Creates a check run `in_progress` (shown while the decision is worked out); returns its id. */
  startCheckRun(name: string, headSha: string, title: string): Promise<number>;
  /** Completes a check run `startCheckRun` created, with the same batching of annotations as publishCheckRun. */
  finishCheckRun(id: number, result: CheckRunResult): Promise<void>;
  createCommitStatus(status: CommitStatus): Promise<void>;
  /**
   * Creates the pull request's comment that carries `marker`, or updates the one a bot already
   * wrote, so a pull request has exactly one.
   */
  upsertStickyComment(issueNumber: number, marker: string, body: string): Promise<{ id: number; created: boolean }>;
  /** The names of the labels on an issue or pull request. */
  listLabels(issueNumber: number): Promise<string[]>;
  addLabels(issueNumber: number, labels: readonly string[]): Promise<void>;
  /** Takes one label off; a label that is already gone is no failure. */
  removeLabel(issueNumber: number, label: string): Promise<void>;
  requestReviewers(number: number, reviewers: { users: readonly string[]; teams: readonly string[] }): Promise<void>;
  reviewDeploymentProtectionRule(answer: ProtectionRuleAnswer): Promise<void>;
  /** The check runs of that name on a commit. */
  listCheckRuns(ref: string, name: string): Promise<CheckRunListing[]>;
  /** The repository's deployments, newest first; only those of one commit when `sha` is given. */
  listDeployments(sha?: string): Promise<Deployment[]>;
  listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]>;
}

export const STICKY_MARKER = '<!-- opsledger:risk -->';
/** GitHub accepts at most this many annotations in one check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;
