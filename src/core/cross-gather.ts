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
  resolves,
  unresolvedRef,
  type CrossFinding,
  type Entry,
  type FileRecords,
  type RepositoryIndex,
} from './checks/references.js';
import { checkEnvironments, checkSinglePolicy, readsEnvironments, recordEnvironments, type PolicyEntry } from './checks/environments.js';
import type { Environments } from './environments.js';
import { checkIncidents } from './checks/incidents.js';
import { incidentDeadlines, possibleDeadlines, windowZones, type FollowUpDeadline } from './checks/incident-follow-ups.js';
import type { Position } from './parse/precise.js';
import { placeKey } from './placed.js';
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
  /** The position of a deadline placed while the files were read, if it was. */
  located(finding: CrossFinding): Position | undefined;
}

/** Positions of findings in their order, each file read again (locateFindings). */
export type Place = (findings: readonly CrossFinding[]) => Position[];

/** The rules that read only some records, by bit: partsOf says which read a record. */
const PART_NAMES = ['policy', 'environments', 'template', 'deprecated', 'consumers', 'incidents', 'calendars'] as const;
type PartName = (typeof PART_NAMES)[number];
const bit = (part: PartName) => 1 << PART_NAMES.indexOf(part);
const [POLICY, ENVIRONMENTS, TEMPLATE, DEPRECATED, CONSUMERS, INCIDENTS, CALENDARS] = PART_NAMES.map(bit) as [number, number, number, number, number, number, number];
const INCIDENTS_AT = PART_NAMES.indexOf('incidents');
const POLICY_AT = PART_NAMES.indexOf('policy');
const ENVIRONMENTS_AT = PART_NAMES.indexOf('environments');

/**
 * Which of those rules read this record: the Policy (the rules that read it, and the path
 * patterns), checkEnvironments, checkTemplateCoverage (standard changes), checkDeprecatedDependencies
 * (live services that depend on a service), checkUnprovidedApis (services that name an API),
 * checkIncidents and the deadlines, and the calendars' zones. Each rule passes over any other
 * record without a finding.
 */
function partsOf(r: DocRecord): number {
  let parts = readsEnvironments(r) ? ENVIRONMENTS : 0;
  const f = r.facts;
  switch (f.kind) {
    case 'Policy':
      parts |= POLICY;
      break;
    case 'ChangeCalendar':
      parts |= CALENDARS;
      break;
    case 'Incident':
      parts |= INCIDENTS;
      break;
    case 'ChangeRequest':
      if (f.type === 'standard' && f.template) parts |= TEMPLATE;
      break;
    case 'Service':
      if (f.lifecycle !== 'deprecated' && r.refs.some((ref) => ref.kind === 'service' && ref.dependency)) parts |= DEPRECATED;
      break;
  }
  if (r.kind === 'Service' && r.apiVersion === 'opsledger/v1' && r.refs.some((ref) => ref.kind === 'api')) parts |= CONSUMERS;
  return parts;
}

export class CrossGather {
  private readonly byNamespace = new Map<string, Map<string, NameEntry>>();
  /** Every definition of each name defined more than once. */
  private readonly defined = new Map<NameEntry, NameEntry[]>();
  /**
   * References that named nothing when their file came, one entry per array (no object per
   * reference: there are a hundred thousand at L), resolved when the name comes; what is left
   * at the end names nothing.
   */
  private readonly pending = { pos: [] as number[], at: [] as number[], ref: [] as number[], file: [] as string[], record: [] as DocRecord[], resolved: [] as number[] };
  /** For each namespace and name not given yet, the pending references that wait for it: a list through `links`. */
  private readonly waiting = new Map<string, Map<string, number>>();
  private readonly links = { entry: [] as number[], next: [] as number[] };
  private readonly graph = new DependencyGraph();
  private readonly parts: Part[][] = PART_NAMES.map(() => []);
  private readonly index: RepositoryIndex = { byNamespace: this.byNamespace };
  private readonly provided = new Set<string>();
  private readonly withDiagnostics: (Placed & { diagnostics: Diagnostic[] })[] = [];
  private readonly positions = new Map<string, Position>();
  /** Which positions have come, and the first that has not: every file before it is in. */
  private came = new Uint8Array(1024);
  private settled = 0;
  private firstPolicy: (PolicyEntry & Placed) | undefined;
  /** checkEnvironments, once the policy in force is known (then every later Policy sorts after it): per file as each comes. */
  private environments: { first: PolicyEntry | undefined; envs: Environments | undefined } | undefined;
  private readonly environmentsWaiting: Part[] = [];
  private readonly environmentsFound: (Placed & { findings: CrossFinding[] })[] = [];
  private count = 0;
  private documents = 0;

  /**
   * `place`: where the incidents' deadlines go. Every deadline an incident could owe is placed
   * as its file comes (the policy that decides which it owes may come last), so none of them
   * reads a file again after the last one is read.
   */
  constructor(private readonly place?: Place) {}

