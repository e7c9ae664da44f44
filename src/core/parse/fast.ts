import { readBlockSubset } from './block-subset.js';
import { nodeBudgetProblem } from './node-budget.js';

/**
 * The fast path: the block-subset reader, which gives exactly the precise parser's values for
 * the plain block YAML catalogues are written in, or steps aside (`undefined`) and the caller
 * takes the precise path, which is authoritative. There is no general-purpose second parser
 * here on purpose: js-yaml used to read what the subset could not, and its idea of YAML
 * (`0b10`, `+0x1`, merge keys under `%YAML 1.1`, complex keys) made the verdict on a file
 * depend on which path it happened to take.
 */
export function fastParse(text: string): unknown[] | undefined {
  // Every CR is a line break (alone or before LF), and a line break inside a value means LF:
  // the values are the same with LF alone, which is all this reader knows.
  const lf = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  // Over the node budget, the precise path reports it (without building anything); it counts
  // on the same line breaks.
  if (nodeBudgetProblem(lf)) return undefined;
  return readBlockSubset(lf);
}
