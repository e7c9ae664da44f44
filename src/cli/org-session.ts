import { exitCodeFor } from '../core/diagnostics.js';
import { loadOrganisation, type LoadedOrganisation } from '../adapters/fs/load-organisation.js';
import { getReporter } from '../report/index.js';
import type { CommandContext } from './context.js';
import { renderValidation } from './render.js';

/**
 * Loads the organisation for commands that compute on it (risk, impact, gate, catalog, ...).
 * An invalid repository is refused with its diagnostics on stderr: a score computed from
 * half-read data would look trustworthy and be wrong.
 */
export async function loadValidOrganisation(ctx: CommandContext, root: string): Promise<LoadedOrganisation | undefined> {
  const loaded = await loadOrganisation(root);
  if (exitCodeFor(loaded.validation.diagnostics) !== 0) {
    ctx.stderr('opsledger: the organisation has validation errors; fix them first:\n');
    ctx.stderr(renderValidation(ctx, getReporter('text')!, loaded.validation, loaded.repo.source));
    return undefined;
  }
  return loaded;
}
