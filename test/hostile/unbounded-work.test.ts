import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANGE_ON_ROOT, chainEdges, shapeOrg, starEdges } from '../helpers/shape-org.js';
import { MAX_FILE_NODES } from '../../src/core/parse/node-budget.js';
import { HOSTILE_CASES, HOSTILE_FILE, UNBOUNDED_YAML } from './cases.js';
import { jsonDiagnostics, printFigures, runCase, testTimeout, type Figure, type HostileCase } from './harness.js';

/**
 * Unbounded work: every input that once hung, ran for minutes or ran out of memory ends, within
 * the harness's limits (wall clock and heap), with a positioned diagnostic or an answer.
 */
const validateJson = (root: string) => ['validate', '--root', root, '--no-cache', '--format', 'json'];
const fifo = (path: string) => execFileSync('mkfifo', [path]);

const at = (file: string, code: string, line?: number) => (run: Parameters<NonNullable<HostileCase['check']>>[0]) => {
  const found = jsonDiagnostics(run).filter((d) => d.file === file && d.code === code);
  expect(found.length, JSON.stringify(jsonDiagnostics(run).slice(0, 5))).toBeGreaterThan(0);
  if (line !== undefined) expect(found[0]!.line).toBe(line);
};

// Files that must never be read to their end, or at all: each ends as one finding at 1:1.
const SPECIAL_FILES: [string, (root: string) => void, string][] = [
  ['a link to /dev/zero', (root) => symlinkSync('/dev/zero', join(root, 'teams', 'special.yaml')), 'file.symlink-escape'],
  ['a link to /dev/urandom', (root) => symlinkSync('/dev/urandom', join(root, 'teams', 'special.yaml')), 'file.symlink-escape'],
  ['a link to /dev/stdin', (root) => symlinkSync('/dev/stdin', join(root, 'teams', 'special.yaml')), 'file.symlink-escape'],
  ['a FIFO inside the repository', (root) => fifo(join(root, 'teams', 'special.yaml')), 'file.not-regular'],
  ['a link to a FIFO inside the repository', (root) => (fifo(join(root, 'pipe')), symlinkSync(join(root, 'pipe'), join(root, 'teams', 'special.yaml'))), 'file.not-regular'],
  [
    'a link to a FIFO outside the repository',
    (root) => {
      const p = join(mkdtempSync(join(tmpdir(), 'opsledger-fifo-')), 'pipe');
      fifo(p);
      symlinkSync(p, join(root, 'teams', 'special.yaml'));
    },
    'file.symlink-escape',
  ],
];

const CALENDAR = 'changes/calendar.yaml';
const calendar = (window: string) => `apiVersion: opsledger/v1\nkind: ChangeCalendar\nmetadata: {name: production}\nspec:\n  windows:\n${window}`;
const recurringWindow = (rrule: string, duration: string) => calendar(`    - name: w\n      kind: freeze\n      start: "2026-01-06T01:00:00"\n      rrule: ${rrule}\n      duration: ${duration}\n      timeZone: Asia/Seoul\n`);

const AT = '2026-12-06T00:00:00Z';
const CALENDAR_COMMANDS: [string, string[]][] = [
  ['validate', ['validate', '--no-cache', '--format', 'json']],
  ['calendar', ['calendar', '--format', 'json', '--at', AT]],
  ['risk', ['risk', '--open', '--format', 'json', '--at', AT]],
  ['cab agenda', ['cab', 'agenda', '--format', 'json', '--at', AT]],
  ['catalog', ['catalog', '--out', 'site']],
];
// Refused at validate, so no later command meets them (they once validated, then hung or failed).
const DENSE: [string, string, string][] = [
  ['FREQ=SECONDLY', recurringWindow('FREQ=SECONDLY', '1s'), 'calendar.rrule-too-dense'],
  ['a BYSECOND list', recurringWindow('FREQ=MINUTELY;BYSECOND=0,15,30,45', '1s'), 'calendar.rrule-too-dense'],
  ['a duration of 99999999999d', recurringWindow('FREQ=WEEKLY', '99999999999d'), 'schema.format'],
  ['COUNT past the budget', recurringWindow('FREQ=DAILY;COUNT=100001', '1h'), 'calendar.rrule'],
];

