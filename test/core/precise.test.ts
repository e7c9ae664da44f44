import { describe, expect, it } from 'vitest';
import { preciseParse } from '../../src/core/parse/precise.js';

const TEXT = `apiVersion: opsledger/v1
kind: Service
metadata:
  name: checkout-api
spec:
  owner: checkout
  dependsOn:
    - service:cart
    - ci:checkout-db
  "we/ird~key": 1
---
apiVersion: opsledger/v1
kind: Team
metadata: {name: cab}
spec: {members: [dana]}
`;

describe('preciseParse.locate', () => {
  const p = preciseParse(TEXT);
  it.each([
    [0, '/spec/owner', 'value', 6, 10],
    [0, '/spec/owner', 'key', 6, 3],
    [0, '/spec/dependsOn/1', 'value', 9, 7],
    [0, '/spec/we~1ird~0key', 'value', 10, 17],
    // A missing key points at its parent's first entry.
    [0, '/spec/tier', 'value', 6, 3],
    [0, '/metadata/name', 'value', 4, 9],
    [1, '/spec/members/0', 'value', 15, 18],
    [1, '/metadata/title', 'value', 14, 11],
    [0, '', 'value', 1, 1],
  ] as const)('doc %i %s (%s) is at %i:%i', (doc, pointer, target, line, column) => {
    const pos = p.locate(doc, pointer, target);
    expect([pos.line, pos.column]).toEqual([line, column]);
  });

  it('reads both documents without problems', () => {
    expect(p.problems).toEqual([]);
    expect(p.documents.map((d) => (d.value as { kind: string }).kind)).toEqual(['Service', 'Team']);
  });
});
