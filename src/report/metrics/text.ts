import type { MetricsReport } from '../../core/metrics/types.js';
import { cells, COLUMNS, notes, sections, windowLine } from './cells.js';

/** `opsledger metrics` for a terminal: one aligned table per breakdown. */
export function renderMetricsText(r: MetricsReport): string {
  const lines = [`Operations metrics, ${windowLine(r)}`, ''];
  for (const section of sections(r)) {
    if (section.rows.length === 0) continue;
    const header = [section.title, ...COLUMNS];
    const rows = section.rows.map(([name, cells]) => [name, ...cells]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
    lines.push(line(header), ...rows.map(line), '');
  }
  for (const n of notes(r)) lines.push(`note: ${n}`);
  return lines.join('\n').trimEnd() + '\n';
}

/** The four DORA figures and the failure details on a few lines, for `npm start` and summaries. */
export function renderMetricsHeadline(r: MetricsReport): string {
  const [deployments, perWeek, lead, cfr, restore, detect, emergency] = cells(r);
  return [
    `Operations metrics, ${windowLine(r)}:`,
    `  deployments ${deployments} (${perWeek} a week), lead time ${lead} (median), change failure rate ${cfr}`,
    `  time to restore ${restore} (median), time to detect ${detect} (mean), emergency changes ${emergency}`,
  ].join('\n') + '\n';
}
