import {
  Composer,
  Document,
  LineCounter,
  Parser,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type CST,
  type Node as YamlNode,
  type ParsedNode,
  type Pair,
} from 'yaml';
import { splitPointer } from '../diagnostics.js';
import { directiveProblem } from './directives.js';
import { nodeBudgetProblem } from './node-budget.js';
import { normalizeLineBreaks } from './line-breaks.js';
import { plainValue, type AliasBudget } from './plain-value.js';

type Token = CST.Token;

/**
 * The precise path: the `yaml` package's Document API with a LineCounter, so every node keeps
 * its source range. Used for files that have something to report, and as the authority on
 * syntax and on values: YAML 1.2 core, no directive but `%YAML 1.2`, no tag outside core,
 * aliases within a budget, keys that are single values.
 */

export interface Position {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SyntaxProblem {
  code: string;
  message: string;
  offset: number;
  endOffset: number;
  document: number;
}

export interface PreciseDocument {
  /** The plain value, or undefined when the document could not be built safely. */
  value: unknown;
  ok: boolean;
  doc: Document.Parsed;
}

export interface PreciseFile {
  documents: PreciseDocument[];
  problems: SyntaxProblem[];
  lineCounter: LineCounter;
  /** Range of the node at `pointer` in document `index`, or of the nearest existing ancestor. */
  locate(index: number, pointer: string, target?: 'key' | 'value'): Position;
  positionOf(offset: number, endOffset?: number): Position;
}

const CODE_FOR_YAML_ERROR: Record<string, string> = {
  DUPLICATE_KEY: 'yaml.duplicate-key',
  RESOURCE_EXHAUSTION: 'yaml.too-deep',
  TAG_RESOLVE_FAILED: 'yaml.tag',
  BAD_ALIAS: 'yaml.alias',
};

function describe(code: string, fallback: string): string {
  switch (code) {
    case 'yaml.duplicate-key':
      return 'duplicate mapping key';
    case 'yaml.too-deep':
      return 'nesting is too deep or the document too large to read safely';
    case 'yaml.tag':
      return 'custom or unknown tags are not allowed';
    default:
      return fallback;
  }
}

// The 1.2 core schema and nothing else: `resolveKnownTags: false` makes `!!binary`,
// `!!timestamp`, `!!set` and `!!omap` unknown tags (refused) rather than Dates, Maps and bytes.
const OPTIONS = { uniqueKeys: true, strict: true, prettyErrors: false, merge: false, version: '1.2', resolveKnownTags: false } as const;

export function preciseParse(input: string): PreciseFile {
  const text = normalizeLineBreaks(input);
  const lineCounter = new LineCounter();
  const positionOf = (offset: number, endOffset = offset): Position => {
    const start = lineCounter.linePos(offset);
    const end = lineCounter.linePos(Math.max(offset, endOffset));
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  };
  const over = nodeBudgetProblem(text);
  if (over) {
    // Nothing is built: the line starts alone are enough for the one position reported.
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    return { documents: [], problems: [{ ...over, document: 0 }], lineCounter, locate: () => positionOf(over.offset, over.endOffset), positionOf };
  }
  const directives: { source: string; offset: number; document: number }[] = [];
  // The composer gets the parser's tokens as they come; directives are noted on the way,
  // with the document they belong to (the one whose start follows them).
  function* tokens(): Generator<Token> {
    let started = 0;
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      if (token.type === 'directive') directives.push({ source: token.source, offset: token.offset, document: started });
      else if (token.type === 'document') started++;
      yield token;
    }
  }
  const list = Array.from(new Composer(OPTIONS).compose(tokens()));
  const problems: SyntaxProblem[] = [];
  const documents: PreciseDocument[] = [];
  const budget: AliasBudget = { used: 0 };

  list.forEach((doc, index) => {
    let ok = doc.errors.length === 0;
    let versions = 0;
    for (const d of directives) {
      if (d.document !== index) continue;
      // YAML 1.2 §6.8.1: one %YAML directive per document at most.
      const repeated = d.source.startsWith('%YAML') && ++versions > 1;
      const problem = repeated ? { code: 'yaml.syntax', message: 'a document may have one %YAML directive', offset: d.offset, endOffset: d.offset + d.source.trimEnd().length } : directiveProblem(d.source, d.offset);
      if (problem) {
        ok = false;
        problems.push({ ...problem, document: index });
      }
    }
    for (const e of doc.errors) {
      const code = CODE_FOR_YAML_ERROR[e.code] ?? 'yaml.syntax';
      problems.push({ code, message: describe(code, firstLine(e.message)), offset: e.pos[0], endOffset: e.pos[1], document: index });
    }
    // An unresolved tag is only a warning for the yaml package, but a tag such as
    // !!js/function is an attempt to make a loader run code: we refuse it. Directive warnings
    // are reported above, at the directive.
    for (const w of doc.warnings) {
      if (w.code === 'TAG_RESOLVE_FAILED') {
        ok = false;
        problems.push({ code: 'yaml.tag', message: describe('yaml.tag', w.message), offset: w.pos[0], endOffset: w.pos[1], document: index });
      }
    }
    let value: unknown;
    if (ok) {
      const built = plainValue(doc, budget);
      if ('problem' in built) {
        ok = false;
        const { code, message, range } = built.problem;
        problems.push({ code, message, offset: range[0], endOffset: range[1], document: index });
      } else value = built.value;
    }
    documents.push({ value: ok ? value : undefined, ok, doc });
  });

  const locate = (index: number, pointer: string, target: 'key' | 'value' = 'value'): Position => {
    const doc = list[index];
    if (!doc) return positionOf(0);
    const range = rangeAt(doc, pointer, target);
    return positionOf(range[0], range[1]);
  };

  return { documents, problems, lineCounter, locate, positionOf };
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function nodeRange(node: unknown): [number, number] | undefined {
  const r = (node as ParsedNode | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/**
 * Walk the pointer through the document's nodes. When a key is missing (a `required` error),
 * the range is that of the deepest node that exists, so the position points at the parent.
 */
function rangeAt(doc: Document.Parsed, pointer: string, target: 'key' | 'value'): [number, number] {
  let node: unknown = doc.contents;
  let best = nodeRange(node) ?? [0, 0];
  let bestNode: unknown = node;
  const tokens = splitPointer(pointer);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === token) as Pair | undefined;
      if (!pair) break;
      node = pair.value;
      const wantKey = (i === tokens.length - 1 && target === 'key') || nodeRange(pair.value) === undefined;
      const r = wantKey ? nodeRange(pair.key) : nodeRange(pair.value);
      if (r) {
        best = r;
        bestNode = wantKey ? pair.key : pair.value;
      }
    } else if (isSeq(node) && /^\d+$/.test(token) && node.items[Number(token)] !== undefined) {
      node = node.items[Number(token)];
      const r = nodeRange(node);
      if (r) {
        best = r;
        bestNode = node;
      }
    } else {
      break;
    }
  }
  // A block collection's range runs on to the next sibling: underline its first entry only.
  if (isCollection(bestNode as YamlNode) && !isAlias(bestNode)) {
    const first = (bestNode as { items: unknown[] }).items[0];
    const firstRange = isPair(first) ? (nodeRange(first.value) ?? nodeRange(first.key)) : nodeRange(first);
    if (firstRange) return [best[0], Math.min(best[1], isPair(first) ? (nodeRange(first.key)?.[1] ?? firstRange[1]) : firstRange[1])];
  }
  return best;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  return String(key);
}
