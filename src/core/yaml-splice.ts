import { isMap, isScalar, isSeq, parseAllDocuments, stringify, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { nodeBudgetProblem } from './parse/node-budget.js';
import { plainValue, type AliasBudget } from './parse/plain-value.js';
import { isObj, type Obj } from './shape.js';

/**
 * Sets values inside one document of a YAML file by splicing text, so that everything the edit
 * does not touch stays byte for byte as it was: comments, blank lines, quoting, flow mappings,
 * folded descriptions. The `yaml` Document API finds the nodes and their source ranges; only the
 * smallest node that has to change is rewritten.
 *
 * Why not `doc.toString()`: it re-folds `>-` block scalars, pads flow mappings (`{ a: 1 }`) and
 * re-indents sequences, so recording one timestamp would rewrite half of a hand-written change
 * file and bury the real edit in the pull-request diff.
 */

export interface SpliceEdit {
  path: readonly string[];
  value: unknown;
}

/** Where new keys go: for a mapping at a path (keys joined by '/'), the preferred key order. */
export type KeyOrder = Readonly<Record<string, readonly string[]>>;

export class SpliceError extends Error {
  override name = 'SpliceError';
}

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([Tt ].*)?$/;

/** A scalar as opsledger writes it: dates and times always double-quoted, as in the example files. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string' && ISO_LIKE.test(value)) return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function flowSeqText(items: readonly unknown[]): string {
  return `[${items.map(scalarText).join(', ')}]`;
}

/** `key: value` lines at `indent`, in block style (lists of scalars stay on one line). */
function pairLines(key: string, value: unknown, indent: string, eol: string, step: string): string {
  if (isObj(value)) {
    const inner = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => pairLines(k, v, indent + step, eol, step));
    return `${indent}${scalarText(key)}:${inner.map((l) => eol + l).join('')}`;
  }
  if (Array.isArray(value)) return `${indent}${scalarText(key)}: ${flowSeqText(value)}`;
  return `${indent}${scalarText(key)}: ${scalarText(value)}`;
}

function setPlain(target: Obj, path: readonly string[], value: unknown): Obj {
  const [head, ...rest] = path;
  if (head === undefined) return target;
  const out: Obj = { ...target };
  out[head] = rest.length === 0 ? value : setPlain(isObj(target[head]) ? (target[head] as Obj) : {}, rest, value);
  return out;
}

function nested(path: readonly string[], value: unknown): unknown {
  return path.length === 0 ? value : setPlain({}, path, value);
}

interface Text {
  src: string;
  eol: string;
  step: string;
}

function splice(t: Text, start: number, end: number, insert: string): string {
  return t.src.slice(0, start) + insert + t.src.slice(end);
}

function columnOf(src: string, offset: number): number {
  return offset - (src.lastIndexOf('\n', offset - 1) + 1);
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** Block nodes' ranges end after their last line break; a replacement keeps that break. */
function withoutTrailingBreak(src: string, range: [number, number]): [number, number] {
  let end = range[1];
  while (end > range[0] && (src[end - 1] === '\n' || src[end - 1] === '\r')) end--;
  return [range[0], end];
}

/** The offset just before the line break that ends the line holding `offset`. */
function endOfLine(src: string, offset: number): number {
  let p = offset;
  while (p < src.length && src[p] !== '\n') p++;
  return p > offset && src[p - 1] === '\r' ? p - 1 : p;
}

function blockIndent(t: Text, map: YAMLMap): string {
  const first = rangeOf(map.items[0]?.key);
  return ' '.repeat(first ? columnOf(t.src, first[0]) : 0);
}

/** Adds `key: value` to a block mapping, after the existing key that precedes it in `order`. */
function insertPair(t: Text, map: YAMLMap, key: string, value: unknown, order: readonly string[] | undefined): string {
  const indent = blockIndent(t, map);
  const rank = (k: string | undefined) => (order && k !== undefined ? order.indexOf(k) : -1);
  const mine = order ? order.indexOf(key) : -1;
  const pairs = map.items as Pair[];
  let after: Pair | undefined;
  if (mine < 0) after = pairs[pairs.length - 1];
  else {
    for (const p of pairs) {
      const r = rank(keyOf(p));
      if (r >= 0 && r < mine && (!after || r >= rank(keyOf(after)))) after = p;
    }
  }
  const lines = pairLines(key, value, indent, t.eol, t.step);
  if (!after) {
    // The new key comes first: it takes the first key's place and indentation.
    const first = rangeOf(pairs[0]?.key);
    if (!first) throw new SpliceError(`cannot place ${key}: the mapping has no keys`);
    return splice(t, first[0], first[0], lines.slice(indent.length) + t.eol + indent);
  }
  const end = rangeOf(after.value)?.[1] ?? rangeOf(after.key)?.[1];
  if (end === undefined) throw new SpliceError(`cannot place ${key}: no source position`);
  // A block scalar's range ends after its final line break: insert a whole line there.
  if (t.src[end - 1] === '\n') return splice(t, end, end, lines + t.eol);
  const eolAt = endOfLine(t.src, end);
  return splice(t, eolAt, eolAt, t.eol + lines);
}

/** Replaces a pair's value: scalars in place, anything else rewritten as block lines. */
function replaceValue(t: Text, pair: Pair, value: unknown, parentIndent: string): string {
  const current = pair.value as YamlNode | null;
  const raw = rangeOf(current);
  const range = raw && withoutTrailingBreak(t.src, raw);
  if (!isObj(value)) {
    const text = Array.isArray(value) ? flowSeqText(value) : scalarText(value);
    if (range && (isScalar(current) || (isSeq(current) && current.flow) || (isMap(current) && current.flow))) {
      return splice(t, range[0], range[1], text);
    }
    if (range && isSeq(current)) {
      // A block list: rewrite it as block items at the indentation of its first item.
      const indent = ' '.repeat(columnOf(t.src, range[0]));
      const items = (value as unknown[]).map((v, i) => `${i === 0 ? '' : indent}- ${scalarText(v)}`).join(t.eol);
      return splice(t, range[0], range[1], items);
    }
  }
  // A mapping value (or an empty one): the lines after `key:` are replaced by block lines.
  const keyEnd = rangeOf(pair.key)?.[1];
  if (keyEnd === undefined) throw new SpliceError('cannot edit a pair without a source position');
  const colon = t.src.indexOf(':', keyEnd);
  const end = range && range[1] > colon ? range[1] : colon + 1;
  const lines = isObj(value)
    ? Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => t.eol + pairLines(k, v, parentIndent + t.step, t.eol, t.step))
        .join('')
    : ` ${scalarText(value)}`;
  return splice(t, colon + 1, end, lines);
}

