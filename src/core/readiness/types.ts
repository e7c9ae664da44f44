import type { Lifecycle, ReadinessCheck, ReadinessLevel, Tier } from '../model.js';
import type { Phrase } from '../phrase.js';

/**
 * Readiness scorecards: what `opsledger readiness --format json` prints and what the catalog
 * and the pull-request comment read. A rule passes, fails or does not apply (its tiers exclude
 * the service); a service's level is the highest level whose rules, and all lower levels'
 * rules, pass or do not apply.
 */
export type RuleStatus = 'passed' | 'failed' | 'not-applicable';

/** `none`: a bronze rule fails. `not-rated`: the service's lifecycle is not scored. */
export type ServiceLevel = ReadinessLevel | 'none' | 'not-rated';

/** Every service level, best first: the order reports and the catalog's filter list them in. */
export const SERVICE_LEVELS = ['gold', 'silver', 'bronze', 'none', 'not-rated'] as const satisfies readonly ServiceLevel[];

export interface RuleResult {
  id: string;
  description: string;
  check: ReadinessCheck;
  level: ReadinessLevel;
  status: RuleStatus;
  /** What was found, e.g. "3 runbooks" or "last DR test 2025-10-01, 417 days ago (max 365d)". */
  detail: string;
  /** The finding as data (src/core/phrase.ts): `detail` is its English, the catalog shows it in its locale. */
  phrase?: Phrase;
}

export interface ServiceReadiness {
  service: string;
  title?: string;
  owner: string;
  tier: Tier;
  lifecycle: Lifecycle;
  level: ServiceLevel;
  rules: RuleResult[];
  /** The next level up and the rules that stand in its way; absent at the top or when not rated. */
  next?: { level: ReadinessLevel; failing: string[] };
  counts: { passed: number; failed: number; notApplicable: number };
}
