import type { ReadinessLevel, Tier } from '../model.js';
import type { Organisation } from '../organisation.js';
import { deprecatedDependencies } from './checks.js';
import { slosByService } from './evaluate.js';
import type { ServiceReadiness, ServiceLevel } from './types.js';

/**
 * The organisation-wide view: how many services sit at each level, how each rule fares, and
 * the gaps worth a ticket. The gaps are read from the data directly, not from the rules, so
 * they show even before a policy asks for them.
 */
export interface RuleCoverage {
  id: string;
  level: ReadinessLevel;
  passed: number;
  failed: number;
  notApplicable: number;
}

export interface CoverageReport {
  services: number;
  levels: Record<ServiceLevel, number>;
  rules: RuleCoverage[];
  gaps: {
    /** Services in production (or deprecated) without any SLO, with their tier. */
    servicesWithoutSlo: { service: string; tier: Tier }[];
    tier1WithoutRunbooks: string[];
    /** Services whose owning team has no on-call schedule. */
    servicesWithoutOncall: string[];
    /** Configuration items that belong to no service and name no owner. */
    cisWithoutOwner: string[];
    /** Services that depend directly on a deprecated service. */
    deprecatedDependencies: { service: string; dependsOn: string[] }[];
  };
}

const LIVE = new Set(['production', 'deprecated']);

export function readinessCoverage(org: Organisation, results: readonly ServiceReadiness[]): CoverageReport {
  const levels: Record<ServiceLevel, number> = { gold: 0, silver: 0, bronze: 0, none: 0, 'not-rated': 0 };
  const rules = new Map<string, RuleCoverage>();
  for (const s of results) {
    levels[s.level]++;
    for (const r of s.rules) {
      const c = rules.get(r.id) ?? { id: r.id, level: r.level, passed: 0, failed: 0, notApplicable: 0 };
      c[r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'notApplicable']++;
      rules.set(r.id, c);
    }
  }
  const slos = slosByService(org);
  const services = [...org.services.values()].map((l) => l.doc).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const live = services.filter((s) => LIVE.has(s.spec.lifecycle));
  return {
    services: results.length,
    levels,
    rules: [...rules.values()],
    gaps: {
      servicesWithoutSlo: live.filter((s) => !slos.has(s.metadata.name)).map((s) => ({ service: s.metadata.name, tier: s.spec.tier })),
      tier1WithoutRunbooks: live.filter((s) => s.spec.tier === 1 && !s.spec.runbooks?.length).map((s) => s.metadata.name),
      servicesWithoutOncall: live.filter((s) => !org.teams.get(s.spec.owner)?.doc.spec.oncall?.schedule).map((s) => s.metadata.name),
      cisWithoutOwner: [...org.cis.values()].filter((l) => !l.doc.spec.service && !l.doc.spec.owner).map((l) => l.doc.metadata.name).sort(),
      deprecatedDependencies: live.map((s) => ({ service: s.metadata.name, dependsOn: deprecatedDependencies(org, s) })).filter((d) => d.dependsOn.length > 0),
    },
  };
}
