import type { CoverageReport } from '../../core/readiness/coverage.js';
import type { ServiceReadiness } from '../../core/readiness/types.js';

/** `opsledger readiness` for a terminal: one scorecard per named service, or the organisation view. */
const MARK = { passed: '✔', failed: '✖', 'not-applicable': '·' } as const;

export function renderScorecardText(s: ServiceReadiness): string {
  const lines = [`${s.service}${s.title ? ` (${s.title})` : ''}: ${s.level.toUpperCase()}  tier ${s.tier}, ${s.lifecycle}, owner ${s.owner}`];
  const width = Math.max(...s.rules.map((r) => r.id.length));
  for (const r of s.rules) lines.push(`  ${MARK[r.status]} ${r.level.padEnd(6)} ${r.id.padEnd(width)}  ${r.detail}`);
  if (s.next) lines.push(`  next: ${s.next.level} needs ${s.next.failing.join(', ')}`);
  return lines.join('\n') + '\n';
}

export function renderReadinessText(services: readonly ServiceReadiness[], coverage: CoverageReport): string {
  const lines = ['Readiness by service', ''];
  const width = Math.max(7, ...services.map((s) => s.service.length));
  lines.push(`${'service'.padEnd(width)}  tier  level      next`);
  for (const s of services) {
    const next = s.next ? `${s.next.level}: ${s.next.failing.join(', ')}` : '';
    lines.push(`${s.service.padEnd(width)}  ${String(s.tier).padStart(4)}  ${s.level.padEnd(9)}  ${next}`.trimEnd());
  }
  const l = coverage.levels;
  lines.push('', `Levels: ${l.gold} gold, ${l.silver} silver, ${l.bronze} bronze, ${l.none} none, ${l['not-rated']} not rated`, '', 'Rules');
  const rw = Math.max(...coverage.rules.map((r) => r.id.length), 4);
  for (const r of coverage.rules) lines.push(`  ${r.level.padEnd(6)} ${r.id.padEnd(rw)}  ${r.passed} passed, ${r.failed} failed, ${r.notApplicable} n/a`);
  const g = coverage.gaps;
  lines.push('', 'Coverage gaps');
  const gap = (title: string, items: readonly string[]) => lines.push(`  ${title}: ${items.length ? items.join(', ') : 'none'}`);
  gap('services without an SLO', g.servicesWithoutSlo.map((s) => `${s.service} (tier ${s.tier})`));
  gap('tier-1 services without a runbook', g.tier1WithoutRunbooks);
  gap('services whose team has no on-call', g.servicesWithoutOncall);
  gap('CIs without an owner', g.cisWithoutOwner);
  gap('services depending on deprecated services', g.deprecatedDependencies.map((d) => `${d.service} → ${d.dependsOn.join(', ')}`));
  return lines.join('\n') + '\n';
}
