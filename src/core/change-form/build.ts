import type { ApprovalDecision } from '../approvals.js';
import { perServiceOwners, planApprovals, teamsOfGroup, type ApprovalPlan } from '../approval-plan.js';
import { phaseOf } from '../change-phase.js';
import { formatDuration } from '../duration.js';
import { canonicalEnvironment, environmentsOf } from '../environments.js';
import type { ChangeRequest, PolicySpec } from '../model.js';
import type { Organisation } from '../organisation.js';
import { english } from '../phrase.js';
import type { ReadinessChange } from '../readiness/delta.js';
import { evidenceMoment, evidenceProblem } from '../risk/evidence.js';
import type { RiskReport } from '../risk/types.js';
import { pagePath } from '../catalog/links.js';
import { formTime } from './time.js';
import { changeHistory, HISTORY_DAYS } from './history.js';
import type { ChangeForm, FormApprovals, FormBlastRadius, FormBlastRow, FormSections } from './types.js';

/** Blast-radius rows the form lists; the graph and the total say how far it reaches. */
export const FORM_BLAST_ROWS = 20;
/** Nodes drawn in the graph: GitHub's mermaid refuses large graphs, and a reviewer reads the nearest. */
export const FORM_GRAPH_NODES = 40;

export interface FormApprovalInput {
  plan: ApprovalPlan;
  alternative: 'class' | 'emergency' | 'pre-approved';
  /** The decision from the pull request's reviews; absent outside a pull request (the catalog). */
  decision?: ApprovalDecision;
  /** Members (lowercase) of each group, from the base branch. */
  members: Readonly<Record<string, readonly string[]>>;
  teams: Readonly<Record<string, readonly string[]>>;
  /** The review that approved, by lowercase login, as a link. */
  reviewLinks?: Readonly<Record<string, string>>;
  /** The pull request's author: never a candidate approver. */
  author?: string;
}

export interface ChangeFormInput {
  /** The organisation the change is read from (a pull request's head). */
  org: Organisation;
  id: string;
  /** The rules it is judged by (a pull request's base policy); undefined without a Policy. */
  policy: PolicySpec | undefined;
  report?: RiskReport;
  approvals?: FormApprovalInput;
  readiness?: readonly ReadinessChange[];
  /** The display zone: the organisation's own clock (organisationZone). */
  zone: string;
  now: number;
  /** The changes that may share a target with this one (an index the catalog keeps); every change when absent. */
  historyCandidates?: Iterable<string>;
  /** Where the catalog is published, e.g. https://catalog.example.com/; no link when absent. */
  catalogUrl?: string;
}

function approvalsOf(a: FormApprovalInput): FormApprovals {
  const alt = a.plan.alternatives.find((x) => x.name === a.alternative) ?? a.plan.alternatives[0]!;
  const author = a.author?.toLowerCase();
  const results = new Map((a.decision?.requirements ?? []).map((r) => [r.group, r]));
  const rows = alt.requirements.map((req) => {
    const got = results.get(req.group)?.approvers ?? [];
    const taken = new Set(got.map((l) => l.toLowerCase()));
    const stillNeeded = Math.max(0, req.count - got.length);
    // Names only while approvals are missing: who the reviewer could still ask.
    const candidates = stillNeeded ? (a.members[req.group] ?? []).filter((m) => m !== author && !taken.has(m)) : [];
    return {
      group: req.group,
      teams: [...(a.teams[req.group] ?? [])],
      required: req.count,
      approvedBy: got.map((login) => {
        const href = a.reviewLinks?.[login.toLowerCase()];
        return href ? { login, href } : { login };
      }),
      stillNeeded,
      candidates,
    };
  });
  return {
    source: a.decision ? 'reviews' : 'plan',
    class: a.plan.class,
    alternative: a.alternative,
    ...(a.decision ? { met: a.decision.met } : {}),
    notes: [...a.plan.notes],
    rows,
    rejected: (a.decision?.rejected ?? []).map((r) => ({ login: r.login, detail: r.detail })),
  };
}

