import type { MetricsReport } from '../../core/metrics/types.js';
import { escapeMarkdown } from '../markdown-safe.js';
import { COLUMNS, notes, sections, windowLine } from './cells.js';

/** `opsledger metrics --format markdown`: for a job summary, a wiki page or a report. */
export function renderMetricsMarkdown(r: MetricsReport): string {
  const lines = ['## Operations metrics', '', `${escapeMarkdown(windowLine(r))}. Definitions: docs/metrics.md.`, ''];
  for (const section of sections(r)) {
    if (section.rows.length === 0) continue;
    lines.push(`### ${escapeMarkdown(section.title)}`, '', `| | ${COLUMNS.join(' | ')} |`, `| --- |${COLUMNS.map(() => ' ---: |').join('')}`);
    for (const [name, cells] of section.rows) lines.push(`| ${escapeMarkdown(name)} | ${cells.map(escapeMarkdown).join(' | ')} |`);
    lines.push('');
  }
  const n = notes(r);
  if (n.length) lines.push(...n.map((x) => `> ${escapeMarkdown(x)}`), '');
  return lines.join('\n');
}
