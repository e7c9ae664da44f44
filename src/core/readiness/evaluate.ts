import { READINESS_LEVELS, type Lifecycle, type ReadinessLevel, type ReadinessPolicy, type Slo } from '../model.js';
import { activePolicy, type Organisation } from '../organisation.js';
import { runCheck } from './checks.js';
import { english, phrase, type Phrase } from '../phrase.js';
import { organisationZone } from '../evidence-time.js';
import type { RuleResult, ServiceLevel, ServiceReadiness } from './types.js';

/**
 * Evaluates the readiness rules of the policy for each service. Tier-aware: a rule whose tiers
 * exclude the service does not apply, so a tier-4 tool that meets everything asked of a tier-4
 * tool can be gold. A level defined by no rule at all is never reached: an organisation with
 * only bronze rules has no gold services.
 */
export const DEFAULT_LIFECYCLES: readonly Lifecycle[] = ['production', 'deprecated'];

export function readinessPolicyOf(org: Organisation): ReadinessPolicy | undefined {
  return activePolicy(org)?.doc.spec.readiness;
}

export function slosByService(org: Organisation): Map<string, Slo[]> {
  const out = new Map<string, Slo[]>();
  for (const { doc } of org.slos.values()) {
    const list = out.get(doc.spec.service) ?? [];
    list.push(doc);
    out.set(doc.spec.service, list);
  }
  return out;
}

const rank = (level: ReadinessLevel) => READINESS_LEVELS.indexOf(level);

function notApplicable(base: Omit<RuleResult, 'status' | 'detail' | 'phrase'>, why: Phrase): RuleResult {
  return { ...base, status: 'not-applicable', detail: english(why), phrase: why };
}

/** The highest level whose rules (and every lower level's) did not fail, among defined levels. */
export function levelOf(results: readonly RuleResult[], defined: ReadonlySet<ReadinessLevel>): ReadinessLevel | 'none' {
  let reached: ReadinessLevel | 'none' = 'none';
  for (const level of READINESS_LEVELS) {
    if (!defined.has(level)) break;
    if (results.some((r) => r.level === level && r.status === 'failed')) break;
    reached = level;
  }
  return reached;
}

export function evaluateService(org: Organisation, name: string, policy: ReadinessPolicy, now: number, slos = slosByService(org)): ServiceReadiness {
  const located = org.services.get(name);
  if (!located) throw new Error(`no service ${name}`);
  const service = located.doc;
  const spec = service.spec;
  const rated = (policy.lifecycles ?? DEFAULT_LIFECYCLES).includes(spec.lifecycle);
  const own = slos.get(name) ?? [];
  const zone = organisationZone(org);
  const rules: RuleResult[] = [...policy.rules]
    .sort((a, b) => rank(a.level) - rank(b.level))
    .map((rule): RuleResult => {
      const base = { id: rule.id, description: rule.description, check: rule.check, level: rule.level };
      if (!rated) return notApplicable(base, phrase('readiness.notRated', { lifecycle: spec.lifecycle }));
      if (rule.tiers && !rule.tiers.includes(spec.tier)) return notApplicable(base, phrase('readiness.tiers', { tiers: rule.tiers.join(', ') }));
      const outcome = runCheck({ org, service, slos: own, now, zone, rule });
      return { ...base, status: outcome.passed ? 'passed' : 'failed', detail: outcome.detail, phrase: outcome.phrase };
    });
  const defined = new Set(policy.rules.map((r) => r.level));
  const level: ServiceLevel = rated ? levelOf(rules, defined) : 'not-rated';
  const nextLevel = rated ? READINESS_LEVELS.filter((l) => defined.has(l))[level === 'none' ? 0 : rank(level as ReadinessLevel) + 1] : undefined;
  const counts = { passed: 0, failed: 0, notApplicable: 0 };
  for (const r of rules) counts[r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'notApplicable']++;
  return {
    service: name,
    ...(service.metadata.title ? { title: service.metadata.title } : {}),
    owner: spec.owner,
    tier: spec.tier,
    lifecycle: spec.lifecycle,
    level,
    rules,
    ...(nextLevel
      ? { next: { level: nextLevel, failing: rules.filter((r) => r.status === 'failed' && rank(r.level) <= rank(nextLevel)).map((r) => r.id) } }
      : {}),
    counts,
  };
}

/** Every service, by name. */
export function evaluateReadiness(org: Organisation, policy: ReadinessPolicy, now: number): ServiceReadiness[] {
  const slos = slosByService(org);
  return [...org.services.keys()].sort().map((name) => evaluateService(org, name, policy, now, slos));
}
