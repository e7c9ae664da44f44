import { reportedDiagnostics, type ReportedDiagnostic } from './common.js';
import type { ReportInput, Reporter } from './reporter.js';

/** The stable keys first, in contract order; optional keys only when they hold a value. */
function contractOrder(d: ReportedDiagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = {
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    message: d.message,
    pointer: d.pointer,
  };
  // Named one by one rather than spread: checks attach working fields (e.g. `target`) that
  // are not part of the public contract.
  if (d.endLine !== undefined) out.endLine = d.endLine;
  if (d.endColumn !== undefined) out.endColumn = d.endColumn;
  if (d.document !== undefined) out.document = d.document;
  if (d.hint !== undefined) out.hint = d.hint;
  // Identical findings after this one in the same file, folded into it (the summary counts them).
  if (d.repeated) out.repeated = d.repeated;
  return out;
}

export const jsonReporter: Reporter = {
  name: 'json',
  render(input: ReportInput): string {
    const { files, documents, errors, warnings } = input.summary;
    const report = {
      diagnostics: reportedDiagnostics(input.diagnostics).map(contractOrder),
      summary: { files, documents, errors, warnings },
    };
    return JSON.stringify(report) + '\n';
  },
};
