import type { ApprovalRequirement } from './model.js';

/**
 * Who has approved a change, decided from GitHub pull-request reviews only. The invariants
 * (DESIGN.md, "Approvals"):
 * - an approval is a review in state APPROVED, the latest state-changing review of that
 *   reviewer, on the pull request's current head commit;
 * - nobody who wrote the change approves it: not the pull request's author, not the author,
 *   committer or co-author of any of its commits;
 * - group membership comes from the base branch's teams (the caller passes them in), never
 *   from the pull request's own files; nothing written in YAML counts.
 */
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  login: string;
  state: ReviewState;
  /** The commit the review was given on. */
  commitId: string;
  submittedAt?: string;
}

export interface CommitIdentity {
  sha: string;
  /** GitHub logins GitHub linked to the commit's author and committer, when it could. */
  authorLogin?: string;
  committerLogin?: string;
  authorEmail?: string;
  committerEmail?: string;
  /** Author date (ISO 8601): kept by a rebase, so it tells which commits on a branch were the pull request's. */
  authorDate?: string;
  /** The full commit message, for Co-authored-by trailers. */
  message: string;
}

export interface ApprovalInput {
  prAuthor: string;
  headSha: string;
  reviews: readonly Review[];
  commits: readonly CommitIdentity[];
  /** Requirements to satisfy, each from a named group. */
  requirements: readonly ApprovalRequirement[];
  /** Members (lowercase logins) of each group named by a requirement, read from the base branch. */
  members: Readonly<Record<string, readonly string[]>>;
  /** Logins known to own an email address (from commits GitHub linked), lowercase keys. */
  emailLogins?: Readonly<Record<string, string>>;
}

export interface RequirementResult {
  group: string;
  count: number;
  approvers: string[];
  met: boolean;
}

export interface RejectedApproval {
  login: string;
  reason: 'author' | 'co-author' | 'committer' | 'stale' | 'not-in-group' | 'superseded';
  detail: string;
}

export interface ApprovalDecision {
  met: boolean;
  requirements: RequirementResult[];
  /** Valid approvals from eligible reviewers, whether or not a requirement needed them. */
  approvers: string[];
  rejected: RejectedApproval[];
}

const NOREPLY = /^(?:\d+\+)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)@users\.noreply\.github\.com$/i;
const TRAILER = /^co-authored-by:\s*(.*?)\s*<([^>]+)>\s*$/gim;

/** Co-authors named by `Co-authored-by:` trailers, as emails (lowercase). */
export function coAuthorEmails(message: string): string[] {
  return [...message.matchAll(TRAILER)].map((m) => m[2]!.trim().toLowerCase());
}

function loginForEmail(email: string, emailLogins: Readonly<Record<string, string>>): string | undefined {
  const lower = email.toLowerCase();
  const noreply = NOREPLY.exec(lower);
  if (noreply) return noreply[1];
  return emailLogins[lower]?.toLowerCase();
}

/** Everyone who wrote any part of the change, with the role that disqualifies them. */
export function contributors(input: Pick<ApprovalInput, 'prAuthor' | 'commits' | 'emailLogins'>): Map<string, { reason: RejectedApproval['reason']; detail: string }> {
  const out = new Map<string, { reason: RejectedApproval['reason']; detail: string }>();
  const add = (login: string | undefined, reason: RejectedApproval['reason'], detail: string) => {
    if (login && !out.has(login.toLowerCase())) out.set(login.toLowerCase(), { reason, detail });
  };
  add(input.prAuthor, 'author', 'opened the pull request');
  const emails: Record<string, string> = { ...(input.emailLogins ?? {}) };
  for (const c of input.commits) {
    if (c.authorEmail && c.authorLogin) emails[c.authorEmail.toLowerCase()] = c.authorLogin;
    if (c.committerEmail && c.committerLogin) emails[c.committerEmail.toLowerCase()] = c.committerLogin;
  }
  for (const c of input.commits) {
    add(c.authorLogin ?? (c.authorEmail ? loginForEmail(c.authorEmail, emails) : undefined), 'author', `authored ${c.sha.slice(0, 7)}`);
    // GitHub itself commits merges and web edits; its committer identity is not a person.
    if (c.committerLogin && c.committerLogin.toLowerCase() !== 'web-flow') add(c.committerLogin, 'committer', `committed ${c.sha.slice(0, 7)}`);
    for (const email of coAuthorEmails(c.message)) add(loginForEmail(email, emails), 'co-author', `co-authored ${c.sha.slice(0, 7)}`);
  }
  return out;
}

