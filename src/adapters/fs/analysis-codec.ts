import type { FileAnalysis } from '../../core/analyze.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { REF_KINDS, type DocRecord, type Facts, type RefUse } from '../../core/facts.js';
import type { DiskAnalysis } from './analyze-disk.js';

/**
 * The text form of analyses that cross threads and fill the cache's shards. Records go as
 * positional arrays, not keyed objects: a large organisation's analyses are tens of megabytes
 * as plain JSON, mostly key names, and the main thread parses them while the other cores wait.
 *
 *   analysis: [file, size, mtimeMs, ctimeMs, ino, diagnostics | 0, ...documents]   (size -1: no stat)
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
  return JSON.stringify(
    list.map(({ analysis: a, stat }) => {
      const w: Wire = [a.file, stat ? stat.size : -1, stat ? stat.mtimeMs : 0, stat ? stat.ctimeMs : 0, stat ? stat.ino : 0, a.diagnostics.length ? a.diagnostics : 0];
      for (const d of a.documents) w.push(encodeDocument(d));
      return w;
    }),
  );
}

/** Throws on text that is not JSON; a shape it does not expect is the caller's to catch too. */
export function decodeAnalyses(text: string): DiskAnalysis[] {
  const list = JSON.parse(text) as Wire[];
  return list.map((w) => {
    const documents: DocRecord[] = [];
    for (let i = 6; i < w.length; i++) documents.push(decodeDocument(w[i] as Wire));
    const analysis: FileAnalysis = { file: w[0] as string, documents, diagnostics: w[5] === 0 ? [] : (w[5] as Diagnostic[]) };
    const size = w[1] as number;
    return size < 0 ? { analysis } : { analysis, stat: { size, mtimeMs: w[2] as number, ctimeMs: w[3] as number, ino: w[4] as number } };
  });
}
