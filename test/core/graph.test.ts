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
