import { describe, expect, it } from 'vitest';
import type { CrossFinding } from '../../src/core/checks/references.js';
import type { Position } from '../../src/core/parse/precise.js';
import { placeAt, UNPLACED } from '../../src/core/placed.js';

/**
 * placeAt copies by a loop (object rest leaving a property out is slow in V8); what it gives must
 * be what `{ ...rest, ...pos, file }` gives, properties in the same order, since the JSON report
 * prints them in that order.
 */
const spread = (f: CrossFinding, pos: Position) => {
  const { target: _target, ...rest } = f;
  return { ...rest, ...pos, file: f.file };
};

describe('placeAt', () => {
  const finding = { file: 'services/a.yaml', document: 1, target: 'value', severity: 'error', code: 'ref.unresolved', message: 'no such team', pointer: '/spec/owner' } as CrossFinding;
  it.each<[string, CrossFinding, Position]>([
    ['a finding at a range', finding, { line: 3, column: 10, endLine: 3, endColumn: 14 }],
    ['a finding at a point (no end)', finding, { line: 2, column: 1 } as Position],
    ['unplaced', finding, UNPLACED],
    ['a finding with more properties, target first', { target: 'key', file: 'services/b.yaml', document: 0, severity: 'warning', code: 'ref.deprecated', message: 'old', pointer: '/spec/x', hint: 'did you mean b?', related: [{ file: 'teams/b.yaml' }] } as unknown as CrossFinding, { line: 9, column: 2, endLine: 9, endColumn: 3 }],
    ['a position that names a file (the finding\'s wins)', finding, { line: 1, column: 1, file: 'elsewhere.yaml' } as unknown as Position],
  ])('%s: as the spread gives it, in the same order', (_, f, pos) => {
    const placed = placeAt(f, pos);
    expect(JSON.stringify(placed)).toBe(JSON.stringify(spread(f, pos)));
    expect(placed).toEqual(spread(f, pos));
    expect('target' in placed).toBe(false);
  });
});
