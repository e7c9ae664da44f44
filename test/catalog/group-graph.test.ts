import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutGroups } from '../../src/catalog/group-graph.js';
import type { GroupGraph } from '../../src/core/catalog/types.js';

const WORDS = { noSystem: 'No system', more: (n: number) => `+${n} more`, caption: '' };

/** Any grouping: up to 30 systems of up to 8 services, any edges between them (cycles included). */
const graphs = fc.integer({ min: 1, max: 30 }).chain((systems) =>
  fc
    .record({
      sizes: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: systems, maxLength: systems }),
      more: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: systems, maxLength: systems }),
      pairs: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 400 }),
    })
    .map(({ sizes, more, pairs }): GroupGraph => {
      const groups = sizes.map((n, g) => ({ id: `g:${g}`, label: `system ${g}`, focus: g === 0, nodes: Array.from({ length: n }, (_, i) => ({ id: `s:${g}-${i}`, label: `service ${g}-${i}` })), more: more[g]! }));
      const ids = groups.flatMap((gr) => [...gr.nodes.map((n) => n.id), ...(gr.more ? [`${gr.id}:more`] : [])]);
      const edges = ids.length ? pairs.map(([a, b]) => ({ from: ids[a % ids.length]!, to: ids[b % ids.length]! })) : [];
      return { groups, edges, hiddenSystems: 0 };
    }),
);

describe('the grouped dependency graph', () => {
  it('lays out any grouping without failing, every service inside its system box, an arrow per edge between two services, in milliseconds', () => {
    fc.assert(
      fc.property(graphs, (graph) => {
        const started = performance.now();
        const drawing = layoutGroups(graph, WORDS);
        expect(performance.now() - started).toBeLessThan(500);
        const boxes = graph.groups.filter((g) => g.nodes.length || g.more);
        if (!boxes.length) {
          expect(drawing).toBeUndefined();
          return;
        }
        expect(drawing!.groups).toHaveLength(boxes.length);
        boxes.forEach((g, i) => {
          const box = drawing!.groups[i]!;
          for (const n of g.nodes) {
            const node = drawing!.nodes.find((x) => x.id === n.id)!;
            expect(node.x >= box.x && node.x + node.w <= box.x + box.w && node.y >= box.y && node.y + node.h <= box.y + box.h).toBe(true);
          }
        });
        expect(drawing!.edges).toHaveLength(graph.edges.filter((e) => e.from !== e.to).length);
        for (const n of drawing!.nodes) expect(n.x + n.w <= drawing!.width && n.y + n.h <= drawing!.height).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
