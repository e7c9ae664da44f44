import type { CoverageReport } from '../../core/readiness/coverage.js';
import type { ReadinessChange } from '../../core/readiness/delta.js';
import type { ServiceReadiness } from '../../core/readiness/types.js';
import { escapeMarkdown } from '../markdown-safe.js';

/**
 * Readiness as Markdown: scorecards, the organisation view, and the level changes a pull
 * request causes (for the PR comment). Every value from YAML is escaped.
 */
const MARK = { passed: '✅', failed: '❌', 'not-applicable': '➖' } as const;
const LEVEL = { gold: '🥇 gold', silver: '🥈 silver', bronze: '🥉 bronze', none: 'none', 'not-rated': 'not rated' } as const;

export function renderScorecardMarkdown(s: ServiceReadiness): string {
  const lines = [`### ${escapeMarkdown(s.service)}: ${LEVEL[s.level]}`, '', `Tier ${s.tier}, ${s.lifecycle}, owner ${escapeMarkdown(s.owner)}.`, '', '| | level | rule | found |', '| --- | --- | --- | --- |'];
  for (const r of s.rules) lines.push(`| ${MARK[r.status]} | ${r.level} | ${escapeMarkdown(r.id)}: ${escapeMarkdown(r.description)} | ${escapeMarkdown(r.detail)} |`);
  if (s.next) lines.push('', `Next: **${s.next.level}** needs ${s.next.failing.map(escapeMarkdown).join(', ')}.`);
  return lines.join('\n') + '\n';
}

export function renderReadinessMarkdown(services: readonly ServiceReadiness[], coverage: CoverageReport): string {
  const l = coverage.levels;
  const lines = ['## Readiness', '', `${l.gold} gold, ${l.silver} silver, ${l.bronze} bronze, ${l.none} none, ${l['not-rated']} not rated.`, '', '| service | tier | level | next |', '| --- | ---: | --- | --- |'];
  for (const s of services) lines.push(`| ${escapeMarkdown(s.service)} | ${s.tier} | ${LEVEL[s.level]} | ${s.next ? `${s.next.level}: ${s.next.failing.map(escapeMarkdown).join(', ')}` : ''} |`);
  const g = coverage.gaps;
  const list = (items: readonly string[]) => (items.length ? items.map(escapeMarkdown).join(', ') : 'none');
  lines.push(
    '',
    '### Coverage gaps',
    '',
    `- Services without an SLO: ${list(g.servicesWithoutSlo.map((s) => `${s.service} (tier ${s.tier})`))}`,
    `- Tier-1 services without a runbook: ${list(g.tier1WithoutRunbooks)}`,
    `- Services whose team has no on-call: ${list(g.servicesWithoutOncall)}`,
    `- CIs without an owner: ${list(g.cisWithoutOwner)}`,
    `- Services depending on deprecated services: ${list(g.deprecatedDependencies.map((d) => `${d.service} → ${d.dependsOn.join(', ')}`))}`,
  );
  return lines.join('\n') + '\n';
}

/** The pull-request comment's readiness section; empty when no level or rule moves. */
export function renderReadinessDeltaMarkdown(changes: readonly ReadinessChange[]): string {
  if (changes.length === 0) return '';
  const arrow = { up: '⬆️', down: '⬇️', same: '↔️', added: '🆕', removed: '🗑️' } as const;
  const level = (x: ReadinessChange['from']) => (x === null ? '–' : LEVEL[x]);
  const lines = ['### Readiness', '', '| | service | level | rules that changed |', '| --- | --- | --- | --- |'];
  for (const c of changes) {
    const rules = c.rules.map((r) => `${escapeMarkdown(r.id)} ${r.from ?? '–'} → ${r.to ?? '–'}`).join('<br>');
    lines.push(`| ${arrow[c.direction]} | ${escapeMarkdown(c.service)} | ${level(c.from)} → ${level(c.to)} | ${rules} |`);
  }
  return lines.join('\n') + '\n';
}
