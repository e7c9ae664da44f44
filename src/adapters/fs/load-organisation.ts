import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildOrganisation, type Organisation } from '../../core/organisation.js';
import { validateRepository, type ValidationResult } from '../../core/validate.js';
import { DATA_FOLDERS } from './discover.js';
import { loadRepository, type LoadedRepository } from './load-repository.js';

export interface LoadedOrganisation {
  org: Organisation;
  repo: LoadedRepository;
  /** Validation of the same files, for commands that refuse to work on an invalid repository. */
  validation: ValidationResult;
}

/** Reads and validates every document under the data folders and builds the typed model. */
export async function loadOrganisation(root: string): Promise<LoadedOrganisation> {
  const repo = await loadRepository(root, { paths: DATA_FOLDERS.filter((d) => existsSync(join(root, d))), keepValues: true });
  const validation = validateRepository(repo.analyses, { source: repo.source });
  if (repo.discoveryDiagnostics.length) validation.diagnostics.push(...repo.discoveryDiagnostics);
  return { org: buildOrganisation(repo.analyses), repo, validation };
}
