import { loadOrganisation, type LoadedOrganisation } from '../../app/load-organisation.js';
import { openGitRepository } from './repository.js';

/** The organisation as it is in a commit (the app's one load path, bound to git). */
export function loadOrganisationAtRef(root: string, ref: string): Promise<LoadedOrganisation> {
  return loadOrganisation(openGitRepository(root).at(ref));
}
