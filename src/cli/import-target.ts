import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { DATA_FOLDERS } from '../core/data-folders.js';

/**
 * Where `import` writes, so that `validate` reads what it wrote. Backstage imports produce an
 * organisation layout (services/<name>/service.yaml, teams/, cmdb/); OpenSLO imports produce
 * flat files. `--out` may name either the organisation or one of its data folders:
 *   - backstage: the files are written under the organisation's root, so `--out services/`
 *     (or any folder inside a data folder) means the organisation that holds it, never
 *     services/services/;
 *   - openslo: an organisation root (the --root itself, or a folder holding data folders)
 *     means its slos/ folder, since files at the root are not read.
 */
export interface ImportTarget {
  /** The folder the planned files are relative to. */
  base: string;
  /** The organisation the files join: names it already defines are not imported again. */
  orgRoot: string;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** The organisation a folder belongs to when it is, or lies inside, a data folder. */
function organisationOf(root: string, out: string): string | undefined {
  if (isInside(root, out)) {
    const segments = relative(root, out).split(sep).filter(Boolean);
    const at = segments.findIndex((s) => DATA_FOLDERS.includes(s));
    return at < 0 ? undefined : join(root, ...segments.slice(0, at));
  }
  // Outside the organisation only the folder's own name is telling: a parent folder that
  // happens to be called "services" says nothing about the layout.
  return DATA_FOLDERS.includes(basename(out)) ? dirname(out) : undefined;
}

export function importTarget(from: 'backstage' | 'openslo' | 'sloth' | 'statuspage', root: string, out: string | undefined): ImportTarget {
  // Backstage and Statuspage imports write an organisation's layout (services/, teams/, incidents/).
  if (from === 'backstage' || from === 'statuspage') {
    const base = out === undefined ? root : (organisationOf(root, out) ?? out);
    return { base, orgRoot: isInside(root, base) ? root : base };
  }
  if (out === undefined) return { base: join(root, 'slos'), orgRoot: root };
  const isOrganisation = out === root || (!organisationOf(root, out) && DATA_FOLDERS.some((d) => isFolder(join(out, d))));
  const base = isOrganisation ? join(out, 'slos') : out;
  return { base, orgRoot: isInside(root, base) ? root : (organisationOf(root, base) ?? base) };
}
