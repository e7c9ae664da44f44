import type { Severity } from '../core/diagnostics.js';
import { repeatedNote, reportedDiagnostics, verdict } from './common.js';
import type { ReportInput, Reporter } from './reporter.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * Message data: the runner splits commands at line breaks and decodes '%XX', so '%' must be
 * encoded first or a literal "%0A" in a message would turn into a line break.
 */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values also end at ',' (next property) and ':' (start of the data). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands, one annotation per diagnostic, then one plain summary
 * line for the log. Info diagnostics become notices.
 */
export const githubReporter: Reporter = {
  name: 'github',
  render(input: ReportInput): string {
    const out: string[] = [];
    for (const d of reportedDiagnostics(input.diagnostics)) {
      // A finding about the whole run has no file to annotate, and an unplaced one no line:
      // GitHub then files the annotation on the run (or the whole file) instead.
      const props: [string, string | number][] = [];
      if (d.file !== '' && d.file !== '.') props.push(['file', d.file]);
      if (props.length > 0 && !d.unplaced) {
        props.push(['line', d.line], ['col', d.column]);
        if (d.endLine !== undefined) props.push(['endLine', d.endLine]);
        if (d.endColumn !== undefined) props.push(['endColumn', d.endColumn]);
      }
      props.push(['title', d.code]);
      const properties = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
      const message = [d.message, d.hint, repeatedNote(d)].filter(Boolean).join('\n');
      out.push(`::${COMMAND[d.severity]} ${properties}::${escapeData(message)}`);
    }
    const v = verdict(input.summary, input.diagnostics);
    // The tool name is data from the caller; a line starting with '::' would be read as a command.
    out.push(`${escapeData(input.tool.name).replace(/^:+/, '')}: ${v.text}`);
    return out.join('\n') + '\n';
  },
};
