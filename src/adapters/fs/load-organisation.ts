import { loadOrganisation as load, type LoadedOrganisation } from '../../app/load-organisation.js';
import { worktreeSource } from './worktree-source.js';

export type { LoadedOrganisation } from '../../app/load-organisation.js';

/** The organisation in the working tree at `root` (the app's one load path, bound to the disk). */
export function loadOrganisation(root: string): Promise<LoadedOrganisation> {
  return load(worktreeSource(root));
}
