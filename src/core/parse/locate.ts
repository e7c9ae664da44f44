import { splitPointer } from '../diagnostics.js';
import type { Span } from './block-subset.js';
import { fastSpans } from './fast.js';
import { preciseParse, type Position } from './precise.js';

export type Locate = (index: number, pointer: string, target?: 'key' | 'value') => Position;

/**
 * Positions of findings that know only their pointer, in the text of one file. Where the fast
 * reader takes the text, from where it read each node (placing a finding was a second parse
 * by the precise parser: a tenth of a cold validate where incidents owe follow-ups); a
 * position it cannot give as the precise parser would (a flow collection, a block scalar, an
 * empty value, a collection's first entry that is a collection) comes from the precise parser,
 * parsed at most once. test/core/parse-differential.test.ts holds the two to the same positions.
 */
export function locator(text: string): Locate {
  let fast: SpanLocate | undefined | null = null;
  let precise: Locate | undefined;
  return (index, pointer, target = 'value') => {
    if (fast === null) fast = spanLocator(text);
    return fast?.(index, pointer, target) ?? (precise ??= preciseParse(text).locate)(index, pointer, target);
  };
}

export type SpanLocate = (index: number, pointer: string, target?: 'key' | 'value') => Position | undefined;

/** The fast reader's half of `locator`: undefined for a text it does not take, and a position only where its spans say. */
export function spanLocator(text: string): SpanLocate | undefined {
  const spans = fastSpans(text);
  if (!spans) return undefined;
  let starts: number[] | undefined;
  return (index, pointer, target = 'value') => {
    const range = spanRange(spans[index], pointer, target);
    if (!range) return undefined;
    starts ??= lineStarts(text);
    const [line, column] = linePos(starts, range[0]);
    const [endLine, endColumn] = linePos(starts, Math.max(range[0], range[1]));
    return { line, column, endLine, endColumn };
  };
}

type Range = [number, number];

/**
 * precise.ts `rangeAt` over spans: the node at the pointer, or the deepest that exists; a
 * collection underlined at its first entry. Undefined where a span does not say.
 */
function spanRange(root: Span | undefined, pointer: string, target: 'key' | 'value'): Range | undefined {
  if (!root) return undefined;
  let node: Span = root;
  const tokens = splitPointer(pointer);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let next: Span;
    if (node.kind === 'map') {
      const entry = node.entries.get(token);
      if (!entry) break;
      // The precise parser's every value has a range (an empty one too), so only the target picks the key.
      if (i === tokens.length - 1 && target === 'key') return [entry.start, entry.end];
      next = entry.value;
    } else if (node.kind === 'seq' && /^\d+$/.test(token) && node.items[Number(token)] !== undefined) {
      next = node.items[Number(token)]!;
    } else {
      break;
    }
    node = next;
  }
  switch (node.kind) {
    case 'scalar':
      return [node.start, node.end];
    case 'map': {
      // A mapping is underlined from its start to the end of its first key.
      const first = node.entries.values().next().value;
      if (first) return [node.start, first.end];
      return node.end === undefined ? undefined : [node.start, node.end];
    }
    case 'seq': {
      // A sequence from its start to the end of its first item (a block collection's end is not kept).
      const first = node.items[0];
      if (!first) return node.end === undefined ? undefined : [node.start, node.end];
      const firstEnd = first.kind === 'other' ? undefined : first.end;
      return firstEnd === undefined ? undefined : [node.start, firstEnd];
    }
    default:
      return undefined;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column, as the precise parser's LineCounter gives them. */
function linePos(starts: readonly number[], offset: number): [number, number] {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (starts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (starts[low] === offset) return [low + 1, 1];
  return [low, offset - starts[low - 1]! + 1];
}
