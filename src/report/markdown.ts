import { repeatedNote, reportedDiagnostics, verdict } from './common.js';
import type { ReportInput, Reporter } from './reporter.js';

/** PR comments have a size limit (65,536 characters) and long tables help nobody. */
export const MAX_ROWS = 200;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text that comes from YAML files (messages quote values, file names are the author's) must
 * render as text: no HTML, no links or images, no emphasis, no breaking out of the table cell.
 * HTML-significant characters become entities; Markdown punctuation gets a backslash; line
 * breaks and control characters would end the table row, so they become spaces. Punctuation
 * that only matters at the start of a line (#, -, +) or after ']' cannot act inside a cell.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r\n|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/[&<>]/g, (c) => ENTITY[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => '\\' + c);
}

/** A code span for identifiers we know are plain; anything else is escaped like prose. */
function codeCell(code: string): string {
  return /^[A-Za-z0-9][\w.-]*$/.test(code) ? '`' + code + '`' : escapeMarkdown(code);
}

export const markdownReporter: Reporter = {
  name: 'markdown',
  render(input: ReportInput): string {
    const diagnostics = reportedDiagnostics(input.diagnostics);
    const v = verdict(input.summary, input.diagnostics);
    const lines = [`**${escapeMarkdown(input.tool.name)}** ${v.mark} ${escapeMarkdown(v.text)}`];
    if (diagnostics.length > 0) {
      lines.push('', '| Location | Severity | Code | Message |', '| --- | --- | --- | --- |');
      for (const d of diagnostics.slice(0, MAX_ROWS)) {
        const more = repeatedNote(d);
        const message = (d.hint ? `${escapeMarkdown(d.message)} (${escapeMarkdown(d.hint)})` : escapeMarkdown(d.message)) + (more ? ` (${escapeMarkdown(more)})` : '');
        lines.push(`| ${escapeMarkdown(`${d.file}:${d.line}`)} | ${d.severity} | ${codeCell(d.code)} | ${message} |`);
      }
      const rest = diagnostics.length - MAX_ROWS;
      if (rest > 0) lines.push('', `…and ${rest} more.`);
    }
    return lines.join('\n') + '\n';
  },
};
