import type { FileAnalysis } from './analyze.js';
import { MapDraft } from './layered-map.js';
import { recordStep } from './map-step.js';
import { emptyOrganisation, modelEntries, type Located, type ModelEntry, type Organisation } from './organisation.js';

/**
 * An organisation kept in step with a history, commit after commit, from the files each commit
 * changed. `apply` gives a new Organisation equal to `buildOrganisation` over the new set of
 * files (the same entries in the same order: files by path, documents in file order, the first
 * of a duplicated name wins), but only the buckets a changed file had or has are built again,
 * from the files that hold documents of that bucket; every other bucket is the previous
 * organisation's Map itself. Organisations it hands out are never changed afterwards, so a unit
 * of work's organisation before and after can both be read while the next is built. A bucket's
 * new Map is, where the order allows, the previous one with the changed entries replaced,
 * deleted or appended, and says so (map-step.ts) to the indexes built from it.
 *
 * The audit walks a year of commits this way: most change one change request, so each step
 * steps the changes bucket and shares the services, CIs and SLOs (and with them the graph
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

type Bucket = keyof Organisation;
type AnyMap = Map<string, Located<unknown>>;

/** The documents of one bucket a file holds, in file order. */
const ofBucket = (entries: readonly ModelEntry[], bucket: Bucket) => entries.filter((e) => e.bucket === bucket);

/** A changed file as one bucket sees it: its documents of that bucket before and after. */
interface BucketChange {
  path: string;
  old: ModelEntry[];
  next: ModelEntry[];
}

export class OrganisationBuilder {
  private readonly files = new Map<string, { analysis: FileAnalysis; entries: ModelEntry[] }>();
  /** Per bucket, the paths of the files holding a document of it, sorted. */
  private readonly holders = new Map<Bucket, string[]>();
  /** Per bucket, how many documents of the files bear each name (duplicates included). */
  private readonly counts = new Map<Bucket, Map<string, number>>();
  private current: Organisation;

  constructor(analyses: readonly FileAnalysis[]) {
    for (const a of [...analyses].sort((x, y) => cmp(x.file, y.file))) this.put(a);
    this.current = emptyOrganisation();
    const next = { ...this.current };
    for (const bucket of this.holders.keys()) (next as Record<Bucket, AnyMap>)[bucket] = this.rebuilt(bucket);
    this.current = next;
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
    const touched = new Map<Bucket, BucketChange[]>();
    for (const [path, next] of changes) {
      const old = this.files.get(path)?.entries ?? [];
      if (this.files.has(path)) this.remove(path);
      const added = next ? this.put(next) : [];
      for (const bucket of new Set([...old, ...added].map((e) => e.bucket))) {
        let list = touched.get(bucket);
        if (!list) touched.set(bucket, (list = []));
        list.push({ path, old: ofBucket(old, bucket), next: ofBucket(added, bucket) });
      }
    }
    if (!touched.size) return this.current;
    const org = { ...this.current };
    for (const [bucket, list] of touched) (org as Record<Bucket, AnyMap>)[bucket] = this.stepped(bucket, list) ?? this.rebuilt(bucket);
    this.current = org;
    return org;
  }

  private put(a: FileAnalysis): ModelEntry[] {
    const entries = modelEntries(a);
    this.files.set(a.file, { analysis: a, entries });
    for (const e of entries) {
      let counts = this.counts.get(e.bucket);
      if (!counts) this.counts.set(e.bucket, (counts = new Map()));
      counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    }
    for (const b of new Set(entries.map((e) => e.bucket))) {
      let list = this.holders.get(b);
      if (!list) this.holders.set(b, (list = []));
      insertSorted(list, a.file);
    }
    return entries;
  }

  private remove(path: string): void {
    const old = this.files.get(path)!;
    for (const e of old.entries) {
      const counts = this.counts.get(e.bucket)!;
      const n = counts.get(e.name)! - 1;
      if (n) counts.set(e.name, n);
      else counts.delete(e.name);
    }
    for (const b of new Set(old.entries.map((e) => e.bucket))) removeSorted(this.holders.get(b)!, path);
    this.files.delete(path);
  }

  /**
   * The bucket's new Map made from the previous one by the changed files alone, in the order a
   * whole rebuild gives, with the step recorded for the indexes built from it; undefined when
   * some change could move where an entry stands or which file wins a name, which only a
   * rebuild settles. The three changes of a history of change requests are covered: a file
   * that keeps its names (an edit), a file after every other holder of the bucket (a new change
   * request, its folder and name sorting last), and names no file holds any longer (a deletion).
   */
  private stepped(bucket: Bucket, list: readonly BucketChange[]): AnyMap | undefined {
    const prev = this.current[bucket] as AnyMap;
    const holders = this.holders.get(bucket) ?? [];
    const counts = this.counts.get(bucket);
    const appended = new Set(list.filter((c) => !c.old.length).map((c) => c.path));
    const edits: BucketChange[] = [];
    const appends: BucketChange[] = [];
    const deleted: string[] = [];
    for (const c of list) {
      if (c.old.length && c.next.length) {
        if (c.old.length !== c.next.length || c.old.some((e, i) => e.name !== c.next[i]!.name)) return undefined;
        edits.push(c);
      } else if (c.next.length) {
        // Every holder after it is another file new to the bucket in this step (added in path order).
        for (let i = sortedIndex(holders, c.path) + 1; i < holders.length; i++) if (!appended.has(holders[i]!)) return undefined;
        appends.push(c);
      } else {
        // A name another file still holds may now be won by it, wherever it stands.
        for (const e of c.old) if (counts?.has(e.name)) return undefined;
        deleted.push(...c.old.map((e) => e.name));
      }
    }
    const map = new MapDraft(prev);
    const removed: [string, Located<unknown>][] = [];
    const added: [string, Located<unknown>][] = [];
    for (const name of new Set(deleted)) {
      const was = map.get(name);
      if (!was) continue;
      removed.push([name, was]);
      map.delete(name);
    }
    // An edit keeps each name where it stands and changes only what its own file won.
    for (const c of edits) {
      const own = new Set<string>();
      for (const e of c.next) {
        // Of a name the file holds twice, its first document is the one that can win.
        if (own.has(e.name)) continue;
        own.add(e.name);
        const was = map.get(e.name);
        if (!was || was.file !== c.path || was === e.located) continue;
        removed.push([e.name, was]);
        added.push([e.name, e.located]);
        map.replace(e.name, e.located);
      }
    }
    // A file sorting last loses every name an earlier file (or itself, earlier) holds.
    for (const c of [...appends].sort((a, b) => cmp(a.path, b.path))) {
      for (const e of c.next) {
        if (map.has(e.name)) continue;
        added.push([e.name, e.located]);
        map.append(e.name, e.located);
      }
    }
    const next = map.done();
    recordStep(next, { from: new WeakRef(prev), removed, added });
    return next;
  }

  private rebuilt(bucket: Bucket): AnyMap {
    const map: AnyMap = new Map();
    for (const path of this.holders.get(bucket) ?? []) {
      for (const e of this.files.get(path)!.entries) if (e.bucket === bucket && !map.has(e.name)) map.set(e.name, e.located);
    }
    return map;
  }
}
