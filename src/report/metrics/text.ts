import type { MetricsReport } from '../../core/metrics/types.js';
import { budgetLines, cells, incidentCells, COLUMNS, INCIDENT_COLUMNS, incidentSections, notes, sections, windowLine, type Section } from './cells.js';

/** `opsledger metrics` for a terminal: one aligned table per breakdown. */
export function renderMetricsText(r: MetricsReport): string {
  const lines = [`Operations metrics, ${windowLine(r)}`, ''];
  const table = (section: Section, columns: readonly string[]) => {
    const header = [section.title, ...columns];
    const rows = section.rows.map(([name, cells]) => [name, ...cells]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
    lines.push(line(header), ...rows.map(line), '');
  };
  for (const section of sections(r)) if (section.rows.length) table(section, COLUMNS);
  for (const section of incidentSections(r)) if (section.rows.length) table(section, INCIDENT_COLUMNS);
  const budget = budgetLines(r);
  if (budget.length) lines.push('Error budget consumed by incidents', ...budget.map((b) => `  ${b}`), '');
  for (const n of notes(r)) lines.push(`note: ${n}`);
  return lines.join('\n').trimEnd() + '\n';
}

/** The four DORA figures and the failure details on a few lines, for `npm start` and summaries. */
export function renderMetricsHeadline(r: MetricsReport): string {
  const [deployments, perWeek, lead, cfr, restore, detect, emergency] = cells(r);
  const [incident, , , , , , mttd, mtta, mitigate, mttr] = incidentCells(r.incidents);
  return [
    `Operations metrics, ${windowLine(r)}:`,
    `  deployments ${deployments} (${perWeek} a week), lead time ${lead} (median), change failure rate ${cfr}`,
    `  time to restore ${restore} (median), time to detect ${detect} (mean), emergency changes ${emergency}`,
    `  incidents ${incident}: MTTD ${mttd}, MTTA ${mtta}, time to mitigate ${mitigate}, MTTR ${mttr} (means)`,
  ].join('\n') + '\n';
}
