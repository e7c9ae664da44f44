import type { SourceProblem } from './parse.js';

/**
 * What an import did with every document it read, as data (the CLI renders it as text or
 * JSON). Nothing is lost silently: each input field is either carried into the output
 * (`used`) or listed in `dropped` with a reason, and defaults a person must check are listed in
 * `review`.
 */
export interface Loss {
  /** JSON pointer into the input document. */
  pointer: string;
  code: string;
  reason: string;
}

export interface EntityOutcome {
  /** Where the document came from: file#document or file#document[item]. */
  source: string;
  /** The entity as its own tool names it, e.g. component:default/artist-lookup. */
  ref: string;
  /** mapped: became a document; merged: folded into others (users into teams, systems into labels); dropped. */
  result: 'mapped' | 'merged' | 'dropped';
  /** Why a whole entity was dropped. */
  code?: string;
  reason?: string;
  /** What it became, as typed references (service:x, team:y, ci:z, slo:n). */
  to: string[];
  /** Input pointers carried into the output. */
  used: string[];
  /** Input pointers not carried, each with the reason. */
  dropped: Loss[];
  /** Values carried but changed on the way (conversions), each with the reason. */
  changed: Loss[];
  /**
   * Input pointers opsledger has no field for that travel in an annotation of ours
   * (opsledger.dev/backstage-fields) and come back on export.
   */
  carried?: string[];
}

export interface ReviewItem {
  /** The output document, e.g. service:artist-lookup. */
  target: string;
  /** Pointer into the output document. */
  pointer: string;
  value: unknown;
  code: string;
  reason: string;
  source: string;
}

export interface DanglingRef {
  target: string;
  pointer: string;
  /** The reference as the output writes it, e.g. team:cncf. */
  ref: string;
  /** As the input wrote it. */
  written: string;
  source: string;
  /** A membership (Backstage User memberOf) rather than an owner: the login to add to the team. */
  member?: string;
}

export interface WrittenFile {
  path: string;
  apiVersion: string;
  kind: string;
  name: string;
}

export interface ImportReport {
  from: string;
  entities: EntityOutcome[];
  review: ReviewItem[];
  dangling: DanglingRef[];
  problems: SourceProblem[];
  files: WrittenFile[];
}

/**
 * Tracks which parts of one input document were used, so that whatever is left at the end is
 * reported as dropped rather than silently forgotten.
 */
export class Usage {
  readonly used = new Set<string>();
  readonly dropped: Loss[] = [];
  readonly changed: Loss[] = [];
  private readonly covered = new Set<string>();

  use(...pointers: string[]): void {
    for (const p of pointers) {
      this.used.add(p);
      this.covered.add(p);
    }
  }

  drop(pointer: string, code: string, reason: string): void {
    if (this.covered.has(pointer)) return;
    this.dropped.push({ pointer, code, reason });
    this.covered.add(pointer);
  }

  change(pointer: string, code: string, reason: string): void {
    this.changed.push({ pointer, code, reason });
  }

  isCovered(pointer: string): boolean {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      if (this.covered.has(p)) return true;
      if (p === '') return false;
    }
  }

  /** Reports every leaf of `value` that nothing used or dropped, with `reason`. */
  finish(value: unknown, code: string, reason: string): void {
    for (const leaf of leaves(value, '')) if (!this.isCovered(leaf)) this.drop(leaf, code, reason);
  }
}

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Pointers of every scalar, empty list and empty mapping in a value. */
export function leaves(value: unknown, pointer: string): string[] {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) return [pointer];
    return entries.flatMap(([k, v]) => leaves(v, `${pointer}/${esc(k)}`));
  }
  return [pointer];
}
