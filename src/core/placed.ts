import type { CrossFinding } from './checks/references.js';
import type { Diagnostic } from './diagnostics.js';
import type { Position } from './parse/precise.js';

/** A finding at its position: the one shape placing gives, whether the position was found now or kept from an earlier run. */
export type Placed<T extends CrossFinding> = Diagnostic & Omit<T, 'target'>;

/** Where a finding goes when its file cannot be read or decoded any more. */
export const UNPLACED: Position = { line: 1, column: 1 } as Position;

export function placeAt<T extends CrossFinding>(finding: T, pos: Position): Placed<T> {
  const { target: _target, ...rest } = finding;
  return { ...rest, ...pos, file: finding.file } as Placed<T>;
}
