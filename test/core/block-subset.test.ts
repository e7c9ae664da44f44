import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { readBlockSubset } from '../../src/core/parse/block-subset.js';
import { preciseParse } from '../../src/core/parse/precise.js';
import { PROJECT_ROOT } from '../helpers/org.js';

/**
 * The block-subset reader may only ever agree with the precise parser (the authority) or step
 * aside. Every check here compares against it; "accepted" cases also pin that the reader
 * really handles what catalogue files are written in, so the fast path is not vacuous.
 * js-yaml only writes the generated documents.
 */
function preciseLoad(text: string): { ok: true; value: unknown[] } | { ok: false } {
  const p = preciseParse(text);
  return p.problems.length === 0 ? { ok: true, value: p.documents.map((d) => d.value) } : { ok: false };
}

/** undefined, or exactly the precise parser's value (and never a value where it fails). */
function agrees(text: string): boolean {
  const mine = readBlockSubset(text);
  if (mine === undefined) return true;
  const theirs = preciseLoad(text);
  if (!theirs.ok) return false;
  try {
    expect(mine).toStrictEqual(theirs.value);
    return true;
  } catch {
    return false;
  }
}

const ACCEPTED: [string, string][] = [
  ['plain mapping', 'apiVersion: opsledger/v1\nkind: Service\nmetadata:\n  name: payments-api\n'],
  ['scalars resolve as YAML 1.2 core', 'a: 1\nb: -2.5\nc: true\nd: ~\ne: null\nf: 0x1F\ng: .inf\nh: 1_000\ni: 2026-11-22\nj: 0o17\nk: +3\nl: .5\nm: False\nn: 0b10\no: +0x1\np: -.5\nq: yes\n'],
  ['empty values are null', 'a:\nb: # nothing here\nc: 1\n'],
  ['nested mappings and sequences', 'spec:\n  owners:\n    - team: sre\n      role: primary\n    - team: payments\n  tags: [pci, tier-1]\n'],
  ['a sequence at its key\'s indentation', 'a:\n- 1\n- two\nb: 3\n'],
  ['keys alone in a flow mapping are null', 'a: {credentials: static (moving, CR-1), "q" , x y}\n'],
  ['quoted scalars and keys', 'a: "x: y # z"\nb: \'it\'\'s\'\n"c d": "\\u00e9\\x41\\t\\"\\\\"\n\'e\': \'\'\n'],
  ['comments everywhere', '# head\na: 1 # one\n  # indented comment\nb: x#y\n'],
  ['flow collections', 'a: {x: 1, "y": [a, b, {c: d}], z: }\nb: []\nc: {}\nd: [http://x/y, "q"]\n'],
  ['folded block scalar', 'a: >-\n  one two\n  three\n\n  four\nb: 1\n'],
  ['folded, clipped', 'a: >\n  one\n  two\n'],
  ['literal block scalar', 'a: |\n  line one\n    indented\n\n  last\nb: |-\n  x\n'],
  ['block scalar in a sequence', 'a:\n  - |-\n    text\n  - >-\n    more\n'],
  ['several documents', 'a: 1\n---\nb: 2\n---\n- x\n- y\n'],
  ['leading separator', '# c\n---\na: 1\n'],
  ['dash and colon inside plain scalars', 'a: -x\nb: a:b\nc: ?q\nd: x - y\ne: "-"\n'],
  ['sequence of mappings, nested', '- a: 1\n  b:\n    - c\n- d: 2\n'],
  ['item with nested block', '-\n  a: 1\n- b\n'],
  ['trailing spaces', 'a: 1   \nb: "x"   \n'],
];

const REFUSED: [string, string][] = [
  ['an anchor and alias', 'a: &x 1\nb: *x\n'],
  ['a tag', 'a: !!str 1\n'],
  ['a multi-line plain scalar', 'a: one\n  two\n'],
  ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
  ['a multi-line flow collection', 'a: [1,\n  2]\n'],
  ['tabs', 'a:\t1\n'],
  ['carriage returns', 'a: 1\r\nb: 2\r\n'],
  ['a duplicate key', 'a: 1\na: 2\n'],
  ['__proto__', '__proto__: {polluted: true}\n'],
  ['constructor', 'constructor: x\n'],
  ['an explicit key', '? a\n: 1\n'],
  ['a non-string plain key', '1.0: a\n'],
  ['a trailing empty document', 'a: 1\n---\n'],
  ['an empty file', ''],
  ['only comments', '# nothing\n'],
  ['a root scalar', 'just text\n'],
  ['a root flow', '{a: 1}\n'],
  ['an indented root', '  a: 1\n'],
  ['a directive', '%YAML 1.2\n---\na: 1\n'],
  ['a document end marker', 'a: 1\n...\n'],
  ['a compact nested sequence', '- - a\n'],
  ['a mapping on one line', 'a: b: c\n'],
  ['keep chomping', 'a: |+\n  x\n\n'],
  ['an indentation indicator', 'a: |2\n   x\n'],
  ['a more-indented folded line', 'a: >\n  x\n    y\n'],
  ['leading blank lines in a block scalar', 'a: |\n\n  x\n'],
  ['a pair inside a flow sequence', 'a: [x: 1]\n'],
  ['wrong indentation', 'a:\n  b: 1\n   c: 2\n'],
  ['a list after a mapping', 'a: 1\n- b\n'],
  ['text after a quoted scalar', 'a: "x" y\n'],
  ['a comment glued to a flow', 'a: [1]#c\n'],
  ['an unterminated quote', "a: 'x\n"],
  ['a lone surrogate', 'a: \uD800\n'],
  ['a control character', 'a: \u0007\n'],
];

