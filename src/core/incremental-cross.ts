import type { DocRecord } from './facts.js';
import { isGraphKey, isNameKey, nameKey, POLICY_KEY, splitNameKey, ZONE_KEY, type DocKeys } from './checks/cross-keys.js';
import { checkDeprecatedDependencies, checkReferences, checkTemplateCoverage, checkUnprovidedApis, type CrossFinding, type FileRecords, type RepositoryIndex } from './checks/references.js';
import { checkEnvironments, recordEnvironments, type PolicyEntry } from './checks/environments.js';
import { checkIncidents } from './checks/incidents.js';
import { incidentDeadlines, type FollowUpDeadline } from './checks/incident-follow-ups.js';


/**
 * What `record` throws when the cache cannot give a record (a shard gone or damaged): the caller
 * then runs the rules over everything. Any other error is a fault and is not taken for this.
 */
export class RecordUnavailable extends Error {
  override readonly name = 'RecordUnavailable';
}

/**
 * The cross-document stage after an edit that changed records, done again only where the edit
 * can reach: the edited documents, and every other document whose check reads a key (a name, an
 * API provided) that an edited document wrote before or writes now (cross-keys.ts). The other
 * documents' findings are the last run's. The answer is the one a run over every record gives
 * (test/adapters/validation-cache-records.test.ts holds the two to that); where an edit reaches
 * what every document reads (the Policy, a calendar, the dependency graph) or too many documents,
 * there is no answer and the caller runs the rules over everything.
 */
export interface TableDoc extends DocKeys {
  index: number;
  kind: string;
}

export interface CrossBefore {
  findings: readonly CrossFinding[];
  deadlines: readonly FollowUpDeadline[];
}

/** Where a document is: its file's position in the list and its index in the file. */
export interface DocAt {
  file: number;
  index: number;
}

/**
 * The last run's keys of every document, as the cache keeps them, answering the questions the
 * stage asks of the files that did not change without going through every document in
 * JavaScript objects.
 */
export interface KeyIndex {
  /** Every file, in the order the rules read them. */
  files: readonly string[];
  /** The last run's keys of each document of the file at this position (for an edited file, as it was). */
  docsOf(file: number): readonly TableDoc[];
  /** A record's keys as the table makes them (recordKeys, long keys shortened its way). */
  keysOf(file: string, record: DocRecord): DocKeys;
  /**
   * In one pass over the documents outside the files `skip`: those that read one of these keys,
   * and for each key those that write it, in file order.
   */
  scan(keys: readonly string[], skip: ReadonlySet<number>): { readers: DocAt[]; writers: Map<string, (DocAt & { kind: string })[]> };
  /** The first document that writes this key, in file order (the caller asks only of keys no skipped file wrote). */
  firstWriter(key: string): DocAt | undefined;
  /** Every key written under this prefix, and its first writer. */
  written(prefix: string): { key: string; at: DocAt }[];
}

export interface CrossAgainInput {
  keys: KeyIndex;
  /** The edited files' records now, by position. */
  changed: ReadonlyMap<number, FileRecords>;
  /** A record of a file that did not change; throws RecordUnavailable when it cannot be had. */
  record(file: number, document: number): DocRecord;
  before: CrossBefore;
  deadlines: boolean;
  /** Past this many documents to check again, the caller does better to check everything. */
  maxDocuments: number;
}

export type CrossAgain =
  | { findings: CrossFinding[]; deadlines: FollowUpDeadline[]; documents: number }
  | { everything: 'policy' | 'graph' | 'many' };

// The rules in the order a run over everything emits their findings: within one file, the same
// order keeps findings that tie in position in the order a full run sorts them into.
const RULE_OF: Record<string, number> = {
  'name.duplicate': 0,
  'ref.unresolved': 1,
  'change.template-coverage': 2,
  'change.required-field': 2,
  'policy.duplicate': 3,
  'environment.duplicate': 4,
  'environment.unknown': 4,
  'graph.cycle': 5,
  'ref.deprecated': 6,
  'api.unprovided': 7,
  'incident.unknown-severity': 8,
  'incident.cause-after-start': 8,
};
const LAST_RULE = 9;
/** Findings about one document, done again whenever the document is. */
const PER_DOCUMENT = new Set(['ref.unresolved', 'change.template-coverage', 'change.required-field', 'environment.unknown', 'ref.deprecated', 'api.unprovided', 'incident.unknown-severity', 'incident.cause-after-start']);

const before = (a: DocAt, b: DocAt) => a.file - b.file || a.index - b.index;

