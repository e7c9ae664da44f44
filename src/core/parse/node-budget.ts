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
 * Flow nesting is counted on the way: the composer descends once per level, and a hundred
 * thousand `[` would otherwise reach its stack limit before the depth check on the values.
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

export function nodeBudgetProblem(text: string, budget = MAX_FILE_NODES): BudgetProblem | undefined {
  if (text.length <= budget) return undefined;
  let offset = 0;
  let nodes = 0;
  let depth = 0;
  let scalarText = false;
  for (const lexeme of new Lexer().lex(text)) {
    const start = offset;
    if (!SYNTHETIC.has(lexeme)) offset += lexeme.length;
    // The lexeme after a scalar marker is that scalar's text, whatever characters it holds.
    if (scalarText) {
      scalarText = false;
      continue;
    }
    let node = false;
    switch (lexeme) {
      case '\x1f':
        scalarText = true;
        node = true;
        break;
      case '-':
      case '?':
      case ':':
        node = true;
        break;
      case '[':
      case '{':
        node = true;
        // The value builder counts depth from 0 and refuses past MAX_DEPTH: the same node here.
        if (++depth > MAX_DEPTH + 1) return { code: 'yaml.too-deep', message: 'nesting is too deep or the document too large to read safely', offset: start, endOffset: start + 1 };
        break;
      case ']':
      case '}':
        if (depth > 0) depth--;
        break;
      default:
        node = lexeme[0] === '"' || lexeme[0] === "'" || lexeme[0] === '*';
    }
    // A scalar's marker has no width: its text is the next lexeme, which starts here.
    if (node && ++nodes > budget) return { code: 'yaml.too-many-nodes', message: `the file has more than ${budget} nodes (values and entries)`, offset: start, endOffset: start + 1 };
  }
  return undefined;
}
