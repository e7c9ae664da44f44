import { existsSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * Writes generated files so that a reader never sees half a file: each is written to a
 * temporary file beside its target and renamed over it (a rename within one folder is atomic
 * on POSIX file systems). Existing files are refused unless `force`, and all targets are
 * checked before the first one is written, so a refused run writes nothing.
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

export function writeFileAtomically(target: string, content: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(temp, content, { flag: 'wx' });
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file was never created or is already gone.
    }
    throw e;
  }
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
  for (const f of files) writeFileAtomically(resolve(root, f.path), f.content);
  return files.map((f) => f.path);
}
