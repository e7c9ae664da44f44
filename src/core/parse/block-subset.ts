import { resolveCorePlain } from './core-scalar.js';

/**
 * A reader for the YAML that catalogue files are actually written in: block mappings and
 * sequences, plain, quoted and block (`|`, `>`) scalars, one-line flow collections, comments
 * and `---` separators. It returns exactly the values the precise parser (the `yaml` package,
 * YAML 1.2 core) gives, or `undefined` for anything outside that subset or anything it is
 * not sure of (directives, anchors, tags, tabs, multi-line plain and quoted scalars, explicit
 * keys, duplicate keys, errors, ...), and the caller hands those files to the precise parser.
 * It never reports an error of its own.
 *
 * Why: parsing is most of a cold validate, and a line-oriented reader that only ever agrees
 * or steps aside does this subset several times faster than a general parser. Scalars are
 * resolved by the precise parser's own core tags, so `0x1F`, `.inf` or `~` mean what they
 * mean there. test/core/parse-differential.test.ts holds the two to the same values and the
 * same diagnostics on generated and mutated documents.
 */

class Unsupported {}
const UNSUPPORTED = new Unsupported();
function bail(): never {
  throw UNSUPPORTED;
}

// Characters YAML refuses outright (non-printable), plus what this reader does not interpret:
// tabs, carriage returns, NEL and U+2028/9 (line breaks in YAML 1.1, content in 1.2),
// byte-order marks and surrogates.
const AWKWARD = /[\x00-\x09\x0B-\x1F\x7F-\x9F\u2028\u2029\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;

/**
 * Deeper nesting than any catalogue needs goes to the authoritative parser, which reports it.
 * Block nodes count one each (a mapping that starts on a sequence entry's line, `- k: v`, adds
 * a level of its own) and flow collections one each, so what this reader accepts nests at
 * most 3 * MAX_DEPTH + 1 deep (FAST_MAX_NESTING): far under the depth the node budget
 * refuses, which is why a text too short to exceed the budget's node count need not be
 * scanned for depth before this reader (fast.ts).
 */
const MAX_DEPTH = 64;
export const FAST_MAX_NESTING = 3 * MAX_DEPTH + 1;

const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const DOT = 0x2e;

/** Resolves a plain scalar as the precise parser does: the first core tag that claims it, else a string. */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only these can begin a null, bool, int or float: digits + - . ~, and n N t T f F of
  // null, true and false, which are at most five letters long.
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH || c === 0x2e || c === 0x7e) return resolveCorePlain(s);
  if ((c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46) && s.length <= 5) return resolveCorePlain(s);
  return s;
}

/** Characters that cannot begin a plain scalar (or begin something this reader leaves alone). */
function badPlainStart(s: string): boolean {
  const c = s.charCodeAt(0);
  // Letters, digits and most punctuation are the common case: answer those first.
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  switch (c) {
    case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x2c: case HASH: case 0x26: case 0x2a: case 0x21: // [ ] { } , # & * !
    case 0x7c: case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60: // | > ' " % @ `
      return true;
    case DASH: case 0x3f: case COLON: // - ? :  begin a plain scalar only when a non-space follows
      return s.length === 1 || s.charCodeAt(1) === SPACE;
    default:
      return false;
  }
}

