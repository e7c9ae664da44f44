import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { analyzeFile, analyzeText } from '../../src/core/analyze.js';
import { Scalar, Schema, type ScalarTag } from 'yaml';
import { resolveCorePlain } from '../../src/core/parse/core-scalar.js';
import { fastParse } from '../../src/core/parse/fast.js';
import { locator, spanLocator } from '../../src/core/parse/locate.js';
import { joinPointer } from '../../src/core/diagnostics.js';
import { nodeBudgetProblem } from '../../src/core/parse/node-budget.js';
import { preciseParse } from '../../src/core/parse/precise.js';
import { HOSTILE_CASES } from '../hostile/cases.js';
import { PROJECT_ROOT } from '../helpers/org.js';

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
// The keys analysis refuses (and one every object inherits) are here too: the fast reader steps aside for them, so analysis looks for them only in the precise path's values.
const AWKWARD_KEYS = ['1', 'true', '~', '? [x]\n', '[y]', '{z: 1}', '&k key', '*a', 'x'.repeat(1030), '__proto__', 'constructor', 'prototype', '"prototype"', 'toString'];

const scalar = fc.oneof({ arbitrary: fc.constantFrom(...CLEAN), weight: 12 }, { arbitrary: fc.constantFrom(...AWKWARD), weight: 1 });
const key = fc.oneof({ arbitrary: fc.constantFrom(...CLEAN_KEYS), weight: 15 }, { arbitrary: fc.constantFrom(...AWKWARD_KEYS), weight: 1 });
const flow = fc.oneof(
  fc.array(scalar.filter((s) => !s.includes('\n')), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
  // An entry may be a key alone (`{a, b: 1}`: a is null).
  fc.array(fc.tuple(fc.constantFrom('a', 'b', '"c"', '1', '? d', 'e f', 'g)'), fc.option(scalar.filter((s) => !s.includes('\n')), { freq: 4 })), { maxLength: 3 }).map((ps) => `{${ps.map(([k, v]) => (v === null ? k : `${k}: ${v}`)).join(', ')}}`),
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

/**
 * A value as nested entries: an own key such as `constructor` is data here, where the matcher
 * would take it for the object's type and call two equal values different.
 */
const entries = (v: unknown): unknown => (Array.isArray(v) ? v.map(entries) : v !== null && typeof v === 'object' ? Object.entries(v).map(([k, x]) => [k, entries(x)]) : v);

const placed = (text: string, preciseOnly: boolean) => {
  const a = analyzeText('services/x/service.yaml', text, registry, { keepValues: true, preciseOnly });
  return { diagnostics: a.diagnostics.map((d) => [d.code, d.line, d.column, d.endLine, d.endColumn, d.pointer, d.document]), values: entries(a.values) };
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
        expect(entries(mine)).toStrictEqual(entries(p.documents.map((d) => d.value)));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('one verdict on real and hostile files', () => {
  // Every YAML file beside the project that people wrote (the example organisation, the test
  // fixtures, the third-party data when it is there) and every hostile input: analysed with the
  // fast reader tried and without it, the same diagnostics (codes, positions, pointers) and values.
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.') || name === 'dist' || name === 'site') continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) files.push(p);
    }
  };
  for (const dir of ['services', 'teams', 'changes', 'systems', 'apis', 'templates', 'test/fixtures', '../shared/realdata']) {
    if (existsSync(join(PROJECT_ROOT, dir))) walk(join(PROJECT_ROOT, dir));
  }

  it(`on ${files.length} YAML files of the project and the real third-party data`, () => {
    expect(files.length).toBeGreaterThan(80);
    const differ = files.filter((f) => {
      const text = readFileSync(f, 'utf8');
      return JSON.stringify(placed(text, false)) !== JSON.stringify(placed(text, true));
    });
    expect(differ).toEqual([]);
  });

  it.each(HOSTILE_CASES.filter(([, content]) => typeof content === 'string').map(([name, content]) => [name, content as string]))('on the hostile input: %s', (_name, text) => {
    expect(placed(text, false)).toStrictEqual(placed(text, true));
  });
});

/**
 * Every pointer into a value, and beside each a missing key, an index past the end and an index
 * spelled with a leading zero: findings point at what is missing too.
 */
function pointersOf(value: unknown, base = '', out: string[] = []): string[] {
  out.push(base);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pointersOf(v, joinPointer(base, i), out));
    out.push(joinPointer(base, value.length), `${base}/00`, `${base}/missing`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pointersOf(v, joinPointer(base, k), out);
    out.push(joinPointer(base, 'missing'), `${base}/0`);
  }
  return out;
}

/** The fast reader's positions against the precise parser's, at every pointer of every document of a text both read; how many the fast reader gave. */
function samePlaces(text: string): number {
  const values = fastParse(text);
  const spans = spanLocator(text);
  // Texts with CRs are the one thing the fast reader reads and does not place (its offsets would not count them).
  expect(spans === undefined).toBe(values === undefined || text.includes('\r'));
  if (!values || !spans) return 0;
  const precise = preciseParse(text);
  const either = locator(text);
  let given = 0;
  values.forEach((value, index) => {
    for (const pointer of pointersOf(value)) {
      for (const target of ['key', 'value'] as const) {
        const want = precise.locate(index, pointer, target);
        const mine = spans(index, pointer, target);
        if (mine) {
          given++;
          expect([index, pointer, target, mine]).toStrictEqual([index, pointer, target, want]);
        }
        expect(either(index, pointer, target)).toStrictEqual(want);
      }
    }
  });
  return given;
}

