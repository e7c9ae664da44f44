import { isValid, loadOrganisation, type LoadedOrganisation } from '../app/load-organisation.js';
import type { ProgressReport } from '../app/ports/progress.js';
import type { OrganisationSource } from '../app/ports/source.js';
import { getReporter } from '../report/index.js';
import type { CommandContext } from './context.js';
import { renderValidation } from './render.js';

/**
 * Loads the organisation for commands that compute on it (risk, impact, gate, catalog, ...).
 * An invalid repository is refused with its diagnostics on stderr, rendered exactly as
 * `validate` would: a score computed from half-read data would look trustworthy and be wrong.
 */
export async function loadValidOrganisation(ctx: CommandContext, source: OrganisationSource, progress?: ProgressReport, beforeOutput?: () => void): Promise<LoadedOrganisation | undefined> {
  const loaded = await loadOrganisation(source, progress ? { progress } : {});
  if (!isValid(loaded)) {
    beforeOutput?.();
    ctx.stderr('opsledger: the organisation has validation errors; fix them first:\n');
    ctx.stderr(renderValidation(ctx, getReporter('text')!, loaded.validation, loaded.repo.source));
    return undefined;
  }
  return loaded;
}
