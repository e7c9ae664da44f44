import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { analyzeFile, analyzeText } from '../../src/core/analyze.js';
import { fastParse } from '../../src/core/parse/fast.js';
import { preciseParse } from '../../src/core/parse/precise.js';

/**
 * One verdict whatever the path: the fast reader may only give the precise parser's values or
 * step aside, so a file's diagnostics (codes and positions) and values must not depend on
 * whether the fast path was tried. The corpus is built from YAML's awkward corners: scalar
 * spellings that YAML 1.1, js-yaml and YAML 1.2 read differently, directives, tags, anchors,
 * complex keys, document markers, and every line ending.
 */
const registry = schemaRegistry();

// What the fast reader takes: numbers, booleans and nulls in every spelling, quoted text.
const CLEAN = [
  '0b10', '+0x1', '-0x1', '0x1F', '0o17', '017', '0o8', '-.5', '.5', '1.', '1e3', '1E+3', '-0', '+12', '1_000', '12:30:00',
  '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '.Nan', '~', 'null', 'Null', 'NULL', 'nULL', 'yes', 'No', 'on', 'OFF', 'y', 'n',
  'true', 'True', 'TRUE', 'tRUE', '2026-11-22', '2026-11-22T10:00:00Z', '2026-11-22 10:00:00 +09:00',
  '"quoted"', "'it''s'", '"\\x41\\u00e9\\t"', 'a b', 'http://x/y', 'x#y', 'a #c', '<<', '=', '-x', '?q', ':g', '""', "''",
];
// What sends a file to the precise parser, or makes it an error.
const AWKWARD = [
  '"\\L\\P"', '!!str 1', '!!int "3"', '!!float 1', '!!null ""', '!!bool true', '!custom x', '!!binary aGk=', '!!timestamp 2026-11-22', '! x',
  '&a v', '*a', '*b', '&b [*a]', '"multi\n  line"', 'plain\n  continued',
];
const CLEAN_KEYS = ['a', 'b', 'kind', 'spec', '"q k"', "'s'", '<<', '"1"', 'a-b', 'x.y'];
const AWKWARD_KEYS = ['1', 'true', '~', '? [x]\n', '[y]', '{z: 1}', '&k key', '*a', 'x'.repeat(1030)];