describe('the block-subset reader', () => {
  it.each(ACCEPTED)('reads %s exactly as the precise parser does', (_name, text) => {
    const theirs = preciseLoad(text);
    expect(theirs.ok).toBe(true);
    expect(readBlockSubset(text)).toStrictEqual((theirs as { value: unknown[] }).value);
  });

  it.each(REFUSED)('steps aside for %s', (_name, text) => {
    expect(readBlockSubset(text)).toBeUndefined();
  });

  it('agrees with the precise parser on every YAML file in the repository and the real third-party data', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        if (name === 'node_modules' || name.startsWith('.') || name === 'dist' || name === 'site') continue;
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(name)) files.push(p);
      }
    };
    for (const dir of ['services', 'teams', 'changes', 'templates', 'test/fixtures', '../shared/realdata']) {
      try {
        walk(join(PROJECT_ROOT, dir));
      } catch {
        // ../shared is beside the project only where the project is developed.
      }
    }
    expect(files.length).toBeGreaterThan(80);
    const disagree = files.filter((f) => !agrees(readFileSync(f, 'utf8')));
    expect(disagree).toEqual([]);
    // The shipped organisation is what the reader is for: nearly all of it must go through it.
    const example = files.filter((f) => /^(services|teams|changes)\//.test(f.slice(PROJECT_ROOT.length)));
    const read = example.filter((f) => readBlockSubset(readFileSync(f, 'utf8')) !== undefined);
    expect(read.length / example.length).toBeGreaterThan(0.95);
  });

  // Values js-yaml can dump; keys and strings drawn to hit YAML's awkward corners.
  const awkwardString = fc.oneof(
    fc.constantFrom('', ' ', 'a b', 'x: y', 'a #b', '#c', '- d', '-e', '? f', ':g', 'h:', "it's", '"q"', '[x]', '{y}', 'a, b', 'true', 'null', '~', '1', '0x1F', '1e3', '.inf', '2026-11-22', 'on', 'yes', '\\', 'é', 'multi\nline', 'trailing ', '  lead', '|', '>', '&a', '*a', '!t', '%p', '@r', '`b'),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, tie('scalar'), tie('list'), tie('map')),
    scalar: fc.oneof(awkwardString, fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
    list: fc.array(tie('node'), { maxLength: 4 }),
    map: fc.dictionary(awkwardString, tie('node'), { maxKeys: 5 }),
  }));
  const dumpOptions = fc.record({
    flowLevel: fc.constantFrom(-1, 0, 1, 2),
    lineWidth: fc.constantFrom(-1, 20, 80),
    indent: fc.constantFrom(2, 4),
    forceQuotes: fc.boolean(),
    quotingType: fc.constantFrom("'" as const, '"' as const),
    noArrayIndent: fc.boolean(),
  });

  it('agrees with the precise parser on generated documents in every dump style', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.dictionary(awkwardString, value.node, { minKeys: 1, maxKeys: 6 }), { minLength: 1, maxLength: 3 }), dumpOptions, (docs, options) => {
        const text = docs.map((d) => jsyaml.dump(d, { ...options, schema: jsyaml.CORE_SCHEMA })).join('---\n');
        if (readBlockSubset(text) !== undefined) accepted++;
        return agrees(text);
      }),
      { numRuns: 600 },
    );
    expect(accepted).toBeGreaterThan(60);
  });

  it('agrees with the precise parser on mutated catalogue files (errors included)', () => {
    const seeds = ['services/payments-api/service.yaml', 'services/checkout-api/slos.yaml', 'services/checkout-api/cmdb.yaml', 'teams/cab.yaml']
      .map((f) => join(PROJECT_ROOT, f))
      .filter((f) => {
        try {
          return statSync(f).isFile();
        } catch {
          return false;
        }
      })
      .map((f) => readFileSync(f, 'utf8'));
    expect(seeds.length).toBeGreaterThan(0);
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat(3),
      insert: fc.constantFrom('', ' ', '  ', ':', ': ', '#', ' #', '-', '- ', '\n', '\n  ', '"', "'", '[', ']', '{', '}', ',', '|', '>-', '&a', '*a', '!', '---\n', 'key: v\n', '\t', '\\'),
    });
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 }), (seed, edits) => {
        let text = seed;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        return agrees(text);
      }),
      { numRuns: 1500 },
    );
  });
});
