import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, makeOrg, validateJson } from '../helpers/org.js';


const BACKSTAGE = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: imported-team}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: imported-svc}
spec: {type: service, lifecycle: production, owner: group:imported-team}
`;

const OPENSLO = `apiVersion: openslo/v1
kind: SLO
metadata: {name: imported-availability}
spec:
  service: cart
  budgetingMethod: Occurrences
  timeWindow: [{duration: 28d, isRolling: true}]
  indicator:
    metadata: {name: ok-ratio}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'sum(ok)'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(all)'}}}
  objectives: [{displayName: Availability, target: 0.99}]
`;

function input(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-in-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

describe('import writes where validate reads', () => {
  // Each --out spelling a user might reach for lands in the organisation's own layout.
  it.each([
    ['no --out', []],
    ['--out teams', ['--out', 'teams']],
    ['--out services/checkout', ['--out', 'services/checkout']],
  ])('backstage with %s: services/<name>/service.yaml, never services/services', async (_name, out) => {
    const root = makeOrg();
    const r = await cli(['import', 'backstage', input('catalog-info.yaml', BACKSTAGE), ...out, '--root', root], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(root, 'services/imported-svc/service.yaml'))).toBe(true);
    expect(existsSync(join(root, 'teams/imported-team.yaml'))).toBe(true);
    expect(existsSync(join(root, 'services/services'))).toBe(false);
    expect(existsSync(join(root, 'teams/teams'))).toBe(false);
    const { report } = await validateJson(root);
    expect(report.diagnostics.filter((d) => d.file.includes('imported') && d.severity === 'error')).toEqual([]);
  });

  it.each([
    ['no --out', [], 'slos/imported-availability.yaml'],
    ['--out naming the organisation', ['--out', '.'], 'slos/imported-availability.yaml'],
    ['--out naming a data folder', ['--out', 'services/checkout'], 'services/checkout/imported-availability.yaml'],
  ])('openslo with %s lands in a data folder', async (_name, out, expected) => {
    const root = makeOrg();
    const r = await cli(['import', 'openslo', input('slo.yaml', OPENSLO), ...out, '--root', root], root);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(root, expected))).toBe(true);
    const { report } = await validateJson(root);
    expect(report.summary.files).toBeGreaterThan(0);
    expect(report.diagnostics.filter((d) => d.file === expected)).toEqual([]);
  });
});

// --out services/ and an import that imported nothing: test/hostile/false-green.test.ts.

it('a data folder named outside the organisation means the folder that holds it', async () => {
  const elsewhere = mkdtempSync(join(tmpdir(), 'opsledger-new-org-'));
  mkdirSync(join(elsewhere, 'services'));
  const root = makeOrg();
  const r = await cli(['import', 'backstage', input('catalog-info.yaml', BACKSTAGE), '--out', join(elsewhere, 'services'), '--root', root], root);
  expect(r.code, r.stderr).toBe(0);
  expect(existsSync(join(elsewhere, 'services/imported-svc/service.yaml'))).toBe(true);
});
