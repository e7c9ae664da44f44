import { compareDiagnostics, type Diagnostic, type Summary } from '../core/diagnostics.js';

export function sortedDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(compareDiagnostics);
}

/**
 * A diagnostic as reported: `repeated` counts the identical findings folded into it;
 * `unplaced` says it came with no usable line (its 1:1 is for formats that require a number).
 */
export type ReportedDiagnostic = Diagnostic & { repeated?: number; unplaced?: true };

/**
 * Sorted, with identical findings folded into the first: the same code, severity and message in
 * the same file (100,000 unclosed brackets are one problem, not 786 lines to scroll past). The
 * first keeps its position; `repeated` says how many more there were. The summary still
 * counts every one, so the numbers agree with the exit code and with earlier runs.
 */
export function reportedDiagnostics(diagnostics: readonly Diagnostic[]): ReportedDiagnostic[] {
  const out: ReportedDiagnostic[] = [];
  const first = new Map<string, ReportedDiagnostic>();
  for (const d of sortedDiagnostics(diagnostics.map(placed))) {
    const key = `${d.file}\0${d.code}\0${d.severity}\0${d.message}`;
    const kept = first.get(key);
    if (kept) {
      kept.repeated = (kept.repeated ?? 0) + 1;
      continue;
    }
    // Left out by copying, not `delete`: a deleted property turns the object into a dictionary,
    // which costs every later read and the JSON of a report of thousands.
    const copy = without(d, 'repeated');
    first.set(key, copy);
    out.push(copy);
  }
  return out;
}

/**
 * `d` without the properties named, the others in their order, as `{ a: _, b: _, ...rest } = d`
 * gives them: copied by a loop, since V8 builds such a rest in its runtime (about 10 us an
 * object: 20-30 ms of every validate that prints the example corpus's 1003 warnings).
 */
function without(d: Diagnostic, a: string, b?: string): ReportedDiagnostic {
  const out: Record<string, unknown> = {};
  for (const k in d) if (k !== a && k !== b) out[k] = d[k as keyof Diagnostic];
  return out as unknown as ReportedDiagnostic;
}

const isPosition = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;

/**
 * A position every format can print: a finding with no usable line or column (a whole-run or
 * whole-file finding, a pointer that could not be placed) is at 1:1, as whole-file findings
 * are everywhere else, and marked `unplaced` so the text formats show the file alone rather
 * than a frame of line 1; an end that is not after the start is dropped. Without this, one
 * unplaced finding printed "undefined" into an annotation or sorted the report at random.
 */
function placed(d: Diagnostic): ReportedDiagnostic {
  const line = isPosition(d.line) ? d.line : 1;
  const column = isPosition(d.column) ? d.column : 1;
  if (line === d.line && column === d.column && d.endLine === undefined && d.endColumn === undefined) return d;
  const out = without(d, 'endLine', 'endColumn');
  out.line = line;
  out.column = column;
  if (line !== d.line) out.unplaced = true;
  if (!out.unplaced && isPosition(d.endLine) && (d.endLine > line || (d.endLine === line && isPosition(d.endColumn) && d.endColumn >= column))) {
    out.endLine = d.endLine;
    if (isPosition(d.endColumn)) out.endColumn = d.endColumn;
  }
  return out;
}

/** `file:line:column` as the text formats print it; a file alone for an unplaced finding. */
export function locationText(d: ReportedDiagnostic, withColumn = true): string {
  if (d.unplaced) return d.file;
  return withColumn ? `${d.file}:${d.line}:${d.column}` : `${d.file}:${d.line}`;
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
