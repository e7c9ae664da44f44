import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { analyzeFile, type FileAnalysis } from '../../src/core/analyze.js';
import { OrganisationBuilder } from '../../src/core/organisation-builder.js';
import { buildGraph, dependentsWalk, graphAfterServiceEdits, type Graph } from '../../src/core/graph.js';
import { LayeredMap, MapDraft } from '../../src/core/layered-map.js';
import { stepOf } from '../../src/core/map-step.js';
import { failureRateOf } from '../../src/core/metrics/failure-rate.js';
import { buildOrganisation, type Organisation } from '../../src/core/organisation.js';
import { reviewOrganisation } from '../../src/core/review-org.js';
import type { RiskContext } from '../../src/core/risk/context.js';
import { overlappingChanges, type ChangeFacts } from '../../src/core/risk/factors.js';
import { sharedDependents } from '../../src/core/risk/shared-dependents.js';

const registry = schemaRegistry();
const enc = (s: string) => new TextEncoder().encode(s);
const analyse = (path: string, text: string): FileAnalysis => analyzeFile(path, enc(text), registry, { keepValues: true });

const team = (name: string, owner = 'ana') => `apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: ${name}\nspec:\n  members: [${owner}]\n`;
const service = (name: string, tier: number) => `apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  owner: core\n  tier: ${tier}\n  exposure: team\n  lifecycle: production\n`;
const change = (name: string, service = 'cart') =>
  `apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata:\n  name: ${name}\n  title: t\nspec:\n  type: normal\n  requester: ana\n  services: [${service}]\n  environment: production\n  schedule: {start: "2026-11-17T10:00:00Z", end: "2026-11-17T11:00:00Z"}\n`;

/** Contents a path may take: duplicates across files, several documents in a file, and a document with an error of its own. */
const VARIANTS: Record<string, string[]> = {
  'teams/core.yaml': [team('core'), team('core', 'bo'), `${team('core')}---\n${team('edge')}`],
  'teams/edge.yaml': [team('edge'), team('core', 'carl')],
  'services/cart/service.yaml': [service('cart', 1), service('cart', 2), `${service('cart', 1)}---\n${service('pay', 3)}`],
  'services/pay/service.yaml': [service('pay', 2), service('cart', 3), service('pay', 9)],
  'changes/CR-2026-0001.yaml': [change('CR-2026-0001'), change('CR-2026-0001', 'pay'), change('CR-2026-0002')],
  'changes/CR-2026-0002.yaml': [change('CR-2026-0002'), `${change('CR-2026-0003')}---\n${change('CR-2026-0001')}`],
};
const PATHS = Object.keys(VARIANTS);

it('the fixtures are valid documents but the one meant to fail its schema (tier 9)', () => {
  const failing = Object.entries(VARIANTS).flatMap(([p, texts]) => texts.filter((t) => analyse(p, t).diagnostics.some((d) => d.severity === 'error')));
  expect(failing).toEqual([service('pay', 9)]);
});

function shape(org: Organisation) {
  return Object.fromEntries(Object.entries(org).map(([bucket, map]) => [bucket, [...(map as Map<string, { file: string; index: number; doc: unknown }>)].map(([name, l]) => [name, l.file, l.index, l.doc])]));
}

describe('OrganisationBuilder', () => {
  it('gives after every step what buildOrganisation gives over the same files', () => {
    const step = fc.tuple(fc.constantFrom(...PATHS), fc.integer({ min: -1, max: 2 }));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PATHS)), fc.array(fc.array(step, { minLength: 1, maxLength: 3 }), { maxLength: 12 }), (initial, steps) => {
        const files = new Map<string, FileAnalysis>();
        for (const p of initial) files.set(p, analyse(p, VARIANTS[p]![0]!));
        const builder = new OrganisationBuilder([...files.values()]);
        expect(shape(builder.organisation)).toEqual(shape(buildOrganisation([...files.values()].sort((a, b) => (a.file < b.file ? -1 : 1)))));
        for (const commit of steps) {
          const next = new Map<string, FileAnalysis | undefined>();
          for (const [p, v] of commit) {
            const text = VARIANTS[p]![v];
            const a = v >= 0 && text !== undefined ? analyse(p, text) : undefined;
            next.set(p, a);
            if (a) files.set(p, a);
            else files.delete(p);
          }
          const before = builder.organisation;
          const beforeShape = shape(before);
          const after = builder.apply(next);
          const fresh = buildOrganisation([...files.values()].sort((a, b) => (a.file < b.file ? -1 : 1)));
          expect(shape(after)).toEqual(shape(fresh));
          // A stepped Map answers lookups as the Map built afresh.
          for (const bucket of Object.keys(fresh) as (keyof Organisation)[]) {
            const mine = after[bucket] as Map<string, unknown>;
            const theirs = fresh[bucket] as Map<string, unknown>;
            expect(mine.size).toBe(theirs.size);
            for (const name of [...theirs.keys(), 'CR-2026-0009', 'nobody']) {
              expect(mine.get(name)).toEqual(theirs.get(name));
              expect(mine.has(name)).toBe(theirs.has(name));
            }
          }
          // The organisation handed out before the step is not changed by it.
          expect(shape(before)).toEqual(beforeShape);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the Map of every kind no changed file holds', () => {
    const builder = new OrganisationBuilder([analyse('teams/core.yaml', team('core')), analyse('services/cart/service.yaml', service('cart', 1)), analyse('changes/CR-2026-0001.yaml', change('CR-2026-0001'))]);
    const before = builder.organisation;
    const after = builder.apply(new Map([['changes/CR-2026-0002.yaml', analyse('changes/CR-2026-0002.yaml', change('CR-2026-0002'))]]));
    expect(after.services).toBe(before.services);
    expect(after.teams).toBe(before.teams);
    expect(after.changes).not.toBe(before.changes);
    expect([...after.changes.keys()]).toEqual(['CR-2026-0001', 'CR-2026-0002']);
  });
});

