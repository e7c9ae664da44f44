import type { RiskReport } from '../../core/risk/types.js';
import { codeSpan, escapeMarkdown } from '../markdown-safe.js';

/**
 * The risk report as a pull-request comment: a one-line verdict, the heatmap with the change's
 * cell marked, the factor table, the blast radius as a mermaid graph (GitHub renders it),
 * conflicts and the controls checklist. Everything from YAML is escaped.
 */
const CLASS_MARK: Record<string, string> = { low: '🟢', medium: '🟡', high: '🟠', critical: '🔴' };

function mermaidId(ref: string, ids: Map<string, string>): string {
  let id = ids.get(ref);
  if (!id) {
    id = `n${ids.size}`;
    ids.set(ref, id);
  }
  return id;
}

function mermaidLabel(text: string): string {
  // Inside a quoted mermaid label only the quote and markup characters need entity escapes.
  return text.replace(/[^\w .:/-]/g, (c) => `#${c.codePointAt(0)};`);
}

export function riskVerdict(r: RiskReport): string {
  const met = r.controls.filter((c) => c.required && c.met).length;
  const required = r.controls.filter((c) => c.required).length;
  const blocking = r.conflicts.filter((c) => c.severity === 'error').length;
  const title = r.title ? ` ${escapeMarkdown(r.title)}` : '';
  const parts = [`impact ${r.impact.level} × likelihood ${r.likelihood.level}`, `${met}/${required} controls met`];
  if (blocking) parts.push(`${blocking} blocking conflict${blocking > 1 ? 's' : ''}`);
  return `${CLASS_MARK[r.class] ?? ''} **${escapeMarkdown(r.change)}**${title}: **${r.class.toUpperCase()}** risk (${parts.join(' · ')})`;
}

export function renderRiskMarkdown(r: RiskReport): string {
  const lines: string[] = [riskVerdict(r), ''];
  if (r.effectiveType !== r.type) lines.push(`> Declared ${r.type}, treated as ${r.effectiveType}.`, '');

  lines.push('<details open><summary>Risk matrix</summary>', '', '| impact \\ likelihood | 1 | 2 | 3 | 4 |', '| --- | --- | --- | --- | --- |');
  for (let i = r.matrices.risk.length; i >= 1; i--) {
    const row = r.matrices.risk[i - 1]!.map((cls, l) => (i === r.impact.level && l + 1 === r.likelihood.level ? `**▶ ${cls.toUpperCase()} ◀**` : cls));
    lines.push(`| **${i}** | ${row.join(' | ')} |`);
  }
  lines.push(
    '',
    `Impact ${r.impact.level}: ${escapeMarkdown(r.impact.scope)} exposure, tier ${r.impact.severity}${r.impact.decidedBy ? ` (${escapeMarkdown(r.impact.decidedBy)})` : ''}${r.impact.reason ? ` (${escapeMarkdown(r.impact.reason)})` : ''}. ` +
      `Likelihood ${r.likelihood.level}: ${r.likelihood.points} points (levels start at ${r.matrices.thresholds.join(' / ')}).`,
    '',
    '</details>',
    '',
  );

  lines.push('| Factor | Points | Reason |', '| --- | ---: | --- |');
  for (const f of r.factors) lines.push(`| ${codeSpan(f.code, { inTable: true })} | ${f.points} | ${escapeMarkdown(f.reason)} |`);
  lines.push(`| **total** | **${r.likelihood.points}** | |`, '');

  const reached = r.blastRadiusTotal ?? r.blastRadius.length;
  const drawn = r.blastRadiusTotal !== undefined ? ` (the nearest ${r.blastRadius.length} drawn)` : '';
  lines.push(`<details><summary>Blast radius: ${reached} service${reached === 1 ? '' : 's'} and items${drawn}</summary>`, '', '```mermaid', 'graph LR');
  const ids = new Map<string, string>();
  const edges = new Set<string>();
  for (const b of r.blastRadius) {
    const id = mermaidId(b.ref, ids);
    const label = `${b.ref}${b.tier ? ` · tier ${b.tier}` : ''}`;
    lines.push(`  ${id}${b.direct ? '[["' : '["'}${mermaidLabel(label)}${b.direct ? '"]]' : '"]'}`);
    for (let k = 1; k < b.path.length; k++) edges.add(`  ${mermaidId(b.path[k - 1]!, ids)} --> ${mermaidId(b.path[k]!, ids)}`);
  }
  lines.push(...edges, '```', '', '</details>', '');

  if (r.conflicts.length) {
    lines.push('**Conflicts**', '');
    for (const c of r.conflicts) lines.push(`- ${c.severity === 'error' ? '⛔' : '⚠️'} ${codeSpan(c.code)} ${escapeMarkdown(c.message)}`);
    lines.push('');
  }
  lines.push('**Controls**', '');
  for (const c of r.controls) lines.push(`- [${c.met ? 'x' : ' '}] ${codeSpan(c.code)}${c.required ? '' : ' (not required)'}: ${escapeMarkdown(c.detail)}`);
  return lines.join('\n') + '\n';
}
