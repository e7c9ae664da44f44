/**
 * `JSON.stringify(value, null, 2)` in pieces: the same bytes, handed out a chunk at a time, so
 * an output larger than the longest string V8 can hold (about 512 MiB; risk reports of every
 * open change in a large organisation pass it) is written without ever being one string.
 * The rules followed are the standard's (toJSON, boxed primitives, undefined members left out
 * of objects and written as null in arrays, non-finite numbers as null), so callers need not
 * care which of the two produced their output.
 */

const GAP = '  ';
/** Big enough that writes are few, small enough that a chunk never costs much memory. */
export const CHUNK_CHARS = 1 << 16;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The value as JSON.stringify sees it after toJSON and unboxing; undefined when it is left out. */
function prepared(key: string | number, value: unknown): Json | undefined {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || value === null) return value as Json;
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = (toJSON as (k: string) => unknown).call(value, String(key));
  }
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  if (typeof value === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return value as Json;
}

function scalar(v: string | number | boolean | null): string {
  return typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'null') : JSON.stringify(v);
}

/** Chunks of at least `chunkChars` characters (the last one may be shorter) that join into JSON.stringify(value, null, 2). */
export function* jsonChunks(value: unknown, chunkChars = CHUNK_CHARS): Generator<string, void, undefined> {
  const top = prepared('', value);
  // JSON.stringify gives undefined here; there is nothing to write.
  if (top === undefined) return;
  const out = serializer(chunkChars);
  yield* out.write(top, '');
  yield* out.rest();
}

/**
 * JSON.stringify([...items], null, 2) in chunks, taking each item only when the writer reaches
 * it: items made on demand (a generator) are never all held at once.
 */
export function* jsonArrayChunks(items: Iterable<unknown>, chunkChars = CHUNK_CHARS): Generator<string, void, undefined> {
  const out = serializer(chunkChars);
  yield* out.items(items, '');
  yield* out.rest();
}

/** Arrays of scalars up to this long are written by JSON.stringify in one call. */
const NATIVE_UP_TO = 1 << 17;

/**
 * An array of strings, finite or non-finite numbers, booleans and nulls: JSON.stringify
 * writes it exactly as the serializer would, so a path of thousands of ids is one native call
 * instead of a step per id.
 */
function scalarArray(v: Json[]): boolean {
  if (v.length > NATIVE_UP_TO) return false;
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    const type = typeof item;
    if (item !== null && type !== 'string' && type !== 'number' && type !== 'boolean') return false;
  }
  return true;
}

function serializer(chunkChars: number) {
  let buffer = '';
  const seen = new Set<object>();

  function* items(list: Iterable<unknown>, indent: string): Generator<string, void, undefined> {
    const inner = indent + GAP;
    let i = 0;
    for (const raw of list) {
      buffer += i ? ',\n' + inner : '[\n' + inner;
      const item = prepared(i++, raw);
      if (item === undefined) buffer += 'null';
      // Scalars inline: a generator per path id would cost more than the id itself.
      else if (item === null || typeof item !== 'object') buffer += scalar(item);
      else yield* write(item, inner);
      if (buffer.length >= chunkChars) {
        yield buffer;
        buffer = '';
      }
    }
    buffer += i ? '\n' + indent + ']' : '[]';
  }

  function* write(v: Json, indent: string): Generator<string, void, undefined> {
    if (v === null || typeof v !== 'object') {
      buffer += scalar(v);
      return;
    }
    if (Array.isArray(v) && scalarArray(v)) {
      // Strings in JSON hold no raw line break, so every one in the text is a line to indent.
      const text = JSON.stringify(v, null, GAP);
      buffer += indent ? text.replaceAll('\n', '\n' + indent) : text;
      return;
    }
    if (seen.has(v)) throw new TypeError('Converting circular structure to JSON');
    seen.add(v);
    if (Array.isArray(v)) yield* items(v, indent);
    else {
      const inner = indent + GAP;
      let first = true;
      for (const key of Object.keys(v)) {
        const member = prepared(key, v[key]);
        if (member === undefined) continue;
        buffer += (first ? '{\n' : ',\n') + inner + JSON.stringify(key) + ': ';
        first = false;
        if (member === null || typeof member !== 'object') buffer += scalar(member);
        else yield* write(member, inner);
        if (buffer.length >= chunkChars) {
          yield buffer;
          buffer = '';
        }
      }
      buffer += first ? '{}' : '\n' + indent + '}';
    }
    seen.delete(v);
  }

  function* rest(): Generator<string, void, undefined> {
    if (buffer) yield buffer;
    buffer = '';
  }

  return { write, items, rest };
}
