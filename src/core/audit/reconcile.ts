import { parseDuration } from '../duration.js';
import type { RecordedApproval } from '../gate.js';
import type { FileAnalysis } from '../analyze.js';
import type { ChangeRequest, ChangeType, ConfigurationItem, PolicySpec, RiskClass, Slo } from '../model.js';
import { modelEntries, type Located, type Organisation } from '../organisation.js';
import { english, phrase, type Phrase } from '../phrase.js';
import type { GateRecord } from './gate-record.js';

// Which service a path is tied to and what covers it: one home, shared with the CAB and the gate.
export { changeScopes, tiedPaths } from '../service-paths.js';

/**
 * The audit of a period (or of one change), from facts the use case gathered: the units of work
 * that reached the default branch (a pull request's commits, or one direct push), what each
 * changed, the approvals re-derived from GitHub's reviews against the base's policy, the gate
 * records and the deployments. Pure: the same facts give the same report, byte for byte.
 */

/** A path the audit holds to account, and what approving it takes: any one of `scopes`. */
export interface ControlledPath {
  path: string;
  /** `service:x` (also for a path the policy ties to x), `ci:y`, or `org` (teams, policy, calendars, the policy's sensitive paths). */
  scopes: string[];
}

export interface UnitChange {
  id: string;
  declaredType: ChangeType;
  /** The type and class at approval (the base's policy and organisation); null offline when they could not be scored. */
  type: ChangeType | null;
  class: RiskClass | null;
  /** Why a standard change is treated as normal at approval. */
  demotion?: Phrase;
  /** Approved with the reviews given before the merge; null when unverified (offline). */
  approvedAtMerge: boolean | null;
  /** Approved with every review, including those given after the merge. */
  approvedEver: boolean | null;
  approvals: RecordedApproval[];
  /** What an approval of this change covers. */
  scopes: string[];
}

export interface Unit {
  /** First-parent commits, oldest first. */
  commits: string[];
  /** Where the default branch stood before the unit (its policy counted the approvals). */
  before: string | null;
  last: string;
  committedAt: number;
  pullRequest: { number: number; url: string | null; mergedAt: string | null } | null;
  /** False when the pull request is only claimed by a commit subject (offline). */
  pullVerified: boolean;
  controlled: ControlledPath[];
  changes: UnitChange[];
  /** The pull request's sensitive files approved by the CAB without a change request; null unknown. */
  sensitiveApproved: boolean | null;
}

export interface SeenRecord {
  sha: string;
  checkRunId: number;
  app: string | null;
  record: GateRecord;
}

export interface SeenDeployment {
  id: number;
  sha: string;
  environment: string;
  change: string | null;
  createdAt: string;
  /** When its first success status was set; null when it never succeeded. */
  succeededAt: string | null;
}

export interface AuditFacts {
  period: { since: number; until: number };
  offline: boolean;
  /** Only this change, when one is audited. */
  change?: string;
  units: Unit[];
  /** The organisation at the end of the period: outcomes and reviews are read there. */
  end: Organisation;
  /** The policy that applies to each change's approval (its unit's base), by change id. */
  policies: ReadonlyMap<string, PolicySpec>;
  records: SeenRecord[];
  deployments: SeenDeployment[];
  /** Names environments canonically (the end's policy), so `prod` and `production` agree. */
  canonical: (environment: string) => string;
}

export const AUDIT_CODES = ['audit.unauthorised-change', 'audit.merged-before-approval', 'audit.deployed-without-gate', 'audit.gate-denied-but-deployed', 'audit.emergency-review-overdue', 'audit.standard-outside-template'] as const;
export type AuditCode = (typeof AUDIT_CODES)[number];

export interface AuditException {
  code: AuditCode;
  commit: string | null;
  pullRequest: number | null;
  change: string | null;
  detail: string;
  reason: Phrase;
}

export interface AuditGate {
  at: string;
  environment: string | null;
  allowed: boolean;
  sha: string;
  checkRunId: number;
  app: string | null;
}

