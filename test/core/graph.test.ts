import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addEdge, addNode, createGraph, dependencies, dependents, dependentsWalk, IMPACT_EDGES, pathIn, type EdgeType, type Graph } from '../../src/core/graph.js';

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
