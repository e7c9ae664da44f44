import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { analyzeFile, type FileAnalysis } from '../../src/core/analyze.js';
import { OrganisationBuilder } from '../../src/core/organisation-builder.js';
import { buildOrganisation, type Organisation } from '../../src/core/organisation.js';

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
          expect(shape(after)).toEqual(shape(buildOrganisation([...files.values()].sort((a, b) => (a.file < b.file ? -1 : 1)))));
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
