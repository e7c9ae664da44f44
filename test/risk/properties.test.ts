import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/core/graph.js';
import { EXPOSURES, RISK_CLASSES, type Exposure, type PolicySpec, type Service } from '../../src/core/model.js';
import { emptyOrganisation } from '../../src/core/organisation.js';
import { likelihoodLevel } from '../../src/core/risk/factors.js';
import { assessImpact } from '../../src/core/risk/impact.js';
import { PROJECT_ROOT } from '../helpers/org.js';

const SHIPPED = (parse(readFileSync(join(PROJECT_ROOT, 'changes/policy.yaml'), 'utf8')) as { spec: PolicySpec }).spec;

const thresholds = fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }).map((t) => t.sort((a, b) => a - b) as [number, number, number]);

describe('risk model properties', () => {
  it('adding a factor never lowers likelihood', () => {
    fc.assert(
      fc.property(thresholds, fc.nat(100), fc.nat(20), (t, points, extra) => {
        expect(likelihoodLevel(points + extra, t)).toBeGreaterThanOrEqual(likelihoodLevel(points, t));
      }),
    );
  });

  it('the shipped class matrix is monotone in impact and likelihood', () => {
    const rank = (i: number, l: number) => RISK_CLASSES.indexOf(SHIPPED.risk.matrix[i]![l]!);
    fc.assert(
      fc.property(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3), (i1, l1, i2, l2) => {
        if (i1 <= i2 && l1 <= l2) expect(rank(i2, l2)).toBeGreaterThanOrEqual(rank(i1, l1));
      }),
    );
  });

  // A random organisation: services with random tiers and exposures, depending only on
  // services with a lower index (the properties hold on cycles too, but a DAG is the common case).
  const org = fc
    .array(fc.record({ tier: fc.integer({ min: 1, max: 4 }), exposure: fc.constantFrom(...EXPOSURES), deps: fc.array(fc.nat(30), { maxLength: 3 }) }), { minLength: 1, maxLength: 30 })
    .map((list) => list.map((s, i) => ({ ...s, deps: s.deps.filter((d) => d < i) })));

  function build(list: { tier: number; exposure: Exposure; deps: number[] }[]) {
    const o = emptyOrganisation();
    list.forEach((s, i) => {
      const doc: Service = {
        apiVersion: 'opsledger/v1',
        kind: 'Service',
        metadata: { name: `s${i}` },
        spec: { owner: 't', tier: s.tier as 1, exposure: s.exposure, lifecycle: 'production', dependsOn: s.deps.map((d) => `service:s${d}`) },
      };
      o.services.set(`s${i}`, { doc, file: 'x.yaml', index: i });
    });
    return o;
  }
  const level = (list: { tier: number; exposure: Exposure; deps: number[] }[], target: number) => {
    const o = build(list);
    return assessImpact(o, buildGraph(o), SHIPPED, [`service:s${target}`]).level;
  };

  it('widening any service\'s exposure never lowers impact', () => {
    fc.assert(
      fc.property(org, fc.nat(), fc.nat(), (list, t, w) => {
        const target = t % list.length;
        const which = w % list.length;
        const wider = EXPOSURES[Math.max(0, EXPOSURES.indexOf(list[which]!.exposure) - 1)]!;
        const after = list.map((s, i) => (i === which ? { ...s, exposure: wider } : s));
        expect(level(after, target)).toBeGreaterThanOrEqual(level(list, target));
      }),
    );
  });

  it('raising any service\'s severity never lowers impact', () => {
    fc.assert(
      fc.property(org, fc.nat(), fc.nat(), (list, t, w) => {
        const target = t % list.length;
        const which = w % list.length;
        const after = list.map((s, i) => (i === which ? { ...s, tier: Math.max(1, s.tier - 1) } : s));
        expect(level(after, target)).toBeGreaterThanOrEqual(level(list, target));
      }),
    );
  });

  it('adding a dependent never lowers impact', () => {
    fc.assert(
      fc.property(org, fc.nat(), fc.integer({ min: 1, max: 4 }), fc.constantFrom(...EXPOSURES), (list, t, tier, exposure) => {
        const target = t % list.length;
        const after = [...list, { tier, exposure, deps: [target] }];
        expect(level(after, target)).toBeGreaterThanOrEqual(level(list, target));
      }),
    );
  });
});