class Reader {
  private readonly lines: string[];
  /**
   * Each line without its indentation and trailing spaces (null: blank or only a comment) and
   * its indentation, filled in as lines are first asked for: two arrays rather than an object
   * per line, which was a large share of what this reader allocated.
   */
  private readonly texts: (string | null | undefined)[];
  private readonly indents: number[];
  i = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
    this.texts = new Array<string | null | undefined>(this.lines.length);
    this.indents = new Array<number>(this.lines.length);
  }

  get length(): number {
    return this.lines.length;
  }

  /** The line at `i` without its indentation (indent(i)), or null when it is blank or only a comment. */
  line(i: number): string | null {
    const cached = this.texts[i];
    if (cached !== undefined) return cached;
    const raw = this.lines[i]!;
    let indent = 0;
    while (raw.charCodeAt(indent) === SPACE) indent++;
    let end = raw.length;
    while (end > indent && raw.charCodeAt(end - 1) === SPACE) end--;
    const line = end === indent || raw.charCodeAt(indent) === HASH ? null : indent === 0 && end === raw.length ? raw : raw.slice(indent, end);
    this.indents[i] = indent;
    this.texts[i] = line;
    return line;
  }

  /** The indentation of line `i`, once line(i) has been asked for. */
  indent(i: number): number {
    return this.indents[i]!;
  }

  raw(i: number): string {
    return this.lines[i]!;
  }

  /** The next line with content at or after `i` (comments and blanks skipped), within the document. */
  next(i: number): number {
    while (i < this.lines.length) {
      if (this.line(i) !== null || this.isMarker(i)) return i;
      i++;
    }
    return i;
  }

  /** `---` (document start) or `...` (document end) at column 0. */
  isMarker(i: number): boolean {
    const raw = this.lines[i]!;
    const c = raw.charCodeAt(0);
    if ((c !== DASH && c !== DOT) || raw.charCodeAt(1) !== c || raw.charCodeAt(2) !== c) return false;
    return raw.length === 3 || raw.charCodeAt(3) === SPACE;
  }
}

/** Strips a trailing comment and the spaces before it from a scalar's text. */
function withoutComment(s: string): string {
  const c = s.indexOf(' #');
  return c < 0 ? s : s.slice(0, c).trimEnd();
}

/** Where the last inline read (quoted scalar, flow collection) stopped in its line. */
let end = 0;

/**
 * Where a node lies in the text (offsets), as the precise parser's nodes give it: a scalar's
 * range, a mapping's keys and values in order, a sequence's items. What this reader does not
 * place the way the precise parser does (flow collections, block scalars, empty values) is
 * `OTHER`, and a position that needs one is left to the precise parser.
 */
export type Span =
  | { kind: 'scalar'; start: number; end: number }
  | { kind: 'map'; start: number; entries: Map<string, { start: number; end: number; value: Span }>; end?: number }
  | { kind: 'seq'; start: number; items: Span[]; end?: number }
  | { kind: 'other' };
const OTHER: Span = { kind: 'other' };

/**
 * While spans are read, the offset in the text of the line handed to readFlow (else -1), and
 * the span of the last flow node read (a flow collection's spans have its end: `end` above).
 */
let flowBase = -1;
let flowSpan: Span = OTHER;
const scalarAt = (start: number, length: number): Span => ({ kind: 'scalar', start: flowBase + start, end: flowBase + start + length });

/** A quoted scalar starting at s[start] and closing on the same line; sets `end`. */
function readQuoted(s: string, start: number): string {
  const q = s[start]!;
  if (q === "'") {
    let out = '';
    let i = start + 1;
    for (;;) {
      const j = s.indexOf("'", i);
      if (j < 0) bail(); // runs on to another line
      out += s.slice(i, j);
      if (s[j + 1] === "'") {
        out += "'";
        i = j + 2;
        continue;
      }
      end = j + 1;
      return out;
    }
  }
  let out = '';
  let i = start + 1;
  for (;;) {
    let j = i;
    while (j < s.length && s[j] !== '"' && s[j] !== '\\') j++;
    if (j >= s.length) bail();
    out += s.slice(i, j);
    if (s[j] === '"') {
      end = j + 1;
      return out;
    }
    const e = s[j + 1];
    const simple = e === undefined ? undefined : ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i = j + 2;
    } else if (e === 'x' || e === 'u') {
      const n = e === 'x' ? 2 : 4;
      const hex = s.slice(j + 2, j + 2 + n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) bail();
      out += String.fromCharCode(parseInt(hex, 16));
      i = j + 2 + n;
    } else bail();
  }
}

const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\x0B', f: '\f', r: '\r', e: '\x1B', ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xA0' };