// `a: 1` is three nodes (key, indicator, value): as many documents as the node budget allows.
const MANY_DOCUMENTS = Math.floor(MAX_FILE_NODES / 3);
const manyDocuments = '---\na: 1\n'.repeat(MANY_DOCUMENTS);
const FIVE_MB_COUNT = 5 * 1024 * 1024;
// The shapes of #16: nested and repeated flow collections, each about 5 MB.
const FIVE_MB: [string, string][] = [
  ['empty flow sequences in one', '[' + '[],'.repeat(FIVE_MB_COUNT / 3) + '[]]\n'],
  ['flow mappings of empty collections', '---\n{a: [], b: {}, c: [[], {}]}\n'.repeat(FIVE_MB_COUNT / 32)],
  ['nested flow sequences, 400 deep, repeated', ('['.repeat(400) + ']'.repeat(400) + '\n---\n').repeat(FIVE_MB_COUNT / 805)],
];
const graph = (shape: 'chain' | 'star', nodes: number) => () => shapeOrg(shape === 'chain' ? chainEdges(nodes) : starEdges(nodes), CHANGE_ON_ROOT);

// `record` finds a change's file by reading candidates: a hostile candidate is refused with the
// reader's finding at its position, never built to see whether it holds the change.
const MISSING_CHANGE = 'CR-2026-0900';
const RECORD_HOSTILE = HOSTILE_CASES.filter(([name, content, code]) => UNBOUNDED_YAML.has(name) && typeof content === 'string' && code.startsWith('yaml.'));
const RECORD_PLACES: [string, string, (content: string) => string][] = [
  ['named after the change', `changes/${MISSING_CHANGE}.yaml`, (content) => content],
  // Found by the folder scan, which only reads files that mention the id.
  ['that mentions the change', 'changes/hostile.yaml', (content) => `${content}\n# ${MISSING_CHANGE}\n`],
];
const recordJson = (root: string) => ['record', MISSING_CHANGE, '--result', 'successful', '--implemented-at', '2026-12-02T01:10:00+09:00', '--root', root, '--format', 'json'];