function sectionsOf(change: ChangeRequest, policy: PolicySpec | undefined, now: number, start: number, zone: string): FormSections {
  const s = change.spec;
  const tested = s.rollback?.tested;
  const problem = tested && policy ? evidenceProblem(tested, policy, evidenceMoment(now, start, s.schedule.start, zone)) : undefined;
  return {
    implementation: [...(s.implementation ?? [])],
    verification: (s.verification ?? []).map((v) => ({ description: v.description, ...(v.at ? { at: String(v.at) } : {}), ...(v.evidence ? { evidence: v.evidence } : {}) })),
    ...(s.rollback
      ? {
          rollback: {
            steps: [...(s.rollback.steps ?? [])],
            triggers: [...(s.rollback.triggers ?? [])],
            ...(s.rollback.expectedDuration ? { expectedDuration: s.rollback.expectedDuration } : {}),
            ...(tested
              ? { rehearsal: { at: String(tested.at), ...(tested.evidence ? { evidence: tested.evidence } : {}), accepted: !problem, ...(problem ? { problem: { text: english(problem), phrase: problem } } : {}) } }
              : {}),
          },
        }
      : {}),
    ...(s.delivery
      ? { delivery: { strategy: s.delivery.strategy, autoRollback: s.delivery.autoRollback === true, stages: (s.delivery.stages ?? []).map((st) => ({ traffic: st.traffic, ...(st.duration ? { duration: st.duration } : {}), metrics: [...(st.metrics ?? [])] })) } }
      : {}),
    premortem: (s.premortem ?? []).map((p) => ({ risk: p.risk, mitigation: p.mitigation })),
    communication: (s.communication ?? []).map((c) => ({ ...c })),
  };
}

function bareName(ref: string): string {
  return ref.startsWith('service:') ? ref.slice(8) : ref.startsWith('ci:') ? ref.slice(3) : ref;
}

