import type { CrossFinding } from './checks/references.js';
import type { Diagnostic } from './diagnostics.js';
import { locator } from './parse/locate.js';
import { decodeUtf8 } from './utf8.js';
import { checkRepository, repositoryResult, type ValidateOptions, type ValidationResult } from './validate.js';

/** Positions for findings that only know their pointer: the file read again, by the fast reader where it can (parse/locate.ts). */
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
    const locate = decoded && 'text' in decoded ? locator(decoded.text) : undefined;
    for (const f of list) {
      const { target, ...rest } = f;
      const pos = locate ? locate(f.document, f.pointer, target) : { line: 1, column: 1 };
      out.push({ ...rest, ...pos, file });
    }
  }
  return out;
}

/** Cross-document rules over every file's records, then one sorted list of diagnostics. */
export function validateRepository(analyses: Parameters<typeof checkRepository>[0], options: ValidateOptions): ValidationResult {
  const checks = checkRepository(analyses, options.only);
  return repositoryResult(checks, placeFindings(checks.cross, options.source));
}
