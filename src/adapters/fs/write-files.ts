import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { assertSafeWriteTarget, writeFileAtomic } from './atomic-write.js';

/**
 * Writes generated files so that a reader never sees half a file (each goes through
 * writeFileAtomic). Existing files are refused unless `force`, anything but a regular file
 * always, and all targets are checked before the first one is written, so a refused run
 * writes nothing.
 */
export interface PlannedFile {
  /** Path relative to `base`, with forward slashes. */
  path: string;
  content: string;
}

export class FileExistsError extends Error {
  override name = 'FileExistsError';
  constructor(readonly paths: string[]) {
    super(`${paths.length === 1 ? 'a file' : `${paths.length} files`} already exist${paths.length === 1 ? 's' : ''}: ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', ...' : ''}`);
  }
}

function inside(base: string, target: string): boolean {
  const r = relative(base, target);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/** Returns the paths written, relative to `base`. */
export function writeFiles(base: string, files: readonly PlannedFile[], options: { force?: boolean } = {}): string[] {
  const root = resolve(base);
  const seen = new Set<string>();
  const existing: string[] = [];
  for (const f of files) {
    const target = resolve(root, f.path);
    // Names come from imported data; a name must never lead a write outside the output folder.
    if (!inside(root, target)) throw new Error(`refusing to write outside ${root}: ${f.path}`);
    if (seen.has(target)) throw new Error(`two generated files share one path: ${f.path}`);
    seen.add(target);
    if (existsSync(target)) existing.push(f.path);
  }
  if (existing.length && !options.force) throw new FileExistsError(existing);
  // Refused here rather than mid-way, so that a refused run still writes nothing.
  for (const f of files) assertSafeWriteTarget(resolve(root, f.path));
  for (const f of files) writeFileAtomic(resolve(root, f.path), f.content);
  return files.map((f) => f.path);
}
