import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './org.js';

/** A copy of the shipped example organisation (Northwind) in a temp folder, outside git. */
export function copyExampleOrg(): string {
  const root = mkdtempSync(join(tmpdir(), 'opsledger-northwind-'));
  for (const folder of ['services', 'teams', 'changes', 'incidents']) cpSync(join(PROJECT_ROOT, folder), join(root, folder), { recursive: true });
  return root;
}
