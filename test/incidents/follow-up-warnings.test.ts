import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/app/load-organisation.js';
import { validate } from '../../src/app/validate.js';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { organisationZone } from '../../src/core/evidence-time.js';
import { overdueFollowUps } from '../../src/core/incidents/follow-up.js';
import { activePolicy } from '../../src/core/organisation.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/*
 * Overdue follow-ups as validate's warnings. The fixture's policy wants a sev2 review within 5d
 * and has no peak hours; its calendar's window names Asia/Seoul, so date-only due dates end at
 * 15:00 UTC. The incident below was resolved 2026-12-03T11:00+09:00: its review is due at
 * 2026-12-08T02:00:00Z, its open action item (due 2026-12-20) at 2026-12-20T14:59:59.999Z.
 */
const FILE = 'incidents/INC-2026-0001.yaml';
const INCIDENT = `apiVersion: opsledger/v1
kind: Incident
metadata: {name: INC-2026-0001, title: Checkout errors}
spec:
  severity: sev2
  status: resolved
  startedAt: "2026-12-03T10:00:00+09:00"
  detectedAt: "2026-12-03T10:05:00+09:00"
  mitigatedAt: "2026-12-03T10:30:00+09:00"
  resolvedAt: "2026-12-03T11:00:00+09:00"
  services: [checkout-api]
  review:
    summary: A missing index
    actionItems:
      - {title: Add the index, owner: checkout, due: "2026-12-20", state: open}
      - {title: Alert on slow queries, owner: checkout, due: "2026-12-01", state: done}
`;
const REVIEW = { code: 'incident.review-overdue', line: 10, column: 15, pointer: '/spec/resolvedAt', severity: 'warning' };
const ACTION = { code: 'incident.action-overdue', line: 15, column: 54, pointer: '/spec/review/actionItems/0/due', severity: 'warning' };

describe('validate warns of incident follow-ups past due at --at, never failing the run', () => {
  it.each([
    ['the review is not due yet', '2026-12-08T02:00:00Z', []],
    ['the review deadline has passed', '2026-12-08T02:00:01Z', [REVIEW]],
    ["the action item's day still runs in Seoul", '2026-12-20T14:59:59.999Z', [REVIEW]],
    ["the action item's day has ended in Seoul", '2026-12-20T15:00:00Z', [REVIEW, ACTION]],
  ])('%s', async (_name, at, expected) => {
    const { code, report } = await validateJson(makeOrg({ [FILE]: INCIDENT }), ['--at', at]);
    const found = report.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, pointer: d.pointer, severity: d.severity }));
    expect(found).toEqual(expected);
    expect(code).toBe(0);
  });

  it('a completed review and finished action items owe nothing, however late', async () => {
    const done = INCIDENT.replace('summary: A missing index', 'summary: A missing index\n    completedAt: "2026-12-05T10:00:00+09:00"').replace('state: open', 'state: done');
    const { report } = await validateJson(makeOrg({ [FILE]: done }), ['--at', '2030-01-01T00:00:00Z']);
    expect(report.diagnostics).toEqual([]);
  });

  it('the organisation clock is the policy peak-hours zone before any calendar window zone', async () => {
    const root = makeOrg({ [FILE]: INCIDENT });
    const path = join(root, 'changes', 'policy.yaml');
    const text = readFileSync(path, 'utf8').replace('      changeType: {standard: 0, normal: 1, emergency: 4}\n', '      changeType: {standard: 0, normal: 1, emergency: 4}\n      peakHours: {points: 1, timeZone: UTC, days: [MO], from: "09:00", to: "18:00"}\n');
    expect(text).toContain('peakHours');
    writeFileSync(path, text);
    // In UTC the due day ends at midnight, nine hours after it ended in Seoul.
    expect((await validateJson(root, ['--at', '2026-12-20T15:00:00Z'])).report.diagnostics.map((d) => d.code)).toEqual(['incident.review-overdue']);
    expect((await validateJson(root, ['--at', '2026-12-21T00:00:00Z'])).report.diagnostics.map((d) => d.code)).toEqual(['incident.review-overdue', 'incident.action-overdue']);
  });

  it('a warm run answers from the cache with the same warnings, judged at its own instant', async () => {
    const root = makeOrg({ [FILE]: INCIDENT });
    const run = (at: string) => cli(['validate', '--root', root, '--format', 'json', '--at', at], root);
    const shape = (r: { stdout: string }) => (JSON.parse(r.stdout) as { diagnostics: { code: string; line: number }[] }).diagnostics.map((d) => `${d.code}@${d.line}`);
    expect(shape(await run('2026-12-01T00:00:00Z'))).toEqual([]);
    expect(shape(await run('2026-12-21T00:00:00Z'))).toEqual(['incident.review-overdue@10', 'incident.action-overdue@15']);
    expect(shape(await run('2026-12-01T00:00:00Z'))).toEqual([]);
  });

  it('reporting narrowed to other paths leaves the warnings out', async () => {
    const { report } = await validateJson(makeOrg({ [FILE]: INCIDENT }), ['services', '--at', '2026-12-21T00:00:00Z']);
    expect(report.diagnostics).toEqual([]);
  });
});

describe('validate, readiness and the catalog count the same follow-ups', () => {
  it.each(['2026-09-01T00:00:00Z', '2026-11-25T00:00:00Z', '2026-12-07T00:00:00Z', '2027-03-01T00:00:00Z'])('on the example organisation at %s', async (at) => {
    const now = Date.parse(at);
    const run = await validate(worktreeSource(PROJECT_ROOT), undefined, { at: now, cache: false });
    const fromValidate = run.result.diagnostics
      .filter((d) => d.code.startsWith('incident.'))
      .map((d) => (d.code === 'incident.review-overdue' ? `review ${d.file}` : `action ${d.file} ${d.pointer}`))
      .sort();
    const { org } = await loadOrganisation(worktreeSource(PROJECT_ROOT));
    const follow = overdueFollowUps(org.incidents.values(), activePolicy(org)?.doc.spec.incidents, now, { zone: organisationZone(org) });
    const fileOf = (name: string) => org.incidents.get(name)!.file;
    const fromModel = [...follow.reviews.map((r) => `review ${fileOf(r.incident)}`), ...follow.actions.map((a) => `action ${fileOf(a.incident)} /spec/review/actionItems/${a.index}/due`)].sort();
    expect(fromValidate).toEqual(fromModel);
  });

  it('the example organisation has follow-ups of both kinds overdue today', async () => {
    const run = await validate(worktreeSource(PROJECT_ROOT), undefined, { at: Date.parse('2026-12-07T00:00:00Z'), cache: false });
    const codes = new Set(run.result.diagnostics.map((d) => d.code));
    expect(codes).toEqual(new Set(['incident.review-overdue', 'incident.action-overdue']));
  });
});