/** The rest of a line after a value must be nothing or a comment. */
function expectEnd(s: string, i: number): void {
  while (i < s.length && s.charCodeAt(i) === SPACE) i++;
  if (i < s.length && !(s.charCodeAt(i) === HASH && s.charCodeAt(i - 1) === SPACE)) bail();
}

function skipSpaces(s: string, i: number): number {
  while (s.charCodeAt(i) === SPACE) i++;
  return i;
}

/** A scalar (or nested collection) inside a flow collection; sets `end`. */
function flowItem(s: string, i: number, asKey: boolean, depth: number): unknown {
  const c = s.charCodeAt(i);
  if (c === 0x22 || c === 0x27) {
    const v = readQuoted(s, i);
    if (flowBase >= 0) flowSpan = scalarAt(i, end - i);
    return v;
  }
  if (c === 0x5b || c === 0x7b) {
    if (asKey || depth >= MAX_DEPTH) bail();
    return readFlow(s, i, depth + 1);
  }
  let j = i;
  for (; j < s.length; j++) {
    const ch = s.charCodeAt(j);
    // , ] } [ {  end a flow scalar; so does `:` before a space, an end or a flow indicator.
    if (ch === 0x2c || ch === 0x5d || ch === 0x7d || ch === 0x5b || ch === 0x7b) break;
    if (ch === COLON) {
      const after = s.charCodeAt(j + 1);
      if (j + 1 >= s.length || after === SPACE || after === 0x2c || after === 0x5d || after === 0x7d) break;
    } else if (ch === HASH && s.charCodeAt(j - 1) === SPACE) bail();
  }
  const text = s.slice(i, j).trimEnd();
  if (text === '' || badPlainStart(text)) bail();
  end = j;
  if (flowBase >= 0) flowSpan = scalarAt(i, text.length);
  return resolvePlain(text);
}

/** A one-line flow collection starting at s[start] (`[` or `{`); sets `end`. */
function readFlow(s: string, start: number, depth = 0): unknown {
  let i = skipSpaces(s, start + 1);
  const track = flowBase >= 0;
  if (s.charCodeAt(start) === 0x5b) {
    const out: unknown[] = [];
    const items: Span[] = [];
    const done = () => {
      if (track) flowSpan = { kind: 'seq', start: flowBase + start, items, end: flowBase + end };
      return out;
    };
    if (s.charCodeAt(i) === 0x5d) {
      end = i + 1;
      return done();
    }
    for (;;) {
      out.push(flowItem(s, i, false, depth));
      if (track) items.push(flowSpan);
      i = skipSpaces(s, end);
      const c = s.charCodeAt(i);
      // `[a: b]` (a one-pair mapping inside a sequence) is left to the precise parser.
      if (c === 0x2c) {
        i = skipSpaces(s, i + 1);
        if (s.charCodeAt(i) === 0x5d || s.charCodeAt(i) === 0x2c) bail();
        continue;
      }
      if (c === 0x5d) {
        end = i + 1;
        return done();
      }
      bail();
    }
  }
  const out: Record<string, unknown> = {};
  const entries = new Map<string, { start: number; end: number; value: Span }>();
  const done = () => {
    if (track) flowSpan = { kind: 'map', start: flowBase + start, entries, end: flowBase + end };
    return out;
  };
  if (s.charCodeAt(i) === 0x7d) {
    end = i + 1;
    return done();
  }
  for (;;) {
    const quoted = s.charCodeAt(i) === 0x22 || s.charCodeAt(i) === 0x27;
    const key = flowItem(s, i, true, depth);
    if (!quoted && typeof key !== 'string') bail();
    const keySpan = flowSpan as { start: number; end: number };
    i = skipSpaces(s, end);
    let value: unknown = null;
    if (s.charCodeAt(i) === COLON) {
      i = skipSpaces(s, i + 1);
      flowSpan = OTHER;
      if (s.charCodeAt(i) !== 0x2c && s.charCodeAt(i) !== 0x7d) {
        value = flowItem(s, i, false, depth);
        i = skipSpaces(s, end);
      }
    } else if (s.charCodeAt(i) === 0x2c || s.charCodeAt(i) === 0x7d) {
      // `{a, b: 1}`: a key alone is a key with a null value, which has no node of its own in the
      // precise parser, so a finding at it is placed at the key.
      flowSpan = keySpan as Span;
    } else bail();
    setKey(out, key as string, value);
    if (track) entries.set(key as string, { start: keySpan.start, end: keySpan.end, value: flowSpan });
    const c = s.charCodeAt(i);
    if (c === 0x2c) {
      i = skipSpaces(s, i + 1);
      if (s.charCodeAt(i) === 0x7d || s.charCodeAt(i) === 0x2c) bail();
      continue;
    }
    if (c === 0x7d) {
      end = i + 1;
      return done();
    }
    bail();
  }
}

