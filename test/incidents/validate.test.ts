import { describe, expect, it } from 'vitest';
import { makeOrg, validateJson } from '../helpers/org.js';

/*
 * Incidents and problems as validate sees them: the fixture's policy defines sev1..sev3, its
 * change CR-2026-0001 is scheduled 2026-12-02T01:00+09:00 with no outcome.
 */
const FILE = 'incidents/INC-2026-0001.yaml';

function incident(spec: string, name = 'INC-2026-0001'): string {
  return `apiVersion: opsledger/v1
kind: Incident
metadata:
  name: ${name}
  title: Checkout errors
spec:
${spec}`;
}

const RESOLVED = `  severity: sev2
  status: resolved
  startedAt: "2026-12-03T10:00:00+09:00"
  detectedAt: "2026-12-03T10:05:00+09:00"
  mitigatedAt: "2026-12-03T10:30:00+09:00"
  resolvedAt: "2026-12-03T11:00:00+09:00"
  services: [checkout-api]
`;

type Row = [string, Record<string, string>, string, string, number, number, string];

const ROWS: Row[] = [
  ['a timestamp before the one it follows', { [FILE]: incident(RESOLVED.replace('detectedAt: "2026-12-03T10:05:00+09:00"', 'detectedAt: "2026-12-03T09:05:00+09:00"')) }, FILE, 'incident.time-order', 10, 15, '/spec/detectedAt'],
  ['an offset typo making mitigation precede detection', { [FILE]: incident(RESOLVED.replace('mitigatedAt: "2026-12-03T10:30:00+09:00"', 'mitigatedAt: "2026-12-03T10:30:00+11:00"')) }, FILE, 'incident.time-order', 11, 16, '/spec/mitigatedAt'],
  ['resolved without resolvedAt', { [FILE]: incident(RESOLVED.replace('  resolvedAt: "2026-12-03T11:00:00+09:00"\n', '')) }, FILE, 'incident.status-incomplete', 8, 11, '/spec/status'],
  ['monitoring without mitigatedAt', { [FILE]: incident(RESOLVED.replace('status: resolved', 'status: monitoring').replace('  mitigatedAt: "2026-12-03T10:30:00+09:00"\n', '').replace('  resolvedAt: "2026-12-03T11:00:00+09:00"\n', '')) }, FILE, 'incident.status-incomplete', 8, 11, '/spec/status'],
  ['reviewed without a completed review', { [FILE]: incident(RESOLVED.replace('status: resolved', 'status: reviewed') + '  review: {summary: A missing index}\n') }, FILE, 'incident.status-incomplete', 8, 11, '/spec/status'],
  ['a review completed before the resolution', { [FILE]: incident(RESOLVED + '  review: {summary: A missing index, completedAt: "2026-12-03T10:59:00+09:00"}\n') }, FILE, 'incident.time-order', 14, 51, '/spec/review/completedAt'],
  ['a timeline running backwards', { [FILE]: incident(RESOLVED + '  timeline:\n    - {at: "2026-12-03T10:10:00+09:00", text: a}\n    - {at: "2026-12-03T10:09:00+09:00", text: b}\n') }, FILE, 'incident.time-order', 16, 12, '/spec/timeline/1/at'],
  ['a severity the policy does not define', { [FILE]: incident(RESOLVED.replace('severity: sev2', 'severity: sev4')) }, FILE, 'incident.unknown-severity', 7, 13, '/spec/severity'],
  ['a cause scheduled after the incident started', { [FILE]: incident(RESOLVED.replace('2026-12-03T10:00:00+09:00', '2026-12-01T10:00:00+09:00').replace('2026-12-03T10:05', '2026-12-01T10:05') + '  causedBy: [CR-2026-0001]\n') }, FILE, 'incident.cause-after-start', 14, 14, '/spec/causedBy/0'],
  ['a cause that does not exist', { [FILE]: incident(RESOLVED + '  causedBy: [CR-2026-0002]\n') }, FILE, 'ref.unresolved', 14, 14, '/spec/causedBy/0'],
  ['an action item owned by an unknown team', { [FILE]: incident(RESOLVED + '  review:\n    summary: x\n    actionItems:\n      - {title: t, owner: chekout, due: "2026-12-20", state: open}\n') }, FILE, 'ref.unresolved', 17, 27, '/spec/review/actionItems/0/owner'],
  ['a problem naming an unknown incident', { 'incidents/PRB-2026-0001.yaml': 'apiVersion: opsledger/v1\nkind: Problem\nmetadata: {name: PRB-2026-0001, title: Missing index}\nspec:\n  state: open\n  incidents: [INC-2026-0009]\n' }, 'incidents/PRB-2026-0001.yaml', 'ref.unresolved', 6, 15, '/spec/incidents/0'],
  ['a known error without a workaround', { [FILE]: incident(RESOLVED), 'incidents/PRB-2026-0001.yaml': 'apiVersion: opsledger/v1\nkind: Problem\nmetadata: {name: PRB-2026-0001, title: Missing index}\nspec:\n  state: known-error\n  incidents: [INC-2026-0001]\n  rootCause: No index on order_id\n' }, 'incidents/PRB-2026-0001.yaml', 'problem.state-incomplete', 5, 10, '/spec/state'],
  ['an incident id in the wrong form', { [FILE]: incident(RESOLVED, 'INC-26-1') }, FILE, 'schema.pattern', 4, 9, '/metadata/name'],
];

describe('incidents and problems are validated, positioned', () => {
  it.each(ROWS)('%s', async (_name, files, file, code, line, column, pointer) => {
    const { code: exit, report } = await validateJson(makeOrg(files));
    expect(exit).toBe(1);
    const found = report.diagnostics.filter((d) => d.file === file).map((d) => ({ code: d.code, line: d.line, column: d.column, pointer: d.pointer }));
    expect(found).toContainEqual({ code, line, column, pointer });
  });

  it('a well-formed incident with a cause that went live before it, and its problem, are clean', async () => {
    const cause = RESOLVED + '  causedBy: [CR-2026-0001]\n  commander: mina-park\n  review:\n    summary: A missing index\n    completedAt: "2026-12-04T10:00:00+09:00"\n    actionItems:\n      - {title: Add the index, owner: checkout, due: "2026-12-20", state: open, change: CR-2026-0001}\n';
    const problem = 'apiVersion: opsledger/v1\nkind: Problem\nmetadata: {name: PRB-2026-0001, title: Missing index}\nspec:\n  state: resolved\n  incidents: [INC-2026-0001]\n  rootCause: No index on order_id\n  fixes: [CR-2026-0001]\n';
    const { code, report } = await validateJson(makeOrg({ [FILE]: incident(cause.replace('status: resolved', 'status: reviewed')), 'incidents/PRB-2026-0001.yaml': problem }));
    expect(report.diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it('a warm run (records from the cache) reports a cross-document finding exactly as a cold one', async () => {
    // The cache stores a reference's kind by position; a kind missing from that list came back as
    // a service, so a dangling CR id read as "not a known service" on every warm run.
    const root = makeOrg({ [FILE]: incident(RESOLVED + '  causedBy: [CR-2026-0002]\n') });
    const cold = await validateJson(root);
    const warm = await validateJson(root);
    const shape = (r: typeof cold) => r.report.diagnostics.map((d) => ({ code: d.code, pointer: d.pointer, message: d.message }));
    expect(shape(cold)).toHaveLength(1);
    expect(shape(warm)).toEqual(shape(cold));
  });
});
