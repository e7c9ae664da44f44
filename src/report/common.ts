import { compareDiagnostics, type Diagnostic, type Summary } from '../core/diagnostics.js';

export function sortedDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The one-line verdict shared by the text and markdown reporters. Errors and warnings come from
 * the summary the CLI computed (it decides the exit code); info diagnostics are not in the
 * summary, so they are counted here and never turn a clean run into a failing-looking one.
 */
export function verdict(summary: Summary, diagnostics: readonly Diagnostic[]): { mark: '✖' | '⚠' | '✔'; text: string } {
  const infos = diagnostics.filter((d) => d.severity === 'info').length;
  const where = `${plural(summary.files, 'file')} (${plural(summary.documents, 'document')})`;
  if (summary.errors > 0 || summary.warnings > 0) {
    const counts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
    if (infos > 0) counts.push(`${infos} info`);
    return { mark: summary.errors > 0 ? '✖' : '⚠', text: `${counts.join(', ')} in ${where}` };
  }
  const clean = `${plural(summary.files, 'file')}, ${plural(summary.documents, 'document')}: no problems`;
  return { mark: '✔', text: infos > 0 ? `${clean} (${infos} info)` : clean };
}