function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  // Duplicates are the precise parser's to report, and __proto__ its to store safely. No value
  // read here is undefined, so a defined one is a duplicate, or a key that objects inherit
  // (`toString`, `constructor`): those are left to it as well, and so is `prototype`, so that
  // a value this reader gives holds none of the keys analysis refuses and need not be searched
  // for them.
  if (map[key] !== undefined || key === 'prototype') bail();
  map[key] = value;
}

/** Where a block mapping key ends in `text` (the index of its `:`), or -1 when the line is not `key: ...`. */
function keyColon(text: string): number {
  const c = text[0]!;
  if (c === '"' || c === "'") {
    readQuoted(text, 0);
    let i = end;
    while (text.charCodeAt(i) === SPACE) i++;
    return text.charCodeAt(i) === COLON && (i + 1 === text.length || text.charCodeAt(i + 1) === SPACE) ? i : -1;
  }
  let i = text.indexOf(':');
  while (i >= 0) {
    if (i + 1 === text.length || text.charCodeAt(i + 1) === SPACE) return i;
    i = text.indexOf(':', i + 1);
  }
  return -1;
}

function readKey(text: string, colon: number): string {
  // The precise parser refuses implicit keys over 1024 characters.
  if (colon > 1000) bail();
  const c = text[0]!;
  if (c === '"' || c === "'") return readQuoted(text, 0);
  const raw = text.slice(0, colon).trimEnd();
  if (raw === '' || raw.length > 1024 || badPlainStart(raw) || raw.includes(' #')) bail();
  const value = resolvePlain(raw);
  // `1.0:` or `true:` become keys "1" and "true"; rare enough to leave to the precise parser.
  if (typeof value !== 'string') bail();
  return value;
}

const isDash = (t: string) => t.charCodeAt(0) === DASH && (t.length === 1 || t.charCodeAt(1) === SPACE);

/** Each method reads one node and leaves `at` on the line after it. */
class Parser {
  at = 0;
  private depth = 0;
  /** With line starts (readSpans), each method also leaves the node's span here. */
  span: Span = OTHER;

  constructor(
    private readonly r: Reader,
    private readonly starts?: number[],
  ) {}

  /** The offset in the text of `s`, which ends line `i` (trailing spaces aside). */
  private offset(i: number, s: string): number {
    const text = this.r.line(i)!;
    return this.starts![i]! + this.r.indent(i) + text.length - s.length;
  }

  /** The node whose first line is `i`, at indentation `indent`. */
  block(i: number, indent: number): unknown {
    const line = this.r.line(i)!;
    if (this.r.indent(i) !== indent || ++this.depth > MAX_DEPTH) bail();
    let value: unknown;
    if (isDash(line)) value = this.sequence(i, indent);
    else if (keyColon(line) >= 0) value = this.mapping(i, indent, line);
    else bail();
    this.depth--;
    return value;
  }