/** Named first, then the most critical tier, then the nearest. */
function blastOf(r: RiskReport): FormBlastRadius {
  const rows: FormBlastRow[] = r.blastRadius.map((b) => ({
    ref: b.ref,
    kind: b.ref.startsWith('ci:') ? 'ci' : 'service',
    name: bareName(b.ref),
    ...(b.tier !== undefined ? { tier: b.tier } : {}),
    ...(b.exposure !== undefined ? { exposure: b.exposure } : {}),
    direct: b.direct,
    path: b.path.map(bareName),
  }));
  rows.sort((a, b) => Number(b.direct) - Number(a.direct) || (a.tier ?? 9) - (b.tier ?? 9) || a.path.length - b.path.length || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  // The nearest nodes, each with its whole path drawn: a path's hops are nearer than its end.
  const drawn = new Set<string>();
  for (const b of r.blastRadius) {
    if (drawn.size >= FORM_GRAPH_NODES) break;
    for (const hop of b.path) drawn.add(hop);
    drawn.add(b.ref);
  }
  const entries = new Map(r.blastRadius.map((b) => [b.ref, b]));
  const edges = new Map<string, [string, string]>();
  for (const ref of drawn) {
    const path = entries.get(ref)?.path ?? [];
    for (let k = 1; k < path.length; k++) edges.set(`${path[k - 1]}\u0000${path[k]}`, [path[k - 1]!, path[k]!]);
  }
  return {
    total: r.blastRadiusTotal ?? r.blastRadius.length,
    rows: rows.slice(0, FORM_BLAST_ROWS),
    nodes: [...drawn].map((ref) => {
      const b = entries.get(ref);
      return { ref, ...(b?.tier !== undefined ? { tier: b.tier } : {}), direct: b?.direct ?? false };
    }),
    edges: [...edges.values()],
  };
}

/** What a change names, plus the services owning the CIs it names: what its history is read for. */
export function affectedTargets(org: Organisation, change: ChangeRequest): { services: string[]; cis: string[] } {
  const services = new Set(change.spec.services ?? []);
  const cis = [...(change.spec.configurationItems ?? [])];
  for (const ci of cis) {
    const owner = org.cis.get(ci)?.doc.spec.service;
    if (owner) services.add(owner);
  }
  return { services: [...services].sort(), cis: [...cis].sort() };
}

export function buildChangeForm(input: ChangeFormInput): ChangeForm {
  const { org, id, policy, report, zone, now } = input;
  const change = org.changes.get(id)!.doc;
  const s = change.spec;
  const start = Date.parse(s.schedule.start);
  const end = Date.parse(s.schedule.end);
  const environment = policy ? canonicalEnvironment(policy, s.environment) : s.environment;
  const targets = affectedTargets(org, change);
  const required = report?.controls.filter((c) => c.required) ?? [];
  const readinessOf = new Set(targets.services);
  return {
    id,
    ...(change.metadata.title ? { title: change.metadata.title } : {}),
    ...(report
      ? {
          verdict: {
            class: report.class,
            impact: report.impact.level,
            likelihood: report.likelihood.level,
            points: report.likelihood.points,
            controlsMet: required.filter((c) => c.met).length,
            controlsRequired: required.length,
            blocking: report.conflicts.filter((c) => c.severity === 'error').length,
          },
        }
      : {}),
    header: {
      type: s.type,
      effectiveType: report?.effectiveType ?? s.type,
      ...(s.template ? { template: s.template } : {}),
      environment,
      production: policy ? environmentsOf(policy).isProduction(s.environment) : false,
      requester: s.requester,
      ...(s.implementer ? { implementer: s.implementer } : {}),
      zone,
      start: formTime(start, zone),
      end: formTime(end, zone),
      duration: formatDuration(Math.max(0, end - start)),
      ...(s.expectedOutage ? { outage: { duration: s.expectedOutage.duration, ...(s.expectedOutage.description ? { description: s.expectedOutage.description } : {}) } } : {}),
      phase: phaseOf(change),
      services: [...(s.services ?? [])],
      cis: [...(s.configurationItems ?? [])],
    },
    ...(input.approvals ? { approvals: approvalsOf(input.approvals) } : {}),
    ...(report
      ? {
          risk: {
            impact: { level: report.impact.level, scope: report.impact.scope, severity: report.impact.severity, ...(report.impact.decidedBy ? { decidedBy: report.impact.decidedBy } : {}) },
            factors: report.factors.map((f) => ({ code: f.code, points: f.points, text: f.reason, ...(f.phrase ? { phrase: f.phrase } : {}) })),
            controls: report.controls.map((c) => ({ code: c.code, required: c.required, met: c.met, text: c.detail, ...(c.phrase ? { phrase: c.phrase } : {}) })),
          },
        }
      : {}),
    sections: sectionsOf(change, policy, now, start, zone),
    ...(report ? { blastRadius: blastOf(report) } : {}),
    conflicts: (report?.conflicts ?? []).map((c) => ({
      code: c.code,
      severity: c.severity,
      with: c.with,
      text: c.message,
      ...(c.phrase ? { phrase: c.phrase } : {}),
      ...(c.service ? { service: c.service } : {}),
      ...(c.path ? { path: c.path.map(bareName) } : {}),
      ...(c.otherPath ? { otherPath: c.otherPath.map(bareName) } : {}),
    })),
    history: changeHistory(org, id, targets, Math.min(now, start), zone, HISTORY_DAYS, input.historyCandidates),
    readiness: (input.readiness ?? []).filter((r) => readinessOf.has(r.service)).map((r) => ({ service: r.service, from: r.from, to: r.to, direction: r.direction })),
    ...(input.catalogUrl ? { catalogHref: catalogChangeUrl(input.catalogUrl, id) } : {}),
  };
}

/** The change's page under the catalog's published root (the site's own layout, pagePath.change). */
export function catalogChangeUrl(root: string, id: string): string {
  return `${root.endsWith('/') ? root : `${root}/`}${pagePath.change(id)}`;
}

/**
 * The approvals a change needs when no pull request is at hand (the catalog): the same plan the
 * CAB makes, with each group's members as the organisation's teams list them. Who approved is
 * decided only on the pull request, so nothing is marked approved.
 */
export function plannedApprovals(org: Organisation, policy: PolicySpec, report: RiskReport, change: ChangeRequest): FormApprovalInput {
  const teams: Record<string, string[]> = {};
  const plan = perServiceOwners(planApprovals(policy, report, []), change, teams, org);
  const members: Record<string, string[]> = {};
  for (const alt of plan.alternatives) {
    for (const r of alt.requirements) {
      teams[r.group] ??= teamsOfGroup(policy, r.group);
      const all = new Set<string>();
      for (const t of teams[r.group]!) for (const m of org.teams.get(t)?.doc.spec.members ?? []) all.add(m.toLowerCase());
      members[r.group] = [...all].sort();
    }
  }
  // The requester is who usually opens the pull request, and nobody approves their own change.
  return { plan, alternative: plan.alternatives[0]!.name, members, teams, author: change.spec.requester };
}