describe('placing a finding by the fast reader', () => {
  it('gives the precise parser\'s position at every pointer of generated YAML, or leaves it to that parser', () => {
    let given = 0;
    fc.assert(
      fc.property(fc.oneof(yamlText, mutated), (text) => {
        given += samePlaces(text);
      }),
      { numRuns: 1500 },
    );
    expect(given).toBeGreaterThan(500);
  });

  // What findings point at in catalogue files: the fast reader must place these itself, or placing them is a second parse again.
  it.each([
    ['a plain value', 'spec:\n  resolvedAt: 2026-06-11T15:30:00Z\n', '/spec/resolvedAt', 'value'],
    ['a quoted value after a comment', '# c\nspec:\n  resolvedAt: "2026-06-11T15:30:00+09:00" # x\n', '/spec/resolvedAt', 'value'],
    ['a key', 'spec:\n  "owner": team-a\n', '/spec/owner', 'key'],
    ['a missing key (its mapping)', 'spec:\n  tier: 1\n', '/spec/owner', 'value'],
    ['an item of a block sequence', 'spec:\n  dependsOn:\n    - a\n    - b\n', '/spec/dependsOn/1', 'value'],
    ['a block sequence (its first item)', 'spec:\n  dependsOn:\n  - a\n  - b\n', '/spec/dependsOn', 'value'],
    ['a value in a flow mapping of a block sequence', 'spec:\n  actionItems:\n    - {title: T, due: "2026-06-30", state: open}\n', '/spec/actionItems/0/due', 'value'],
    ['an item of a flow sequence', 'spec:\n  services: [a, "b", c]\n', '/spec/services/2', 'value'],
    ['a flow mapping (its first key)', 'spec:\n  link: {title: x, url: y}\n', '/spec/link', 'value'],
    ['a key alone in a flow mapping', 'spec:\n  attributes: {credentials: static (moving, CR-1)}\n', '/spec/attributes/CR-1)', 'value'],
    ['an empty flow sequence', 'spec:\n  services: []\n', '/spec/services/0', 'value'],
    ['the second document', 'a: 1\n---\nkind: X\nspec:\n  x: y\n', '/spec/x', 'value'],
  ] as const)('%s', (_name, text, pointer, target) => {
    const index = text.includes('---') ? 1 : 0;
    const mine = spanLocator(text)?.(index, pointer, target);
    expect(mine).toBeDefined();
    expect(mine).toStrictEqual(preciseParse(text).locate(index, pointer, target));
  });

  it('gives the precise parser\'s position at every pointer of the project\'s and the real data\'s files', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name.startsWith('.') || name === 'dist' || name === 'site') continue;
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(name)) files.push(p);
      }
    };
    for (const dir of ['services', 'teams', 'changes', 'systems', 'apis', 'incidents', 'templates', 'test/fixtures', '../shared/realdata']) {
      if (existsSync(join(PROJECT_ROOT, dir))) walk(join(PROJECT_ROOT, dir));
    }
    let given = 0;
    for (const f of files) given += samePlaces(readFileSync(f, 'utf8'));
    expect(given).toBeGreaterThan(10_000);
  });
});

describe('what the fast path leaves out', () => {
  // The node budget is not asked about texts no longer than it (fast.ts): whatever the fast
  // reader accepts must nest less deep than the budget refuses. The deepest it takes, every way
  // it nests (block mappings, sequences, compact `- k:` entries, flow inside), has nothing to
  // say from the budget, and one level more than the reader takes goes to the precise path.
  const blockDeep = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n') + ' v\n';
  const compactDeep = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i * 4)}- k${i}:`).join('\n') + ' v\n';
  const flowDeep = (levels: number) => `a: ${'['.repeat(levels)}x${']'.repeat(levels)}\n`;
  it.each([
    ['block mappings', blockDeep, 64],
    ['sequence entries holding mappings', compactDeep, 64],
    ['flow sequences', flowDeep, 65],
  ])('%s: the deepest the fast reader takes is nothing to the node budget', (_name, make, deepest) => {
    expect(fastParse(make(deepest))).toBeDefined();
    expect(nodeBudgetProblem(make(deepest))).toBeUndefined();
    expect(fastParse(make(deepest + 1))).toBeUndefined();
  });

  it('the deepest of each way at once is still nothing to the node budget', () => {
    const text = compactDeep(63).replace(/ v\n$/, '\n') + ' '.repeat(63 * 4) + `k: ${'['.repeat(65)}x${']'.repeat(65)}\n`;
    expect(fastParse(text)).toBeDefined();
    expect(nodeBudgetProblem(text)).toBeUndefined();
  });

  it('core scalars are resolved as the tags one by one resolve them', () => {
    const tags = new Schema({ schema: 'core', merge: false, resolveKnownTags: false }).tags.filter((t): t is ScalarTag & { test: RegExp } => t.default === true && 'test' in t && t.test instanceof RegExp);
    const oneByOne = (s: string) => {
      const tag = tags.find((t) => t.test.test(s));
      if (!tag) return s;
      const r = tag.resolve(s, () => undefined, { intAsBigInt: false } as never);
      return r instanceof Scalar ? r.value : r;
    };
    const spelled = fc.oneof(fc.constantFrom(...CLEAN), fc.stringMatching(/^[-+]?[0-9.xoeE_a-fA-F~]{0,8}$/), fc.stringMatching(/^[-+.]?(inf|Inf|INF|nan|NaN|NAN|null|Null|NULL|true|True|TRUE|false|False|FALSE)$/), fc.string({ maxLength: 10 }));
    fc.assert(
      fc.property(spelled, (s) => {
        expect(resolveCorePlain(s)).toStrictEqual(oneByOne(s));
      }),
      { numRuns: 20_000 },
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
