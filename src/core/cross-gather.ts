import type { FileAnalysis } from './analyze.js';
import type { Diagnostic } from './diagnostics.js';
import type { DocRecord } from './facts.js';
import {
  checkCycles,
  checkDeprecatedDependencies,
  checkTemplateCoverage,
  checkUnprovidedApis,
  DependencyGraph,
  duplicateName,
  namespacesOf,
  providedBy,
  unresolvedRef,
  type CrossFinding,
  type Entry,
  type FileRecords,
  type RepositoryIndex,
} from './checks/references.js';
import { checkEnvironments, checkSinglePolicy, readsEnvironments, recordEnvironments, type PolicyEntry } from './checks/environments.js';
import { checkIncidents } from './checks/incidents.js';
import { incidentDeadlines, windowZones, type FollowUpDeadline } from './checks/incident-follow-ups.js';
import type { RepositoryChecks } from './validate.js';

/**
 * The cross-document stage gathered while the files are still being read, so that what is left
 * once the last file is in is small: the name index and the references are done as each file
 * comes (a reference to a name no file has given yet waits for that name; names only ever
 * arrive, so one found stays found), the dependency graph grows file by file, and each rule
 * that reads only some records (the policy, the incidents, the standard changes, ...) gets
 * just those, kept apart. `finish` then runs the rules over those few, in file order, with the
 * very functions `checkRepository` runs over every record: the findings are the same, in the
 * same order. Files may come in any order, each once: each comes with its place in the final list.
 */
interface Placed {
  pos: number;
}

interface NameEntry extends Entry, Placed {
  /** Position of the record in its file's documents, to order duplicates within a file. */
  at: number;
}

interface Waiting extends Placed {
  file: string;
  record: DocRecord;
  at: number;
  ref: number;
  resolved: boolean;
}

interface Part extends Placed {
  file: string;
  documents: DocRecord[];
}

/** What `finish` gives: what checkRepository and the stages after it would give over the files in order. */
export interface GatheredCross {
  checks: RepositoryChecks;
  /** The files' Policy records, in file order: every record the path-pattern rules read. */
  policies: FileRecords[];
  /** incidentDeadlines over every file. */
  deadlines(): FollowUpDeadline[];
}

/** The rules that read only some records, each with the records it reads. */
const PARTS = {
  policy: (r: DocRecord) => r.facts.kind === 'Policy',
  environments: readsEnvironments,
  template: (r: DocRecord) => r.facts.kind === 'ChangeRequest' && r.facts.type === 'standard' && !!r.facts.template,
  deprecated: (r: DocRecord) => r.facts.kind === 'Service' && r.facts.lifecycle !== 'deprecated' && r.refs.some((ref) => ref.kind === 'service' && ref.dependency),
  consumers: (r: DocRecord) => r.kind === 'Service' && r.apiVersion === 'opsledger/v1' && r.refs.some((ref) => ref.kind === 'api'),
  incidents: (r: DocRecord) => r.facts.kind === 'Incident',
  calendars: (r: DocRecord) => r.facts.kind === 'ChangeCalendar',
} as const;
type PartName = keyof typeof PARTS;
const PART_NAMES = Object.keys(PARTS) as PartName[];

export class CrossGather {
  private readonly byNamespace = new Map<string, Map<string, NameEntry>>();
  /** Every definition of each name defined more than once. */
  private readonly defined = new Map<NameEntry, NameEntry[]>();
  private readonly waiting = new Map<string, Map<string, Waiting[]>>();
  private readonly refs: Waiting[] = [];
  private readonly graph = new DependencyGraph();
  private readonly parts = new Map<PartName, Part[]>(PART_NAMES.map((p) => [p, []]));
  private readonly provided = new Set<string>();
  private readonly withDiagnostics: (Placed & { diagnostics: Diagnostic[] })[] = [];
  private count = 0;
  private documents = 0;

  /** A file and its place in the list `finish` is given. */
  add(pos: number, file: FileAnalysis): void {
    this.count++;
    const docs = file.documents;
    this.documents += docs.length;
    if (file.diagnostics.length) this.withDiagnostics.push({ pos, diagnostics: file.diagnostics });
    docs.forEach((record, at) => this.name(pos, file.file, record, at));
    docs.forEach((record, at) => this.resolve(pos, file.file, record, at));
    this.graph.add(file);
    for (const part of PART_NAMES) {
      const test = PARTS[part];
      let mine: DocRecord[] | undefined;
      for (const record of docs) if (test(record)) (mine ??= []).push(record);
      if (mine) this.parts.get(part)!.push({ pos, file: file.file, documents: mine });
    }
    for (const record of docs) for (const api of providedBy(record)) this.provided.add(api);
  }

