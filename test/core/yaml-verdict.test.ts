import { describe, expect, it } from 'vitest';
import { schemaRegistry } from '../../src/adapters/fs/schemas.js';
import { analyzeText } from '../../src/core/analyze.js';
import { fastParse } from '../../src/core/parse/fast.js';
import { MAX_FILE_NODES, nodeBudgetProblem } from '../../src/core/parse/node-budget.js';
import { MAX_ALIAS_NODES, MAX_DEPTH } from '../../src/core/parse/plain-value.js';
import { preciseParse } from '../../src/core/parse/precise.js';
import { BOMB } from '../hostile/cases.js';

/**
 * One row per case of each class from issue #16 (the case, and others of its kind). Every row
 * runs with and without the fast reader: the verdict may not depend on the path.
 */
const registry = schemaRegistry();
const TEAM = 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec:\n';

function yamlDiagnostics(text: string, preciseOnly: boolean): [string, number, number][] {
  return analyzeText('teams/x.yaml', text, registry, { preciseOnly })
    .diagnostics.filter((d) => d.code.startsWith('yaml.') || d.code.startsWith('schema.'))
    .map((d) => [d.code, d.line, d.column]);
}

type Row = [string, string, [string, number, number][]];
const both = (rows: Row[]) => rows.flatMap(([name, text, expected]) => (['fast path tried', 'precise only'] as const).map((path) => [name, path, text, expected] as const));

const manyAliases = (n: number) => 'a: &a x\nb: [' + Array(n).fill('*a').join(',') + ']\n';
// Each alias adds five nodes (a list of four): past the alias budget while under the node budget.
const distinctAliases = (n: number) => 'l:\n' + Array.from({ length: n }, (_, i) => `- &a${i} [v, v, v, v]\n- *a${i}\n`).join('');

