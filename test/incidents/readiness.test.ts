import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { evaluateReadiness } from '../../src/core/readiness/evaluate.js';
import { makeOrg } from '../helpers/org.js';

/*
 * Readiness rules over incidents: the minimal fixture's checkout-api (owning CI checkout-db) with
 * one resolved sev2 incident (review due five days after resolution) and its action items.
 */
const INCIDENT = (spec: string) => `apiVersion: opsledger/v1
kind: Incident
metadata: {name: INC-2026-0001, title: Checkout errors}
spec:
  severity: sev2
  status: resolved
  startedAt: "2026-11-01T10:00:00+09:00"
  detectedAt: "2026-11-01T10:05:00+09:00"
  mitigatedAt: "2026-11-01T10:30:00+09:00"
  resolvedAt: "2026-11-01T11:00:00+09:00"
${spec}`;

const RULES = `      - {id: reviews, description: Incident reviews on time, check: incident-reviews, level: bronze}
      - {id: actions, description: No overdue incident actions, check: incident-actions, level: bronze}
`;

async function results(incidentSpec: string, at: string) {
  const root = makeOrg({ 'incidents/INC-2026-0001.yaml': INCIDENT(incidentSpec) });
  const path = `${root}/changes/policy.yaml`;
  const policy = readFileSync(path, 'utf8');
  const anchor = '      - {id: oncall,';
  expect(policy).toContain(anchor);
  writeFileSync(path, policy.replace(anchor, RULES + anchor));
  const loaded = await loadOrganisation(root);
  expect(loaded.validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const service = evaluateReadiness(loaded.org, loaded.org.policies.values().next().value!.doc.spec.readiness!, Date.parse(at)).find((s) => s.service === 'checkout-api')!;
  return Object.fromEntries(service.rules.filter((r) => r.id === 'reviews' || r.id === 'actions').map((r) => [r.id, r.status]));
}

describe('readiness rules over incidents', () => {
  it.each([
    ['named directly, review not yet due', '  services: [checkout-api]\n', '2026-11-05T00:00:00Z', { reviews: 'passed', actions: 'passed' }],
    ['named directly, review past due', '  services: [checkout-api]\n', '2026-11-07T00:00:00Z', { reviews: 'failed', actions: 'passed' }],
    ['through a CI the service owns, review past due', '  configurationItems: [checkout-db]\n', '2026-11-07T00:00:00Z', { reviews: 'failed', actions: 'passed' }],
    ['reviewed, an action item past due', '  services: [checkout-api]\n  review:\n    summary: s\n    completedAt: "2026-11-03T10:00:00+09:00"\n    actionItems:\n      - {title: Add an index, owner: checkout, due: "2026-11-10", state: open}\n', '2026-11-20T00:00:00Z', { reviews: 'passed', actions: 'failed' }],
    ['reviewed, the action item done', '  services: [checkout-api]\n  review:\n    summary: s\n    completedAt: "2026-11-03T10:00:00+09:00"\n    actionItems:\n      - {title: Add an index, owner: checkout, due: "2026-11-10", state: done}\n', '2026-11-20T00:00:00Z', { reviews: 'passed', actions: 'passed' }],
    ['another service only', '  services: [cart]\n', '2026-11-20T00:00:00Z', { reviews: 'passed', actions: 'passed' }],
  ])('%s', async (_name, spec, at, expected) => {
    expect(await results(spec, at)).toEqual(expected);
  });
});