export interface AuditChange {
  change: string;
  declaredType: ChangeType;
  type: ChangeType | null;
  class: RiskClass | null;
  policyCommit: string | null;
  pullRequest: number | null;
  mergedAt: string | null;
  commit: string;
  approved: boolean | null;
  approvals: RecordedApproval[];
  gates: AuditGate[];
  outcome: string | null;
  implementedAt: string | null;
  review: { required: boolean; due: string | null; done: boolean; overdue: boolean } | null;
  template: { name: string | null; inside: boolean; reason: string | null } | null;
  /** What could not be verified (offline, or GitHub unanswered), by name. */
  unverified: string[];
}

export interface AuditReport {
  period: { since: string; until: string };
  offline: boolean;
  changes: AuditChange[];
  exceptions: AuditException[];
  summary: { commits: number; units: number; changes: number; exceptions: number; unverified: number };
}

const iso = (ms: number) => new Date(ms).toISOString();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The documents and paths of a diff the audit holds to account, read in the organisation before
 * and after it (a deleted service counts as much as an added one): services, CIs, SLOs (by the
 * service they measure), teams, policies, calendars, and the paths the policy calls sensitive.
 */
export function controlledPaths(
  changed: readonly string[],
  before: Organisation | undefined,
  after: Organisation,
  sensitive: readonly string[],
  files?: { before: readonly FileAnalysis[]; after: readonly FileAnalysis[] },
  tied: readonly (readonly [path: string, service: string])[] = [],
): ControlledPath[] {
  const scopes = new Map<string, Set<string>>();
  const add = (path: string, scope: string) => {
    if (!scopes.has(path)) scopes.set(path, new Set());
    scopes.get(path)!.add(scope);
  };
  const changedSet = new Set(changed);
  // Only the documents the diff changed, added or removed: editing one service in a file that
  // holds several does not make the others part of the change.
  const differs = (mine: Located<unknown>, other: Map<string, Located<unknown>> | undefined, name: string) => !other || JSON.stringify(other.get(name)?.doc) !== JSON.stringify(mine.doc);
  const consider = (org: Organisation, other: Organisation | undefined, bucket: keyof Organisation, name: string, l: Located<unknown>) => {
    if (!changedSet.has(l.file) || !differs(l, other?.[bucket] as Map<string, Located<unknown>> | undefined, name)) return;
    if (bucket === 'services') add(l.file, `service:${name}`);
    else if (bucket === 'cis') {
      const service = (l as Located<ConfigurationItem>).doc.spec.service;
      add(l.file, service ? `service:${service}|ci:${name}` : `ci:${name}`);
    } else if (bucket === 'slos') add(l.file, `service:${(l as Located<Slo>).doc.spec.service}`);
    else if (bucket === 'teams' || bucket === 'policies' || bucket === 'calendars') add(l.file, 'org');
  };
  const kinds = (org: Organisation, other: Organisation | undefined, analyses: readonly FileAnalysis[] | undefined) => {
    if (analyses) {
      // The documents of the changed files that the organisation holds (the first of a duplicated name).
      for (const a of analyses) for (const e of modelEntries(a)) {
        const l = (org[e.bucket] as Map<string, Located<unknown>>).get(e.name);
        if (l && l.file === a.file && l.index === e.located.index) consider(org, other, e.bucket, e.name, l);
      }
      return;
    }
    for (const bucket of CONTROLLED) for (const [name, l] of org[bucket] as Map<string, Located<unknown>>) consider(org, other, bucket, name, l);
  };
  kinds(after, before, files?.after);
  if (before) kinds(before, after, files?.before);
  for (const path of sensitive) add(path, 'org');
  for (const [path, service] of tied) add(path, `service:${service}`);
  // A file's every changed document must be covered; each may be covered by any of its alternatives.
  return [...scopes].sort(([a], [b]) => cmp(a, b)).map(([path, s]) => ({ path, scopes: [...s].sort() }));
}

const CONTROLLED: readonly (keyof Organisation)[] = ['services', 'cis', 'slos', 'teams', 'policies', 'calendars'];

/** The paths no approval in the unit covers. */
export function uncoveredPaths(unit: Pick<Unit, 'controlled' | 'changes' | 'sensitiveApproved'>): string[] {
  const approved = unit.changes.filter((c) => c.approvedAtMerge === true);
  const covered = new Set(approved.flatMap((c) => c.scopes));
  const orgWide = approved.length > 0 || unit.sensitiveApproved === true;
  return unit.controlled
    .filter((p) =>
      p.scopes.some((alternatives) => {
        const ok = alternatives.split('|').some((s) => (s === 'org' ? orgWide : covered.has(s)));
        return !ok;
      }),
    )
    .map((p) => p.path);
}

