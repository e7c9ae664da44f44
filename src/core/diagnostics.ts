/**
 * Diagnostics are plain data. Every check collects them; reporters render them; the exit code is
 * decided once, in `exitCodeFor`. Positions are 1-based and point at the offending node.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  /** Where the offending node ends, when known (reporters use it for ranges). */
  endLine?: number;
  endColumn?: number;
  severity: Severity;
  code: string;
  message: string;
  /** RFC 6901 JSON pointer into the document, '' for the whole document. */
  pointer: string;
  /** Zero-based index of the document inside a multi-document file. */
  document?: number;
  /** Optional hint, e.g. a "did you mean" suggestion. */
  hint?: string;
}

/** A diagnostic before it has a position: checks that work on values only know the pointer. */
export type UnplacedDiagnostic = Omit<Diagnostic, 'line' | 'column' | 'file'> & {
  file?: string;
  line?: number;
  column?: number;
};

export interface Summary {
  files: number;
  documents: number;
  errors: number;
  warnings: number;
}

export function summarize(diagnostics: readonly Diagnostic[], files: number, documents: number): Summary {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { files, documents, errors, warnings };
}

/** 0 clean, 1 findings. Usage and internal errors (2) are decided by the CLI front. */
export function exitCodeFor(diagnostics: readonly Diagnostic[]): 0 | 1 {
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(key: string | number): string {
  const s = String(key);
  // Most keys need no escaping; skip the regex work for them (this runs for every reference).
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function joinPointer(base: string, ...keys: (string | number)[]): string {
  return base + keys.map((k) => '/' + pointerToken(k)).join('');
}

export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}