const ROWS: Row[] = [
  // Directives: only %YAML 1.2 (or none) is read.
  ['%YAML 1.1 with a merge key and an alias', '%YAML 1.1\n---\nbase: &b {x: 1}\nm:\n  <<: *b\n', [['yaml.version', 1, 1]]],
  ['%YAML 1.1 with a merge key and no alias', '%YAML 1.1\n---\nm:\n  <<: {x: 1}\n', [['yaml.version', 1, 1]]],
  ['%YAML 1.3', '%YAML 1.3\n---\na: 1\n', [['yaml.version', 1, 1]]],
  ['%YAML 1.1 on the second document', 'a: 1\n...\n%YAML 1.1\n---\nb: 1\n', [['yaml.version', 3, 1]]],
  ['%YAML 1.2 twice', '%YAML 1.2\n%YAML 1.2\n---\na: 1\n', [['yaml.syntax', 2, 1]]],
  ['%TAG', '%TAG !e! tag:e.com,2026:\n---\na: 1\n', [['yaml.tag', 1, 1]]],
  ['%TAG and its tag', '%TAG !e! tag:e.com,2026:\n---\na: !e!x 1\n', [['yaml.tag', 1, 1], ['yaml.tag', 3, 4]]],
  ['an unknown directive', '%FOO bar\n---\na: 1\n', [['yaml.syntax', 1, 1]]],
  ['%YAML 1.2', '%YAML 1.2\n---\n' + TEAM + '  members: [a]\n', []],
  // Tags outside the core schema, the 1.1 ones included.
  ['!!binary', 'a: !!binary aGk=\n', [['yaml.tag', 1, 4]]],
  ['!!timestamp', 'a: !!timestamp 2026-11-22\n', [['yaml.tag', 1, 4]]],
  ['!!set', 'a: !!set {x: null}\n', [['yaml.tag', 1, 4]]],
  ['!!omap', 'a: !!omap [{x: 1}]\n', [['yaml.tag', 1, 4]]],
  // Keys that are not single values, or that two spellings make the same.
  ['an explicit sequence key', '? [a]\n: 1\n', [['yaml.key', 1, 3]]],
  ['a flow sequence key', '{[a]: 1}\n', [['yaml.key', 1, 2]]],
  ['an alias to a sequence as key', 'x: &l [1]\n*l : 2\n', [['yaml.key', 2, 1]]],
  ['1 and "1"', '1: a\n"1": b\n', [['yaml.duplicate-key', 2, 1]]],
  ['~ and ""', '~: a\n"": b\n', [['yaml.duplicate-key', 2, 1]]],
  // Line endings: CR alone is a line break, and every position counts it.
  ['a syntax error, CR only', 'a: 1\rb: [\r', [['yaml.syntax', 3, 1]]],
  ['a schema error, CR only', (TEAM + '  members: 5\n').replace(/\n/g, '\r'), [['schema.type', 5, 12]]],
  ['a duplicate key, CR only', 'a: 1\ra: 2\r', [['yaml.duplicate-key', 2, 1]]],
  ['a duplicate key, CR LF', 'a: 1\r\na: 2\r\n', [['yaml.duplicate-key', 2, 1]]],
  ['a duplicate key, mixed endings', 'a: 1\n\ra: 2\r\n', [['yaml.duplicate-key', 3, 1]]],
  ['a schema error, CR LF', (TEAM + '  members: 5\n').replace(/\n/g, '\r\n'), [['schema.type', 5, 12]]],
  ['a tab, CR only', 'a:\r\t- 1\r', [['yaml.syntax', 2, 1]]],
  // Aliases: resolved once each, within one budget per file.
  // The position is the alias at which the budget ran out.
  ['the alias bomb', BOMB, [['yaml.alias-limit', 5, 8]]],
  ['12,000 aliases to one anchor', manyAliases(12_000), [['yaml.alias-limit', 2, 5 + 3 * MAX_ALIAS_NODES]]],
  // Every alias is also a node the parser keeps: the node budget comes first when they are many.
  ['as many aliases as the node budget', manyAliases(MAX_FILE_NODES), [['yaml.too-many-nodes', 2, 5 + 3 * (MAX_FILE_NODES - 6)]]],
  ['2,001 anchors, each aliased once', distinctAliases(2001), [['yaml.alias-limit', 3 + 2 * (MAX_ALIAS_NODES / 5), 3]]],
  ['the budget is the file\'s, not each document\'s', `${manyAliases(6000)}---\n${manyAliases(6000)}`, [['yaml.alias-limit', 5, 5 + 3 * (MAX_ALIAS_NODES - 6000)]]],
  ['an alias inside its own anchor (sequence)', 'a: &x [*x]\n', [['yaml.alias', 1, 8]]],
  ['an alias inside its own anchor (mapping)', 'a: &x {b: *x}\n', [['yaml.alias', 1, 11]]],
  ['an alias with no anchor', 'a: *nobody\n', [['yaml.alias', 1, 4]]],
  ['aliases within the budget', TEAM + '  members: &m [a, b]\n  escalation: *m\n', [['schema.additionalProperties', 6, 3]]],
];