function applyOne(t: Text, docIndex: number, edit: SpliceEdit, order: KeyOrder): string {
  const docs = parseAllDocuments(t.src);
  const doc = Array.isArray(docs) ? docs[docIndex] : undefined;
  if (!doc || doc.errors.length) throw new SpliceError(`document ${docIndex + 1} cannot be read as YAML`);
  const root = doc.contents;
  if (!isMap(root) || root.flow) throw new SpliceError('the document is not a block mapping');
  let map: YAMLMap = root;
  let indent = blockIndent(t, map);
  for (let i = 0; i < edit.path.length; i++) {
    const key = edit.path[i]!;
    const pair = (map.items as Pair[]).find((p) => keyOf(p) === key);
    const rest = edit.path.slice(i + 1);
    if (!pair) return insertPair(t, map, key, nested(rest, edit.value), order[edit.path.slice(0, i).join('/')]);
    if (rest.length === 0) return replaceValue(t, pair, edit.value, indent);
    const child = pair.value as YamlNode | null;
    if (isMap(child) && !child.flow) {
      map = child;
      indent = blockIndent(t, child);
      continue;
    }
    // A flow mapping or an empty value on the way: merge and rewrite it in block style.
    const plain: unknown = child && typeof (child as { toJSON?: unknown }).toJSON === 'function' ? (child as { toJSON(): unknown }).toJSON() : undefined;
    return replaceValue(t, pair, setPlain(isObj(plain) ? plain : {}, rest, edit.value), indent);
  }
  throw new SpliceError('an edit needs a non-empty path');
}

/**
 * The documents' values, read under the same budgets as the organisation's reader: the text
 * after an edit has not been checked by anyone yet, and `toJS` resolves aliases quadratically.
 */
function plainDocuments(src: string): unknown[] {
  const over = nodeBudgetProblem(src);
  if (over) throw new SpliceError(`${over.code}: ${over.message}`);
  const budget: AliasBudget = { used: 0 };
  return parseAllDocuments(src).map((d) => {
    const built = plainValue(d, budget);
    if ('problem' in built) throw new SpliceError(`${built.problem.code}: ${built.problem.message}`);
    return built.value;
  });
}

/** JSON with mapping keys sorted: inserting a key in the middle of a mapping is no change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (isObj(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/**
 * Applies the edits to document `docIndex` and returns the new text. Throws SpliceError when the
 * file cannot be edited safely; the result is checked to mean exactly the old documents with
 * the edits applied, so a splice can never silently change anything else.
 */
export function spliceYaml(src: string, docIndex: number, edits: readonly SpliceEdit[], order: KeyOrder = {}): string {
  const before = plainDocuments(src);
  const target = before[docIndex];
  if (!isObj(target)) throw new SpliceError(`document ${docIndex + 1} is not a mapping`);
  const eol = src.includes('\r\n') ? '\r\n' : '\n';
  let text = src;
  let expected: Obj = target;
  for (const edit of edits) {
    text = applyOne({ src: text, eol, step: '  ' }, docIndex, edit, order);
    expected = setPlain(expected, edit.path, edit.value);
  }
  const after = plainDocuments(text);
  const wanted = before.map((d, i) => (i === docIndex ? expected : d));
  if (canonical(after) !== canonical(wanted)) throw new SpliceError('the edit would change more than the fields being set');
  return text;
}