  private name(pos: number, file: string, record: DocRecord, at: number): void {
    if (!record.name) return;
    let names = this.byNamespace.get(record.namespace);
    if (!names) this.byNamespace.set(record.namespace, (names = new Map()));
    const entry: NameEntry = { pos, file, record, at };
    const first = names.get(record.name);
    if (!first) {
      names.set(record.name, entry);
      this.arrived(record.namespace, record.name);
      return;
    }
    let all = this.defined.get(first);
    if (!all) all = [first];
    all.push(entry);
    if (before(entry, first)) {
      this.defined.delete(first);
      names.set(record.name, entry);
      this.defined.set(entry, all);
    } else this.defined.set(first, all);
  }

  /** A name now defined: the references that waited for it resolve. */
  private arrived(namespace: string, name: string): void {
    const byName = this.waiting.get(namespace);
    const list = byName?.get(name);
    if (!list) return;
    for (const w of list) w.resolved = true;
    byName!.delete(name);
  }

  private resolve(pos: number, file: string, record: DocRecord, at: number): void {
    record.refs.forEach((ref, i) => {
      const spaces = namespacesOf(ref.kind);
      if (!spaces.length || spaces.some((ns) => this.byNamespace.get(ns)?.has(ref.name))) return;
      const w: Waiting = { pos, file, record, at, ref: i, resolved: false };
      this.refs.push(w);
      for (const ns of spaces) {
        let byName = this.waiting.get(ns);
        if (!byName) this.waiting.set(ns, (byName = new Map()));
        const list = byName.get(ref.name);
        if (list) list.push(w);
        else byName.set(ref.name, [w]);
      }
    });
  }

  private ordered(part: PartName): FileRecords[] {
    return this.parts.get(part)!.sort(byPos);
  }

  /**
   * The stage over `files`, the list every file was added for, in that list's order; undefined
   * when the files added are not that list (the caller then runs the rules over `files`).
   */
  finish(files: readonly FileAnalysis[]): GatheredCross | undefined {
    if (this.count !== files.length) return undefined;
    const index: RepositoryIndex = { byNamespace: this.byNamespace };
    const duplicates = [...this.defined.values()]
      .flatMap((all) => all.sort(byPlace).slice(1).map((e) => ({ e, first: all[0]! })))
      .sort((a, b) => byPlace(a.e, b.e))
      .map(({ e, first }) => duplicateName(e.file, e.record, first));
    const unresolved = this.refs
      .filter((w) => !w.resolved)
      .sort((a, b) => byPlace(a, b) || a.ref - b.ref)
      .map((w) => unresolvedRef(w.file, w.record, w.record.refs[w.ref]!, index));
    const policyFiles = this.ordered('policy');
    const found: PolicyEntry[] = policyFiles.flatMap((f) => f.documents.map((record) => ({ file: f.file, record: record as PolicyEntry['record'] })));
    const first = found[0];
    // A cycle is rare: its finding (which component first, which shortest cycle) follows the
    // order of every edge, so it is found again over every file in order.
    const cycles = this.graph.cycles().length ? checkCycles(files) : [];
    const incidents = this.ordered('incidents');
    const cross: CrossFinding[] = [
      ...duplicates,
      ...unresolved,
      ...checkTemplateCoverage(this.ordered('template'), index, recordEnvironments([], first)),
      ...checkSinglePolicy([], found),
      ...checkEnvironments(this.ordered('environments'), { first, declarations: true }),
      ...cycles,
      ...checkDeprecatedDependencies(this.ordered('deprecated'), index),
      ...checkUnprovidedApis(this.ordered('consumers'), index, this.provided),
      ...checkIncidents(incidents, index, first),
    ];
    const diagnostics = this.withDiagnostics.sort(byPos).flatMap((f) => f.diagnostics);
    const calendars = this.ordered('calendars');
    return {
      checks: { diagnostics, cross, files: files.length, documents: this.documents },
      policies: policyFiles,
      deadlines: () => incidentDeadlines(incidents, { policy: first, windowZones: windowZones(calendars) }),
    };
  }
}

const byPos = (a: Placed, b: Placed) => a.pos - b.pos;
const byPlace = (a: Placed & { at: number }, b: Placed & { at: number }) => a.pos - b.pos || a.at - b.at;
const before = (a: NameEntry, b: NameEntry) => byPlace(a, b) < 0;