const CASES: HostileCase[] = [
  ...SPECIAL_FILES.map(
    ([name, plant, code]): HostileCase => ({
      name: `${name}: validate ends with ${code}`,
      setup: plant,
      args: validateJson,
      exit: 1,
      limits: { timeoutMs: 30_000 },
      check: (run) => expect(jsonDiagnostics(run).map((d) => [d.code, d.file, d.line, d.column])).toEqual([[code, 'teams/special.yaml', 1, 1]]),
    }),
  ),
  // The YAML rows that once cost unbounded time or memory.
  ...HOSTILE_CASES.filter(([name]) => UNBOUNDED_YAML.has(name)).map(
    ([name, content, code, line]): HostileCase => ({
      name: `${name}: ${code}`,
      files: { [HOSTILE_FILE]: content },
      args: validateJson,
      exit: 1,
      limits: { timeoutMs: 30_000, heapMb: 128 },
      check: at(HOSTILE_FILE, code, line > 0 ? line : undefined),
    }),
  ),
  ...RECORD_HOSTILE.flatMap(([name, content, code, line]) =>
    RECORD_PLACES.map(
      ([place, file, plant]): HostileCase => ({
        name: `record with ${name} in a change file ${place}: ${code}, exit 1`,
        files: { [file]: plant(content as string) },
        args: recordJson,
        exit: 1,
        limits: { timeoutMs: 30_000, heapMb: 128 },
        check: (run) => {
          const body = JSON.parse(run.stdout) as { file: string; recorded: boolean; diagnostics?: { file: string; code: string; line: number; column: number }[] };
          expect([body.file, body.recorded]).toEqual([file, false]);
          const found = (body.diagnostics ?? []).filter((d) => d.code === code);
          expect(found.map((d) => d.file), JSON.stringify(body.diagnostics)).toEqual([file]);
          expect(found[0]!.column).toBeGreaterThan(0);
          if (line > 0) expect(found[0]!.line).toBe(line);
        },
      }),
    ),
  ),
  {
    name: 'a 1 MB single line (a quoted value just under the size cap)',
    files: { 'teams/wide.yaml': `apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: wide, description: "${'x'.repeat(1_000_000)}"}\nspec: {}\n` },
    args: validateJson,
    exit: 0,
    limits: { timeoutMs: 30_000, heapMb: 128 },
  },
  // The precise parser keeps about 1.8 KB per node: the node budget is counted on the text
  // first, and the count stops where it is crossed, so the file's size does not matter.
  {
    name: 'a single flow sequence of 100,000 items on one line: refused at the item past the node budget',
    files: { 'teams/wide.yaml': `a: [${Array(100_000).fill('1').join(',')}]\n` },
    args: validateJson,
    exit: 1,
    limits: { timeoutMs: 30_000, heapMb: 128 },
    // a, :, [ and 49,998 items: the 49,998th item is column 4 + 2 × 49,998 - 1.
    check: (run) => expect(jsonDiagnostics(run).map((d) => [d.code, d.file, d.line, d.column])).toEqual([['yaml.too-many-nodes', 'teams/wide.yaml', 1, 4 + 2 * 49_998 - 1]]),
  },
  ...FIVE_MB.map(
    ([name, content]): HostileCase => ({
      name: `${name}, 5 MB with the size cap raised: yaml.too-many-nodes within 128 MB`,
      files: { 'teams/five.yaml': content },
      args: (root) => [...validateJson(root), '--max-file-size', String(6 * 1024 * 1024)],
      exit: 1,
      limits: { timeoutMs: 30_000, heapMb: 128 },
      check: (run) => expect(jsonDiagnostics(run).map((d) => [d.code, d.file])).toEqual([['yaml.too-many-nodes', 'teams/five.yaml']]),
    }),
  ),
  {
    name: 'a file of documents just under the node budget: one finding, counted, in linear time',
    files: { 'teams/many.yaml': manyDocuments },
    args: validateJson,
    exit: 1,
    limits: { timeoutMs: 90_000, heapMb: 256 },
    check: (run) => {
      const ds = jsonDiagnostics(run).filter((d) => d.file === 'teams/many.yaml');
      expect(ds.map((d) => [d.code, d.line, d.repeated])).toEqual([['kind.missing', 2, MANY_DOCUMENTS - 1]]);
    },
  },
  ...DENSE.flatMap(([name, content, code]) =>
    CALENDAR_COMMANDS.map(
      ([cmd, args]): HostileCase => ({
        name: `${name}: ${cmd} exits 1 with ${code}`,
        files: { [CALENDAR]: content },
        args: (root) => [...args, '--root', root],
        exit: 1,
        codes: [code],
      }),
    ),
  ),
  {
    name: 'a back-to-back minutely freeze: calendar reports the budget',
    files: { [CALENDAR]: recurringWindow('FREQ=MINUTELY', '1m') },
    args: (root) => ['calendar', '--format', 'json', '--at', AT, '--root', root],
    exit: 1,
    codes: ['calendar.expansion-budget'],
    check: (run) => expect(run.stderr).toContain(CALENDAR),
  },
  {
    name: 'a back-to-back minutely freeze: risk answers',
    files: { [CALENDAR]: recurringWindow('FREQ=MINUTELY', '1m') },
    args: (root) => ['risk', '--open', '--format', 'json', '--at', AT, '--root', root],
    exit: 0,
  },
  {
    name: 'a window sixty times a day over a ten-year --from/--to range is reported, not truncated',
    files: { [CALENDAR]: recurringWindow(`FREQ=DAILY;BYHOUR=3;BYMINUTE=${Array.from({ length: 60 }, (_, i) => i).join(',')}`, '1m') },
    args: (root) => ['calendar', '--format', 'json', '--at', AT, '--from', '2026-01-01T00:00:00Z', '--to', '2035-12-01T00:00:00Z', '--root', root],
    exit: 1,
    codes: ['calendar.expansion-budget'],
  },
  // Graph work: a path per dependent once took 308 MB at 5k nodes and ran out of memory at 20k.
  ...(['chain', 'star'] as const).flatMap((shape): HostileCase[] => [
    {
      name: `impact over a 20,000-node ${shape}`,
      org: 'empty',
      setup: graph(shape, 20_000),
      args: (_root, dir) => ['impact', 'service:root', '--format', 'json', '--root', dir as string],
      exit: 0,
      limits: { timeoutMs: 90_000, heapMb: 256 },
      check: (run) => expect((JSON.parse(run.stdout) as { dependentsTotal?: number }).dependentsTotal).toBeGreaterThanOrEqual(20_000),
    },
    {
      name: `risk over a 20,000-node ${shape}`,
      org: 'empty',
      setup: graph(shape, 20_000),
      args: (_root, dir) => ['risk', 'CR-2026-0500', '--format', 'json', '--at', AT, '--root', dir as string],
      exit: 0,
      limits: { timeoutMs: 90_000, heapMb: 256 },
    },
  ]),
];

describe.concurrent('unbounded work: every input ends within its limits', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('unbounded-work', figures));
  for (const c of CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));
});
