/**
 * What an import→export round trip through opsledger would not give back as it was written:
 * the Backstage fields opsledger has no place for (a group's children, a user's picture) and
 * those it holds but writes back in its own spelling (`owner: team-a` comes back as
 * `group:default/team-a`). The import records each difference between the entity it read and
 * the entity an export of its result writes, in the opsledger.dev/backstage-fields annotation;
 * the export puts the original back wherever its own value is still the one recorded, so an
 * edit made in opsledger since the import wins over the recorded spelling.
 */
export interface ResidueEntry {
  /** JSON pointer into the Backstage entity. */
  p: string;
  /** What the export writes there (absent: writes nothing). */
  g?: unknown;
  /** What the input had there (absent: nothing). */
  o?: unknown;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const unesc = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}

/** The differences between what was read and what an export writes, key order aside. */
export function residueOf(original: unknown, generated: unknown, pointer = '', skip: (p: string) => boolean = () => false): ResidueEntry[] {
  if (skip(pointer) || sameValue(original, generated)) return [];
  if (isMap(original) && isMap(generated)) {
    const keys = [...new Set([...Object.keys(original), ...Object.keys(generated)])];
    return keys.flatMap((k) => residueOf(original[k], generated[k], `${pointer}/${esc(k)}`, skip));
  }
  return [{ p: pointer, ...(generated !== undefined ? { g: generated } : {}), ...(original !== undefined ? { o: original } : {}) }];
}

/** Puts the recorded originals back where the entity still holds what the export wrote at import. */
export function applyResidue(entity: Record<string, unknown>, entries: readonly ResidueEntry[]): void {
  for (const e of entries) {
    const path = e.p.split('/').slice(1).map(unesc);
    if (path.length === 0) continue;
    let at: Record<string, unknown> | undefined = entity;
    for (const k of path.slice(0, -1)) {
      if (!isMap(at[k])) {
        if (e.o === undefined) {
          at = undefined;
          break;
        }
        at[k] = {};
      }
      at = at[k] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    const current = at?.[last];
    if (!sameValue(current, e.g)) continue;
    if (e.o === undefined) {
      if (at) delete at[last];
    } else if (at) at[last] = e.o;
  }
  pruneEmpty(entity, entries);
}

/** A map the residue emptied (labels that were only derived) goes, as the input never had it. */
function pruneEmpty(entity: Record<string, unknown>, entries: readonly ResidueEntry[]): void {
  for (const e of entries) {
    if (e.o !== undefined) continue;
    const path = e.p.split('/').slice(1).map(unesc);
    for (let n = path.length - 1; n > 0; n--) {
      let at: unknown = entity;
      for (const k of path.slice(0, n)) at = isMap(at) ? at[k] : undefined;
      if (!isMap(at) || Object.keys(at).length) break;
      let parent: unknown = entity;
      for (const k of path.slice(0, n - 1)) parent = isMap(parent) ? parent[k] : undefined;
      if (isMap(parent)) delete parent[path[n - 1]!];
    }
  }
}

export function decodeResidue(text: string | undefined): ResidueEntry[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) && v.every((x) => isMap(x) && typeof x.p === 'string' && x.p.startsWith('/')) ? (v as ResidueEntry[]) : undefined;
  } catch {
    return undefined;
  }
}
