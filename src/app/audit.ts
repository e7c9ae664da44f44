import { countedApprovals, type Review } from '../core/approvals.js';
import { GATE_CHECK_NAME, readGateRecord } from '../core/audit/gate-record.js';
import { auditReport, changeScopes, controlledPaths, tiedPaths, type AuditReport, type SeenDeployment, type SeenRecord, type Unit, type UnitChange } from '../core/audit/reconcile.js';
import { environmentsOf } from '../core/environments.js';
import { matchingPaths } from '../core/glob.js';
import type { ChangeRequest, PolicySpec } from '../core/model.js';
import { activePolicy } from '../core/organisation.js';
import { reviewOrganisation } from '../core/review-org.js';
import { decideType } from '../core/risk/effective-type.js';
import { defaultBranchRef } from './decide-deploy.js';
import { OrganisationsAtRefs } from './load-organisation.js';
import type { FileAnalysis } from '../core/analyze.js';
import { OrganisationBuilder } from '../core/organisation-builder.js';
import { emptyOrganisation, modelEntries, type Organisation } from '../core/organisation.js';
import type { UnitStore } from './ports/unit-store.js';
import type { GitRepository, MainlineCommit } from './ports/git.js';
import type { GitHubApi, PullRequest } from './ports/github.js';
import { reviewPullRequest, type PullReview } from './review-pull-request.js';

/**
 * `opsledger audit`: the evidence for a period (or one change) that every change reaching the
 * default branch was authorised before it was made, and the exceptions where it was not.
 * Git says what reached the branch and what it changed; GitHub (unless offline) says which pull
 * request brought each commit, who reviewed it and when, what the gate recorded and what was
 * deployed. Approvals are re-derived exactly as the CAB and the gate derive them
 * (reviewPullRequest, at the base before the merge), counting only reviews submitted before the
 * merge. The report itself is built by the pure auditReport.
 */
export interface AuditRequest {
  git: GitRepository;
  /** Opens GitHub; absent, the audit is from git alone and marks what it could not verify. */
  github?: () => GitHubApi;
  /** One change's audit over the whole history; otherwise every unit of work in the period. */
  change?: string;
  since: number;
  until: number;
  /** The branch to audit offline (online: the repository's default branch). */
  branch?: string;
  /** Units found by earlier runs (the repository's cache folder); absent, every unit is derived. */
  store?: UnitStore;
}

/** An audit from git alone asks GitHub nothing: no team has members beyond those its YAML names. */
const NO_GITHUB_TEAMS = { listTeamMembers: async (): Promise<string[]> => [] };