// Texts with exactly `n` counted nodes, all longer than the budget (shorter ones are never scanned).
const emptyFlows = (n: number) => '[' + '[],'.repeat(n - 2) + '[]]\n';
const emptyEntries = (n: number) => '-\n'.repeat(n);
const flowMaps = (pairs: number) => '{' + Array.from({ length: pairs }, (_, i) => `k${i}: []`).join(', ') + '}\n';
const quotedWords = (n: number) => 'a: [' + Array(n - 3).fill('"x, [y]: {z}"').join(', ') + ']\n';
const padded = (text: string) => '#' + ' '.repeat(MAX_FILE_NODES) + '\n' + text;
const nested = (depth: number) => padded('['.repeat(depth) + ']'.repeat(depth) + '\n');
const N = MAX_FILE_NODES;
// [name, text, the problem's code, line, column] or no problem.
const BUDGET_EDGES: [string, string, ...([string, number, number] | [])][] = [
  ['empty flow sequences at the budget', emptyFlows(N)],
  ['empty flow sequences one past it', emptyFlows(N + 1), 'yaml.too-many-nodes', 1, emptyFlows(N + 1).lastIndexOf('[') + 1],
  ['empty block entries at the budget', emptyEntries(N)],
  ['empty block entries one past it', emptyEntries(N + 1), 'yaml.too-many-nodes', N + 1, 1],
  // `{`, then key, `:` and `[` per pair: one under the budget, and two past it at the last `:`.
  ['flow mappings just under the budget', flowMaps(Math.floor((N - 1) / 3))],
  ['flow mappings past it', flowMaps(Math.floor((N - 1) / 3) + 1), 'yaml.too-many-nodes', 1, flowMaps(Math.floor((N - 1) / 3) + 1).lastIndexOf(':') + 1],
  ['quoted text with flow characters counts once per scalar', quotedWords(N)],
  ['quoted text one past it', quotedWords(N + 1), 'yaml.too-many-nodes', 1, quotedWords(N + 1).lastIndexOf('"x') + 1],
  ['a comment as long as the budget counts nothing', padded('a: 1\n')],
  ['flow nesting at the depth limit', nested(MAX_DEPTH + 1)],
  ['flow nesting one past it', nested(MAX_DEPTH + 2), 'yaml.too-deep', 2, MAX_DEPTH + 2],
];

describe('the node budget, counted on the text', () => {
  it.each(BUDGET_EDGES)('%s', (_name, text, ...problem) => {
    const over = nodeBudgetProblem(text);
    if (problem.length === 0) {
      expect(over).toBeUndefined();
      return;
    }
    expect(over?.code).toBe(problem[0]);
    // Both paths, one verdict, at the token where the count was crossed.
    for (const preciseOnly of [false, true]) expect(yamlDiagnostics(text, preciseOnly).filter(([code]) => code === problem[0])).toEqual([problem]);
  });

  it('a text no longer than the budget is not scanned, and cannot exceed it', () => {
    expect(nodeBudgetProblem('[]'.repeat(5), 9)).toBeUndefined();
    expect(nodeBudgetProblem('[]'.repeat(5), 4)?.code).toBe('yaml.too-many-nodes');
    // Depth is counted whatever the length: one character a level is enough to cross it.
    expect(nodeBudgetProblem('['.repeat(N))?.code).toBe('yaml.too-deep');
  });

  it('at the budget the parsers build the file; past it nothing is built', () => {
    // One line of numbers, which the fast reader takes: a, `:`, `[` and the items.
    const ones = (n: number) => `a: [${Array(n - 3).fill('1').join(',')}]\n`;
    expect(preciseParse(ones(N)).documents).toHaveLength(1);
    expect(fastParse(ones(N))?.[0]).toEqual({ a: Array(N - 3).fill(1) });
    expect(preciseParse(ones(N + 1)).documents).toEqual([]);
    expect(fastParse(ones(N + 1))).toBeUndefined();
  });
});

