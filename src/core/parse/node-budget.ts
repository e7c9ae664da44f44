import { Lexer } from 'yaml';
import { MAX_DEPTH } from './plain-value.js';

/**
 * A budget on the nodes of one file, checked on the text before either parser builds anything.
 * The precise parser keeps a Document node, its source token and its range for every value
 * (about 1.8 KB each), so a file of nothing but `[[],[],…]` under the size cap would take
 * hundreds of megabytes before a single check ran. The `yaml` package's lexer is a generator
 * that keeps nothing, so counting its lexemes costs only time, and the count stops at the
 * budget: a hostile file costs the same whatever its size.
 *
 * What counts is each lexeme that makes a node or an entry: a scalar (plain, quoted or block),
 * an alias, the start of a flow collection, a sequence entry `-`, an explicit key `?` and a
 * mapping value `:`. Each takes at least one character of its own, so a text no longer than
 * the budget cannot exceed it and is not scanned at all: catalogue files (a few KB) pay a
 * length check. Both readers ask this function first (the fast one steps aside for the
 * precise one, which reports), so the verdict does not depend on which path a file takes.
 *
 * Nesting is counted on the way, flow and block alike: the composer descends once per level,
 * and a hundred thousand `[`, `? ` or `- ` would otherwise reach its stack limit (at a depth
 * that varies by machine) before the depth check on the values. Depth can be crossed by a
 * short text, so a text no longer than the node budget is still scanned when native searches
 * say it could nest that deep (catalogue files never come near).
 */

/**
 * How many nodes one file may have, all its documents together. A catalogue or CRD file has
 * under 900, but a generated file of a thousand services or a Backstage catalog exported as one
 * file reaches 30,000; 50,000 keeps those and costs the precise parser about 90 MB at the
 * edge, per analysis thread.
 */
export const MAX_FILE_NODES = 50_000;

export interface BudgetProblem {
  code: 'yaml.too-many-nodes' | 'yaml.too-deep';
  message: string;
  offset: number;
  endOffset: number;
}

// Lexemes the lexer makes up (document start, flow error end, scalar marker): no source text.
const SYNTHETIC = new Set(['\x02', '\x18', '\x1f']);

const TOO_DEEP = 'nesting is too deep or the document too large to read safely';

/**
 * Whether a text could nest past MAX_DEPTH, from native searches only (most files pay two
 * `indexOf` walks and one regular expression). Every flow level opens with `[` or `{`. A block
 * collection starts where a line's content does, or after compact indicators on it (`- - x`,
 * `? - x`, `- k: v`), so it starts within the line's prefix of indentation and indicators; and
 * it sits deeper than its parent or, for a sequence as a mapping's value, on its column, so
 * block depth is at most two levels per column of that prefix, plus one.
 */
const PREFIX_ROOM = 100;
// A line that starts with PREFIX_ROOM characters of indentation and indicators (a superset of
// a prefix that long: node properties do not nest block collections on one line).
const LONG_PREFIX = new RegExp(`^[ \\t?:-]{${PREFIX_ROOM}}`, 'm');
// Flow levels that fit beside the deepest block nesting a shorter prefix allows.
const OPENS_ROOM = MAX_DEPTH - 3 - 2 * (PREFIX_ROOM - 1);
function mayBeTooDeep(text: string): boolean {
  let opens = 0;
  for (const c of ['[', '{']) for (let i = text.indexOf(c); i >= 0; i = text.indexOf(c, i + 1)) if (++opens > OPENS_ROOM) return true;
  return LONG_PREFIX.test(text);
}

interface Open {
  column: number;
  kind: 'seq' | 'map';
}

