import type { FileAnalysis } from './analyze.js';
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
import { checkEnvironments, checkSinglePolicy, policies, recordEnvironments } from './checks/environments.js';
import { compareDiagnostics, summarize, type Diagnostic, type Summary } from './diagnostics.js';

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

/** The cross-document rules before their findings have positions: what the files say, and what the rules found. */
export interface RepositoryChecks {
  /** The files' own diagnostics (of the files reported). */
  diagnostics: Diagnostic[];
  /** Cross-document findings (of the files reported), positioned by placeFindings. */
  cross: CrossFinding[];
  files: number;
  documents: number;
}

/**
 * Cross-document rules over every file's records. Placing a finding parses its file again with
 * the precise parser; the parser loads only when there is a finding (place-findings.ts).
 */
export function checkRepository(analyses: readonly FileAnalysis[], only?: ReadonlySet<string>): RepositoryChecks {
  const { index, findings: duplicates } = indexRecords(analyses);
  // One pass over every record finds the policies, for each rule that reads them.
  const found = policies(analyses);
  const cross: CrossFinding[] = [
    ...duplicates,
    ...checkReferences(analyses, index),
    ...checkTemplateCoverage(analyses, index, recordEnvironments(analyses, found[0])),
    ...checkSinglePolicy(analyses, found),
    ...checkEnvironments(analyses),
    ...checkCycles(analyses),
    ...checkDeprecatedDependencies(analyses, index),
    ...checkUnprovidedApis(analyses, index),
    ...checkIncidents(analyses, index, found[0]),
  ];
  const keep = (file: string) => !only || only.has(file);
  const diagnostics: Diagnostic[] = [];
  for (const a of analyses) if (keep(a.file)) diagnostics.push(...a.diagnostics);
  const reported = only ? analyses.filter((a) => keep(a.file)) : analyses;
  const documents = reported.reduce((n, a) => n + a.documents.length, 0);
  return { diagnostics, cross: cross.filter((f) => keep(f.file)), files: reported.length, documents };
}

/** The checks' diagnostics with the cross-document findings placed, as one sorted list. */
export function repositoryResult(checks: RepositoryChecks, placed: readonly Diagnostic[]): ValidationResult {
  const diagnostics = [...checks.diagnostics, ...placed].sort(compareDiagnostics);
  return { diagnostics, summary: summarize(diagnostics, checks.files, checks.documents) };
}