/** The post-implementation review an emergency change owes: due `reviewWithin` after it was implemented. */
export function emergencyReview(change: ChangeRequest, policy: PolicySpec | undefined, implementedAt: number | undefined, now: number): AuditChange['review'] {
  const within = policy?.emergency?.reviewWithin;
  const span = within ? parseDuration(within) : undefined;
  const done = Boolean(change.status?.outcome?.review);
  if (span === undefined || implementedAt === undefined) return { required: true, due: null, done, overdue: false };
  const due = implementedAt + span;
  return { required: true, due: iso(due), done, overdue: !done && now > due };
}

function exception(code: AuditCode, where: { commit: string | null; pullRequest: number | null; change: string | null }, reason: Phrase): AuditException {
  return { code, ...where, detail: english(reason), reason };
}

export function auditReport(f: AuditFacts): AuditReport {
  const exceptions: AuditException[] = [];
  const changes = new Map<string, AuditChange>();
  const unitOf = new Map<string, Unit>();
  const now = f.period.until;

  for (const unit of f.units) {
    const where = { commit: unit.last, pullRequest: unit.pullVerified ? (unit.pullRequest?.number ?? null) : null };
    if (!f.change) {
      // A direct push has no review at all: everything controlled it changed is unapproved.
      const uncovered = unit.pullRequest ? uncoveredPaths(unit) : unit.controlled.map((p) => p.path);
      if (uncovered.length && !f.offline) {
        exceptions.push(exception('audit.unauthorised-change', { ...where, change: null }, unit.pullRequest ? phrase('audit.unauthorised.pull', { paths: uncovered }) : phrase('audit.unauthorised.push', { paths: uncovered })));
      }
    }
    for (const c of unit.changes) {
      if (f.change && c.id !== f.change) continue;
      // The latest pull request that touched a change is the one whose approval stands; a later
      // direct push (an outcome recorded on the branch) changes its status, not what was approved.
      if (unit.pullRequest || !unitOf.has(c.id)) unitOf.set(c.id, unit);
      if (unit.pullRequest && c.approvedAtMerge === false && !f.offline) {
        exceptions.push(exception('audit.merged-before-approval', { ...where, change: c.id }, c.approvedEver ? phrase('audit.merged.early', { number: unit.pullRequest.number }) : phrase('audit.merged.never', { number: unit.pullRequest.number })));
      }
    }
  }

  if (!f.offline) {
    const unitBySha = new Map<string, Unit>();
    for (const u of f.units) for (const sha of u.commits) unitBySha.set(sha, u);
    // Each commit's records, grouped once, for the same reason as recordsFor below.
    const bySha = new Map<string, SeenRecord[]>();
    for (const r of f.records) {
      const list = bySha.get(r.sha);
      if (list) list.push(r);
      else bySha.set(r.sha, [r]);
    }
    for (const d of [...f.deployments].sort((a, b) => a.id - b.id)) {
      if (!d.succeededAt) continue;
      const at = Date.parse(d.succeededAt);
      if (at < f.period.since || at > f.period.until) continue;
      const onSha = bySha.get(d.sha) ?? [];
      if (f.change && d.change !== f.change && !onSha.some((r) => r.record.change === f.change)) continue;
      const env = f.canonical(d.environment);
      const before = onSha.filter((r) => Date.parse(r.record.at) <= at && (r.record.environment === null || f.canonical(r.record.environment) === env) && (!d.change || r.record.change === d.change));
      if (before.some((r) => r.record.allowed)) continue;
      const u = unitBySha.get(d.sha);
      const where = { commit: d.sha, pullRequest: u?.pullVerified ? (u.pullRequest?.number ?? null) : null, change: d.change ?? before[0]?.record.change ?? null };
      const denied = before.length > 0;
      exceptions.push(exception(denied ? 'audit.gate-denied-but-deployed' : 'audit.deployed-without-gate', where, denied ? phrase('audit.deployment.denied', { id: d.id, environment: env }) : phrase('audit.deployment.ungated', { id: d.id, environment: env })));
    }
  }

  // Each change's records, grouped once: a scan of every record per change grows with changes × records.
  const byChange = new Map<string, SeenRecord[]>();
  for (const r of f.records) {
    const list = byChange.get(r.record.change);
    if (list) list.push(r);
    else byChange.set(r.record.change, [r]);
  }
  const recordsFor = (id: string) => [...(byChange.get(id) ?? [])].sort((a, b) => cmp(a.record.at, b.record.at) || a.checkRunId - b.checkRunId);

  // The deployments found ungated or denied so far; the loop below adds none of these for a change already in it.
  const deployedExceptions = new Set(exceptions.filter((e) => e.change !== null && (e.code === 'audit.deployed-without-gate' || e.code === 'audit.gate-denied-but-deployed')).map((e) => e.change));
  for (const [id, unit] of [...unitOf].sort(([a], [b]) => cmp(a, b))) {
    const c = unit.changes.find((x) => x.id === id)!;
    const doc = f.end.changes.get(id)?.doc;
    const gates = recordsFor(id).map((r) => ({ at: r.record.at, environment: r.record.environment, allowed: r.record.allowed, sha: r.sha, checkRunId: r.checkRunId, app: r.app }));
    const outcome = doc?.status?.outcome;
    const implementedMs = outcome?.implementedAt ? Date.parse(outcome.implementedAt) : undefined;
    const firstAllowed = gates.find((g) => g.allowed);
    const where = { commit: unit.last, pullRequest: unit.pullVerified ? (unit.pullRequest?.number ?? null) : null, change: id };
    const unverified = f.offline ? ['approvals', 'gates', 'pull-request'] : [];

    let review: AuditChange['review'] = null;
    if (c.type === 'emergency' && doc) {
      const started = Number.isFinite(implementedMs) ? implementedMs : firstAllowed ? Date.parse(firstAllowed.at) : undefined;
      review = emergencyReview(doc, f.policies.get(id), started, now);
      if (review?.overdue) exceptions.push(exception('audit.emergency-review-overdue', where, phrase('audit.review.overdue', { due: review.due! })));
    }
    let template: AuditChange['template'] = null;
    if (c.declaredType === 'standard') {
      const inside = c.type === 'standard';
      template = { name: doc?.spec.template ?? null, inside, reason: c.demotion ? english(c.demotion) : null };
      if (!inside && c.type !== null) exceptions.push(exception('audit.standard-outside-template', where, phrase('audit.standard.outside', { why: c.demotion ?? phrase('template.none') })));
    }
    // Any recorded outcome means the change was carried out.
    const deployedException = deployedExceptions.has(id);
    if (!f.offline && outcome && !firstAllowed && !deployedException) {
      const denied = gates.some((g) => !g.allowed);
      exceptions.push(exception(denied ? 'audit.gate-denied-but-deployed' : 'audit.deployed-without-gate', where, denied ? phrase('audit.implemented.denied') : phrase('audit.implemented.ungated')));
    }
    changes.set(id, {
      change: id,
      declaredType: c.declaredType,
      type: c.type,
      class: c.class,
      policyCommit: unit.before,
      pullRequest: unit.pullRequest?.number ?? null,
      mergedAt: unit.pullRequest?.mergedAt ?? null,
      commit: unit.last,
      approved: c.approvedAtMerge,
      approvals: c.approvals,
      gates,
      outcome: outcome?.result ?? null,
      implementedAt: outcome?.implementedAt ?? null,
      review,
      template,
      unverified,
    });
  }

  exceptions.sort((a, b) => cmp(a.code, b.code) || cmp(a.commit ?? '', b.commit ?? '') || cmp(a.change ?? '', b.change ?? '') || cmp(a.detail, b.detail));
  const list = [...changes.values()];
  return {
    period: { since: iso(f.period.since), until: iso(f.period.until) },
    offline: f.offline,
    changes: list,
    exceptions,
    summary: { commits: f.units.reduce((n, u) => n + u.commits.length, 0), units: f.units.length, changes: list.length, exceptions: exceptions.length, unverified: list.filter((c) => c.unverified.length).length },
  };
}
