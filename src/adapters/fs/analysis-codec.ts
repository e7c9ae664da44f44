import { hash } from 'node:crypto';
import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { REF_KINDS, type DocRecord, type Facts, type RefUse } from '../../core/facts.js';
import type { DiskAnalysis } from './analyze-disk.js';

/**
 * The text form of analyses that cross threads and fill the cache's shards. Records go as
 * positional arrays, not keyed objects: a large organisation's analyses are tens of megabytes
 * as plain JSON, mostly key names, and the main thread parses them while the other cores wait.
 *
 *   analysis: [file, size, mtimeMs, ctimeMs, ino, diagnostics | 0, blob id | 0, ...documents]   (size -1: no stat)
 *   document: [index, apiVersion, kind, name, namespace | 0, refs, facts | 0]
 *   refs:     flat [pointer, code, name, ...], code = kind * 4 + (typed ? 2 : 0) + (dependency ? 1 : 0)
 */
const REF_CODE = new Map(REF_KINDS.map((k, i) => [k, i]));

type Wire = unknown[];

function encodeDocument(d: DocRecord): Wire {
  const refs: unknown[] = [];
  for (const r of d.refs) refs.push(r.pointer, REF_CODE.get(r.kind)! * 4 + (r.typed ? 2 : 0) + (r.dependency ? 1 : 0), r.name);
  return [d.index, d.apiVersion, d.kind, d.name, d.namespace === d.kind ? 0 : d.namespace, refs, d.facts.kind === 'other' ? 0 : d.facts];
}

function decodeDocument(w: Wire): DocRecord {
  const [index, apiVersion, kind, name, namespace, flat, facts] = w as [number, string, string, string, string | 0, unknown[], Facts | 0];
  const refs: RefUse[] = [];
  for (let i = 0; i < flat.length; i += 3) {
    const code = flat[i + 1] as number;
    const ref: RefUse = { pointer: flat[i] as string, kind: REF_KINDS[code >> 2]!, name: flat[i + 2] as string };
    if (code & 2) ref.typed = true;
    if (code & 1) ref.dependency = true;
    refs.push(ref);
  }
  return { index, apiVersion, kind, name, namespace: namespace === 0 ? kind : namespace, refs, facts: facts === 0 ? { kind: 'other' } : facts };
}

export function encodeAnalyses(list: readonly DiskAnalysis[]): string {
  return encodeAnalysesWithDigests(list).text;
}

/**
 * encodeAnalyses, and each analysis's recordsDigest from the same text: a thread that encodes
 * its analyses anyway (for the main thread, for its cache shard) hands over the digests too, so
 * the main thread does not encode every file's records again to hash them when it writes the
 * cache index.
 */
export function encodeAnalysesWithDigests(list: readonly DiskAnalysis[]): { text: string; digests: string[] } {
  const lines: string[] = [];
  const digests: string[] = [];
  for (const d of list) encodeInto(d, lines, digests);
  return { text: joinEncoded(lines), digests };
}

/**
 * Appends one analysis's entry (a line of encodeAnalyses's text) to `lines` and its
 * recordsDigest to `digests`. A thread that holds its analyses only to send them encodes each
 * as it is made: a string per file then waits for the batch, where the records' objects would
 * be copied by every young-generation collection until it is sent.
 */
export function encodeInto({ analysis: a, stat, oid }: DiskAnalysis, lines: string[], digests: string[]): void {
  const head = JSON.stringify([a.file, stat ? stat.size : -1, stat ? stat.mtimeMs : 0, stat ? stat.ctimeMs : 0, stat ? stat.ino : 0, a.diagnostics.length ? a.diagnostics : 0, oid ?? 0]);
  // One text per file, `[document, ...]`: what recordsDigest hashes, and the tail of the entry.
  const documents = JSON.stringify(a.documents.map(encodeDocument));
  digests.push(digestOf(documents));
  lines.push(a.documents.length ? `${head.slice(0, -1)},${documents.slice(1)}` : head);
}

/** The text of the entries encodeInto made, in their order. */
export function joinEncoded(lines: readonly string[]): string {
  // One entry a line (JSON escapes every line break inside a string): the cache finds one
  // file's entry in a shard without parsing the rest (ValidationCache.analysisAt).
  return lines.length ? `[\n${lines.join(',\n')}\n]` : '[]';
}

/**
 * A digest of everything the cross-document rules read of one file: its records (names,
 * references, facts), in the wire's canonical order. Two analyses with the same digest give
 * every cross-document rule the same input, whatever else (comments, prose, positions) differs.
 */
export function recordsDigest(a: Pick<FileAnalysis, 'documents'>): string {
  return digestOf(JSON.stringify(a.documents.map(encodeDocument)));
}

// One call per file: hash() is a third of createHash's time on texts this short.
const digestOf = (json: string) => hash('sha1', json, 'base64').slice(0, 22);

/** Throws on text that is not JSON; a shape it does not expect is the caller's to catch too. */
export function decodeAnalyses(text: string): DiskAnalysis[] {
  const list = JSON.parse(text) as Wire[];
  return list.map((w) => {
    const documents: DocRecord[] = [];
    for (let i = 7; i < w.length; i++) documents.push(decodeDocument(w[i] as Wire));
    const analysis: FileAnalysis = { file: w[0] as string, documents, diagnostics: w[5] === 0 ? [] : (w[5] as Diagnostic[]) };
    const size = w[1] as number;
    const out: DiskAnalysis = size < 0 ? { analysis } : { analysis, stat: { size, mtimeMs: w[2] as number, ctimeMs: w[3] as number, ino: w[4] as number } };
    if (typeof w[6] === 'string') out.oid = w[6];
    return out;
  });
}

/**
 * One file's analysis with its documents' values, as the value cache keeps it (one JSON text
 * per file: `[analysis wire, values, indices of undefined values]`). Values go as JSON, which
 * the main thread reads back far faster than any YAML; a value JSON cannot carry exactly (NaN,
 * an infinity, -0, anything but plain data) makes the file uncacheable rather than altered:
 * undefined is returned and the file is simply parsed again next time.
 */
export function encodeValueEntry(a: FileAnalysis): string | undefined {
  const values = a.values ?? [];
  const holes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] === undefined) holes.push(i);
    else if (!plainJson(values[i], 0)) return undefined;
  }
  const w: Wire = [a.file, -1, 0, 0, 0, a.diagnostics.length ? a.diagnostics : 0, 0];
  for (const d of a.documents) w.push(encodeDocument(d));
  return JSON.stringify([w, values.map((v) => (v === undefined ? null : v)), holes]);
}

/** Throws on text that is not JSON or not an entry for `file`: the caller treats it as absent. */
export function decodeValueEntry(text: string, file: string): FileAnalysis {
  const [w, values, holes] = JSON.parse(text) as [Wire, unknown[], number[]];
  if (!Array.isArray(w) || w[0] !== file || !Array.isArray(values) || !Array.isArray(holes)) throw new Error('not a value entry for this file');
  const documents: DocRecord[] = [];
  for (let i = 7; i < w.length; i++) documents.push(decodeDocument(w[i] as Wire));
  for (const i of holes) values[i] = undefined;
  return { file, documents, diagnostics: w[5] === 0 ? [] : (w[5] as Diagnostic[]), values };
}

function plainJson(v: unknown, depth: number): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || depth > 256) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !plainJson(v[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) if (!plainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}
