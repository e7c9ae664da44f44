import { RISK_CLASSES, type ApprovalRequirement, type ChangeRequest, type ChangeType, type PolicySpec, type RiskClass } from './model.js';
import type { Organisation } from './organisation.js';
import { english, phrase } from './phrase.js';
import type { TiedService } from './service-paths.js';

/**
 * Which approvals a change needs, from the base branch's policy: the requirements of its risk
 * class, raised to at least `high` when the pull request touches a sensitive path (policy,
 * calendar, teams), none for a standard change its template covers, and for an emergency the
 * alternative of one emergency approver. The caller decides each alternative with
 * decideApprovals; the plan is met when any alternative is.
 */
export interface ApprovalAlternative {
  name: 'class' | 'emergency' | 'pre-approved';
  requirements: ApprovalRequirement[];
}

export interface ApprovalPlan {
  /** The class the requirements come from (after raising for sensitive paths). */
  class: RiskClass;
  alternatives: ApprovalAlternative[];
  /** Why the plan is what it is, for the report. */
  notes: string[];
  /**
   * The services this change stands for because the pull request changes paths the base's
   * policy ties to them (spec.servicePaths), with those paths: the change's approval is what
   * lets them change.
   */
  tied?: { service: string; paths: string[] }[];
}

export const SENSITIVE_FLOOR: RiskClass = 'high';

export function maxClass(a: RiskClass, b: RiskClass): RiskClass {
  return RISK_CLASSES.indexOf(a) >= RISK_CLASSES.indexOf(b) ? a : b;
}

function positive(reqs: readonly ApprovalRequirement[] | undefined): ApprovalRequirement[] {
  return (reqs ?? []).filter((r) => r.count > 0).map((r) => ({ group: r.group, count: r.count }));
}

/** Requirements of both lists, each group with the larger count. */
export function mergeRequirements(a: readonly ApprovalRequirement[], b: readonly ApprovalRequirement[]): ApprovalRequirement[] {
  const out = new Map<string, number>();
  for (const r of [...a, ...b]) out.set(r.group, Math.max(out.get(r.group) ?? 0, r.count));
  return [...out].map(([group, count]) => ({ group, count }));
}

export function planApprovals(policy: PolicySpec, risk: { class: RiskClass; effectiveType: ChangeType }, sensitive: readonly string[]): ApprovalPlan {
  const notes: string[] = [];
  let cls = risk.class;
  let requirements = positive(policy.controls[cls]?.approvals);
  if (sensitive.length) {
    cls = maxClass(cls, SENSITIVE_FLOOR);
    requirements = mergeRequirements(requirements, positive(policy.controls[cls]?.approvals));
    requirements = mergeRequirements(requirements, positive(policy.controls[SENSITIVE_FLOOR]?.approvals));
    notes.push(`changes ${sensitive.join(', ')}: at least ${SENSITIVE_FLOOR}-risk approvals apply`);
  }
  if (risk.effectiveType === 'standard' && !sensitive.length) {
    notes.push('a standard change covered by its template is pre-approved');
    return { class: cls, alternatives: [{ name: 'pre-approved', requirements: [] }], notes };
  }
  const alternatives: ApprovalAlternative[] = [{ name: 'class', requirements }];
  if (risk.effectiveType === 'emergency' && policy.emergency && !sensitive.length) {
    alternatives.push({ name: 'emergency', requirements: [{ group: policy.emergency.approvers, count: 1 }] });
    notes.push(`an emergency change: one ${policy.emergency.approvers} approver may approve in place of the ${cls} requirements; a post-implementation review is due within ${policy.emergency.reviewWithin}`);
  }
  return { class: cls, alternatives, notes };
}

/** A pull request that changes sensitive files without any change request: the class floor's approvals, less the owner (there are no services to own). */
export function planForSensitiveOnly(policy: PolicySpec, sensitive: readonly string[]): ApprovalPlan {
  const requirements = positive(policy.controls[SENSITIVE_FLOOR]?.approvals).filter((r) => r.group !== 'owner');
  return { class: SENSITIVE_FLOOR, alternatives: [{ name: 'class', requirements }], notes: [`changes ${sensitive.join(', ')}: ${SENSITIVE_FLOOR}-risk approvals apply`] };
}