/**
 * The indexes the risk engine keeps by Map identity (changes by target, changes by schedule,
 * deployments by service, the graph) are derived along the builder's steps from the index of
 * the Map before; every answer must be the one an index built afresh gives.
 */
const dependent = (name: string, tier: number, deps: string[]) => `${service(name, tier)}  dependsOn: [${deps.join(', ')}]\n`;
const ci = `apiVersion: opsledger/v1\nkind: ConfigurationItem\nmetadata:\n  name: cart-db\nspec:\n  type: database\n  service: cart\n  environment: production\n`;
const scheduled = (name: string, target: string, hour: number, status = '') =>
  `apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata:\n  name: ${name}\n  title: t\nspec:\n  type: normal\n  requester: ana\n  ${target}\n  environment: production\n  schedule: {start: "2026-11-17T${hour}:00:00Z", end: "2026-11-17T${hour + 2}:00:00Z"}\n${status}`;
const done = (result: string, hour: number) => `status:\n  phase: completed\n  outcome:\n    result: ${result}\n    implementedAt: "2026-11-17T${hour}:30:00Z"\n`;
const RISK_VARIANTS: Record<string, string[]> = {
  'services/cart/service.yaml': [dependent('cart', 1, ['pay']), dependent('cart', 2, ['pay']), dependent('cart', 1, [])],
  'services/pay/service.yaml': [service('pay', 2), service('pay', 1)],
  'services/web/service.yaml': [dependent('web', 3, ['cart'])],
  'cis/cart-db.yaml': [ci],
  'changes/2026-10/CR-2026-0001.yaml': [scheduled('CR-2026-0001', 'services: [cart]', 10), scheduled('CR-2026-0001', 'services: [pay]', 11, done('failed', 11)), scheduled('CR-2026-0001', 'configurationItems: [cart-db]', 10, done('successful', 10))],
  'changes/2026-10/CR-2026-0002.yaml': [scheduled('CR-2026-0002', 'services: [pay]', 11), scheduled('CR-2026-0002', 'services: [web]', 10, done('rolled-back', 12))],
  'changes/2026-11/CR-2026-0003.yaml': [scheduled('CR-2026-0003', 'services: [cart]', 11, done('successful', 11)), `${scheduled('CR-2026-0003', 'services: [web]', 12)}---\n${scheduled('CR-2026-0001', 'services: [cart]', 12)}`],
  'changes/2026-11/CR-2026-0004.yaml': [scheduled('CR-2026-0004', 'configurationItems: [cart-db]', 10), scheduled('CR-2026-0004', 'services: [pay, cart]', 12, done('failed', 12))],
};
const RISK_PATHS = Object.keys(RISK_VARIANTS);

