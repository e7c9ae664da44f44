import type { FileAnalysis } from './analyze.js';
import { emptyOrganisation, modelEntries, type Located, type ModelEntry, type Organisation } from './organisation.js';

/**
 * An organisation kept in step with a history, commit after commit, from the files each commit
 * changed. `apply` gives a new Organisation equal to `buildOrganisation` over the new set of
 * files (the same entries in the same order: files by path, documents in file order, the first
 * of a duplicated name wins), but only the buckets a changed file had or has are built again,
 * from the files that hold documents of that bucket; every other bucket is the previous
 * organisation's Map itself. Organisations it hands out are never changed afterwards, so a unit
 * of work's organisation before and after can both be read while the next is built.
 *
 * The audit walks a year of commits this way: most change one change request, so each step
 * rebuilds the changes bucket and shares the services, CIs and SLOs (and with them the graph
 * and the calendar the risk engine builds from them, which are kept by Map identity).
 */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Where `path` is, or would go, in a sorted list. */
function sortedIndex(list: readonly string[], path: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: string[], path: string): void {
  const at = sortedIndex(list, path);
  if (list[at] !== path) list.splice(at, 0, path);
}

function removeSorted(list: string[], path: string): void {
  const at = sortedIndex(list, path);
  if (list[at] === path) list.splice(at, 1);
}

export class OrganisationBuilder {
  private readonly files = new Map<string, { analysis: FileAnalysis; entries: ModelEntry[] }>();
  /** Per bucket, the paths of the files holding a document of it, sorted. */
  private readonly holders = new Map<keyof Organisation, string[]>();
  private current: Organisation;

  constructor(analyses: readonly FileAnalysis[]) {
    for (const a of [...analyses].sort((x, y) => cmp(x.file, y.file))) this.put(a);
    this.current = emptyOrganisation();
    const all = new Set(this.holders.keys());
    this.current = this.rebuilt(all);
  }

  get organisation(): Organisation {
    return this.current;
  }

  /** The analysis of a file as it stands, if it is one of the organisation's files. */
  analysis(path: string): FileAnalysis | undefined {
    return this.files.get(path)?.analysis;
  }

  /** Replaces (a new analysis) or removes (undefined) each file, and gives the new organisation. */
  apply(changes: ReadonlyMap<string, FileAnalysis | undefined>): Organisation {
    const touched = new Set<keyof Organisation>();
    for (const [path, next] of changes) {
      const old = this.files.get(path);
      if (old) {
        for (const e of old.entries) touched.add(e.bucket);
        for (const b of new Set(old.entries.map((e) => e.bucket))) removeSorted(this.holders.get(b)!, path);
        this.files.delete(path);
      }
      if (next) for (const e of this.put(next)) touched.add(e.bucket);
    }
    if (touched.size) this.current = this.rebuilt(touched);
    return this.current;
  }

  private put(a: FileAnalysis): ModelEntry[] {
    const entries = modelEntries(a);
    this.files.set(a.file, { analysis: a, entries });
    for (const b of new Set(entries.map((e) => e.bucket))) {
      let list = this.holders.get(b);
      if (!list) this.holders.set(b, (list = []));
      insertSorted(list, a.file);
    }
    return entries;
  }

  private rebuilt(buckets: ReadonlySet<keyof Organisation>): Organisation {
    const next = { ...this.current };
    for (const bucket of buckets) {
      const map = new Map<string, Located<unknown>>();
      for (const path of this.holders.get(bucket) ?? []) {
        for (const e of this.files.get(path)!.entries) if (e.bucket === bucket && !map.has(e.name)) map.set(e.name, e.located);
      }
      (next as Record<keyof Organisation, Map<string, Located<unknown>>>)[bucket] = map;
    }
    return next;
  }
}
