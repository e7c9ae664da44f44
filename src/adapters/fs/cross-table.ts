import type { DocAt, KeyIndex, TableDoc } from '../../core/incremental-cross.js';
import { hash } from 'node:crypto';
import { recordKeys, type DocKeys } from '../../core/checks/cross-keys.js';
import type { DocRecord } from '../../core/facts.js';
import type { FileAnalysis } from '../../core/analyze.js';

/**
 * The validation cache's table of what each document gives the cross-document rules and what
 * their check of it reads (cross-keys.ts), for every file of the index in its order: what lets
 * an edit that changes records check again only the documents it can reach, without reading a
 * shard. Binary, since a run after such an edit reads it whole:
 *
 *   header: "OLCT", then u32 files, the byte length of the keys' JSON, the number of integers,
 *           the byte length of the pinned records' JSON
 *   ints:   i32 per file: documents, then per document: index, kind (a key), writes count,
 *           writes..., reads count, reads...
 *   keys:   a JSON array of strings, the integers' meaning, sorted
 *   pinned: a JSON array of [file position, document index, record]: the Policy in force and the
 *           calendars, which nearly every check reads (an edit of one checks everything again, so
 *           a patched table keeps them as they are)
 */
const MAGIC = 0x54434c4f; // "OLCT" little-endian
const HEADER = 20;

export interface CrossTable extends Omit<KeyIndex, 'files' | 'keysOf'> {
  count: number;
  /** The record of a pinned document (the Policy in force, a calendar), if this is one. */
  pinned(file: number, index: number): DocRecord | undefined;
  /** The table with the files at these positions as they are now. */
  patch(now: ReadonlyMap<number, readonly TableDoc[]>): Buffer;
}

class Encoder {
  readonly keys: string[] = [];
  readonly ids = new Map<string, number>();
  readonly ints: number[] = [];
  id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }
  file(docs: readonly TableDoc[]): void {
    const ints = this.ints;
    ints.push(docs.length);
    for (const d of docs) {
      ints.push(d.index, this.id(d.kind), d.writes.length);
      for (const k of d.writes) ints.push(this.id(k));
      ints.push(d.reads.length);
      for (const k of d.reads) ints.push(this.id(k));
    }
  }
  bytes(count: number, pinned: Buffer): Buffer {
    return sortedTable(count, Int32Array.from(this.ints), this.keys, pinned);
  }
}

// A graph key lists every dependency edge of a document: the table keeps a digest of it.
const shorten = (key: string) => hash('sha1', key, 'base64');

export function keysOf(file: string, record: DocRecord): DocKeys {
  return recordKeys(file, record, shorten);
}

export function tableDocs(a: Pick<FileAnalysis, 'file' | 'documents'>): TableDoc[] {
  return a.documents.map((d) => ({ index: d.index, kind: d.kind, ...keysOf(a.file, d) }));
}

export function encodeTable(analyses: readonly Pick<FileAnalysis, 'file' | 'documents'>[]): Buffer {
  const e = new Encoder();
  const pinned: [number, number, DocRecord][] = [];
  let policy = false;
  analyses.forEach((a, i) => {
    const docs = tableDocs(a);
    e.file(docs);
    a.documents.forEach((d) => {
      if ((d.facts.kind === 'Policy' && !policy) || d.facts.kind === 'ChangeCalendar') pinned.push([i, d.index, d]);
      if (d.facts.kind === 'Policy') policy = true;
    });
  });
  return e.bytes(analyses.length, Buffer.from(JSON.stringify(pinned), 'utf8'));
}

