import { compareDiagnostics, type Diagnostic, type Summary } from '../core/diagnostics.js';

export function sortedDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

/** A diagnostic as reported: `repeated` counts the identical findings folded into it. */
export type ReportedDiagnostic = Diagnostic & { repeated?: number };

/**
 * Sorted, with identical findings folded into the first: the same code, severity and message in
 * the same file (100,000 unclosed brackets are one problem, not 786 lines to scroll past). The
 * first keeps its position; `repeated` says how many more there were. The summary still
 * counts every one, so the numbers agree with the exit code and with earlier runs.
 */
export function reportedDiagnostics(diagnostics: readonly Diagnostic[]): ReportedDiagnostic[] {
  const out: ReportedDiagnostic[] = [];
  const first = new Map<string, ReportedDiagnostic>();
  for (const d of sortedDiagnostics(diagnostics)) {
    const key = `${d.file}\0${d.code}\0${d.severity}\0${d.message}`;
    const kept = first.get(key);
    if (kept) {
      kept.repeated = (kept.repeated ?? 0) + 1;
      continue;
    }
    const copy: ReportedDiagnostic = { ...d };
    delete copy.repeated;
    first.set(key, copy);
    out.push(copy);
  }
  return out;
}

/** The words every reporter adds to a folded diagnostic. */
export function repeatedNote(d: ReportedDiagnostic): string | undefined {
  return d.repeated ? `and ${d.repeated} more like this in ${d.file === '.' ? 'this run' : 'this file'}` : undefined;
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
