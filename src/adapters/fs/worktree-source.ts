import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OrganisationSource } from '../../app/ports/source.js';
import { DATA_FOLDERS } from './discover.js';
import { loadRepository } from './load-repository.js';

/** The organisation in the working tree at `root`: the data folders that exist, and any paths asked for. */
export function worktreeSource(root: string): OrganisationSource {
  return {
    root,
    read: async (request) => {
      const paths = [...DATA_FOLDERS.filter((d) => existsSync(join(root, d))), ...(request.paths ?? [])];
      // Nothing to read (an import into a folder that does not exist yet): nothing to touch either.
      if (!paths.length) return { analyses: [], discoveryDiagnostics: [], source: () => undefined, remember: async () => {} };
      return loadRepository(root, { ...request, paths });
    },
  };
}