/** Throws on bytes that are not a table. */
export function decodeTable(bytes: Buffer): CrossTable {
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC) throw new Error('not a cross table');
  const count = bytes.readUInt32LE(4);
  const keyBytes = bytes.readUInt32LE(8);
  const n = bytes.readUInt32LE(12);
  const pinnedBytes = bytes.readUInt32LE(16);
  if (HEADER + n * 4 + keyBytes + pinnedBytes !== bytes.length) throw new Error('a cross table that does not add up');
  const ints = new Int32Array(n);
  Buffer.from(ints.buffer).set(bytes.subarray(HEADER, HEADER + n * 4));
  const keysAt = HEADER + n * 4;
  const keys = JSON.parse(bytes.toString('utf8', keysAt, keysAt + keyBytes)) as string[];
  const pinnedText = bytes.subarray(keysAt + keyBytes);
  let pins: Map<string, DocRecord> | undefined;
  const pinned = (file: number, index: number) => {
    if (!pins) {
      const list = JSON.parse(pinnedText.toString('utf8')) as [number, number, DocRecord][];
      if (!Array.isArray(list)) throw new Error('a cross table that does not add up');
      pins = new Map(list.map(([f, i, r]) => [`${f}:${i}`, r]));
    }
    return pins.get(`${file}:${index}`);
  };
  if (!Array.isArray(keys)) throw new Error('a cross table that does not add up');
  // Sorted and distinct, or a binary search would miss keys that are there.
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) throw new Error('a cross table that does not add up');
  const starts = new Int32Array(count + 1);
  let o = 0;
  for (let i = 0; i < count; i++) {
    starts[i] = o;
    const docs = ints[o++]!;
    // Every count within the table and every key a number the keys have: the passes below trust both.
    const id = (at: number) => {
      const k = ints[at]!;
      if (!(at < n && k >= 0 && k < keys.length)) throw new Error('a cross table that does not add up');
    };
    for (let d = 0; d < docs && o < n; d++) {
      id(o + 1);
      o += 2;
      for (let half = 0; half < 2; half++) {
        const c = ints[o]!;
        if (!(c >= 0 && o + c < n)) throw new Error('a cross table that does not add up');
        for (let q = o + 1; q <= o + c; q++) id(q);
        o += c + 1;
      }
    }
    if (!(docs >= 0) || o > n) throw new Error('a cross table that does not add up');
  }
  if (o !== n) throw new Error('a cross table that does not add up');
  starts[count] = o;
  const key = (id: number) => {
    const k = keys[id];
    if (typeof k !== 'string') throw new Error('a cross table that does not add up');
    return k;
  };
  const decoded: (TableDoc[] | undefined)[] = new Array(count);
  // The keys are sorted (sortedTable): a key's number is where a binary search finds it.
  const idOf = (k: string): number | undefined => {
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = keys[mid]!;
      if (at === k) return mid;
      if (at < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
  // The first writer of every key (file position and document index, -1: none), found by the first pass over the documents.
  let first: Int32Array | undefined;
  const flags = (list: readonly string[]) => {
    const on = new Uint8Array(keys.length);
    for (const k of list) {
      const id = idOf(k);
      if (id !== undefined) on[id] = 1;
    }
    return on;
  };
  const firsts = () => first ?? (pass([], new Set()), first!);
  /**
   * One pass over every document: the first writer of every key (on the first pass), and, outside
   * `skip`, the documents that read or write one of `list`.
   */
  function pass(list: readonly string[], skip: ReadonlySet<number>) {
    const readers: DocAt[] = [];
    const writers = new Map<string, (DocAt & { kind: string })[]>();
    const fill = first ? undefined : (first = new Int32Array(keys.length * 2).fill(-1));
    if (!list.length && !fill) return { readers, writers };
    const on = flags(list);
    let p = 0;
    for (let i = 0; i < count; i++) {
      const m = ints[p++]!;
      const skipped = skip.has(i);
      for (let d = 0; d < m; d++) {
        const index = ints[p]!;
        const kind = ints[p + 1]!;
        const w = p + 2;
        const r = w + ints[w]! + 1;
        const end = r + ints[r]! + 1;
        for (let q = w + 1; q < r; q++) {
          const k = ints[q]!;
          if (fill && fill[k * 2]! < 0) ((fill[k * 2] = i), (fill[k * 2 + 1] = index));
          if (!on[k] || skipped) continue;
          const name = key(k);
          let l = writers.get(name);
          if (!l) writers.set(name, (l = []));
          l.push({ file: i, index, kind: key(kind) });
        }
        if (!skipped) {
          for (let q = r + 1; q < end; q++) {
            if (on[ints[q]!]) {
              readers.push({ file: i, index });
              break;
            }
          }
        }
        p = end;
      }
    }
    return { readers, writers };
  }
  return {
    count,
    pinned,
    docsOf: (i) => {
      let docs = decoded[i];
      if (docs) return docs;
      docs = [];
      let p = starts[i]!;
      const m = ints[p++]!;
      for (let d = 0; d < m; d++) {
        const index = ints[p++]!;
        const kind = key(ints[p++]!);
        const writes: string[] = [];
        for (let w = ints[p++]!; w > 0; w--) writes.push(key(ints[p++]!));
        const reads: string[] = [];
        for (let r = ints[p++]!; r > 0; r--) reads.push(key(ints[p++]!));
        docs.push({ index, kind, writes, reads });
      }
      return (decoded[i] = docs);
    },
    scan: (list, skip) => pass(list, skip),
    firstWriter: (k) => {
      const id = idOf(k);
      const first = firsts();
      return id === undefined || first[id * 2]! < 0 ? undefined : { file: first[id * 2]!, index: first[id * 2 + 1]! };
    },
    written: (prefix) => {
      const first = firsts();
      const out: { key: string; at: DocAt }[] = [];
      keys.forEach((k, id) => {
        if (first[id * 2]! >= 0 && k.startsWith(prefix)) out.push({ key: k, at: { file: first[id * 2]!, index: first[id * 2 + 1]! } });
      });
      return out;
    },
    patch: (now) => {
      // The other files' integers copied as they are; a key the edited files bring is appended, and the whole sorted again.
      const added = new Map<string, number>();
      const idNow = (k: string) => {
        let id = idOf(k) ?? added.get(k);
        if (id === undefined) added.set(k, (id = keys.length + added.size));
        return id;
      };
      const parts: Int32Array[] = [];
      let from = 0;
      for (const i of [...now.keys()].sort((a, b) => a - b)) {
        parts.push(ints.subarray(starts[from]!, starts[i]!));
        const docs = now.get(i)!;
        const mine: number[] = [docs.length];
        for (const d of docs) {
          mine.push(d.index, idNow(d.kind), d.writes.length, ...d.writes.map(idNow), d.reads.length, ...d.reads.map(idNow));
        }
        parts.push(Int32Array.from(mine));
        from = i + 1;
      }
      parts.push(ints.subarray(starts[from]!, starts[count]!));
      const total = parts.reduce((n, a) => n + a.length, 0);
      const all = new Int32Array(total);
      let o = 0;
      for (const a of parts) (all.set(a, o), (o += a.length));
      if (added.size) return sortedTable(count, all, [...keys, ...added.keys()], pinnedText);
      return withHeader(count, all, bytes.subarray(keysAt, keysAt + keyBytes), pinnedText);
    },
  };
}

/**
 * The table with its keys in sorted order (the integers renumbered to match): a run finds a
 * key's number by a binary search, without hashing every key of the table into a map.
 */
function sortedTable(count: number, ints: Int32Array, keys: readonly string[], pinned: Buffer): Buffer {
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const renumber = new Int32Array(keys.length);
  order.forEach((old, now) => (renumber[old] = now));
  let p = 0;
  for (let i = 0; i < count; i++) {
    const m = ints[p++]!;
    for (let d = 0; d < m; d++) {
      ints[p + 1] = renumber[ints[p + 1]!]!;
      p += 2;
      for (let w = ints[p++]!; w > 0; w--, p++) ints[p] = renumber[ints[p]!]!;
      for (let r = ints[p++]!; r > 0; r--, p++) ints[p] = renumber[ints[p]!]!;
    }
  }
  return withHeader(count, ints, Buffer.from(JSON.stringify(order.map((i) => keys[i])), 'utf8'), pinned);
}

function withHeader(count: number, ints: Int32Array, keys: Buffer, pinned: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(pinned.length, 16);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(count, 4);
  header.writeUInt32LE(keys.length, 8);
  header.writeUInt32LE(ints.length, 12);
  return Buffer.concat([header, Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength), keys, pinned]);
}
