import { READINESS_LEVELS, type ReadinessLevel, type ReadinessPolicy } from '../model.js';
import type { Organisation } from '../organisation.js';
import { evaluateReadiness, readinessPolicyOf } from './evaluate.js';
import type { RuleStatus, ServiceLevel, ServiceReadiness } from './types.js';

/**
 * How a pull request moves services' readiness: base and head organisations evaluated with
 * the same rules, so only the pull request's data edits move a level. The rules come from the
 * base branch by default, like every other policy (a pull request cannot grade itself by
 * editing the policy it is graded by).
 */
export interface ReadinessChange {
  service: string;
  /** null when the service does not exist on that side. */
  from: ServiceLevel | null;
  to: ServiceLevel | null;
  direction: 'up' | 'down' | 'same' | 'added' | 'removed';
  /** Rules whose status changed (null: the service is absent on that side). */
  rules: { id: string; from: RuleStatus | null; to: RuleStatus | null }[];
}

export interface ReadinessDeltaOptions {
  now: number;
  /** Default: the base organisation's readiness rules. */
  policy?: ReadinessPolicy;
}

function rank(level: ServiceLevel): number {
  return level === 'not-rated' ? -2 : level === 'none' ? -1 : READINESS_LEVELS.indexOf(level as ReadinessLevel);
}

/** Services whose level or any rule status differs between base and head, by name. */
export function readinessDelta(base: Organisation, head: Organisation, options: ReadinessDeltaOptions): ReadinessChange[] {
  const policy = options.policy ?? readinessPolicyOf(base);
  if (!policy) return [];
  const before = new Map(evaluateReadiness(base, policy, options.now).map((s) => [s.service, s]));
  const after = new Map(evaluateReadiness(head, policy, options.now).map((s) => [s.service, s]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: ReadinessChange[] = [];
  for (const name of names) {
    const b: ServiceReadiness | undefined = before.get(name);
    const a: ServiceReadiness | undefined = after.get(name);
    const statuses = (s: ServiceReadiness | undefined) => new Map((s?.rules ?? []).map((r) => [r.id, r.status]));
    const bs = statuses(b);
    const as = statuses(a);
    const rules = policy.rules
      .map((r) => ({ id: r.id, from: bs.get(r.id) ?? null, to: as.get(r.id) ?? null }))
      .filter((r) => r.from !== r.to);
    const from = b?.level ?? null;
    const to = a?.level ?? null;
    if (from === to && rules.length === 0) continue;
    const direction = from === null ? 'added' : to === null ? 'removed' : rank(to) > rank(from) ? 'up' : rank(to) < rank(from) ? 'down' : 'same';
    out.push({ service: name, from, to, direction, rules });
  }
  return out;
}