const scalar = fc.oneof({ arbitrary: fc.constantFrom(...CLEAN), weight: 12 }, { arbitrary: fc.constantFrom(...AWKWARD), weight: 1 });
const key = fc.oneof({ arbitrary: fc.constantFrom(...CLEAN_KEYS), weight: 15 }, { arbitrary: fc.constantFrom(...AWKWARD_KEYS), weight: 1 });
const flow = fc.oneof(
  fc.array(scalar.filter((s) => !s.includes('\n')), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
  fc.array(fc.tuple(fc.constantFrom('a', 'b', '"c"', '1', '? d'), scalar.filter((s) => !s.includes('\n'))), { maxLength: 3 }).map((ps) => `{${ps.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
);

interface Tree {
  kind: 'map' | 'seq';
  entries: { key: string; value: string | Tree; comment: boolean }[];
}
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.record({
    kind: fc.constantFrom('map' as const, 'seq' as const),
    entries: fc.array(
      fc.record({
        key,
        value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, flow, tie('tree')),
        comment: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
})).tree;

function render(t: Tree, indent: number): string {
  const pad = ' '.repeat(indent);
  return t.entries
    .map(({ key, value, comment }) => {
      const head = t.kind === 'map' ? `${pad}${key}:` : `${pad}-`;
      const note = comment ? ' # note' : '';
      if (typeof value === 'string') {
        const v = value.replace(/\n/g, '\n' + pad);
        return `${head} ${v}${value.includes('\n') ? '' : note}\n`;
      }
      return `${head}${note}\n${render(value, indent + 2)}`;
    })
    .join('');
}

const PREFIXES = ['', '', '', '', '', '', '', '---\n', '---\n', '%YAML 1.2\n---\n', '%YAML 1.1\n---\n', '%YAML 2.0\n---\n', '%TAG !e! tag:e.com,2026:\n---\n', '%FOO bar\n---\n', '# head\n', 'base: &a {x: 1}\n'];
const SUFFIXES = ['', '', '', '', '', '---\nb: 1\n', '...\n', '---\n', '---\nb: 1\n', '...\n%YAML 1.1\n---\nc: 2\n', 'trailing: &b v\nuse: *b\n'];

const yamlText = fc
  .tuple(fc.constantFrom(...PREFIXES), tree, fc.constantFrom(...SUFFIXES), fc.constantFrom('\n', '\n', '\r\n', '\r'))
  .map(([prefix, t, suffix, eol]) => (prefix + render(t, 0) + suffix).replace(/\n/g, eol));

const MUTATIONS = ['', ' ', ':', ': ', '#', '-', '- ', '\n', '\r', '\r\n', '\t', '"', "'", '[', ']', '{', '}', ',', '&a ', '*a', '!', '%YAML 1.1\n', '---\n', '...\n', '\uFEFF', '? '];
const mutated = fc.tuple(yamlText, fc.array(fc.record({ at: fc.nat(), remove: fc.nat(2), insert: fc.constantFrom(...MUTATIONS) }), { maxLength: 3 })).map(([text, edits]) => {
  for (const e of edits) {
    const at = e.at % (text.length + 1);
    text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
  }
  return text;
});

const placed = (text: string, preciseOnly: boolean) => {
  const a = analyzeText('services/x/service.yaml', text, registry, { keepValues: true, preciseOnly });
  return { diagnostics: a.diagnostics.map((d) => [d.code, d.line, d.column, d.endLine, d.endColumn, d.pointer, d.document]), values: a.values };
};

describe('the fast and the precise path', () => {
  it('give the same diagnostics (codes and positions) and values on generated YAML', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(yamlText, mutated), (text) => {
        if (fastParse(text) !== undefined) fast++;
        expect(placed(text, false)).toStrictEqual(placed(text, true));
      }),
      { numRuns: 1500 },
    );
    // The corpus must exercise the fast path too, or the comparison proves nothing.
    expect(fast).toBeGreaterThan(100);
  });

  it('the fast reader never accepts what the precise parser rejects, nor reads it differently', () => {
    fc.assert(
      fc.property(fc.oneof(yamlText, mutated), (text) => {
        const mine = fastParse(text);
        if (mine === undefined) return;
        const p = preciseParse(text);
        expect(p.problems).toEqual([]);
        expect(mine).toStrictEqual(p.documents.map((d) => d.value));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('the YAML reader under fuzzing', () => {
  // Per input, generous for a loaded 2-core machine: what it catches is a hang or a blow-up.
  const BUDGET_MS = 3000;

  // Both paths, each on its own: a diagnostic or a result, within budget, never a throw.
  const check = (bytes: Uint8Array, budgetMs = BUDGET_MS) => {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    for (const run of [() => analyzeFile('services/x/service.yaml', bytes, registry), () => analyzeText('services/x/service.yaml', text, registry, { preciseOnly: true })]) {
      const started = performance.now();
      const a = run();
      expect(performance.now() - started).toBeLessThan(budgetMs);
      for (const d of a.diagnostics) {
        expect(d.line).toBeGreaterThan(0);
        expect(d.column).toBeGreaterThan(0);
        expect(typeof d.code).toBe('string');
      }
      // A result or a diagnostic: never nothing for a file that is not blank.
      if (a.documents.length === 0) expect(a.diagnostics.length).toBeGreaterThan(0);
    }
  };

  it('gives a diagnostic or a result, within budget, for YAML-like text', () => {
    fc.assert(fc.property(fc.oneof(yamlText, mutated), (text) => check(new TextEncoder().encode(text))), { numRuns: 800 });
  });

  // Hostile shapes at sizes that must hit a cap (aliases, depth) or stay linear (documents, width).
  it('gives a diagnostic or a result, within budget, for hostile shapes', () => {
    const shape = fc.oneof(
      fc.integer({ min: 1, max: 9 }).map((k) => 'a: &a [x,x,x,x,x,x,x,x,x]\n' + Array.from({ length: k }, (_, i) => `${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${i ? 'bcdefghij'[i - 1] : 'a'}`).join(',')}]`).join('\n') + '\n'),
      fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[', '{', '[{', '- ')).map(([n, open]) => (open === '- ' ? Array.from({ length: Math.min(n, 1500) }, (_, i) => ' '.repeat(i * 2) + '- ').join('\n') + 'x\n' : open.repeat(n) + '\n')),
      fc.integer({ min: 1, max: 10_000 }).map((n) => '---\na: 1\n'.repeat(n)),
      fc.integer({ min: 1, max: 20_000 }).map((n) => `a: [${Array(n).fill('*x').join(',')}]\n`.replace('a: [', 'x: &x v\na: [')),
      fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('\r', '\n', '\r\n')).map(([n, eol]) => `a: ${'y'.repeat(n)}${eol}b: 1${eol}`),
    );
    // Larger inputs than the corpus above, so a larger budget; what it catches is superlinear work.
    fc.assert(fc.property(shape, (text) => check(new TextEncoder().encode(text), 15_000)), { numRuns: 40 });
  }, 300_000);

  it('gives a diagnostic or a result, within budget, for arbitrary text and bytes', () => {
    const alphabet = fc.constantFrom('a', ':', ' ', '\n', '\r', '-', '[', ']', '{', '}', '&a', '*a', '!', '%', '"', "'", '#', '|', '>', '?', ',', '\t', '---', '...', '0x', '.');
    fc.assert(
      fc.property(
        fc.oneof(fc.array(alphabet, { maxLength: 200 }).map((xs) => new TextEncoder().encode(xs.join(''))), fc.string({ unit: 'binary', maxLength: 300 }).map((s) => new TextEncoder().encode(s)), fc.uint8Array({ maxLength: 300 })),
        (bytes) => check(bytes),
      ),
      { numRuns: 800 },
    );
  });
});
