import { analyzeFile, type FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { buildOrganisation, type Organisation } from '../../core/organisation.js';
import { validateRepository, type ValidationResult } from '../../core/validate.js';
import { DATA_FOLDERS } from '../fs/discover.js';
import { schemaRegistry } from '../fs/schemas.js';
import { readFilesAtRef } from './read-at-ref.js';

export interface OrganisationAtRef {
  commit: string;
  org: Organisation;
  validation: ValidationResult;
  /** Repo-relative paths of every YAML file read. */
  files: string[];
}

/**
 * The organisation as it is in a commit, built through the same analyse → build path as the
 * working tree, from bytes streamed out of git.
 */
export async function loadOrganisationAtRef(root: string, ref: string): Promise<OrganisationAtRef> {
  const tree = await readFilesAtRef(root, ref, DATA_FOLDERS);
  const registry = schemaRegistry();
  const analyses: FileAnalysis[] = [...tree.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, bytes]) => analyzeFile(file, bytes, registry, { keepValues: true }));
  const validation = validateRepository(analyses, { source: (f) => tree.files.get(f) });
  for (const [file, size] of tree.tooLarge) {
    const d: Diagnostic = { file, line: 1, column: 1, severity: 'error', code: 'file.too-large', message: `the file is ${size} bytes, over the limit for one YAML file`, pointer: '' };
    validation.diagnostics.push(d);
  }
  return { commit: tree.commit, org: buildOrganisation(analyses), validation, files: [...tree.files.keys(), ...tree.tooLarge.keys()] };
}