// Block nesting, compact and by indentation: [name, text, the yaml.too-deep position or none,
// whether the node budget's scan finds it on the text]. One level past MAX_DEPTH the value
// builder refuses the first node below it; two levels past, the scan refuses the collection
// itself before the composer runs, whose recursion would give out at a depth that depends on
// the machine. Either way the position is the same on every path and every machine.
const D = MAX_DEPTH;
const compact = (indicator: string, levels: number) => indicator.repeat(levels) + 'x\n';
const indented = (entry: string, levels: number) => Array.from({ length: levels }, (_, i) => ' '.repeat(i) + entry).join('\n') + ' 1\n';
// `- k:` per line: a sequence and a mapping, two levels a line.
const dashKeys = (lines: number) => Array.from({ length: lines }, (_, i) => ' '.repeat(2 * i) + '- k:').join('\n') + ' 1\n';
const DEPTH_EDGES: [string, string, [number, number] | undefined, boolean][] = [
  ['compact sequences at the limit', compact('- ', D), undefined, false],
  ['compact sequences one past it', compact('- ', D + 1), [1, 2 * D + 3], false],
  ['compact sequences two past it', compact('- ', D + 2), [1, 2 * D + 3], true],
  ['explicit keys one past the limit', compact('? ', D + 1), [1, 2 * D + 3], false],
  ["'? ' 9,999 times", compact('? ', 9999), [1, 2 * D + 3], true],
  ['mappings by indentation at the limit', indented('k:', D), undefined, false],
  ['mappings by indentation one past it', indented('k:', D + 1), [D + 1, D + 1], false],
  ['mappings by indentation two past it', indented('k:', D + 2), [D + 2, D + 2], true],
  ['sequences by indentation at the limit', indented('-', D), undefined, false],
  ['sequences by indentation one past it', indented('-', D + 1), [D + 1, D + 3], false],
  ['sequences by indentation two past it', indented('-', D + 2), [D + 2, D + 2], true],
  ['sequences by indentation, 5,000 levels', indented('-', 5000), [D + 2, D + 2], true],
  ['mappings in sequences at the limit', dashKeys(D / 2), undefined, false],
  ['mappings in sequences past it', dashKeys(D / 2 + 1), [D / 2 + 1, D + 3], true],
];

describe('block nesting: refused where MAX_DEPTH is crossed, on the text when it can be', () => {
  it.each(DEPTH_EDGES)('%s', (_name, text, at, scanned) => {
    for (const preciseOnly of [false, true]) {
      expect(yamlDiagnostics(text, preciseOnly).filter(([code]) => code === 'yaml.too-deep')).toEqual(at ? [['yaml.too-deep', ...at]] : []);
    }
    expect(nodeBudgetProblem(text)?.code).toBe(scanned ? 'yaml.too-deep' : undefined);
  });
});

describe('one verdict for hostile YAML', () => {
  it.each(both(ROWS))('%s (%s)', (_name, path, text, expected) => {
    const started = performance.now();
    expect(yamlDiagnostics(text, path === 'precise only')).toEqual(expected);
    // Bounded work: the quadratic alias walk took 45 s on 20,000 aliases.
    expect(performance.now() - started).toBeLessThan(8000);
  });
});

// Spellings YAML 1.1, js-yaml and YAML 1.2 read differently: 1.2 core is the answer, on both paths.
const VALUES: [string, string, unknown][] = [
  ['0b10 is text', '0b10', '0b10'],
  ['+0x1 is text', '+0x1', '+0x1'],
  ['-0x1 is text', '-0x1', '-0x1'],
  ['0o17 is octal', '0o17', 15],
  ['017 is decimal', '017', 17],
  ['-.5 is a number', '-.5', -0.5],
  ['.Nan is text', '.Nan', '.Nan'],
  ['.NaN is NaN', '.NaN', NaN],
  ['+.inf is infinity', '+.inf', Infinity],
  ['yes is text', 'yes', 'yes'],
  ['off is text', 'off', 'off'],
  ['nULL is text', 'nULL', 'nULL'],
  ['NULL is null', 'NULL', null],
  ['a date is text', '2026-11-22', '2026-11-22'],
  ['1_000 is text', '1_000', '1_000'],
  ['12:30:00 is text', '12:30:00', '12:30:00'],
  ['tRUE is text', 'tRUE', 'tRUE'],
  ['-0 is negative zero', '-0', -0],
];

describe('scalar spellings', () => {
  it.each(VALUES)('%s', (_name, spelling, value) => {
    for (const text of [`a: ${spelling}\n`, `a: [${spelling}]\n`]) {
      const expected = text.includes('[') ? [{ a: [value] }] : [{ a: value }];
      // The fast reader takes these files (it is not vacuously stepping aside) and agrees.
      expect(fastParse(text)).toStrictEqual(expected);
      const p = preciseParse(text);
      expect(p.problems).toEqual([]);
      expect(p.documents.map((d) => d.value)).toStrictEqual(expected);
    }
  });
});
