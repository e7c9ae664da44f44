import { readinessCoverage } from '../core/readiness/coverage.js';
import { evaluateReadiness, readinessPolicyOf } from '../core/readiness/evaluate.js';
import { didYouMean } from '../core/suggest.js';
import { InputError } from './errors.js';
import type { LoadedOrganisation } from './load-organisation.js';

/** Readiness scorecards of the named services (all of them, with the coverage report, when none is named). */
export function assessReadiness(loaded: LoadedOrganisation, names: readonly string[], now: number) {
  const { org } = loaded;
  const policy = readinessPolicyOf(org);
  if (!policy) throw new InputError('the policy has no readiness rules; add spec.readiness to changes/policy.yaml (see docs/readiness.md)');
  for (const name of names) {
    if (!org.services.has(name)) {
      const hint = didYouMean(name, org.services.keys());
      throw new InputError(`no service ${name}${hint ? `; ${hint}` : ''}`);
    }
  }
  const all = evaluateReadiness(org, policy, now);
  const services = names.length ? all.filter((s) => names.includes(s.service)) : all;
  const coverage = names.length ? undefined : readinessCoverage(org, all);
  return { at: new Date(now).toISOString(), services, ...(coverage ? { coverage } : {}) };
}
