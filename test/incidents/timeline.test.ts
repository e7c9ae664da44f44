import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { addTimelineEntry, type TimelineInput } from '../../src/core/incidents/timeline.js';
import type { Incident } from '../../src/core/model.js';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { cli, makeOrg } from '../helpers/org.js';

const registry = schemaRegistry();

const INCIDENT = `apiVersion: opsledger/v1
kind: Incident
metadata:
  name: INC-2026-0001
  title: Checkout slow
# A comment above spec stays.
spec:
  severity: sev3
  status: investigating   # still looking
  startedAt: "2026-11-01T01:00:00+09:00"
  services: [checkout-api]
  timeline:
    # The first page.
    - {at: "2026-11-01T01:10:00+09:00", kind: detection, text: Latency alert}
    - at: "2026-11-01T01:30:00+09:00"
      text: Looking at the database   # block form
  review:
    summary: Not yet.
`;

const input = (over: Partial<TimelineInput> & Pick<TimelineInput, 'entry'>, text = INCIDENT): TimelineInput => ({ file: 'incidents/INC-2026-0001.yaml', text, incident: 'INC-2026-0001', registry, ...over });
const timelineOf = (text: string) => (parse(text) as Incident).spec.timeline!.map((e) => `${e.at.slice(11, 16)} ${e.text}`);

describe('addTimelineEntry', () => {
  it.each([
    ['after the last entry', '2026-11-01T01:45:00+09:00', 2],
    ['between two entries, by time', '2026-11-01T01:20:00+09:00', 1],
    ['before the first entry', '2026-11-01T01:05:00+09:00', 0],
    ['after an entry at the same time', '2026-11-01T01:10:00+09:00', 1],
  ])('puts the entry %s, and changes nothing else in the text', (_name, at, position) => {
    const out = addTimelineEntry(input({ entry: { at, text: 'New: a, b {c}', author: 'mina-park' } }));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.position).toBe(position);
    const lines = out.text.split('\n');
    const added = lines.findIndex((l) => l.includes('New: a, b {c}'));
    expect(lines[added]).toBe(`    - {at: "${at}", author: mina-park, text: "New: a, b {c}"}`);
    // Every original line is still there, in order: the edit only inserted one.
    expect(lines.filter((_, i) => i !== added)).toEqual(INCIDENT.split('\n'));
    expect(timelineOf(out.text)[position]).toBe(`${at.slice(11, 16)} New: a, b {c}`);
  });

  it.each([
    ['no timeline', INCIDENT.replace(/  timeline:[\s\S]*?(?=  review:)/, '')],
    ['an empty flow timeline', INCIDENT.replace(/  timeline:[\s\S]*?(?=  review:)/, '  timeline: []\n')],
  ])('starts a block list when there is %s, before the review', (_name, text) => {
    const out = addTimelineEntry(input({ entry: { at: '2026-11-01T01:20:00+09:00', text: 'First' } }, text));
    expect(out.ok && out.text).toContain('  timeline:\n    - {at: "2026-11-01T01:20:00+09:00", text: First}\n  review:\n');
    expect(out.ok && out.text).toContain('status: investigating   # still looking');
  });

  const detected = INCIDENT.replace('  services:', '  detectedAt: "2026-11-01T01:10:00+09:00"\n  services:');
  it.each([
    ['monitoring', 'mitigatedAt', detected],
    ['identified', 'detectedAt', INCIDENT],
  ] as const)('moves the status to %s and stamps %s with the entry time when it is missing', (status, key, text) => {
    const at = '2026-11-01T01:40:00+09:00';
    const out = addTimelineEntry(input({ entry: { at, text: 'Moved on' }, status }, text));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const doc = parse(out.text) as Incident;
    expect([doc.spec.status, doc.spec[key]]).toEqual([status, at]);
    expect(out.status).toEqual({ from: 'investigating', to: status, stamped: `${key}=${at}` });
    expect(out.text).toContain('# The first page.');
  });

  it.each([
    ['another incident', { incident: 'INC-2026-0002' }, INCIDENT, 'timeline.not-found', []],
    ['a file with errors', {}, INCIDENT.replace('sev3', 'sev9'), 'timeline.invalid-file', ['schema.enum']],
    // Only the status's own time is stamped: when detection happened is not the entry's to say.
    ['a status whose earlier times are missing', { status: 'monitoring' as const }, INCIDENT, 'timeline.invalid-result', ['incident.status-incomplete']],
    ['a status whose time would come before the start', { status: 'resolved' as const, entry: { at: '2026-11-01T00:30:00+09:00', text: 'x' } }, INCIDENT, 'timeline.invalid-result', ['incident.time-order']],
  ])('refuses %s, with its code', (_name, over, text, code, diagnostics) => {
    const out = addTimelineEntry(input({ entry: { at: '2026-11-01T01:45:00+09:00', text: 'x' }, ...over }, text));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.refusals.map((r) => r.code)).toEqual([code]);
    expect([...new Set((out.diagnostics ?? []).map((d) => d.code))]).toEqual(expect.arrayContaining(diagnostics));
  });
});

describe('opsledger incident timeline', () => {
  const org = () => makeOrg({ 'incidents/INC-2026-0001.yaml': INCIDENT });

  it.each([
    [['timeline', 'INC-2026-0001'], 2],
    [['timeline', 'INC-2026-0001', '--add', 'x', '--at', '2026-11-01 01:00'], 2],
    [['timeline', 'CR-2026-0001', '--add', 'x'], 2],
    [['history', 'INC-2026-0001', '--add', 'x'], 2],
    [['timeline', 'INC-2026-0009', '--add', 'x'], 2],
    [['timeline', 'INC-2026-0001', '--add', 'x', '--at', '2026-11-01T01:45:00+09:00'], 0],
    [['timeline', 'INC-2026-0001', '--add', 'x', '--at', '2026-11-01T00:10:00+09:00', '--status', 'resolved'], 1],
  ])('%j exits %i', async (args, code) => {
    const root = org();
    const r = await cli(['incident', ...args, '--root', root]);
    expect(r.code, r.stderr).toBe(code);
    if (code !== 0) expect(readFileSync(join(root, 'incidents/INC-2026-0001.yaml'), 'utf8')).toBe(INCIDENT);
  });

  it('validates afterwards: the organisation still passes `opsledger validate`', async () => {
    const root = org();
    expect((await cli(['incident', 'timeline', 'INC-2026-0001', '--root', root, '--add', 'Cause found', '--status', 'identified', '--at', '2026-11-01T01:50:00+09:00'])).code).toBe(0);
    const v = await cli(['validate', '--root', root, '--format', 'json']);
    expect(v.code, v.stdout).toBe(0);
  });

  it('keeps every entry when eight processes add at once', async () => {
    ensureBuilt();
    const root = org();
    const N = 8;
    const runs = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        runBuiltCli(['incident', 'timeline', 'INC-2026-0001', '--root', root, '--format', 'json', '--add', `Entry ${i}`, '--at', `2026-11-01T02:${String(10 + i).padStart(2, '0')}:00+09:00`], { cwd: root }),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual(Array(N).fill(0));
    const text = readFileSync(join(root, 'incidents/INC-2026-0001.yaml'), 'utf8');
    const entries = timelineOf(text);
    expect(entries).toHaveLength(2 + N);
    // In time order whatever order the processes won the lock in.
    expect(entries.slice(2)).toEqual(Array.from({ length: N }, (_, i) => `02:${10 + i} Entry ${i}`));
    expect(text).toContain('# The first page.');
    expect((await cli(['validate', '--root', root])).code).toBe(0);
  }, 120_000);
});
