import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DATA_FOLDERS } from './discover.js';

/** The file that marks an organisation's root; its content is not read (yet). */
export const ROOT_MARKER = 'opsledger.yaml';

/** Why a folder named as the organisation root cannot be one; the front turns it into a usage error. */
export class RootError extends Error {
  override name = 'RootError';
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Checks a root the user named. A file, FIFO or device is refused from its `stat` alone: it
 * is never opened, so a FIFO cannot block. A folder that cannot be listed would otherwise look
 * like an empty organisation.
 */
export function checkRoot(root: string): string {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new RootError(`no such folder: ${root}`);
  }
  if (!st.isDirectory()) throw new RootError(`not a folder: ${root}`);
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch {
    throw new RootError(`the folder cannot be read: ${root}`);
  }
  return root;
}

/**
 * The organisation root for a command run from `start` without `--root`, walking up to the
 * top of the git repository (or of the file system outside one):
 *   1. the nearest folder holding `opsledger.yaml`;
 *   2. else the nearest folder holding a data folder (services, teams, changes, cmdb, slos);
 *   3. else the top of the git repository, else `start` itself.
 * Running from `services/payments/` thus reads the whole organisation, and running from an
 * unrelated folder reads nothing, which validation reports as `discovery.empty` rather than
 * as a clean organisation.
 */
export function findRoot(start: string): string {
  let nearestData: string | undefined;
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, ROOT_MARKER))) return dir;
    if (!nearestData && DATA_FOLDERS.some((d) => isFolder(join(dir, d)))) nearestData = dir;
    // A data folder's own name (a service called "changes") must not end the walk early, but
    // the repository's top must: an organisation never spans two repositories.
    if (existsSync(join(dir, '.git'))) return nearestData ?? dir;
    const up = dirname(dir);
    if (up === dir) return nearestData ?? resolve(start);
    dir = up;
  }
}