/** The team names a policy group stands for: `team:cab` → cab. */
export function teamsOfGroup(policy: PolicySpec, group: string): string[] {
  const ref = policy.groups[group];
  if (!ref) return [];
  return ref
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (s.startsWith('team:') ? s.slice(5) : s));
}

/** One owner requirement of a change: the base's owners of one affected service (or of a CI without one). */
export interface OwnerRequirement {
  /** `owner` when the change affects one owned thing, else `owner:<service>` / `owner:ci:<name>`. */
  group: string;
  count: number;
  /** The owning teams on the base branch; empty when the base does not know the service. */
  teams: string[];
  /** What the teams own, for the report. */
  owns: string;
}

/**
 * The owner approvals a change needs: for every service it affects (named, or owning a named
 * CI) the owners that service has on the base branch, each service separately, so one team's
 * approval never stands in for another team's service. A service or CI the pull request
 * itself introduces has no owners yet: its requirement cannot be met from the pull request's
 * own files (a throwaway service owned by the author's team neither satisfies nor dilutes the
 * real owners' requirement).
 */
export function ownerRequirements(change: ChangeRequest, base: Organisation, count: number): OwnerRequirement[] {
  const owned = new Map<string, { teams: string[]; owns: string }>();
  const serviceOwners = (name: string) => {
    const spec = base.services.get(name)?.doc.spec;
    return spec ? [...new Set([spec.owner, ...(spec.owners ?? []).map((o) => o.team)])].sort() : [];
  };
  for (const name of change.spec.services ?? []) owned.set(name, { teams: serviceOwners(name), owns: `service:${name}` });
  for (const ci of change.spec.configurationItems ?? []) {
    const spec = base.cis.get(ci)?.doc.spec;
    if (spec?.service) {
      if (!owned.has(spec.service)) owned.set(spec.service, { teams: serviceOwners(spec.service), owns: `service:${spec.service}` });
    } else owned.set(`ci:${ci}`, { teams: spec?.owner ? [spec.owner] : [], owns: `ci:${ci}` });
  }
  const single = owned.size === 1;
  return [...owned]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, o]) => ({ group: single ? 'owner' : `owner:${key}`, count, teams: o.teams, owns: o.owns }));
}

/**
 * The plan with its `owner` requirement replaced by one per affected service, owned as on the
 * base branch (`teams` receives each one's teams). A service the base does not know has no
 * owners to approve it, and the plan says so. The CAB and the catalog's change form both plan
 * with it.
 */
export function perServiceOwners(plan: ApprovalPlan, change: ChangeRequest, teams: Record<string, string[]>, base: Organisation): ApprovalPlan {
  const notes = [...plan.notes];
  const alternatives = plan.alternatives.map((alt) => ({
    ...alt,
    requirements: alt.requirements.flatMap((r) => {
      if (r.group !== 'owner') return [r];
      return ownerRequirements(change, base, r.count).map((o) => {
        teams[o.group] = o.teams;
        if (!o.teams.length) notes.push(`${o.owns} has no owner on the base branch: its owner approval cannot come from this pull request`);
        return { group: o.group, count: o.count };
      });
    }),
  }));
  return { ...plan, alternatives, notes: [...new Set(notes)] };
}

/**
 * The plan of one change with the tied services it covers in this pull request: which service
 * each tied path made this change responsible for. The requirements do not change: the change
 * is approved as its class, template or emergency path says, and where that asks for owners it
 * asks each covered service's owners on the base (ownerRequirements). A tied path asks no more
 * of the change than editing the service's own YAML would.
 */
export function withTiedServices(plan: ApprovalPlan, changeId: string, tied: readonly TiedService[]): ApprovalPlan {
  const mine = tied.filter((t) => t.changes.includes(changeId)).map((t) => ({ service: t.service, paths: [...t.paths] }));
  if (!mine.length) return plan;
  return { ...plan, notes: [...plan.notes, ...mine.map((t) => english(phrase('servicePath.plan', { paths: t.paths, service: t.service })))], tied: mine };
}