const CLAIMED_PR = [/^Merge pull request #(\d+)\b/, /\(#(\d+)\)\s*$/];

export async function audit(req: AuditRequest): Promise<AuditReport> {
  const api = req.github?.();
  const offline = !api;
  const branch = api ? (await api.getRepository()).defaultBranch : (req.branch ?? 'HEAD');
  const ref = branch === 'HEAD' ? await req.git.resolveCommit('HEAD') : await defaultBranchRef(req.git, branch);
  const refs = new OrganisationsAtRefs(req.git);
  const since = req.change ? 0 : req.since;
  const history = await req.git.mainlineHistory(ref, since, req.until);

  const groups = api ? await groupByPull(api, history, branch) : groupByClaim(history);
  const pulls = new Map<number, Promise<{ pull: PullRequest; reviews: Review[]; commits: Awaited<ReturnType<GitHubApi['listPullCommits']>> }>>();
  const pullFacts = (n: number) => {
    let p = pulls.get(n);
    if (!p) pulls.set(n, (p = (async () => ({ pull: await api!.getPullRequest(n), reviews: await api!.listReviews(n), commits: await api!.listPullCommits(n) }))()));
    return p;
  };

  const units: Unit[] = [];
  const policies = new Map<string, PolicySpec>();
  // The blobs the period's commits bring, read out of one git process once a unit must be
  // derived: from that unit on (a rerun that finds every earlier unit kept reads only the new).
  const walk = new HistoryWalk(req.git, history);
  const store = req.change ? undefined : req.store;
  // What the end of the period says of each change the period touched, and the policy then in force.
  const endDocs = new Map<string, ChangeRequest | null>();
  let endPolicy: PolicySpec | undefined;
  let offset = 0;
  for (const g of groups) {
    const first = g.commits[0]!;
    const last = g.commits.at(-1)!;
    const before = first.parents[0] ?? null;
    const from = offset;
    offset += g.commits.length;
    const key = store?.digest([before, g.commits.map((c) => c.sha), g.pull ?? null, offline]);
    const stored = key !== undefined ? store!.get(key) : undefined;
    if (stored && (stored.facts === null || (g.pull !== undefined && api && store!.digest(await pullFacts(g.pull)) === stored.facts)) && (await teamsAgree(api, stored.teams))) {
      const basePolicy = stored.basePolicy ? store!.policy(stored.basePolicy) : undefined;
      const afterPolicy = stored.afterPolicy ? store!.policy(stored.afterPolicy) : undefined;
      if ((!stored.basePolicy || basePolicy) && (!stored.afterPolicy || afterPolicy)) {
        const unit = stored.unit;
        units.push(unit);
        for (const [id, doc] of stored.docs) endDocs.set(id, doc);
        endPolicy = afterPolicy;
        if (basePolicy) for (const c of unit.changes) if (unit.pullRequest || !policies.has(c.id)) policies.set(c.id, basePolicy);
        continue;
      }
    }

    const changed = [...new Set(g.commits.flatMap((c) => c.changed))].sort();
    const step = await walk.unit(before, g.commits, from);
    const base = before ? step.before : undefined;
    const after = step.after;
    const policy = base ? activePolicy(base)?.doc.spec : undefined;
    const sensitive = policy ? matchingPaths(changed, policy.sensitivePaths ?? []) : [];
    // The base's map: a commit that loosens it is judged by the map before it.
    const controlled = controlledPaths(changed, base, after, sensitive, { before: step.beforeFiles, after: step.afterFiles }, tiedPaths(changed, policy));
    const ids = changesIn(after, step.afterFiles);
    const docs: [string, ChangeRequest | null][] = [...changesIn(step.before, step.beforeFiles).filter((id) => !ids.includes(id)).map((id): [string, null] => [id, null]), ...ids.map((id): [string, ChangeRequest] => [id, after.changes.get(id)!.doc])];
    for (const [id, doc] of docs) endDocs.set(id, doc);
    endPolicy = activePolicy(after)?.doc.spec;
    const unit: Unit = {
      commits: g.commits.map((c) => c.sha),
      before,
      last: last.sha,
      committedAt: last.committedAt,
      pullRequest: g.pull ? { number: g.pull, url: null, mergedAt: null } : null,
      pullVerified: !offline && g.pull !== undefined,
      controlled,
      changes: [],
      sensitiveApproved: offline ? null : false,
    };
    units.push(unit);
    let facts: Awaited<ReturnType<typeof pullFacts>> | undefined;
    // The members GitHub named for each team the review asked about: kept with the unit, and
    // asked again (a conditional request) before the unit is trusted on a later run.
    const asked = new Map<string, [string, string, string[]]>();
    const remember = () => {
      if (!store || key === undefined) return;
      const digest = (p: PolicySpec | undefined) => {
        if (!p) return null;
        const d = store.digest(p);
        store.setPolicy(d, p);
        return d;
      };
      store.set(key, { unit, facts: facts ? store.digest(facts) : null, teams: [...asked.values()].sort(), basePolicy: digest(policy), afterPolicy: digest(endPolicy), docs });
    };
    if (!ids.length && !controlled.length) {
      remember();
      continue;
    }
    if (req.change && !ids.includes(req.change)) continue;

    facts = api && g.pull !== undefined ? await pullFacts(g.pull) : undefined;
    if (facts && unit.pullRequest) Object.assign(unit.pullRequest, { url: facts.pull.url, mergedAt: facts.pull.mergedAt });
    const mergedAt = facts?.pull.mergedAt ? Date.parse(facts.pull.mergedAt) : last.committedAt;
    const atMerge = (facts?.reviews ?? []).filter((r) => !r.submittedAt || Date.parse(r.submittedAt) <= mergedAt);
    // Which changed files do not validate on their own; the audit reads each change's decision, never the pull request's `met`.
    const sides = base ? { base: { org: base, commit: before!, validation: { diagnostics: [] } }, head: { org: after, commit: last.sha, validation: { diagnostics: step.afterFiles.flatMap((a) => a.diagnostics) } } } : undefined;
    const teams = api
      ? {
          listTeamMembers: async (org: string, slug: string) => {
            const members = await api.listTeamMembers(org, slug);
            asked.set(`${org}/${slug}`, [org, slug, [...members].sort()]);
            return members;
          },
        }
      : NO_GITHUB_TEAMS;
    const review = async (reviews: Review[]): Promise<PullReview | undefined> => {
      if (!before || !policy || !sides) return undefined;
      return reviewPullRequest({
        refs,
        api: teams,
        baseRef: before,
        headRef: last.sha,
        author: facts?.pull.author ?? '',
        headSha: facts?.pull.headSha ?? last.sha,
        reviews,
        commits: facts?.commits ?? [],
        now: mergedAt,
        changedPaths: changed,
        changeIds: ids,
        // One commit's diff is what git log measured; several are measured together by git.
        ...(g.commits.length === 1 ? { diffSize: first.size } : {}),
        sides,
      });
    };
    const atMergeReview = await review(atMerge);
    const everReview = facts && atMerge.length < facts.reviews.length ? await review(facts.reviews) : atMergeReview;
    if (atMergeReview && facts) unit.sensitiveApproved = atMergeReview.subjects.some((s) => s.subject === 'pull request' && s.decision.met);
    for (const id of ids) unit.changes.push(unitChange(id, after, base, atMergeReview, everReview, atMerge, !offline));
    // The policy of the approving pull request's base; a later direct push (an outcome) does not replace it.
    if (policy) for (const id of ids) if (unit.pullRequest || !policies.has(id)) policies.set(id, policy);
    if (!req.change) remember();
  }
  await store?.flush();

  // The end of the period as far as the report reads it: the change requests the period touched
  // (each as the last unit that touched its file left it) and the policy then in force.
  let end: Organisation;
  if (history.length) {
    end = emptyOrganisation();
    for (const [id, doc] of endDocs) if (doc) end.changes.set(id, { doc, file: '', index: 0 });
  } else {
    end = (await refs.at(ref)).org;
    endPolicy = activePolicy(end)?.doc.spec;
  }
  const envs = endPolicy ? environmentsOf(endPolicy) : undefined;
  const canonical = (e: string) => envs?.canonical(e) ?? e;

  const records: SeenRecord[] = [];
  const deployments: SeenDeployment[] = [];
  if (api) {
    const all = await api.listDeployments();
    const inPeriod = all.filter((d) => Date.parse(d.createdAt) <= req.until && Date.parse(d.createdAt) >= since - 86_400_000 && (!req.change || d.change === null || d.change === req.change));
    for (const d of inPeriod.sort((a, b) => a.id - b.id)) {
      const statuses = await api.listDeploymentStatuses(d.id);
      const success = statuses.filter((s) => s.state === 'success').map((s) => s.createdAt).sort()[0] ?? null;
      deployments.push({ id: d.id, sha: d.sha, environment: d.environment, change: d.change, createdAt: d.createdAt, succeededAt: success });
    }
    // Records may sit on any commit of the line (the run's commit) and on every deployed one.
    const shas = [...new Set([...history.map((c) => c.sha), ...deployments.map((d) => d.sha)])];
    const seen = new Set<string>();
    for (const sha of shas) {
      for (const run of (await api.listCheckRuns(sha, GATE_CHECK_NAME)).sort((a, b) => a.id - b.id)) {
        const read = readGateRecord(run.text, run.headSha);
        if (!('record' in read) || (req.change && read.record.change !== req.change)) continue;
        // A write retried after a timeout can leave the same record twice: it is one decision.
        const same = JSON.stringify([sha, run.app, read.record]);
        if (seen.has(same)) continue;
        seen.add(same);
        records.push({ sha, checkRunId: run.id, app: run.app, record: read.record });
      }
    }
  }

  return auditReport({ period: { since, until: req.until }, offline, ...(req.change ? { change: req.change } : {}), units, end, policies, records, deployments, canonical });
}

function unitChange(id: string, after: Organisation, base: Organisation | undefined, atMerge: PullReview | undefined, ever: PullReview | undefined, counted: Review[], verified: boolean): UnitChange {
  const doc = after.changes.get(id)!.doc;
  const subject = atMerge?.subjects.find((s) => s.subject === id);
  const report = subject?.report;
  const demotion = report && base && doc.spec.type === 'standard' && report.effectiveType !== 'standard' ? decideType(reviewOrganisation(base, after, 'base'), doc, () => report.class).demotion : undefined;
  return {
    id,
    declaredType: doc.spec.type,
    type: report?.effectiveType ?? null,
    class: report?.class ?? null,
    ...(demotion ? { demotion } : {}),
    approvedAtMerge: verified ? (subject?.decision.met ?? false) : null,
    approvedEver: verified ? (ever?.subjects.find((s) => s.subject === id)?.decision.met ?? false) : null,
    approvals: verified && subject ? countedApprovals(subject.decision, counted) : [],
    scopes: changeScopes(doc, base ?? after),
  };
}

/** The change requests a unit's files hold after it, as the organisation has them (the first of a duplicated id wins). */
function changesIn(org: Organisation, files: readonly FileAnalysis[]): string[] {
  const ids = new Set<string>();
  for (const a of files) for (const e of modelEntries(a)) if (e.bucket === 'changes' && org.changes.get(e.name)?.file === a.file) ids.add(e.name);
  return [...ids].sort();
}

/**
 * The organisation along the first-parent line, one unit of work at a time: read whole once,
 * where the walk starts (or again, should a unit not follow the last), then kept in step from
 * the blobs each commit changed, so a year of commits parses each blob once and builds again
 * only the kinds of documents a commit touched.
 */
class HistoryWalk {
  private builder: OrganisationBuilder | undefined;
  private at: string | null | undefined;
  private fetched = false;

  constructor(
    private readonly git: GitRepository,
    private readonly history: readonly MainlineCommit[],
  ) {}

  get current(): Organisation | undefined {
    return this.builder?.organisation;
  }

  /** `from`: where the unit starts in the history; the blobs from there on are read the first time. */
  async unit(before: string | null, commits: readonly MainlineCommit[], from: number): Promise<{ before: Organisation; after: Organisation; beforeFiles: FileAnalysis[]; afterFiles: FileAnalysis[] }> {
    if (!this.fetched) {
      this.fetched = true;
      await this.git.analyseBlobs(this.history.slice(from).flatMap((c) => c.blobs.filter((b): b is { path: string; oid: string } => b.oid !== null)));
    }
    if (!this.builder || this.at !== before) {
      const analyses = before ? (await this.git.at(before).read({ keepValues: true })).analyses : [];
      this.builder = new OrganisationBuilder(analyses);
    }
    const builder = this.builder;
    const beforeOrg = builder.organisation;
    const paths = [...new Set(commits.flatMap((c) => c.changed))].sort();
    const beforeFiles = paths.map((p) => builder.analysis(p)).filter((a): a is FileAnalysis => a !== undefined);
    for (const c of commits) {
      const present = c.blobs.filter((b): b is { path: string; oid: string } => b.oid !== null);
      const analysed = await this.git.analyseBlobs(present);
      const next = new Map<string, FileAnalysis | undefined>(c.blobs.map((b) => [b.path, undefined]));
      present.forEach((b, i) => next.set(b.path, analysed[i]));
      builder.apply(next);
      this.at = c.sha;
    }
    const afterFiles = paths.map((p) => builder.analysis(p)).filter((a): a is FileAnalysis => a !== undefined);
    return { before: beforeOrg, after: builder.organisation, beforeFiles, afterFiles };
  }
}

/** Whether GitHub still names the members a kept unit's review was decided with. */
async function teamsAgree(api: GitHubApi | undefined, teams: readonly [string, string, string[]][]): Promise<boolean> {
  for (const [org, slug, members] of teams) {
    if (!api) return false;
    const now = [...(await api.listTeamMembers(org, slug))].sort();
    if (now.length !== members.length || now.some((m, i) => m !== members[i])) return false;
  }
  return true;
}

interface Group {
  pull?: number;
  commits: MainlineCommit[];
}

/** Consecutive first-parent commits one merged pull request brought (a rebase merge brings several). */
async function groupByPull(api: GitHubApi, history: MainlineCommit[], branch: string): Promise<Group[]> {
  const groups: Group[] = [];
  for (const c of history) {
    const pr = (await api.listPullsForCommit(c.sha)).filter((p) => p.mergedAt !== null && p.baseRef === branch).sort((a, b) => a.number - b.number)[0];
    const last = groups.at(-1);
    if (pr && last?.pull === pr.number) last.commits.push(c);
    else groups.push({ ...(pr ? { pull: pr.number } : {}), commits: [c] });
  }
  return groups;
}

/** Offline: the pull request a commit's subject claims (GitHub's merge and squash subjects), unverified. */
function groupByClaim(history: MainlineCommit[]): Group[] {
  const groups: Group[] = [];
  for (const c of history) {
    const claim = CLAIMED_PR.map((re) => re.exec(c.subject)?.[1]).find(Boolean);
    const pull = claim ? Number(claim) : undefined;
    const last = groups.at(-1);
    if (pull !== undefined && last?.pull === pull) last.commits.push(c);
    else groups.push({ ...(pull !== undefined ? { pull } : {}), commits: [c] });
  }
  return groups;
}