  /** A file and its place in the list `finish` is given. */
  add(pos: number, file: FileAnalysis): void {
    this.count++;
    const docs = file.documents;
    this.documents += docs.length;
    if (file.diagnostics.length) this.withDiagnostics.push({ pos, diagnostics: file.diagnostics });
    for (let at = 0; at < docs.length; at++) this.name(pos, file.file, docs[at]!, at);
    for (let at = 0; at < docs.length; at++) this.resolve(pos, file.file, docs[at]!, at);
    this.graph.add(file);
    let mine: DocRecord[][] | undefined;
    for (const record of docs) {
      const parts = partsOf(record);
      if (parts) for (let p = 0; p < PART_NAMES.length; p++) if (parts & (1 << p)) ((mine ??= [])[p] ??= []).push(record);
      if (record.kind === 'Service') for (const api of providedBy(record)) this.provided.add(api);
    }
    if (mine) mine.forEach((documents, p) => documents && p !== ENVIRONMENTS_AT && this.parts[p]!.push({ pos, file: file.file, documents }));
    if (this.place && mine?.[INCIDENTS_AT]) this.placeDeadlines(file.file, mine[INCIDENTS_AT]);
    for (const record of mine?.[POLICY_AT] ?? []) {
      if (!this.firstPolicy || pos < this.firstPolicy.pos) this.firstPolicy = { pos, file: file.file, record: record as PolicyEntry['record'] };
    }
    const uses = mine?.[ENVIRONMENTS_AT];
    if (uses) {
      const part = { pos, file: file.file, documents: uses };
      if (this.environments) this.checkEnvironments(part);
      else this.environmentsWaiting.push(part);
    }
    this.arrive(pos);
  }

  /** Counts a position in; once every file before the first Policy is in, that policy is the one in force. */
  private arrive(pos: number): void {
    if (pos >= this.came.length) {
      const grown = new Uint8Array(Math.max(pos + 1, this.came.length * 2));
      grown.set(this.came);
      this.came = grown;
    }
    this.came[pos] = 1;
    while (this.came[this.settled]) this.settled++;
    if (!this.environments && this.firstPolicy && this.settled > this.firstPolicy.pos) this.settle();
  }

  /** The policy in force is known (or every file is in): the files that waited for it are checked. */
  private settle(): void {
    const first = this.firstPolicy && { file: this.firstPolicy.file, record: this.firstPolicy.record };
    this.environments = { first, envs: recordEnvironments([], first) };
    for (const part of this.environmentsWaiting) this.checkEnvironments(part);
    this.environmentsWaiting.length = 0;
  }

  private checkEnvironments(part: Part): void {
    const { first, envs } = this.environments!;
    if (!envs) return; // no policy, or one without environments: no finding to make
    const findings = checkEnvironments([part], { first, envs });
    if (findings.length) this.environmentsFound.push({ pos: part.pos, findings });
  }

  /** checkEnvironments over every file, in order: each file's findings depend on it and the policy alone. */
  private environmentFindings(): CrossFinding[] {
    if (!this.environments) this.settle();
    const { first, envs } = this.environments!;
    if (!envs) return [];
    return [...checkEnvironments([], { first, declarations: true, envs }), ...this.environmentsFound.sort(byPos).flatMap((f) => f.findings)];
  }

  private placeDeadlines(file: string, incidents: readonly DocRecord[]): void {
    const possible = incidents.flatMap((record) => possibleDeadlines(file, record));
    if (!possible.length) return;
    const at = this.place!(possible);
    possible.forEach((f, i) => this.positions.set(placeKey(f), at[i]!));
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

  private resolve(pos: number, file: string, record: DocRecord, at: number): void {
    const refs = record.refs;
    const p = this.pending;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      if (resolves(this.index, ref.kind, ref.name)) continue;
      const k = p.pos.length;
      p.pos.push(pos);
      p.at.push(at);
      p.ref.push(i);
      p.file.push(file);
      p.record.push(record);
      p.resolved.push(0);
      for (const ns of namespacesOf(ref.kind)) {
        let byName = this.waiting.get(ns);
        if (!byName) this.waiting.set(ns, (byName = new Map()));
        this.links.entry.push(k);
        this.links.next.push(byName.get(ref.name) ?? -1);
        byName.set(ref.name, this.links.entry.length - 1);
      }
    }
  }

  /** A name now defined: the references that waited for it resolve. */
  private arrived(namespace: string, name: string): void {
    const byName = this.waiting.get(namespace);
    const head = byName?.get(name);
    if (head === undefined) return;
    for (let l = head; l >= 0; l = this.links.next[l]!) this.pending.resolved[this.links.entry[l]!] = 1;
    byName!.delete(name);
  }

  private ordered(part: PartName): FileRecords[] {
    return this.parts[PART_NAMES.indexOf(part)]!.sort(byPos);
  }

  /**
   * The stage over `files`, the list every file was added for, in that list's order; undefined
   * when the files added are not that list (the caller then runs the rules over `files`).
   */
  finish(files: readonly FileAnalysis[]): GatheredCross | undefined {
    if (this.count !== files.length) return undefined;
    const index = this.index;
    const duplicates = [...this.defined.values()]
      .flatMap((all) => all.sort(byPlace).slice(1).map((e) => ({ e, first: all[0]! })))
      .sort((a, b) => byPlace(a.e, b.e))
      .map(({ e, first }) => duplicateName(e.file, e.record, first));
    const p = this.pending;
    const left: number[] = [];
    p.resolved.forEach((done, k) => done || left.push(k));
    const unresolved = left
      .sort((a, b) => p.pos[a]! - p.pos[b]! || p.at[a]! - p.at[b]! || p.ref[a]! - p.ref[b]!)
      .map((k) => unresolvedRef(p.file[k]!, p.record[k]!, p.record[k]!.refs[p.ref[k]!]!, index));
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
      ...this.environmentFindings(),
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
      located: (f) => this.positions.get(placeKey(f)),
    };
  }
}

const byPos = (a: Placed, b: Placed) => a.pos - b.pos;
const byPlace = (a: Placed & { at: number }, b: Placed & { at: number }) => a.pos - b.pos || a.at - b.at;
const before = (a: NameEntry, b: NameEntry) => byPlace(a, b) < 0;
