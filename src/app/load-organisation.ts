import { compareDiagnostics, exitCodeFor, summarize, type Diagnostic } from '../core/diagnostics.js';
import { DATA_FOLDERS } from '../core/data-folders.js';
import { buildOrganisation, type Organisation } from '../core/organisation.js';
import { checkSensitivePaths } from '../core/checks/sensitive-paths.js';
import { incidentDeadlines } from '../core/checks/incident-follow-ups.js';
import { checkRepository, type RepositoryChecks } from '../core/validate.js';
import type { PlacedDeadline } from '../core/checks/incident-follow-ups.js';
import type { GitRepository } from './ports/git.js';
import type { CrossFindings, FullValidation, OrganisationSource, PreviousCross, ReadFiles, ReadRequest, RecordsChanged, SameRecords } from './ports/source.js';
import { crossAgain, RecordUnavailable } from '../core/incremental-cross.js';
import type { GatheredCross } from '../core/cross-gather.js';
import type { CrossFinding } from '../core/checks/references.js';
import type { Position } from '../core/parse/precise.js';
import { placeAt, placeKey } from '../core/placed.js';

/**
 * Reading an organisation, from the working tree or from a commit, in one place: read every
 * file through the read policy, validate, add what the reading itself refused (links out,
 * FIFOs, oversized files), sort and summarise. Every use case that needs the organisation, and
 * `validate` itself, goes through here, so they can never disagree on whether it is valid.
 */
export interface LoadedOrganisation {
  org: Organisation;
  /** The files as read: analyses, and their bytes for code frames. */
  repo: ReadFiles;
  validation: FullValidation;
  /** The commit, for an organisation read at a git ref. */
  commit?: string;
}

/** The code of the finding that a run read nothing; it concerns the whole run, never one file. */
export const EMPTY_CODE = 'discovery.empty';

/**
 * An organisation with no document is not a valid one: "no problems" there would pass a
 * pipeline run in the wrong folder. When something else already failed, that finding explains
 * the emptiness and this one would only repeat it.
 */
function emptyRun(where: string): Diagnostic {
  return { file: '.', line: 1, column: 1, severity: 'error', code: EMPTY_CODE, message: `no opsledger documents found in ${where}`, pointer: '', hint: `looked in ${DATA_FOLDERS.join(', ')} and the paths given; pass --root with the organisation's folder` };
}

/** How a source is named in `discovery.empty`: the folder, and the commit for a git source. */
export function describeSource(source: Pick<OrganisationSource, 'root' | 'ref'>): string {
  return source.ref ? `${source.root} at ${source.ref}` : source.root;
}

/**
 * `deadlines: false` leaves out what the incidents owe: only validate and start turn them into
 * warnings (withFollowUps), and placing them parses every incident file with the precise parser
 * and asks ICU for the organisation's time zone: a third of a profile of the gate at two commits.
 */
export interface ValidationOptions {
  deadlines?: boolean;
}

export async function validationOf(files: ReadFiles, where = 'the organisation', options: ValidationOptions = {}): Promise<FullValidation> {
  return (await checkedFiles(files, where, options)).validation;
}

/** The cross-document stage over every file's records, nothing placed yet. */
function crossFindingsOf(files: ReadFiles, checks: RepositoryChecks, options: ValidationOptions, gathered?: GatheredCross): CrossFindings {
  // Needs the whole file list, which only the source has: one pass, not one per file. The
  // patterns are the policies': gathered, only they are looked at.
  const sensitive = files.repositoryPaths ? checkSensitivePaths(gathered?.policies ?? files.analyses, files.repositoryPaths) : [];
  // What the incidents owe and by when: day-independent, so cached with the result (validate.ts
  // turns the ones past due into warnings each run).
  const deadlines = options.deadlines === false ? [] : (gathered?.deadlines() ?? incidentDeadlines(files.analyses));
  return { findings: [...checks.cross, ...sensitive], deadlines };
}

const SLOTS = 4;

/**
 * Places findings and deadlines, and notes where in `cross.placed`. A finding the last run
 * placed in a file whose bytes have not changed since keeps that position (it depends only on
 * the bytes, the document, the pointer and the target), and so does one placed while the files
 * were read (`located`); the placing module loads, and reads a file again, only for what is
 * left to place.
 */
