import type { CrossFinding } from './checks/references.js';
import type { Diagnostic } from './diagnostics.js';
import { locator } from './parse/locate.js';
import type { Position } from './parse/precise.js';
import { placeAt, UNPLACED, type Placed } from './placed.js';
import { decodeUtf8 } from './utf8.js';
import { checkRepository, repositoryResult, type ValidateOptions, type ValidationResult } from './validate.js';

/** Positions for findings that only know their pointer, in their order: the file read again, by the fast reader where it can (parse/locate.ts). */
export function locateFindings(findings: readonly CrossFinding[], source: (file: string) => Uint8Array | undefined): Position[] {
  const byFile = new Map<string, number[]>();
  findings.forEach((f, i) => {
    const list = byFile.get(f.file);
    if (list) list.push(i);
    else byFile.set(f.file, [i]);
  });
  const out: Position[] = new Array(findings.length);
  for (const [file, list] of byFile) {
    const bytes = source(file);
    const decoded = bytes ? decodeUtf8(bytes) : undefined;
    const locate = decoded && 'text' in decoded ? locator(decoded.text) : undefined;
    for (const i of list) {
      const f = findings[i]!;
      out[i] = locate ? locate(f.document, f.pointer, f.target) : UNPLACED;
    }
  }
  return out;
}

/** Findings with their positions (see locateFindings), in their order. */
export function placeFindings<T extends CrossFinding>(findings: readonly T[], source: (file: string) => Uint8Array | undefined): Placed<T>[] {
  const at = locateFindings(findings, source);
  return findings.map((f, i) => placeAt(f, at[i]!));
}

/** Cross-document rules over every file's records, then one sorted list of diagnostics. */
export function validateRepository(analyses: Parameters<typeof checkRepository>[0], options: ValidateOptions): ValidationResult {
  const checks = checkRepository(analyses, options.only);
  return repositoryResult(checks, placeFindings(checks.cross, options.source));
}
