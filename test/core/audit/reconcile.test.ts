import { describe, expect, it } from 'vitest';
import { auditReport, controlledPaths, emergencyReview, uncoveredPaths, type AuditFacts, type Unit, type UnitChange } from '../../../src/core/audit/reconcile.js';
import { emptyOrganisation, type Organisation } from '../../../src/core/organisation.js';
import type { ChangeRequest, Service, Team } from '../../../src/core/model.js';

/** The pure audit, case by case: which documents a diff holds to account and what covers them. */
const service = (name: string, title = name): { doc: Service; file: string } => ({ file: 'services/all.yaml', doc: { apiVersion: 'opsledger/v1', kind: 'Service', metadata: { name, title }, spec: { owner: 'checkout', tier: 1, exposure: 'external', lifecycle: 'production' } } as unknown as Service });
const team = (name: string): { doc: Team; file: string } => ({ file: 'teams/teams.yaml', doc: { apiVersion: 'opsledger/v1', kind: 'Team', metadata: { name }, spec: { members: ['a'] } } as unknown as Team });

function org(parts: { services?: ReturnType<typeof service>[]; teams?: ReturnType<typeof team>[] }): Organisation {
  const o = emptyOrganisation();
  for (const s of parts.services ?? []) o.services.set(s.doc.metadata.name, s as never);
  for (const t of parts.teams ?? []) o.teams.set(t.doc.metadata.name, t as never);
  return o;
}

const approved = (scopes: string[], ok: boolean | null = true): UnitChange => ({ id: 'CR-2026-0001', declaredType: 'normal', type: 'normal', class: 'medium', approvedAtMerge: ok, approvedEver: ok, approvals: [], scopes });

describe('controlledPaths', () => {
  it.each([
    ['one service edited in a file of two: only that one', org({ services: [service('a'), service('b')] }), org({ services: [service('a', 'A2'), service('b')] }), ['services/all.yaml'], [{ path: 'services/all.yaml', scopes: ['service:a'] }]],
    ['a service removed counts', org({ services: [service('a'), service('b')] }), org({ services: [service('a')] }), ['services/all.yaml'], [{ path: 'services/all.yaml', scopes: ['service:b'] }]],
    ['a file touched with no document changed (a comment) counts for nothing', org({ services: [service('a')] }), org({ services: [service('a')] }), ['services/all.yaml'], []],
    ['a team is organisation-wide', org({ teams: [team('x')] }), org({ teams: [team('x'), team('y')] }), ['teams/teams.yaml'], [{ path: 'teams/teams.yaml', scopes: ['org'] }]],
  ])('%s', (_name, before, after, changed, expected) => {
    expect(controlledPaths(changed, before, after, [])).toEqual(expected);
  });

  it('adds the sensitive paths as organisation-wide', () => {
    expect(controlledPaths(['deploy/prod.yaml'], undefined, emptyOrganisation(), ['deploy/prod.yaml'])).toEqual([{ path: 'deploy/prod.yaml', scopes: ['org'] }]);
  });
});

describe('uncoveredPaths', () => {
  // In path order, as controlledPaths gives them.
  const controlled = [
    { path: 'cmdb.yaml', scopes: ['service:a|ci:db'] },
    { path: 'services/all.yaml', scopes: ['service:a'] },
    { path: 'teams/teams.yaml', scopes: ['org'] },
  ];
  it.each([
    ['an approved change for the service covers everything it names, and org-wide files', [approved(['service:a'])], false, []],
    ['an approved change for another service covers only the org-wide file', [approved(['service:b'])], false, ['cmdb.yaml', 'services/all.yaml']],
    ['a CI named by the change covers its file', [approved(['ci:db'])], false, ['services/all.yaml']],
    ['an unapproved change covers nothing', [approved(['service:a'], false)], false, ['cmdb.yaml', 'services/all.yaml', 'teams/teams.yaml']],
    ['the CAB approval of a sensitive-only pull request covers org-wide files only', [], true, ['cmdb.yaml', 'services/all.yaml']],
  ])('%s', (_name, changes, sensitiveApproved, expected) => {
    expect(uncoveredPaths({ controlled, changes, sensitiveApproved })).toEqual(expected);
  });
});

describe('emergencyReview', () => {
  const change = (review?: string) => ({ spec: {}, status: { outcome: { result: 'successful', ...(review ? { review } : {}) } } }) as unknown as ChangeRequest;
  const policy = { emergency: { approvers: 'e', reviewWithin: '5d' } } as never;
  const at = Date.parse('2026-11-10T00:00:00Z');
  it.each([
    ['before the deadline', change(), Date.parse('2026-11-14T23:59:59Z'), { required: true, due: '2026-11-15T00:00:00.000Z', done: false, overdue: false }],
    ['after it, not done', change(), Date.parse('2026-11-15T00:00:01Z'), { required: true, due: '2026-11-15T00:00:00.000Z', done: false, overdue: true }],
    ['after it, done', change('https://wiki.example/pir/1'), Date.parse('2026-11-20T00:00:00Z'), { required: true, due: '2026-11-15T00:00:00.000Z', done: true, overdue: false }],
  ])('%s', (_name, c, now, expected) => {
    expect(emergencyReview(c, policy, at, now)).toEqual(expected);
  });
});

describe('auditReport', () => {
  const unit = (over: Partial<Unit>): Unit => ({ commits: ['c1'], before: 'c0', last: 'c1', committedAt: 0, pullRequest: null, pullVerified: false, controlled: [], changes: [], sensitiveApproved: false, ...over });
  const facts = (units: Unit[], over: Partial<AuditFacts> = {}): AuditFacts => ({ period: { since: 0, until: 10 }, offline: false, units, end: emptyOrganisation(), policies: new Map(), records: [], deployments: [], canonical: (e) => e, ...over });

  it('a direct push of a controlled file is unauthorised, with its commit and no pull request', () => {
    const r = auditReport(facts([unit({ controlled: [{ path: 'teams/teams.yaml', scopes: ['org'] }] })]));
    expect(r.exceptions.map((e) => [e.code, e.commit, e.pullRequest, e.change])).toEqual([['audit.unauthorised-change', 'c1', null, null]]);
  });

  it('offline, the same push is not called unauthorised (git cannot tell a pull request from a push)', () => {
    expect(auditReport(facts([unit({ controlled: [{ path: 'teams/teams.yaml', scopes: ['org'] }] })], { offline: true })).exceptions).toEqual([]);
  });

  it('a deployment that never succeeded needs no gate', () => {
    const r = auditReport(facts([unit({})], { deployments: [{ id: 1, sha: 'c1', environment: 'production', change: null, createdAt: '1970-01-01T00:00:00.001Z', succeededAt: null }] }));
    expect(r.exceptions).toEqual([]);
  });

  it('a record written after the deployment succeeded does not cover it', () => {
    const record = { schema: 'opsledger/gate-record/v1' as const, change: 'CR-2026-0001', environment: 'production', at: '1970-01-01T00:00:00.009Z', allowed: true, deployedSha: 'c1', policyCommit: null, approvalBase: null, pullRequest: null, checks: [], approvals: [] };
    const r = auditReport(facts([unit({})], { records: [{ sha: 'c1', checkRunId: 1, app: 'github-actions', record }], deployments: [{ id: 1, sha: 'c1', environment: 'production', change: null, createdAt: '1970-01-01T00:00:00.001Z', succeededAt: '1970-01-01T00:00:00.005Z' }] }));
    expect(r.exceptions.map((e) => e.code)).toEqual(['audit.deployed-without-gate']);
  });
});