async function placeAll(cross: CrossFindings, source: ReadFiles['source'], previous?: PreviousCross, located?: GatheredCross['located']): Promise<{ placed: Diagnostic[]; deadlines: PlacedDeadline[]; cross: CrossFindings }> {
  const items: CrossFinding[] = [...cross.findings, ...cross.deadlines];
  if (!items.length) return { placed: [], deadlines: [], cross: { ...cross, placed: [] } };
  const at: (Position | undefined)[] = new Array(items.length);
  const known = previous ? knownPositions(previous) : undefined;
  const todo: number[] = [];
  items.forEach((f, i) => {
    const pos = known?.(f) ?? located?.(f);
    if (pos) at[i] = pos;
    else todo.push(i);
  });
  if (todo.length) {
    const { locateFindings } = await import('../core/place-findings.js');
    const found = locateFindings(todo.map((i) => items[i]!), source);
    todo.forEach((i, j) => (at[i] = found[j]));
  }
  const placed: number[] = [];
  for (const p of at) placed.push(p!.line, p!.column, p!.endLine ?? -1, p!.endColumn ?? -1);
  const n = cross.findings.length;
  return {
    placed: cross.findings.map((f, i) => placeAt(f, at[i]!)),
    deadlines: cross.deadlines.map((d, i) => placeAt(d, at[n + i]!)).sort(compareDiagnostics),
    cross: { ...cross, placed },
  };
}

/** The last run's positions by what decides them, for files whose bytes are as they were; none when it kept no positions. */
function knownPositions(previous: PreviousCross): ((f: CrossFinding) => Position | undefined) | undefined {
  const { cross, unchanged } = previous;
  const items = [...cross.findings, ...cross.deadlines];
  const flat = cross.placed;
  if (!Array.isArray(flat) || flat.length !== items.length * SLOTS) return undefined;
  const byKey = new Map<string, number>();
  items.forEach((f, i) => byKey.set(placeKey(f), i));
  return (f) => {
    if (!unchanged(f.file)) return undefined;
    const i = byKey.get(placeKey(f));
    if (i === undefined) return undefined;
    const o = i * SLOTS;
    const [line, column, endLine, endColumn] = [flat[o]!, flat[o + 1]!, flat[o + 2]!, flat[o + 3]!];
    if (![line, column, endLine, endColumn].every(Number.isInteger)) return undefined;
    return (endLine < 0 ? { line, column } : { line, column, endLine, endColumn }) as Position;
  };
}

/**
 * The parts in a fixed order (each file's own diagnostics, then its placed findings, then what
 * discovery said of it) and a stable sort: findings at one position keep that order however
 * the parts were gathered, so a result patched from a cached one equals a fresh one.
 */
function assemble(parts: Diagnostic[], deadlines: PlacedDeadline[], counts: { files: number; documents: number }, documentsByFile: Record<string, number>, where: string): FullValidation {
  const found = parts.filter((d) => d.code !== EMPTY_CODE || d.file !== '.');
  if (counts.documents === 0 && exitCodeFor(found) === 0) found.push(emptyRun(where));
  const diagnostics = found.sort(compareDiagnostics);
  return { diagnostics, summary: summarize(diagnostics, counts.files, counts.documents), documentsByFile, ...(deadlines.length ? { deadlines } : {}) };
}

async function checkedFiles(files: ReadFiles, where: string, options: ValidationOptions = {}): Promise<{ validation: FullValidation; cross: CrossFindings }> {
  const gathered = files.gathered?.finish(files.analyses);
  const checks = gathered?.checks ?? checkRepository(files.analyses);
  const { placed, deadlines, cross } = await placeAll(crossFindingsOf(files, checks, options, gathered), files.source, files.previous, gathered?.located);
  const documentsByFile = Object.fromEntries(files.analyses.map((a) => [a.file, a.documents.length]));
  const count = files.analyses.length + new Set(files.discoveryDiagnostics.map((d) => d.file)).size;
  const validation = assemble([...checks.diagnostics, ...placed, ...files.discoveryDiagnostics], deadlines, { files: count, documents: checks.documents }, documentsByFile, where);
  return { validation, cross: { ...cross, run: { how: 'everything', documents: checks.documents } } };
}

/**
 * The last result with the changed files done again: their own diagnostics, and the cached
 * cross-document findings that fall in them placed afresh (their lines may have moved). Every
 * other file's diagnostics stand, since neither its bytes nor any record it was checked against
 * changed.
 */