  /** A block sequence at `indent`, its first item on line `i`. */
  sequence(i: number, indent: number): unknown[] {
    const out: unknown[] = [];
    const r = this.r;
    const items: Span[] | undefined = this.starts ? [] : undefined;
    const start = items ? this.starts![i]! + indent : 0;
    for (;;) {
      const line = r.line(i)!;
      const rest = line.length === 1 ? '' : line.slice(2).trimStart();
      if (rest === '' || rest.charCodeAt(0) === HASH) out.push(this.nested(i + 1, indent, false));
      else if (isDash(rest)) bail(); // `- - a`
      else if (rest[0] !== '[' && rest[0] !== '{' && keyColon(rest) >= 0) out.push(this.mapping(i, indent + (line.length - rest.length), rest));
      else out.push(this.inline(rest, i, indent));
      if (items) items.push(this.span);
      const n = r.next(this.at);
      this.at = n;
      if (n >= r.length || r.isMarker(n)) break;
      const l = r.line(n)!;
      const ln = r.indent(n);
      if (ln < indent) break;
      if (ln > indent) bail();
      if (!isDash(l)) break;
      i = n;
    }
    if (items) this.span = { kind: 'seq', start, items };
    return out;
  }

  /**
   * A block mapping whose entries sit at column `indent`; its first entry is `text` on line
   * `i` (for `- key: value`, the text after the dash). Nested nodes are indented past `indent`.
   */
  mapping(i: number, indent: number, text: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const r = this.r;
    const entries: Map<string, { start: number; end: number; value: Span }> | undefined = this.starts ? new Map() : undefined;
    const start = entries ? this.offset(i, text) : 0;
    for (;;) {
      const colon = keyColon(text);
      if (colon < 0) bail();
      const key = readKey(text, colon);
      // A quoted key ends where its reading stopped (`end`), a plain one before the spaces ahead of its colon.
      const keyStart = entries ? this.offset(i, text) : 0;
      const keyEnd = entries ? keyStart + (text.charCodeAt(0) === 0x22 || text.charCodeAt(0) === 0x27 ? end : text.slice(0, colon).trimEnd().length) : 0;
      let k = colon + 1;
      while (text.charCodeAt(k) === SPACE) k++;
      const value = k === text.length || text.charCodeAt(k) === HASH ? this.nested(i + 1, indent, true) : this.inline(k === 0 ? text : text.slice(k), i, indent);
      setKey(out, key, value);
      if (entries) entries.set(key, { start: keyStart, end: keyEnd, value: this.span });
      const n = r.next(this.at);
      this.at = n;
      if (n >= r.length || r.isMarker(n)) break;
      const l = r.line(n)!;
      const ln = r.indent(n);
      if (ln < indent) break;
      if (ln > indent) bail();
      if (isDash(l)) break;
      i = n;
      text = l;
    }
    if (entries) this.span = { kind: 'map', start, entries };
    return out;
  }

  /**
   * The value of a key or item with nothing after it on its line: a block node indented past
   * `parent` on the next line, a sequence at `parent` itself (mapping values only), or null.
   */
  nested(i: number, parent: number, sameIndentSequence: boolean): unknown {
    const n = this.r.next(i);
    this.at = n;
    this.span = OTHER;
    if (n >= this.r.length || this.r.isMarker(n)) return null;
    const l = this.r.line(n)!;
    const ln = this.r.indent(n);
    if (ln > parent) return this.block(n, ln);
    if (sameIndentSequence && ln === parent && isDash(l)) return this.sequence(n, parent);
    return null;
  }

  /** A value that starts on line `i` after a key or dash: scalar, flow, or block scalar. */
  inline(rest: string, i: number, parent: number): unknown {
    const c = rest.charCodeAt(0);
    let value: unknown;
    this.span = OTHER;
    if (c === 0x7c || c === 0x3e) return this.blockScalar(rest, i, parent);
    if (c === 0x22 || c === 0x27) {
      value = readQuoted(rest, 0);
      if (this.starts) this.span = this.scalarSpan(i, rest, end);
      expectEnd(rest, end);
    } else if (c === 0x5b || c === 0x7b) {
      if (this.starts) flowBase = this.offset(i, rest);
      value = readFlow(rest, 0);
      if (this.starts) {
        this.span = flowSpan;
        flowBase = -1;
      }
      expectEnd(rest, end);
    } else {
      const text = withoutComment(rest);
      if (badPlainStart(text) || keyColon(text) >= 0) bail();
      value = resolvePlain(text);
      if (this.starts) this.span = this.scalarSpan(i, rest, text.length);
    }
    // A following line indented past the parent would continue this scalar (or be an error).
    const n = this.r.next(i + 1);
    if (n < this.r.length && !this.r.isMarker(n) && this.r.indent(n) > parent) bail();
    this.at = n;
    return value;
  }

