import { SERVICE_LEVELS } from '../readiness/types.js';
import type { CatalogContext } from './context.js';
import { pagePath } from './links.js';
import type { GapService, ReadinessPage } from './types.js';

/**
 * The organisation-wide readiness page: the coverage report of `opsledger readiness` (same
 * evaluation, same numbers) with each service and configuration item named as a link, so a gap
 * leads straight to the page of the thing to fix.
 */
export function readinessPage(ctx: CatalogContext): ReadinessPage {
  const { org } = ctx.input;
  const { coverage, readinessPolicy } = ctx;
  const gapService = (name: string): GapService => {
    const doc = org.services.get(name)!.doc;
    return { service: ctx.serviceRef(name), tier: doc.spec.tier, owner: ctx.teamRef(doc.spec.owner) };
  };
  const description = new Map((readinessPolicy?.rules ?? []).map((r) => [r.id, r.description]));
  return {
    template: 'readiness',
    path: pagePath.readiness,
    heading: '',
    section: 'readiness',
    configured: readinessPolicy !== undefined,
    services: coverage.services,
    levels: SERVICE_LEVELS.map((level) => ({ level, count: coverage.levels[level] })),
    rules: coverage.rules.map((r) => ({ id: r.id, description: description.get(r.id) ?? r.id, level: r.level, passed: r.passed, failed: r.failed, notApplicable: r.notApplicable })),
    gaps: {
      servicesWithoutSlo: coverage.gaps.servicesWithoutSlo.map((g) => gapService(g.service)),
      tier1WithoutRunbooks: coverage.gaps.tier1WithoutRunbooks.map(gapService),
      servicesWithoutOncall: coverage.gaps.servicesWithoutOncall.map(gapService),
      cisWithoutOwner: coverage.gaps.cisWithoutOwner.map(ctx.ciRow),
      deprecatedDependencies: coverage.gaps.deprecatedDependencies.map((g) => ({ ...gapService(g.service), dependsOn: g.dependsOn.map(ctx.serviceRef) })),
    },
  };
}
