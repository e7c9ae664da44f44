import type { MetricsReport } from '../../core/metrics/types.js';
import { escapeMarkdown } from '../markdown-safe.js';
import { budgetLines, COLUMNS, INCIDENT_COLUMNS, incidentSections, notes, sections, windowLine, type Section } from './cells.js';

/** `opsledger metrics --format markdown`: for a job summary, a wiki page or a report. */
export function renderMetricsMarkdown(r: MetricsReport): string {
  const lines = ['## Operations metrics', '', `${escapeMarkdown(windowLine(r))}. Definitions: docs/metrics.md.`, ''];
  const table = (section: Section, columns: readonly string[]) => {
    lines.push(`### ${escapeMarkdown(section.title)}`, '', `| | ${columns.join(' | ')} |`, `| --- |${columns.map(() => ' ---: |').join('')}`);
    for (const [name, cells] of section.rows) lines.push(`| ${escapeMarkdown(name)} | ${cells.map(escapeMarkdown).join(' | ')} |`);
    lines.push('');
  };
  for (const section of sections(r)) if (section.rows.length) table(section, COLUMNS);
  for (const section of incidentSections(r)) if (section.rows.length) table(section, INCIDENT_COLUMNS);
  const budget = budgetLines(r);
  if (budget.length) lines.push('### Error budget consumed by incidents', '', ...budget.map((b) => `- ${escapeMarkdown(b)}`), '');
  const n = notes(r);
  if (n.length) lines.push(...n.map((x) => `> ${escapeMarkdown(x)}`), '');
  return lines.join('\n');
}