async function patchedResult(files: ReadFiles, same: SameRecords, where: string): Promise<{ validation: FullValidation; cross: CrossFindings }> {
  const touched = new Set(files.analyses.map((a) => a.file));
  const prev = same.validation;
  // Every position outside the touched files is the last run's: placing them all again costs
  // nothing more, and keeps every position for the run after this one. A cache that kept no
  // positions has only the touched files' placed.
  const kept = Array.isArray(same.cross.placed);
  const mine = kept ? same.cross : { findings: same.cross.findings.filter((f) => touched.has(f.file)), deadlines: same.cross.deadlines.filter((d) => touched.has(d.file)) };
  const again = await placeAll(mine, files.source, { cross: same.cross, unchanged: (file) => !touched.has(file) });
  const placed = again.placed.filter((d) => touched.has(d.file));
  const deadlines = again.deadlines.filter((d) => touched.has(d.file));
  const parts = [
    ...prev.diagnostics.filter((d) => !touched.has(d.file)),
    ...files.analyses.flatMap((a) => a.diagnostics),
    ...placed,
    ...files.discoveryDiagnostics.filter((d) => touched.has(d.file)),
  ];
  const all = [...(prev.deadlines ?? []).filter((d) => !touched.has(d.file)), ...deadlines].sort(compareDiagnostics);
  return { validation: assemble(parts, all, prev.summary, prev.documentsByFile, where), cross: { ...(kept ? again.cross : same.cross), run: { how: 'kept', documents: 0 } } };
}

/**
 * After an edit that changed records: the cross-document stage done again where the edit
 * reaches (crossAgain), every other finding the last run's; undefined when the rules must run
 * over everything. The result is assembled as a full run assembles it: every file's own
 * diagnostics (the last run's for unchanged files), then every cross-document finding placed.
 */
async function recordsChangedResult(files: ReadFiles, changed: RecordsChanged, where: string): Promise<{ validation: FullValidation; cross: CrossFindings } | { everything: string }> {
  const prev = changed.previous;
  const placedBefore = prev.cross.placed;
  if (!Array.isArray(placedBefore) || placedBefore.length !== (prev.cross.findings.length + prev.cross.deadlines.length) * SLOTS) return { everything: 'unplaced' };
  const fresh = new Map(changed.changed.map((i, j) => [i, files.analyses[j]!]));
  // A few hundred documents are checked again in the time it takes to read every shard.
  let again: ReturnType<typeof crossAgain>;
  try {
    again = crossAgain({ keys: changed.keys, changed: fresh, record: changed.record, before: prev.cross, deadlines: true, maxDocuments: Math.max(500, changed.keys.files.length >> 5) });
  } catch (err) {
    // A record the cache could not give (a shard gone): the rules run over everything, which reads every file it lacks.
    if (err instanceof RecordUnavailable) return { everything: 'unreadable' };
    throw err;
  }
  if ('everything' in again) return again;
  const touched = new Set(files.analyses.map((a) => a.file));
  const cross: CrossFindings = { findings: again.findings, deadlines: again.deadlines, run: { how: 'again', documents: again.documents } };
  const { placed, deadlines, cross: done } = await placeAll(cross, files.source, { cross: prev.cross, unchanged: (file) => !touched.has(file) });
  // The last run's own diagnostics of the unchanged files: its result without its placed cross-document findings.
  const before = new Map<string, number>();
  const key = (d: Diagnostic) => `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.pointer}\0${d.message}`;
  prev.cross.findings.forEach((f, i) => {
    const o = i * SLOTS;
    const k = key({ ...f, line: placedBefore[o]!, column: placedBefore[o + 1]! } as Diagnostic);
    before.set(k, (before.get(k) ?? 0) + 1);
  });
  const own = prev.validation.diagnostics.filter((d) => {
    if (touched.has(d.file)) return false;
    const k = key(d);
    const n = before.get(k);
    if (!n) return true;
    before.set(k, n - 1);
    return false;
  });
  const parts = [...own, ...files.analyses.flatMap((a) => a.diagnostics), ...placed, ...files.discoveryDiagnostics.filter((d) => touched.has(d.file))];
  let documents = prev.validation.summary.documents;
  const counts = new Map<string, number>();
  changed.changed.forEach((i, j) => {
    const a = files.analyses[j]!;
    documents += a.documents.length - changed.keys.docsOf(i).length;
    counts.set(a.file, a.documents.length);
  });
  const byFile = prev.validation.documentsByFile;
  // The last run's counts, but the changed files', built only if a narrowed report reads them.
  const documentsByFile = new Proxy(byFile, {
    get: (t, k) => (typeof k === 'string' && counts.has(k) ? counts.get(k) : Reflect.get(t, k)),
    getOwnPropertyDescriptor: (t, k) => {
      const d = Reflect.getOwnPropertyDescriptor(t, k);
      return d && typeof k === 'string' && counts.has(k) ? { ...d, value: counts.get(k) } : d;
    },
  });
  return { validation: assemble(parts, deadlines, { files: prev.validation.summary.files, documents }, documentsByFile, where), cross: done };
}

