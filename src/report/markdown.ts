import { locationText, repeatedNote, reportedDiagnostics, verdict } from './common.js';
import { escapeMarkdown } from './markdown-safe.js';
import type { ReportInput, Reporter } from './reporter.js';

/** PR comments have a size limit (65,536 characters) and long tables help nobody. */
export const MAX_ROWS = 200;

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
        lines.push(`| ${escapeMarkdown(locationText(d, false))} | ${d.severity} | ${codeCell(d.code)} | ${message} |`);
      }
      const rest = diagnostics.length - MAX_ROWS;
      if (rest > 0) lines.push('', `…and ${rest} more.`);
    }
    return lines.join('\n') + '\n';
  },
};