export function nodeBudgetProblem(text: string, budget = MAX_FILE_NODES): BudgetProblem | undefined {
  if (text.length <= budget && !mayBeTooDeep(text)) return undefined;
  let offset = 0;
  let nodes = 0;
  let depth = 0;
  let scalarText = false;
  // Block collections open at this point, by the column of their entries: the value builder
  // descends once per collection, and so does the composer, whose stack gives out (at a depth
  // that depends on the machine and the JIT) well before a hundred thousand `? ` or `- `.
  const blocks: Open[] = [];
  let lineStart = 0;
  // Where the current line's first node since its last indicator starts: an implicit key's column.
  let keyColumn: number | undefined;
  let lineBegun = false;
  let blockScalar = false;
  const tooDeep = (at: number): BudgetProblem => ({ code: 'yaml.too-deep', message: TOO_DEEP, offset: at, endOffset: at + 1 });
  // Content at `column` ends every block collection whose entries sit further right.
  const dedent = (column: number) => {
    while (blocks.length && blocks[blocks.length - 1]!.column > column) blocks.pop();
  };
  const enter = (column: number, kind: Open['kind']): BudgetProblem | undefined => {
    dedent(column);
    const top = blocks[blocks.length - 1];
    if (top && top.column === column) {
      if (top.kind === kind) return undefined;
      // A sequence may be a mapping's value at the key's own column; anything else replaces it.
      if (!(top.kind === 'map' && kind === 'seq')) {
        blocks.pop();
        return enter(column, kind);
      }
    }
    blocks.push({ column, kind });
    // The value builder counts depth from 0 and refuses past MAX_DEPTH: the same node here.
    return blocks.length > MAX_DEPTH + 1 ? tooDeep(lineStart + column) : undefined;
  };
  for (const lexeme of new Lexer().lex(text)) {
    const start = offset;
    if (!SYNTHETIC.has(lexeme)) offset += lexeme.length;
    const newline = lexeme.lastIndexOf('\n');
    // The lexeme after a scalar marker is that scalar's text, whatever characters it holds.
    if (scalarText) {
      scalarText = false;
      if (newline >= 0) {
        lineStart = start + newline + 1;
        lineBegun = false;
        keyColumn = undefined;
      }
      continue;
    }
    const column = start - lineStart;
    // Where content begins on a line, outside flow collections, the block collections it is left of have ended.
    const content = depth === 0 && !SYNTHETIC.has(lexeme) && lexeme !== '\n' && lexeme[0] !== ' ' && lexeme[0] !== '#';
    if (content && !lineBegun && !blockScalar) {
      lineBegun = true;
      dedent(column);
    }
    if (newline >= 0) {
      lineStart = start + newline + 1;
      lineBegun = false;
      keyColumn = undefined;
    }
    let node = false;
    let problem: BudgetProblem | undefined;
    switch (lexeme) {
      case '\x02':
      case '---':
      case '...':
        blocks.length = 0;
        break;
      case '\x1f':
        scalarText = true;
        node = true;
        // A block scalar's text starts a line of its own but is no entry of any collection.
        if (blockScalar) blockScalar = false;
        else if (depth === 0) keyColumn ??= column;
        break;
      case '-':
      case '?':
        node = true;
        if (depth === 0) {
          problem = enter(column, lexeme === '-' ? 'seq' : 'map');
          keyColumn = undefined;
        }
        break;
      case ':':
        node = true;
        if (depth === 0) {
          problem = enter(keyColumn ?? column, 'map');
          keyColumn = undefined;
        }
        break;
      case '[':
      case '{':
        node = true;
        if (depth === 0) keyColumn ??= column;
        // Inside the innermost open block collection: one level below it per flow level.
        if (++depth + blocks.length > MAX_DEPTH + 1) problem = tooDeep(start);
        break;
      case ']':
      case '}':
        if (depth > 0) depth--;
        break;
      default:
        node = lexeme[0] === '"' || lexeme[0] === "'" || lexeme[0] === '*';
        if (depth === 0 && (node || lexeme[0] === '&' || lexeme[0] === '!')) keyColumn ??= column;
        if (depth === 0 && (lexeme[0] === '|' || lexeme[0] === '>')) blockScalar = true;
    }
    if (problem) return problem;
    // A scalar's marker has no width: its text is the next lexeme, which starts here.
    if (node && ++nodes > budget) return { code: 'yaml.too-many-nodes', message: `the file has more than ${budget} nodes (values and entries)`, offset: start, endOffset: start + 1 };
  }
  return undefined;
}