/** Validation only: may answer from the cache without reading an unchanged file. */
export async function checkOrganisation(source: OrganisationSource, request: ReadRequest = {}): Promise<{ repo: ReadFiles; validation: FullValidation }> {
  const repo = await source.read({ ...request, keepValues: false });
  if (repo.unchanged) return { repo, validation: repo.unchanged };
  const where = describeSource(source);
  if (repo.sameRecords) {
    const { validation, cross } = await patchedResult(repo, repo.sameRecords, where);
    await repo.remember(validation, cross);
    return { repo, validation };
  }
  if (repo.recordsChanged) {
    const done = await recordsChangedResult(repo, repo.recordsChanged, where);
    if ('validation' in done) {
      await repo.remember(done.validation, done.cross);
      return { repo, validation: done.validation };
    }
    const all = await repo.recordsChanged.everything();
    const { validation, cross } = await checkedFiles(all, where);
    await all.remember(validation, { ...cross, run: { how: 'everything', documents: validation.summary.documents, why: done.everything } });
    return { repo: all, validation };
  }
  const { validation, cross } = await checkedFiles(repo, where);
  await repo.remember(validation, cross);
  return { repo, validation };
}

export async function loadOrganisation(source: OrganisationSource, request: Omit<ReadRequest, 'cache' | 'keepValues'> & ValidationOptions = {}): Promise<LoadedOrganisation> {
  const { deadlines, ...read } = request;
  const repo = await source.read({ ...read, keepValues: true });
  const where = describeSource(source);
  const org = buildOrganisation(repo.analyses);
  const commit = repo.commit ? { commit: repo.commit } : {};
  // validate's cached result carries the deadlines, so it serves, and is kept by, only a load that wants them.
  if (deadlines === false) return { org, repo, validation: await validationOf(repo, where, { deadlines }), ...commit };
  const judged = await judgedValidation(repo, where);
  if (judged) return { org, repo, validation: judged, ...commit };
  const { validation, cross } = await checkedFiles(repo, where);
  await repo.remember(validation, cross);
  return { org, repo, validation, ...commit };
}

/**
 * The last validate run's result where the source says it still holds (`judged`): as it was, or
 * patched for files whose bytes changed but not their records, exactly as validate patches it.
 */
async function judgedValidation(repo: ReadFiles, where: string): Promise<FullValidation | undefined> {
  const judged = repo.judged;
  if (!judged) return undefined;
  if ('result' in judged) return judged.result;
  return (await patchedResult({ ...repo, analyses: judged.changed.map((i) => repo.analyses[i]!) }, judged.sameRecords, where)).validation;
}

export function isValid(loaded: { validation: FullValidation }): boolean {
  return exitCodeFor(loaded.validation.diagnostics) === 0;
}

/**
 * Organisations at commits for one run: each commit is read once however many refs name it
 * (the gate's default branch is often the very merge commit it then reviews), and not at all
 * when the repository's opener keeps a store that already holds it.
 */
export class OrganisationsAtRefs {
  private readonly byCommit = new Map<string, Promise<LoadedOrganisation>>();

  constructor(readonly git: GitRepository) {}

  async at(ref: string): Promise<LoadedOrganisation> {
    const commit = await this.git.resolveCommit(ref);
    let loaded = this.byCommit.get(commit);
    if (!loaded) {
      const store = this.git.organisations;
      const key = `${this.git.root}\0${commit}`;
      loaded = store?.get(key);
      if (!loaded) {
        // Organisations at commits serve the gate, the CAB and the App, which never judge follow-ups.
        const reading = loadOrganisation(this.git.at(commit), { deadlines: false });
        loaded = reading;
        if (store) {
          store.set(key, reading);
          // A failed read (a blob gone, git killed) is not remembered: the next delivery tries again.
          reading.catch(() => store.get(key) === reading && store.delete(key));
        }
      }
      this.byCommit.set(commit, loaded);
    }
    return loaded;
  }

  /** Distinct commits read so far. */
  get reads(): number {
    return this.byCommit.size;
  }
}

/**
 * The App's store of organisations by commit: the most recently used `maxCommits` are kept
 * (an organisation of 45k files holds a few hundred megabytes of model; most of its values are
 * shared with the other commits through the blob cache).
 */
export class CommitOrganisations {
  private readonly entries = new Map<string, Promise<LoadedOrganisation>>();
  /** Reads answered from the store, and reads it had to start. */
  readonly counts = { hits: 0, loads: 0 };

  constructor(readonly maxCommits = 4) {}

  get(key: string): Promise<LoadedOrganisation> | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
      this.counts.hits++;
    }
    return found;
  }

  set(key: string, loaded: Promise<LoadedOrganisation>): void {
    this.counts.loads++;
    this.entries.delete(key);
    this.entries.set(key, loaded);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxCommits) break;
      this.entries.delete(k);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
