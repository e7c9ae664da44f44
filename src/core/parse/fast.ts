import { FAST_MAX_NESTING, readBlockSubset, readBlockSubsetSpans, type Span } from './block-subset.js';
import { MAX_FILE_NODES, nodeBudgetProblem } from './node-budget.js';
import { MAX_DEPTH } from './plain-value.js';

/**
 * The fast path: the block-subset reader, which gives exactly the precise parser's values for
 * the plain block YAML catalogues are written in, or steps aside (`undefined`) and the caller
 * takes the precise path, which is authoritative. There is no general-purpose second parser
 * here on purpose: js-yaml used to read what the subset could not, and its idea of YAML
 * (`0b10`, `+0x1`, merge keys under `%YAML 1.1`, complex keys) made the verdict on a file
 * depend on which path it happened to take.
 *
 * A value it gives holds no `__proto__`, `constructor` or `prototype` key (it steps aside for
 * those), so analysis need not search it for them.
 */
export function fastParse(text: string): unknown[] | undefined {
  // Every CR is a line break (alone or before LF), and a line break inside a value means LF:
  // the values are the same with LF alone, which is all this reader knows.
  const lf = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  // Over the node budget, the precise path reports it (without building anything); it counts
  // on the same line breaks. A text no longer than the budget has fewer nodes than it (each
  // takes a character), and whatever this reader accepts nests far less deep than the budget
  // refuses (FAST_MAX_NESTING), so the budget has nothing to say about a text this reader
  // reads: only longer texts are scanned first. A catalogue file is a few kilobytes, and the
  // scan for depth was a tenth of this reader's time.
  if (lf.length > MAX_FILE_NODES && nodeBudgetProblem(lf)) return undefined;
  return readBlockSubset(lf);
}

/**
 * Where the nodes of each document lie, for a text fastParse reads as it is; undefined for
 * any other (line breaks with CR among them: the precise parser's offsets count the CRs this
 * reader's text no longer has).
 */
export function fastSpans(text: string): Span[] | undefined {
  if (text.includes('\r')) return undefined;
  if (text.length > MAX_FILE_NODES && nodeBudgetProblem(text)) return undefined;
  return readBlockSubsetSpans(text);
}

// The argument above, held to the numbers: raising the reader's depth past the budget's breaks the build's tests, not a user's file.
if (FAST_MAX_NESTING >= MAX_DEPTH) throw new Error('the fast reader must refuse nesting the node budget would report');
