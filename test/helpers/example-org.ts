import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './org.js';
import { DATA_FOLDERS } from '../../src/core/data-folders.js';

/** A copy of the shipped example organisation (Northwind) in a temp folder, outside git. */
export function copyExampleOrg(): string {
  const root = mkdtempSync(join(tmpdir(), 'opsledger-northwind-'));
  // Every data folder the example organisation has: a service names its system, a system its domain.
  for (const folder of DATA_FOLDERS.filter((d) => existsSync(join(PROJECT_ROOT, d)))) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true });
  return root;
}