export function crossAgain(input: CrossAgainInput): CrossAgain {
  const { keys: table, changed } = input;
  const files = table.files;
  const skip = new Set(changed.keys());
  const keysNow = new Map<number, TableDoc[]>();
  for (const [i, f] of changed) keysNow.set(i, f.documents.map((d) => ({ index: d.index, kind: d.kind, ...table.keysOf(f.file, d) })));

  // Every key an edited document wrote, before or now: its value may have changed.
  const dirty = new Set<string>();
  const graphBefore: string[] = [];
  const graphNow: string[] = [];
  const namesBefore: string[] = [];
  const namesNow: string[] = [];
  for (const i of changed.keys()) {
    for (const [docs, graph, names] of [[table.docsOf(i), graphBefore, namesBefore], [keysNow.get(i)!, graphNow, namesNow]] as const) {
      for (const d of docs) {
        for (const k of d.writes) {
          if (isGraphKey(k)) graph.push(k);
          else dirty.add(k);
          if (isNameKey(k)) names.push(k);
        }
      }
    }
  }
  if (dirty.has(POLICY_KEY) || dirty.has(ZONE_KEY)) return { everything: 'policy' };
  if (graphBefore.join('\n') !== graphNow.join('\n')) return { everything: 'graph' };
  // A name added or removed changes the suggestions of every unresolved reference.
  const namesMoved = namesBefore.sort().join('\n') !== namesNow.sort().join('\n');

  const position = new Map<string, number>();
  const posOf = (file: string) => {
    if (!position.size) files.forEach((f, i) => position.set(f, i));
    return position.get(file) ?? -1;
  };
  // Files listed in path order (as discovery lists them) compare as their paths do, without a map of every path.
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) sorted = files[i - 1]! < files[i]!;
  const compareFiles = sorted ? (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) : (a: string, b: string) => posOf(a) - posOf(b);

  // The documents to check again, by file position.
  const again = new Map<number, Set<number>>();
  let count = 0;
  const mark = (file: number, doc: number) => {
    let s = again.get(file);
    if (!s) again.set(file, (s = new Set()));
    if (!s.has(doc)) (s.add(doc), count++);
  };
  for (const [i, docs] of keysNow) for (const d of docs) mark(i, d.index);
  const dirtyKeys = [...dirty];
  const scanned = table.scan(dirtyKeys, skip);
  for (const at of scanned.readers) mark(at.file, at.index);
  if (namesMoved) {
    for (const f of input.before.findings) {
      const i = posOf(f.file);
      if (f.code === 'ref.unresolved' && i >= 0 && !changed.has(i)) mark(i, f.document);
    }
  }
  if (count > input.maxDocuments) return { everything: 'many' };

  // Who writes each key an edit touched, now: the other files' writers and the edited files' own, in file order.
  const writersNow = scanned.writers;
  for (const [i, docs] of keysNow) {
    for (const d of docs) {
      for (const k of d.writes) {
        if (!dirty.has(k)) continue;
        let list = writersNow.get(k);
        if (!list) writersNow.set(k, (list = []));
        list.push({ file: i, index: d.index, kind: d.kind });
      }
    }
  }
  for (const list of writersNow.values()) list.sort(before);
  const firstOf = (key: string): DocAt | undefined => (dirty.has(key) ? writersNow.get(key)?.[0] : table.firstWriter(key));

  const recordOf = (file: number, index: number): DocRecord => {
    const now = changed.get(file);
    if (now) return now.documents.find((d) => d.index === index)!;
    return input.record(file, index);
  };
  const entries = new Map<string, { file: string; record: DocRecord }>();
  const entryAt = (key: string, at: DocAt) => {
    let e = entries.get(key);
    if (!e) {
      let record: DocRecord | undefined;
      e = {
        file: files[at.file]!,
        get record() {
          return (record ??= recordOf(at.file, at.index));
        },
      };
      entries.set(key, e);
    }
    return e;
  };
  // The name index over every record, as a run over everything builds it, asked one name at a time.
  const namespace = (ns: string) => ({
    has: (name: string) => firstOf(nameKey(ns, name)) !== undefined,
    get: (name: string) => {
      const key = nameKey(ns, name);
      const at = firstOf(key);
      return at && entryAt(key, at);
    },
    // Only an unresolved reference's suggestion lists them; the order does not change one.
    keys: () => {
      const names = new Set<string>();
      for (const { key } of table.written(nameKey(ns, ''))) if (firstOf(key)) names.add(splitNameKey(key).name);
      for (const k of dirty) if (k.startsWith(nameKey(ns, '')) && firstOf(k)) names.add(splitNameKey(k).name);
      return names.values();
    },
  });
  const index = { byNamespace: { get: namespace } } as unknown as RepositoryIndex;
  const policyAt = table.firstWriter(POLICY_KEY);
  const policy: PolicyEntry | undefined = policyAt && { file: files[policyAt.file]!, record: recordOf(policyAt.file, policyAt.index) as PolicyEntry['record'] };
  const provided = new Set<string>();
  for (const { key } of table.written('p\0')) if (firstOf(key)) provided.add(key.slice(2));
  for (const k of dirty) if (k.startsWith('p\0') && firstOf(k)) provided.add(k.slice(2));

  const subset: FileRecords[] = [...again.keys()]
    .sort((a, b) => a - b)
    .map((i) => {
      const now = changed.get(i);
      return { file: files[i]!, documents: now ? now.documents : [...again.get(i)!].sort((a, b) => a - b).map((d) => input.record(i, d)) };
    });
  const fresh: CrossFinding[] = [
    ...checkReferences(subset, index),
    ...checkTemplateCoverage(subset, index, recordEnvironments([], policy)),
    ...checkEnvironments(subset, { first: policy }),
    ...checkDeprecatedDependencies(subset, index),
    ...checkUnprovidedApis(subset, index, provided),
    ...checkIncidents(subset, index, policy),
  ];
  // Duplicate names, for every name an edit touched: each definer after the first.
  for (const [key, [first, ...more]] of writersNow) {
    if (!isNameKey(key)) continue;
    const { name } = splitNameKey(key);
    for (const d of more) fresh.push(duplicate({ file: files[d.file]!, index: d.index, kind: d.kind }, { file: files[first!.file]!, index: first!.index }, name));
  }

  // By path: the files checked again are few, every finding's file need not be looked up.
  // An edited file is done again whole, even one left with no document at all.
  const againByPath = new Map<string, ReadonlySet<number> | undefined>([...again].map(([i, docs]) => [files[i]!, docs]));
  for (const i of changed.keys()) againByPath.set(files[i]!, undefined);
  const checkedAgain = (file: string, document: number) => {
    if (!againByPath.has(file)) return false;
    const docs = againByPath.get(file);
    return docs === undefined || docs.has(document);
  };
  const dupDirty = (f: CrossFinding) => {
    const i = posOf(f.file);
    if (changed.has(i)) return true;
    const d = table.docsOf(i).find((x) => x.index === f.document);
    return d?.writes.some((k) => isNameKey(k) && dirty.has(k)) ?? true;
  };
  const kept = input.before.findings.filter((f) => {
    if (PER_DOCUMENT.has(f.code)) return !checkedAgain(f.file, f.document);
    if (f.code === 'name.duplicate') return !dupDirty(f);
    return true;
  });
  const order = (f: CrossFinding) => RULE_OF[f.code] ?? LAST_RULE;
  const findings = sortStable([...kept, ...fresh], (a, b) => order(a) - order(b) || compareFiles(a.file, b.file) || a.document - b.document);

  let deadlines = [...input.before.deadlines];
  if (input.deadlines) {
    // The calendars' zones are looked for (a pass over the table) only when an incident is checked again.
    const incidents = subset.some((f) => f.documents.some((d) => d.facts.kind === 'Incident'));
    const windowZones = !incidents
      ? []
      : (table.scan([ZONE_KEY], skip).writers.get(ZONE_KEY) ?? []).flatMap(({ file, index }) => {
          const facts = recordOf(file, index).facts;
          return facts.kind === 'ChangeCalendar' ? facts.timeZones : [];
        });
    const owed = incidentDeadlines(subset, { policy, windowZones });
    deadlines = sortStable([...deadlines.filter((d) => !checkedAgain(d.file, d.document)), ...owed], (a, b) => compareFiles(a.file, b.file) || a.document - b.document);
  }
  return { findings, deadlines, documents: count };
}

function duplicate(d: { file: string; index: number; kind: string }, first: { file: string; index: number }, name: string): CrossFinding {
  return {
    file: d.file,
    document: d.index,
    pointer: '/metadata/name',
    target: 'value',
    severity: 'error',
    code: 'name.duplicate',
    message: `${d.kind} "${name}" is already defined in ${first.file}${first.index ? ` (document ${first.index + 1})` : ''}`,
  };
}

function sortStable<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  return list
    .map((item, i) => ({ item, i }))
    .sort((a, b) => compare(a.item, b.item) || a.i - b.i)
    .map((x) => x.item);
}
