import type { CheckAnnotation } from '../../app/ports/github.js';
import type { Diagnostic } from '../../core/diagnostics.js';

/** Diagnostics as check-run annotations on their lines: the validate check and the App's CAB check show the same ones. */
const LEVEL: Record<Diagnostic['severity'], CheckAnnotation['level']> = { error: 'failure', warning: 'warning', info: 'notice' };

export function annotations(diagnostics: readonly Diagnostic[], prefix: string): CheckAnnotation[] {
  return diagnostics.map((d) => ({
    path: prefix + d.file,
    startLine: d.line,
    endLine: Math.max(d.line, d.endLine ?? d.line),
    ...(d.endLine === undefined || d.endLine === d.line ? { startColumn: d.column, ...(d.endColumn !== undefined ? { endColumn: d.endColumn } : {}) } : {}),
    level: LEVEL[d.severity],
    message: d.hint ? `${d.message}\n${d.hint}` : d.message,
    title: d.code,
  }));
}
