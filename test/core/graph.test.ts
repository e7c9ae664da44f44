import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addEdge, addNode, buildGraph, createGraph, dependencies, dependents, dependentsWalk, hasNode, IMPACT_EDGES, neighbourIds, pathIn, type EdgeType, type Graph } from '../../src/core/graph.js';
import type { ConfigurationItem, Service } from '../../src/core/model.js';
import { emptyOrganisation, type Organisation } from '../../src/core/organisation.js';

const TYPES: EdgeType[] = ['dependsOn', 'runsOn', 'hostedOn', 'connectsTo', 'owns'];

function graphOf(nodes: readonly string[], edges: readonly (readonly [string, string, EdgeType])[]): Graph {
  const g = createGraph();
  for (const n of nodes) addNode(g, n);
  for (const [from, to, type] of edges) addEdge(g, from, to, type);
  return g;
}

/** What a closure says, as plain data: ids in order, each with its distance and path. */
const view = (m: Map<string, { distance: number; path: string[] }>) => [...m].map(([id, r]) => [id, r.distance, r.path.join('>')]);

describe('dependency closures', () => {
  const g = graphOf(
    ['service:web', 'service:api', 'service:auth', 'ci:db', 'ci:cluster', 'service:batch', 'service:admin'],
    [
      ['service:web', 'service:api', 'dependsOn'],
      ['service:admin', 'service:api', 'dependsOn'],
      ['service:api', 'ci:db', 'owns'],
      ['service:auth', 'ci:db', 'owns'],
      ['ci:db', 'ci:cluster', 'runsOn'],
      ['service:batch', 'ci:cluster', 'connectsTo'],
    ],
  );

  it('walks what depends on a node, nearest first and then by id, with the path it took', () => {
    expect(view(dependents(g, ['ci:cluster']))).toEqual([
      ['ci:cluster', 0, 'ci:cluster'],
      ['ci:db', 1, 'ci:cluster>ci:db'],
      ['service:api', 2, 'ci:cluster>ci:db>service:api'],
      ['service:auth', 2, 'ci:cluster>ci:db>service:auth'],
      ['service:admin', 3, 'ci:cluster>ci:db>service:api>service:admin'],
      ['service:web', 3, 'ci:cluster>ci:db>service:api>service:web'],
    ]);
    // connectsTo is a peer link: batch is not impacted, but a walk over every type reaches it.
    expect(dependents(g, ['ci:cluster'], new Set(TYPES)).has('service:batch')).toBe(true);
  });

  it('walks what a node needs in the other direction', () => {
    expect(view(dependencies(g, ['service:web']))).toEqual([
      ['service:web', 0, 'service:web'],
      ['service:api', 1, 'service:web>service:api'],
      ['ci:db', 2, 'service:web>service:api>ci:db'],
      ['ci:cluster', 3, 'service:web>service:api>ci:db>ci:cluster'],
    ]);
  });

  it('stops at the limit with the nearest nodes, and skips start nodes it does not know', () => {
    expect([...dependents(g, ['ci:cluster', 'service:ghost'], IMPACT_EDGES, 3).keys()]).toEqual(['ci:cluster', 'ci:db', 'service:api']);
  });

  it('sees edges added after an earlier walk', () => {
    const h = graphOf(['service:a', 'service:b', 'service:c'], [['service:b', 'service:a', 'dependsOn']]);
    expect([...dependents(h, ['service:a']).keys()]).toEqual(['service:a', 'service:b']);
    addEdge(h, 'service:c', 'service:b', 'dependsOn');
    expect([...dependents(h, ['service:a']).keys()]).toEqual(['service:a', 'service:b', 'service:c']);
    addNode(h, 'service:d');
    addEdge(h, 'service:d', 'service:a', 'dependsOn');
    expect(dependents(h, ['service:a']).get('service:d')?.path).toEqual(['service:a', 'service:d']);
  });

  it('gives the same answer whatever order the nodes and edges were added in', () => {
    const arbitraryGraph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom(...TYPES)), { maxLength: 40 }),
        starts: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
        seed: fc.integer(),
        limit: fc.option(fc.integer({ min: 1, max: 14 }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(arbitraryGraph, ({ n, edges, starts, seed, limit }) => {
        const id = (i: number) => (i % 2 ? `ci:c${i}` : `service:s${i}`);
        const nodes = Array.from({ length: n }, (_, i) => id(i));
        const typed = edges.map(([a, b, t]) => [id(a), id(b), t] as const);
        // A deterministic shuffle of both lists.
        const shuffle = <T>(list: readonly T[]) => {
          const out = [...list];
          let s = seed;
          for (let i = out.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) & 0x7fffffff;
            const j = s % (i + 1);
            [out[i], out[j]] = [out[j]!, out[i]!];
          }
          return out;
        };
        const a = graphOf(nodes, typed);
        const b = graphOf(shuffle(nodes), shuffle(typed));
        const from = starts.map(id);
        expect(view(dependents(b, from, IMPACT_EDGES, limit))).toEqual(view(dependents(a, from, IMPACT_EDGES, limit)));
        expect(view(dependencies(b, from))).toEqual(view(dependencies(a, from)));
        // Every path is a shortest one: no node is listed nearer than a node it was reached through.
        for (const r of dependents(a, from, IMPACT_EDGES, limit).values()) expect(r.path.length - 1).toBe(r.distance);
        // The walk behind it says the same with predecessors instead of paths, in either graph.
        const walk = dependentsWalk(b, from);
        expect(walk.nodes.map((node, k) => [node.id, walk.distance[k], pathIn(walk, k).join('>')])).toEqual(view(dependents(a, from)));
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The walk as it was first written: breadth first, each level in id order, every node carrying
 * its whole path. Quadratic down a chain, but plainly right; the linear walk must agree with it.
 */
function fullPathWalk(nodes: readonly string[], edges: readonly (readonly [string, string, EdgeType])[], starts: readonly string[], limit = Infinity): [string, number, string][] {
  const known = new Set(nodes);
  const paths = new Map<string, string[]>();
  let level = [...new Set(starts.filter((s) => known.has(s)))].sort();
  for (const s of level) paths.set(s, [s]);
  while (level.length && paths.size < limit) {
    const next: string[] = [];
    for (const node of level) {
      const incoming = edges
        .filter(([from, to, type]) => to === node && known.has(from) && IMPACT_EDGES.has(type))
        .map(([from]) => from)
        .sort();
      for (const from of incoming) {
        if (paths.has(from)) continue;
        if (paths.size >= limit) break;
        paths.set(from, [...paths.get(node)!, from]);
        next.push(from);
      }
    }
    level = next.sort();
  }
  return [...paths.values()]
    .sort((a, b) => a.length - b.length || (a.at(-1)! < b.at(-1)! ? -1 : 1))
    .map((path) => [path.at(-1)!, path.length - 1, path.join('>')]);
}

describe('the linear walk', () => {
  it('finds the same nodes, distances and paths as the full-path walk, with or without a limit', () => {
    const arbitrary = fc.integer({ min: 1, max: 16 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constantFrom(...TYPES)), { maxLength: 50 }),
        starts: fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
        limit: fc.option(fc.integer({ min: 1, max: 18 }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ n, edges, starts, limit }) => {
        const id = (i: number) => (i % 3 ? `ci:c${(i * 7) % 10}${i}` : `service:s${i}`);
        const nodes = Array.from({ length: n }, (_, i) => id(i));
        const typed = edges.map(([a, b, t]) => [id(a), id(b), t] as const);
        const walk = dependentsWalk(graphOf(nodes, typed), starts.map(id), IMPACT_EDGES, limit);
        const linear = walk.nodes.map((node, k) => [node.id, walk.distance[k], pathIn(walk, k).join('>')]);
        expect(linear).toEqual(fullPathWalk(nodes, typed, starts.map(id), limit));
      }),
      { numRuns: 500 },
    );
  });

  it('walks a long chain and a wide star in one pass, spelling out only the paths asked for', () => {
    const n = 10_000;
    const chain = Array.from({ length: n }, (_, i) => `service:c${String(i).padStart(5, '0')}`);
    const g = graphOf(chain, chain.slice(1).map((node, i) => [node, chain[i]!, 'dependsOn'] as const));
    const walk = dependentsWalk(g, [chain[0]!]);
    expect(walk.nodes.length).toBe(n);
    expect(walk.distance[n - 1]).toBe(n - 1);
    expect(pathIn(walk, n - 1)).toEqual(chain);
    const leaves = chain.slice(1);
    const star = dependentsWalk(graphOf(chain, leaves.map((leaf) => [leaf, chain[0]!, 'dependsOn'] as const)), [chain[0]!]);
    expect(Math.max(...star.distance)).toBe(1);
    expect(star.nodes.map((node) => node.id)).toEqual(chain);
  });

  it('keeps one edge per target and type, however long the list of edges', () => {
    const many = Array.from({ length: 40 }, (_, i) => `ci:d${i}`);
    const g = graphOf(['service:a', ...many], [...many, ...many].map((ci) => ['service:a', ci, 'dependsOn'] as const));
    addEdge(g, 'service:a', 'ci:d3', 'runsOn');
    expect(g.out.get('service:a')!.length).toBe(41);
    expect(g.in.get('ci:d3')!.map((e) => e.type)).toEqual(['dependsOn', 'runsOn']);
  });
});

describe('the graph built from an organisation', () => {
  /**
   * The same organisation through addNode and addEdge, in the order the build meets its
   * documents: services and their dependencies, then CIs, their relations and their owner.
   */
  function byHand(org: Organisation): Graph {
    const g = createGraph();
    for (const [name, { doc }] of org.services) addNode(g, `service:${name}`, doc.spec);
    for (const name of org.cis.keys()) addNode(g, `ci:${name}`);
    for (const [name, { doc }] of org.services) for (const dep of doc.spec.dependsOn ?? []) addEdge(g, `service:${name}`, dep, 'dependsOn');
    for (const [name, { doc }] of org.cis) {
      for (const rel of doc.spec.relations ?? []) addEdge(g, `ci:${name}`, rel.target, rel.type);
      if (doc.spec.service) addEdge(g, `service:${doc.spec.service}`, `ci:${name}`, 'owns');
    }
    return g;
  }

  const arbitraryOrg = fc.record({
    services: fc.uniqueArray(fc.stringMatching(/^[a-e]{1,3}$/), { maxLength: 10 }),
    cis: fc.uniqueArray(fc.stringMatching(/^[a-e]{1,3}$/), { maxLength: 10 }),
    // Targets by number (some past the end: references to nothing), kinds and types.
    deps: fc.array(fc.tuple(fc.nat(12), fc.nat(12), fc.boolean()), { maxLength: 30 }),
    relations: fc.array(fc.tuple(fc.nat(12), fc.nat(12), fc.constantFrom<EdgeType>('runsOn', 'hostedOn', 'connectsTo', 'dependsOn')), { maxLength: 30 }),
    owners: fc.array(fc.option(fc.nat(12), { nil: undefined }), { maxLength: 10 }),
  });

  function orgOf({ services, cis, deps, relations, owners }: { services: string[]; cis: string[]; deps: [number, number, boolean][]; relations: [number, number, EdgeType][]; owners: (number | undefined)[] }): Organisation {
    const org = emptyOrganisation();
    const target = (i: number, service: boolean) => (service ? `service:${services[i] ?? 'nobody'}` : `ci:${cis[i] ?? 'nothing'}`);
    services.forEach((name, i) => {
      const dependsOn = deps.filter(([from]) => from === i).map(([, to, service]) => target(to, service));
      org.services.set(name, { doc: { spec: { tier: 1 + (i % 4), exposure: 'team', dependsOn } } as unknown as Service, file: 'f', index: i });
    });
    cis.forEach((name, i) => {
      const rels = relations.filter(([from]) => from === i).map(([, to, type]) => ({ type, target: target(to, to % 2 === 0) }));
      const owner = owners[i] === undefined ? undefined : services[owners[i]!];
      org.cis.set(name, { doc: { spec: { relations: rels, ...(owner ? { service: owner } : {}) } } as unknown as ConfigurationItem, file: 'f', index: i });
    });
    return org;
  }

  it('lists the nodes and edges, answers neighbours and walks as the same graph made by hand', () => {
    fc.assert(
      fc.property(arbitraryOrg, (spec) => {
        const org = orgOf(spec);
        const built = buildGraph(org);
        const hand = byHand(org);
        const ids = [...hand.nodes.keys()];
        for (const id of ids) {
          for (const direction of ['in', 'out'] as const) {
            // Asked before the maps exist, then compared with the maps made by hand.
            expect(neighbourIds(built, id, direction)).toEqual((hand[direction].get(id) ?? []).map((e) => (direction === 'in' ? e.from : e.to)));
          }
          expect(view(dependents(built, [id]))).toEqual(view(dependents(hand, [id])));
          expect(view(dependents(built, [id], IMPACT_EDGES, 3))).toEqual(view(dependents(hand, [id], IMPACT_EDGES, 3)));
          expect(view(dependencies(built, [id]))).toEqual(view(dependencies(hand, [id])));
          expect(hasNode(built, id)).toBe(true);
        }
        expect(hasNode(built, 'service:nobody-at-all')).toBe(false);
        expect([...built.nodes]).toEqual([...hand.nodes]);
        expect([...built.out]).toEqual([...hand.out]);
        expect([...built.in]).toEqual([...hand.in]);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps one edge per target and type from a long list of dependencies', () => {
    const many = Array.from({ length: 20 }, (_, i) => i);
    const org = orgOf({ services: ['a', ...many.map((i) => `s${i}`)], cis: [], deps: [...many, ...many].map((i) => [0, i + 1, true] as [number, number, boolean]), relations: [], owners: [] });
    const g = buildGraph(org);
    expect(neighbourIds(g, 'service:a', 'out')).toEqual(many.map((i) => `service:s${i}`));
    expect(g.out.get('service:a')!.length).toBe(20);
  });

  it('still takes nodes and edges added after it was built', () => {
    const org = orgOf({ services: ['a', 'b'], cis: [], deps: [[1, 0, true]], relations: [], owners: [] });
    const g = buildGraph(org);
    expect([...dependents(g, ['service:a']).keys()]).toEqual(['service:a', 'service:b']);
    addNode(g, 'service:c');
    addEdge(g, 'service:c', 'service:b', 'dependsOn');
    expect(dependents(g, ['service:a']).get('service:c')?.path).toEqual(['service:a', 'service:b', 'service:c']);
    expect(neighbourIds(g, 'service:b', 'in')).toEqual(['service:c']);
  });
});