  private scalarSpan(i: number, rest: string, length: number): Span {
    const start = this.offset(i, rest);
    return { kind: 'scalar', start, end: start + length };
  }

  /** `|` or `>` with optional `-` chomping; the content lines follow, indented past `parent`. */
  blockScalar(header: string, i: number, parent: number): string {
    const folded = header[0] === '>';
    const chomp = header.length > 1 ? header[1] : '';
    if (header.length > 2 || (chomp !== '' && chomp !== '-')) bail();
    const r = this.r;
    let j = i + 1;
    let blockIndent = -1;
    const content: string[] = [];
    let trailingBlank = 0;
    for (; j < r.length; j++) {
      const raw = r.raw(j);
      let sp = 0;
      while (raw.charCodeAt(sp) === SPACE) sp++;
      if (sp === raw.length) {
        // A blank line: more spaces than the block's indentation would be content.
        if (blockIndent >= 0 && sp > blockIndent) bail();
        if (blockIndent < 0) bail(); // leading blank lines
        trailingBlank++;
        continue;
      }
      if (blockIndent < 0) {
        if (sp <= parent) break;
        blockIndent = sp;
      } else if (sp < blockIndent) {
        if (sp > parent) bail();
        break;
      }
      if (r.isMarker(j)) break;
      if (folded && sp > blockIndent) bail(); // more-indented lines fold differently
      for (let k = 0; k < trailingBlank; k++) content.push('');
      trailingBlank = 0;
      content.push(raw.slice(blockIndent));
    }
    if (content.length === 0) bail();
    let text: string;
    if (folded) {
      text = content[0]!;
      let pending = 0;
      for (let k = 1; k < content.length; k++) {
        const l = content[k]!;
        if (l === '') {
          pending++;
          continue;
        }
        text += pending === 0 ? ' ' : '\n'.repeat(pending);
        text += l;
        pending = 0;
      }
    } else text = content.join('\n');
    if (chomp === '') text += '\n';
    this.at = j - trailingBlank;
    return text;
  }
}

function parseDocuments(text: string, spans?: Span[]): unknown[] {
  const r = new Reader(text);
  let starts: number[] | undefined;
  if (spans) {
    starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  }
  const p = new Parser(r, starts);
  const docs: unknown[] = [];
  let i = r.next(0);
  let started = false;
  while (i < r.length) {
    if (r.isMarker(i)) {
      const raw = r.raw(i);
      if (raw.startsWith('...') || raw.trimEnd() !== '---') bail();
      if (started) bail(); // an empty document
      started = true;
      i = r.next(i + 1);
      continue;
    }
    if (r.indent(i) !== 0) bail();
    docs.push(p.block(i, 0));
    spans?.push(p.span);
    started = false;
    i = r.next(p.at);
    if (i < r.length && !r.isMarker(i)) bail(); // more content after the root node
  }
  if (started || docs.length === 0) bail();
  return docs;
}

export function readBlockSubset(text: string): unknown[] | undefined {
  if (AWKWARD.test(text)) return undefined;
  try {
    return parseDocuments(text);
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    // Anything else is a defect here, never a verdict on the file: the precise parser decides.
    return undefined;
  }
}

/**
 * The same reading, keeping where each document's nodes lie instead of their values (which it
 * still builds): for placing findings in a file this reader takes without the precise parser.
 * Undefined exactly when readBlockSubset steps aside.
 */
export function readBlockSubsetSpans(text: string): Span[] | undefined {
  if (AWKWARD.test(text)) return undefined;
  const spans: Span[] = [];
  try {
    parseDocuments(text, spans);
    return spans;
  } catch {
    return undefined;
  } finally {
    flowBase = -1;
  }
}
