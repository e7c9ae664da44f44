import type { FileAnalysis } from './analyze.js';
import { decodeUtf8 } from './analyze.js';
import {
  checkCycles,
  checkDeprecatedDependencies,
  checkReferences,
  checkTemplateCoverage,
  checkUnprovidedApis,
  indexRecords,
  type CrossFinding,
} from './checks/references.js';
import { checkIncidents } from './checks/incidents.js';
import { checkEnvironments, checkSinglePolicy, recordEnvironments } from './checks/environments.js';
import { compareDiagnostics, summarize, type Diagnostic, type Summary } from './diagnostics.js';
import { preciseParse } from './parse/precise.js';

export interface ValidationResult {
  diagnostics: Diagnostic[];
  summary: Summary;
}

export interface ValidateOptions {
  /** Report only diagnostics for these files (references still resolve against all). */
  only?: ReadonlySet<string>;
  /** Reads a file again to place cross-document findings; undefined if it is gone. */
  source(file: string): Uint8Array | undefined;
}

/** Cross-document rules over every file's records, then one sorted list of diagnostics. */
export function validateRepository(analyses: readonly FileAnalysis[], options: ValidateOptions): ValidationResult {
  const { index, findings: duplicates } = indexRecords(analyses);
  const cross: CrossFinding[] = [
    ...duplicates,
    ...checkReferences(analyses, index),
    ...checkTemplateCoverage(analyses, index, recordEnvironments(analyses)),
    ...checkSinglePolicy(analyses),
    ...checkEnvironments(analyses),
    ...checkCycles(analyses),
    ...checkDeprecatedDependencies(analyses, index),
    ...checkUnprovidedApis(analyses, index),
    ...checkIncidents(analyses, index),
  ];
  const keep = (file: string) => !options.only || options.only.has(file);
  const diagnostics: Diagnostic[] = [];
  for (const a of analyses) if (keep(a.file)) diagnostics.push(...a.diagnostics);
  diagnostics.push(...placeFindings(cross.filter((f) => keep(f.file)), options.source));
  diagnostics.sort(compareDiagnostics);
  const reported = options.only ? analyses.filter((a) => keep(a.file)) : analyses;
  const documents = reported.reduce((n, a) => n + a.documents.length, 0);
  return { diagnostics, summary: summarize(diagnostics, reported.length, documents) };
}

/** Positions for findings that only know their pointer: one precise parse per file. */
export function placeFindings<T extends CrossFinding>(findings: readonly T[], source: (file: string) => Uint8Array | undefined): (Diagnostic & Omit<T, 'target'>)[] {
  const byFile = new Map<string, T[]>();
  for (const f of findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const out: (Diagnostic & Omit<T, 'target'>)[] = [];
  for (const [file, list] of byFile) {
    const bytes = source(file);
    const decoded = bytes ? decodeUtf8(bytes) : undefined;
    const parsed = decoded && 'text' in decoded ? preciseParse(decoded.text) : undefined;
    for (const f of list) {
      const { target, ...rest } = f;
      const pos = parsed ? parsed.locate(f.document, f.pointer, target) : { line: 1, column: 1 };
      out.push({ ...rest, ...pos, file });
    }
  }
  return out;
}
