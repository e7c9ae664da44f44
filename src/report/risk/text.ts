import type { RiskReport } from '../../core/risk/types.js';

/** The risk report for a terminal: the same facts as the markdown report, in plain lines. */
export function renderRiskText(r: RiskReport): string {
  const out: string[] = [];
  out.push(`${r.change}${r.title ? ` ${r.title}` : ''}`);
  out.push(`  risk ${r.class.toUpperCase()}: impact ${r.impact.level} (${r.impact.scope}, tier ${r.impact.severity}${r.impact.decidedBy ? ` via ${r.impact.decidedBy}` : ''}) x likelihood ${r.likelihood.level} (${r.likelihood.points} points)`);
  if (r.impact.reason) out.push(`  impact: ${r.impact.reason}`);
  if (r.effectiveType !== r.type) out.push(`  declared ${r.type}, treated as ${r.effectiveType}`);
  out.push('  factors:');
  const width = Math.max(0, ...r.factors.map((f) => f.code.length));
  for (const f of r.factors) out.push(`    ${f.code.padEnd(width)}  ${String(f.points).padStart(2)}  ${f.reason}`);
  const more = r.blastRadiusTotal !== undefined ? ` and ${r.blastRadiusTotal - r.blastRadius.length} more` : '';
  out.push(`  blast radius: ${r.blastRadius.map((b) => b.ref).join(', ') || 'nothing'}${more}`);
  for (const c of r.conflicts) out.push(`  ${c.severity === 'error' ? 'conflict' : 'warning'}: ${c.message} [${c.code}]`);
  out.push('  controls:');
  for (const c of r.controls) out.push(`    [${c.met ? 'x' : ' '}] ${c.code}${c.required ? '' : ' (not required)'}: ${c.detail}`);
  return out.join('\n') + '\n';
}
