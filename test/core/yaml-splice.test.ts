import { describe, expect, it } from 'vitest';
import { CHANGE_KEY_ORDER } from '../../src/core/outcome/record.js';
import { SpliceError, spliceYaml, type SpliceEdit } from '../../src/core/yaml-splice.js';

/** Splicing keeps every byte the edit does not own: the expected texts below are exact. */
const OUTCOME: SpliceEdit[] = [
  { path: ['status', 'phase'], value: 'completed' },
  { path: ['status', 'outcome', 'result'], value: 'failed' },
  { path: ['status', 'outcome', 'implementedAt'], value: '2026-11-10T01:05:00+09:00' },
  { path: ['status', 'outcome', 'incidents'], value: ['INC-1', 'INC-2'] },
];

const HEAD = `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: CR-2026-0100}
spec:
  # Folded text must not be re-folded.
  description: >-
    A long description that the author folded by hand
    across two lines.
  schedule: {start: "2026-11-10T01:00:00+09:00", end: "2026-11-10T02:00:00+09:00"}
`;

describe('spliceYaml', () => {
  it.each([
    [
      'status missing: appended at the end of the document',
      HEAD,
      OUTCOME,
      `${HEAD}status:\n  phase: completed\n  outcome:\n    result: failed\n    implementedAt: "2026-11-10T01:05:00+09:00"\n    incidents: [INC-1, INC-2]\n`,
    ],
    [
      'block status with comments: phase replaced in place, outcome added after it',
      `${HEAD}status:\n  # Kept by the pipeline.\n  phase: scheduled   # trailing note\n# end of file comment\n`,
      OUTCOME,
      `${HEAD}status:\n  # Kept by the pipeline.\n  phase: completed   # trailing note\n  outcome:\n    result: failed\n    implementedAt: "2026-11-10T01:05:00+09:00"\n    incidents: [INC-1, INC-2]\n# end of file comment\n`,
    ],
    [
      'flow status: rewritten in block style',
      `${HEAD}status: {phase: approved}\n`,
      OUTCOME,
      `${HEAD}status:\n  phase: completed\n  outcome:\n    result: failed\n    implementedAt: "2026-11-10T01:05:00+09:00"\n    incidents: [INC-1, INC-2]\n`,
    ],
    [
      'existing outcome: new keys go after the key that precedes them, notes stay last',
      `${HEAD}status:\n  phase: completed\n  outcome:\n    # why\n    result: successful\n    completedAt: "2026-11-10T02:00:00+09:00"\n    incidents:\n      - INC-1\n    notes: |\n      Went fine.\n`,
      [
        { path: ['status', 'outcome', 'result'], value: 'failed' },
        { path: ['status', 'outcome', 'failureDetectedAt'], value: '2026-11-10T01:30:00+09:00' },
        { path: ['status', 'outcome', 'incidents'], value: ['INC-1', 'INC-9'] },
      ],
      `${HEAD}status:\n  phase: completed\n  outcome:\n    # why\n    result: failed\n    failureDetectedAt: "2026-11-10T01:30:00+09:00"\n    completedAt: "2026-11-10T02:00:00+09:00"\n    incidents:\n      - INC-1\n      - INC-9\n    notes: |\n      Went fine.\n`,
    ],
    [
      'a key after a block scalar that ends the mapping',
      `${HEAD}status:\n  outcome:\n    result: successful\n    notes: |\n      Two\n      lines.\n  phase: implementing\n`,
      [{ path: ['status', 'outcome', 'review'], value: 'https://wiki.example.com/pir/1' }],
      `${HEAD}status:\n  outcome:\n    result: successful\n    notes: |\n      Two\n      lines.\n    review: https://wiki.example.com/pir/1\n  phase: implementing\n`,
    ],
    [
      'CRLF line endings are kept',
      'kind: ChangeRequest\r\nstatus:\r\n  phase: approved\r\n',
      [{ path: ['status', 'outcome', 'result'], value: 'partial' }],
      'kind: ChangeRequest\r\nstatus:\r\n  phase: approved\r\n  outcome:\r\n    result: partial\r\n',
    ],
  ])('%s', (_name, src, edits, expected) => {
    expect(spliceYaml(src, 0, edits, CHANGE_KEY_ORDER)).toBe(expected);
  });

  it('edits only the chosen document of a multi-document file', () => {
    const src = `kind: Team\nmetadata: {name: a}\n---\n${HEAD}---\nkind: Team\nmetadata: {name: b}\n`;
    const out = spliceYaml(src, 1, [{ path: ['status', 'phase'], value: 'completed' }], CHANGE_KEY_ORDER);
    expect(out).toBe(`kind: Team\nmetadata: {name: a}\n---\n${HEAD}status:\n  phase: completed\n---\nkind: Team\nmetadata: {name: b}\n`);
  });

  it.each([
    ['a flow mapping at the top', '{kind: Team}\n'],
    ['a document that is a list', '- a\n- b\n'],
  ])('refuses %s', (_name, src) => {
    expect(() => spliceYaml(src, 0, [{ path: ['status', 'phase'], value: 'completed' }])).toThrow(SpliceError);
  });
});
