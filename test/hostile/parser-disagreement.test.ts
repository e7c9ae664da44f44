import { afterAll, describe, expect, it } from 'vitest';
import { makeOrg, validateJson } from '../helpers/org.js';
import { HOSTILE_CASES, HOSTILE_FILE, SERVICE_HEAD, UNBOUNDED_YAML } from './cases.js';
import { expectWithinLimits, jsonDiagnostics, printFigures, runCase, runLimited, testTimeout, type Figure, type HostileCase, type LimitedRun } from './harness.js';

/**
 * Two parsers, two verdicts: the fast reader and the precise parser once disagreed on
 * `%YAML 1.1` (the verdict flipped on whether ` *` appeared anywhere in the file), on `0b10`
 * and `+0x1`, and on CR-only line endings (every finding at 1:1). Through the built CLI, each
 * row must give its finding at its position, and the same verdict with and without the detail
 * that once sent the file down the other path. (The unit-level differential is
 * test/core/parse-differential.test.ts and test/core/yaml-verdict.test.ts.)
 */
type Found = [code: string, line: number, column: number];
const FILE = 'teams/verdict.yaml';
const TEAM = 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: verdict}\nspec:\n';
const SERVICE = (tier: string) => `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: verdict}\nspec:\n  owner: checkout\n  tier: ${tier}\n  exposure: team\n  lifecycle: production\n`;
// An anchor and an alias in a comment-free, schema-neutral place: what once switched paths.
const WITH_ALIAS = (text: string) => text.replace('metadata: {name: verdict}', 'metadata: {name: verdict, labels: {a: &x v, b: *x}}');

const verdict = (file: string, expected: Found[]) => (run: LimitedRun) => {
  expect(jsonDiagnostics(run).filter((d) => d.file === file).map((d): Found => [d.code, d.line, d.column])).toEqual(expected);
};

const validate = (root: string) => ['validate', '--root', root, '--no-cache', '--format', 'json'];

const ROWS: [string, string, Found[]][] = [
  ['%YAML 1.1 with a merge key', `%YAML 1.1\n---\n${TEAM}  members: [a]\n  x: &b {y: 1}\n  z:\n    <<: *b\n`, [['yaml.version', 1, 1]]],
  ['%YAML 1.1 with nothing else odd', `%YAML 1.1\n---\n${TEAM}  members: [a]\n`, [['yaml.version', 1, 1]]],
  ['%YAML 2.0', `%YAML 2.0\n---\n${TEAM}  members: [a]\n`, [['yaml.version', 1, 1]]],
  ['tier: 0b10 (text in YAML 1.2, not 2)', SERVICE('0b10'), [['schema.enum', 6, 9], ['schema.type', 6, 9]]],
  ['tier: +0x1 (text in YAML 1.2, not 1)', SERVICE('+0x1'), [['schema.enum', 6, 9], ['schema.type', 6, 9]]],
  ['tier: 0o2 (octal 2 in YAML 1.2)', SERVICE('0o2'), []],
  ['tier: yes (text in YAML 1.2, not true)', SERVICE('yes'), [['schema.enum', 6, 9], ['schema.type', 6, 9]]],
  ['a schema error, CR-only endings', (TEAM + '  members: 5\n').replace(/\n/g, '\r'), [['schema.type', 5, 12]]],
  ['a schema error, CR LF endings', (TEAM + '  members: 5\n').replace(/\n/g, '\r\n'), [['schema.type', 5, 12]]],
  ['a duplicate key, mixed endings', `${TEAM}  members: [a]\r  members: [b]\n`, [['yaml.duplicate-key', 6, 3]]],
];

const CASES: HostileCase[] = [
  ...ROWS.flatMap(([name, text, expected]): HostileCase[] => [
    { name, org: 'minimal', files: { [FILE]: text }, args: validate, exit: expected.length ? 1 : 0, check: verdict(FILE, expected) },
    { name: `${name}, with an anchor and alias in the file`, org: 'minimal', files: { [FILE]: WITH_ALIAS(text) }, args: validate, exit: expected.length ? 1 : 0, check: verdict(FILE, expected) },
  ]),
  // The code frame numbers lines as the parser does: for a CR-only file, the line it names.
  {
    name: 'a schema error in a CR-only file: the text report frames the line the finding names',
    org: 'minimal',
    files: { [FILE]: (TEAM + '  members: 5\n  escalation: []\n').replace(/\n/g, '\r') },
    args: (root) => ['validate', '--root', root, '--no-cache'],
    exit: 1,
    codes: ['schema.type'],
    check: (run) => {
      expect(run.stdout).toContain(`${FILE}:5:12`);
      expect(run.stdout).toMatch(/> 5 \| {3}members: 5\n/);
    },
  },
  // The cache is a third path: a second run, answered from it, gives the first run's verdict.
  {
    name: 'the cached verdict is the fresh one',
    org: 'minimal',
    files: { [FILE]: WITH_ALIAS(SERVICE('0b10')).replace(/\n/g, '\r'), 'teams/other.yaml': `%YAML 1.1\n---\n${TEAM.replace('verdict', 'other')}  members: [a]\n` },
    args: (root) => ['validate', '--root', root, '--format', 'json'],
    exit: 1,
    check: async (first, root) => {
      const second = await runLimited(['validate', '--root', root, '--format', 'json'], { cwd: root });
      expectWithinLimits(second);
      expect(second.code).toBe(1);
      expect(second.stdout).toBe(first.stdout);
    },
  },
  // What the parser reads (not how much work it does: that is unbounded-work.test.ts).
  ...HOSTILE_CASES.filter(([name]) => !UNBOUNDED_YAML.has(name)).map(
    ([name, content, code, line]): HostileCase => ({
      name: `${name}: ${code}`,
      org: 'minimal',
      files: { [HOSTILE_FILE]: content },
      args: validate,
      exit: 1,
      check: (run) => {
        const all = jsonDiagnostics(run);
        const found = all.filter((d) => d.file === HOSTILE_FILE && d.code === code);
        expect(found.length, JSON.stringify(all.filter((d) => d.file === HOSTILE_FILE))).toBeGreaterThan(0);
        expect(found[0]!.severity).toBe('error');
        if (line > 0) expect(found[0]!.line).toBe(line);
        expect(found[0]!.column).toBeGreaterThan(0);
        // The rest of the organisation is still checked: no problem in the untouched files.
        expect(all.filter((d) => d.file !== HOSTILE_FILE && d.severity === 'error')).toEqual([]);
      },
    }),
  ),
];

describe.concurrent('parser disagreement: one verdict per document', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('parser-disagreement', figures));
  for (const c of CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));
});

// In this process on purpose: what is checked is the process that parsed the file.
it('a __proto__ key never pollutes Object.prototype', async () => {
  const root = makeOrg({ [HOSTILE_FILE]: SERVICE_HEAD + '  __proto__: {polluted: yes}\n  owner: checkout\n', 'teams/x.yaml': '__proto__:\n  polluted: yes\n' });
  await validateJson(root);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
