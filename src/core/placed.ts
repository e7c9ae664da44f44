import type { CrossFinding } from './checks/references.js';
import type { Diagnostic } from './diagnostics.js';
import type { Position } from './parse/precise.js';

/** A finding at its position: the one shape placing gives, whether the position was found now or kept from an earlier run. */
export type Placed<T extends CrossFinding> = Diagnostic & Omit<T, 'target'>;

/** Where a finding goes when its file cannot be read or decoded any more. */
export const UNPLACED: Position = { line: 1, column: 1 } as Position;

/**
 * The finding without its target, at `pos`: the properties in the order `{ ...rest, ...pos }`
 * gives them (the JSON report prints them in that order). Copied by a loop: V8 builds an object
 * rest that leaves a property out in its runtime, about 10 us a finding, 20 ms of an edit that
 * re-places the example corpus's 2k findings and deadlines.
 */
export function placeAt<T extends CrossFinding>(finding: T, pos: Position): Placed<T> {
  const out: Record<string, unknown> = {};
  for (const k in finding) if (k !== 'target') out[k] = finding[k];
  for (const k in pos) out[k] = pos[k as keyof Position];
  out.file = finding.file;
  return out as Placed<T>;
}

/** What decides a finding's position besides its file's bytes: findings with one key have one position. */
export const placeKey = (f: CrossFinding) => `${f.file}\0${f.document}\0${f.target}\0${f.pointer}`;
