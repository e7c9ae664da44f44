import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';
import { readOwnText } from './read-policy.js';

/**
 * opsledger's version from its package.json. Apart from version.ts (which hashes the code for
 * the cache, and pulls in node:crypto to do it) so that `opsledger --version` reads one file.
 */
export const TOOL_VERSION: string = (() => {
  try {
    return (JSON.parse(readOwnText(join(PACKAGE_ROOT, 'package.json'))) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