/** The latest state-changing review per reviewer; comments neither grant nor revoke. */
export function latestReviews(reviews: readonly Review[]): Map<string, Review> {
  const sorted = [...reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? '') || a.id - b.id);
  const latest = new Map<string, Review>();
  for (const r of sorted) {
    if (r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    latest.set(r.login.toLowerCase(), r);
  }
  return latest;
}

export function decideApprovals(input: ApprovalInput): ApprovalDecision {
  const rejected: RejectedApproval[] = [];
  const writers = contributors(input);
  const valid: string[] = [];
  for (const [login, review] of latestReviews(input.reviews)) {
    if (review.state !== 'APPROVED') {
      if (input.reviews.some((r) => r.login.toLowerCase() === login && r.state === 'APPROVED')) {
        rejected.push({ login, reason: 'superseded', detail: `a later review is ${review.state.toLowerCase().replace('_', ' ')}` });
      }
      continue;
    }
    const writer = writers.get(login);
    if (writer) {
      rejected.push({ login, reason: writer.reason, detail: `${login} ${writer.detail}: separation of duties` });
      continue;
    }
    if (review.commitId !== input.headSha) {
      rejected.push({ login, reason: 'stale', detail: `approved ${review.commitId.slice(0, 7)}, not the head ${input.headSha.slice(0, 7)}` });
      continue;
    }
    valid.push(login);
  }
  valid.sort();

  // Each approver counts towards one requirement only (an owner who is also on the CAB does
  // not make two approvals). A small exhaustive assignment finds the best split.
  const slots: string[] = [];
  for (const req of input.requirements) for (let i = 0; i < req.count; i++) slots.push(req.group);
  const eligible = (login: string, group: string) => (input.members[group] ?? []).some((m) => m.toLowerCase() === login);
  const assignment = assign(slots, valid, eligible);

  const requirements = input.requirements.map((req) => {
    const approvers = [...new Set(slots.map((g, i) => (g === req.group ? assignment[i] : undefined)).filter((x): x is string => Boolean(x)))];
    return { group: req.group, count: req.count, approvers, met: approvers.length >= req.count };
  });
  for (const login of valid) {
    if (!input.requirements.some((r) => eligible(login, r.group))) {
      rejected.push({ login, reason: 'not-in-group', detail: `${login} is in none of the required groups (${input.requirements.map((r) => r.group).join(', ')})` });
    }
  }
  return { met: requirements.every((r) => r.met), requirements, approvers: valid, rejected };
}

/** Fill as many slots as possible, each with a distinct eligible person (bipartite matching). */
function assign(slots: readonly string[], people: readonly string[], eligible: (login: string, group: string) => boolean): (string | undefined)[] {
  const owner: (string | undefined)[] = new Array(slots.length).fill(undefined);
  const tryPerson = (person: string, seen: Set<number>): boolean => {
    for (let s = 0; s < slots.length; s++) {
      if (seen.has(s) || !eligible(person, slots[s]!)) continue;
      seen.add(s);
      const current = owner[s];
      if (current === undefined || tryPerson(current, seen)) {
        owner[s] = person;
        return true;
      }
    }
    return false;
  };
  for (const p of people) tryPerson(p, new Set());
  return owner;
}

/**
 * The approvals that counted, each with the review behind it (its id, commit and time) and the
 * requirement groups it filled: what a gate record and an audit show for "who approved".
 */
export function countedApprovals(decision: ApprovalDecision, reviews: readonly Review[]): { login: string; reviewId: number; commit: string; submittedAt: string | null; groups: string[] }[] {
  const latest = latestReviews(reviews);
  const groups = new Map<string, string[]>();
  for (const r of decision.requirements) for (const login of r.approvers) groups.set(login, [...(groups.get(login) ?? []), r.group]);
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([login, g]) => {
      const review = latest.get(login);
      return review ? [{ login: review.login, reviewId: review.id, commit: review.commitId, submittedAt: review.submittedAt ?? null, groups: [...new Set(g)].sort() }] : [];
    });
}
