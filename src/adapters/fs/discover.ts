import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';

import { DATA_FOLDERS } from '../../core/data-folders.js';

export { DATA_FOLDERS };

export { DEFAULT_MAX_FILE_BYTES } from './read-policy.js';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'site']);
const YAML_FILE = /\.ya?ml$/i;

export interface DiscoveredFile {
  /** Repo-relative path with forward slashes. */
  rel: string;
  abs: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  diagnostics: Diagnostic[];
  /**
   * Every folder walked, each stat taken before it was listed, when the walk met only plain
   * folders and regular files (no link, nothing unreadable or odd, no file named directly):
   * then the same folders with the same stats list the same files, as adding, removing or
   * renaming an entry moves its folder's mtime and ctime. Undefined otherwise.
   */
  folders?: FolderStat[];
}

export interface FolderStat {
  rel: string;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Discovery's order: by repository path. */
export const byPath = (a: { rel: string }, b: { rel: string }): number => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);

function toRel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}

function inside(root: string, abs: string): boolean {
  const r = relative(root, abs);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

function fileDiagnostic(rel: string, code: string, message: string): Diagnostic {
  return { file: rel, line: 1, column: 1, severity: 'error', code, message, pointer: '' };
}

// A FIFO, socket or device named like a document: opening it could block or never end.
function notRegular(rel: string): Diagnostic {
  return fileDiagnostic(rel, 'file.not-regular', 'not a regular file (a FIFO, socket or device); it is not read');
}

/**
 * Lists the YAML files under `paths` (default: the data folders that exist), refusing symlinks
 * that lead out of the repository. Symlinked folders are not followed, which also rules out
 * loops. Directory entries carry their type, so regular files cost no stat call here; sizes
 * are checked when a file is opened (see analyze-disk.ts). `onFile` hears the list so far
 * after each file is added (the new one last, in the order found, not yet sorted), so a
 * caller can start work (threads, and their first files) before the listing is complete.
 */
export function discover(root: string, paths?: readonly string[], onFile?: (found: readonly DiscoveredFile[]) => void): Discovery {
  const realRoot = realpathSync(root);
  const files: DiscoveredFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const folders: FolderStat[] = [];
  let plain = true;

  const addFile = (abs: string, known?: string) => {
    const rel = known ?? toRel(root, abs);
    if (seen.has(rel)) return;
    seen.add(rel);
    files.push({ rel, abs });
    onFile?.(files);
  };

  const symlink = (abs: string, name: string) => {
    plain = false;
    let target: string;
    try {
      target = realpathSync(abs);
    } catch {
      if (YAML_FILE.test(name)) diagnostics.push(fileDiagnostic(toRel(root, abs), 'file.symlink-broken', 'the symbolic link points nowhere'));
      return;
    }
    if (!inside(realRoot, target)) {
      diagnostics.push(fileDiagnostic(toRel(root, abs), 'file.symlink-escape', 'the symbolic link leads outside the repository; it is not read'));
      return;
    }
    if (!YAML_FILE.test(name)) return;
    const st = statSync(target);
    if (st.isFile()) addFile(abs);
    else if (!st.isDirectory()) diagnostics.push(notRegular(toRel(root, abs)));
  };

  // The folder's path from the root, worked out once: an entry's is that plus its name (a
  // name from readdir holds no separator), which costs far less than path.relative per file.
  const walk = (dir: string, relDir = toRel(root, dir)) => {
    let entries: Dirent[];
    try {
      // Stat before listing: an entry added in between moves the folder past the stat kept.
      if (plain) {
        const st = statSync(dir);
        folders.push({ rel: relDir, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
      }
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      plain = false;
      diagnostics.push(fileDiagnostic(relDir, 'file.unreadable', 'the folder cannot be read'));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      // dir is already a normal path and a name holds no separator: join's normalising is not needed.
      const abs = `${dir}${dir.endsWith(sep) ? '' : sep}${e.name}`;
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isSymbolicLink()) symlink(abs, e.name);
      else if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(abs, rel);
      } else if (YAML_FILE.test(e.name)) {
        if (e.isFile()) addFile(abs, rel);
        else {
          plain = false;
          diagnostics.push(notRegular(rel));
        }
      }
    }
  };

  const visitExplicit = (abs: string) => {
    let st: Stats;
    try {
      st = lstatSync(abs);
    } catch {
      plain = false;
      return;
    }
    const name = abs.slice(abs.lastIndexOf(sep) + 1);
    if (st.isDirectory()) walk(abs);
    else {
      plain = false;
      if (st.isSymbolicLink()) symlink(abs, name);
      else if (st.isFile()) addFile(abs);
      else diagnostics.push(notRegular(toRel(root, abs)));
    }
  };

  const targets = paths && paths.length ? paths : DATA_FOLDERS.filter((d) => existsSync(join(root, d)));
  for (const p of targets) {
    const abs = resolve(root, p);
    if (!inside(resolve(root), abs)) {
      plain = false;
      diagnostics.push(fileDiagnostic(p, 'file.outside-root', 'the path is outside the repository root'));
      continue;
    }
    if (!existsSync(abs)) {
      plain = false;
      diagnostics.push(fileDiagnostic(toRel(root, abs), 'file.not-found', 'no such file or folder'));
      continue;
    }
    visitExplicit(abs);
  }
  files.sort(byPath);
  return { files, diagnostics, ...(plain && !diagnostics.length ? { folders } : {}) };
}