/** What the risk engine asks of an organisation's indexes, for every change it holds. */
function riskAnswers(org: Organisation) {
  const graph = buildGraph(org);
  const ctx = { org, graph } as unknown as RiskContext;
  const out: unknown[] = [];
  for (const [id, { doc }] of [...org.changes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const start = Date.parse(doc.spec.schedule.start);
    const end = Date.parse(doc.spec.schedule.end);
    out.push([id, overlappingChanges(ctx, { change: doc, start, end } as ChangeFacts), sharedDependents(org, graph, doc, start, end, new Set())]);
  }
  for (const services of [['cart'], ['pay'], ['web'], ['cart', 'pay', 'web']]) {
    for (const [from, to] of [[0, Date.parse('2027-01-01T00:00:00Z')], [Date.parse('2026-11-17T11:00:00Z'), Date.parse('2026-11-17T12:30:00Z')]]) out.push(failureRateOf(org, { services, environment: 'production', from: from!, to: to! }));
  }
  return out;
}

function graphShape(g: Graph) {
  return { nodes: [...g.nodes], out: [...g.out], in: [...g.in], walk: dependentsWalk(g, ['service:pay', 'ci:cart-db']).nodes.map((n) => [n.id, n.tier]) };
}

describe('indexes derived along the OrganisationBuilder', () => {
  it('answer as indexes built afresh, and the graph after an edit of tiers is the graph built afresh', () => {
    const step = fc.tuple(fc.constantFrom(...RISK_PATHS), fc.integer({ min: -1, max: 2 }));
    let derivedGraphs = 0;
    fc.assert(
      fc.property(fc.subarray(RISK_PATHS), fc.array(fc.array(step, { minLength: 1, maxLength: 2 }), { maxLength: 10 }), (initial, steps) => {
        const files = new Map<string, FileAnalysis>();
        for (const p of initial) files.set(p, analyse(p, RISK_VARIANTS[p]![0]!));
        const builder = new OrganisationBuilder([...files.values()]);
        const fresh = () => buildOrganisation([...files.values()].sort((a, b) => (a.file < b.file ? -1 : 1)));
        // Each organisation is asked before the next step, so the next derives from its indexes.
        expect(riskAnswers(builder.organisation)).toEqual(riskAnswers(fresh()));
        for (const commit of steps) {
          const next = new Map<string, FileAnalysis | undefined>();
          for (const [p, v] of commit) {
            const text = RISK_VARIANTS[p]![v];
            const a = v >= 0 && text !== undefined ? analyse(p, text) : undefined;
            next.set(p, a);
            if (a) files.set(p, a);
            else files.delete(p);
          }
          const before = builder.organisation;
          const after = builder.apply(next);
          expect(riskAnswers(after)).toEqual(riskAnswers(fresh()));
          const servicesStep = stepOf(after.services);
          const derived = servicesStep && after.cis === before.cis ? graphAfterServiceEdits(buildGraph(before), servicesStep) : undefined;
          if (derived) {
            derivedGraphs++;
            expect(graphShape(derived)).toEqual(graphShape(buildGraph(fresh())));
          }
        }
      }),
      { numRuns: 150 },
    );
    // The property met tier edits the graph could be derived for, not only rebuilds.
    expect(derivedGraphs).toBeGreaterThan(0);
  });
});

describe('LayeredMap', () => {
  it('reads as a plain Map through a long run of replacements, deletions and appends, folding as it grows', () => {
    let model = new Map<string, number>();
    let map: Map<string, number> = new Map();
    let layered = 0;
    for (let i = 0; i < 900; i++) {
      const draft = new MapDraft(map);
      const names = [...model.keys()];
      const pick = names[(i * 7) % Math.max(1, names.length)];
      if (i % 7 === 3 && pick !== undefined) {
        draft.delete(pick);
        model.delete(pick);
      } else if (i % 3 === 1 && pick !== undefined) {
        draft.replace(pick, i);
        model.set(pick, i);
      } else {
        // A name deleted earlier comes back after every other.
        const name = i % 11 === 0 ? `n${i % 50}` : `n${i}`;
        if (!model.has(name)) {
          draft.append(name, i);
          model.set(name, i);
        }
      }
      model = new Map(model);
      map = draft.done();
      if (map instanceof LayeredMap) layered++;
      expect([...map]).toEqual([...model]);
      expect(map.size).toBe(model.size);
      for (const name of ['n0', 'n1', `n${i}`, `n${i % 50}`, 'missing']) {
        expect(map.get(name)).toBe(model.get(name));
        expect(map.has(name)).toBe(model.has(name));
      }
    }
    expect(layered).toBeGreaterThan(0);
    expect(layered).toBeLessThan(900);
    const last = new LayeredMap(new Map([['a', 1]]), new Map(), new Map(), 1);
    expect(() => last.set()).toThrow(TypeError);
    expect([...last.keys()]).toEqual(['a']);
    expect([...last.values()]).toEqual([1]);
  });
});

describe('reviewOrganisation after a step of the builder', () => {
  it('merges Maps of the same names into the winner itself (so its graph is found again), others entry by entry', () => {
    const builder = new OrganisationBuilder([analyse('services/cart/service.yaml', service('cart', 1)), analyse('services/pay/service.yaml', service('pay', 2))]);
    const base = builder.organisation;
    const edited = builder.apply(new Map([['services/cart/service.yaml', analyse('services/cart/service.yaml', service('cart', 3))]]));
    expect(edited.services).not.toBe(base.services);
    expect(reviewOrganisation(base, edited, 'base').services).toBe(base.services);
    expect(reviewOrganisation(base, edited, 'head').services).toBe(edited.services);
    const grown = builder.apply(new Map([['services/web/service.yaml', analyse('services/web/service.yaml', service('web', 4))]]));
    const merged = reviewOrganisation(edited, grown, 'base').services;
    expect(merged).not.toBe(edited.services);
    expect([...merged].map(([name, l]) => [name, l.doc.spec.tier])).toEqual([
      ['cart', 3],
      ['pay', 2],
      ['web', 4],
    ]);
  });
});
