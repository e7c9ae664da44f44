import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonDiagnostics, printFigures, runCase, testTimeout, type Figure, type HostileCase } from './harness.js';

/**
 * False green: a run that checked nothing, or dropped what it was given, or accepted what a
 * later command cannot use, must not end "no problems", exit 0.
 */
function plant(root: string, files: Record<string, string>, dirs: string[] = []): void {
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

// Folders that hold no document, reached as the current folder, as a user would.
const NOTHING_HERE: [string, (root: string) => void][] = [
  ['an empty folder', () => {}],
  ['a folder of unrelated files', (root) => plant(root, { 'README.md': '# notes\n', 'config/app.yaml': 'port: 80\n' })],
  ['data folders without YAML', (root) => plant(root, { 'services/README.md': 'x\n' }, ['teams', 'changes'])],
  ['a git repository with no organisation', (root) => (plant(root, { 'src/index.ts': 'export {};\n' }), execFileSync('git', ['init', '-q', root]))],
];

const CALENDAR = 'changes/calendar.yaml';
const calendar = (window: string) => `apiVersion: opsledger/v1\nkind: ChangeCalendar\nmetadata: {name: production}\nspec:\n  windows:\n${window}`;
const recurringWindow = (rrule: string, duration: string) => calendar(`    - name: w\n      kind: freeze\n      start: "2026-01-06T01:00:00"\n      rrule: ${rrule}\n      duration: ${duration}\n      timeZone: Asia/Seoul\n`);
const oneOff = (start: string, end: string) => calendar(`    - name: w\n      kind: freeze\n      start: "${start}"\n      end: "${end}"\n`);
const AT = '2026-12-06T00:00:00Z';
// Accepted once by validate, then every calendar page dropped from the catalog, exit 0.
const LATER_COMMANDS: [string, string[]][] = [
  ['validate', ['validate', '--no-cache']],
  ['calendar', ['calendar', '--format', 'json', '--at', AT]],
  ['risk', ['risk', '--open', '--format', 'json', '--at', AT]],
  ['cab agenda', ['cab', 'agenda', '--format', 'json', '--at', AT]],
  ['catalog', ['catalog', '--out', 'site']],
];
const ACCEPTED_ONCE: [string, string, string][] = [
  ['lower-case t/z in an instant', oneOff('2026-12-20T00:00:00Z', '2026-12-21t00:00:00z'), 'schema.format'],
  ['a leap second', oneOff('2026-12-20T00:00:00Z', '2026-12-31T23:59:60Z'), 'schema.format'],
  ['a zero-length recurring window', recurringWindow('FREQ=DAILY', '0m'), 'calendar.window-order'],
];

const BACKSTAGE = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: imported-team}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: imported-svc}
spec: {type: service, lifecycle: production, owner: group:imported-team}
`;
const OPENSLO_TAKEN = `apiVersion: openslo/v1
kind: SLO
metadata: {name: payments-availability}
spec:
  service: payments-api
  budgetingMethod: Occurrences
  timeWindow: [{duration: 28d, isRolling: true}]
  indicator:
    metadata: {name: ok-ratio}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'sum(ok)'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum(all)'}}}
  objectives: [{displayName: Availability, target: 0.99}]
`;
function input(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-in-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

const CASES: HostileCase[] = [
  ...NOTHING_HERE.map(
    ([name, make]): HostileCase => ({
      name: `validate in ${name}: discovery.empty at the folder, exit 1`,
      org: 'empty',
      setup: make,
      args: () => ['validate', '--format', 'json', '--no-cache'],
      exit: 1,
      check: (run) => expect(jsonDiagnostics(run).map((d) => [d.code, d.file, d.line, d.column, d.severity])).toEqual([['discovery.empty', '.', 1, 1, 'error']]),
    }),
  ),
  // Every command that loads the organisation reads it the same way, so none computes on nothing.
  ...[
    ['risk', ['risk', 'CR-2026-0001']],
    ['impact', ['impact', 'service:checkout']],
    ['metrics', ['metrics']],
    ['readiness', ['readiness']],
    ['calendar', ['calendar']],
    ['catalog', ['catalog', '--out', 'site']],
  ].map(
    ([cmd, args]): HostileCase => ({
      name: `${cmd as string} in an empty folder: discovery.empty, exit 1`,
      org: 'empty',
      args: () => args as string[],
      exit: 1,
      codes: ['discovery.empty'],
    }),
  ),
  ...[
    ['a data folder', 'teams'],
    ['a data folder with a trailing slash', 'services/'],
    ['a folder below a data folder', 'services/empty'],
  ].map(
    ([name, path]): HostileCase => ({
      name: `validate narrowed to ${name} of an empty organisation keeps discovery.empty`,
      org: 'empty',
      setup: (root) => plant(root, { 'teams/README.md': 'x\n', 'services/empty/README.md': 'x\n' }),
      args: () => ['validate', '--format', 'json', '--no-cache', path!],
      exit: 1,
      codes: ['discovery.empty'],
    }),
  ),
  {
    name: 'validate of a path that does not exist is not "no problems"',
    args: (root) => ['validate', 'services/nope.yaml', '--root', root, '--no-cache', '--format', 'json'],
    exit: 1,
    check: (run) => expect(jsonDiagnostics(run).map((d) => [d.code, d.file])).toEqual([['file.not-found', 'services/nope.yaml']]),
  },
  {
    name: 'data folders that are links leading out are findings, not an empty green run',
    org: 'empty',
    setup: (root) => {
      const elsewhere = mkdtempSync(join(tmpdir(), 'opsledger-elsewhere-'));
      plant(elsewhere, { 'x.yaml': 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: x}\nspec: {}\n' });
      for (const d of ['services', 'teams', 'changes']) symlinkSync(elsewhere, join(root, d));
    },
    args: (root) => ['validate', '--root', root, '--no-cache', '--format', 'json'],
    exit: 1,
    codes: ['file.symlink-escape'],
  },
  {
    name: '100,000 unclosed [ are one finding with a count, not hundreds of lines',
    files: { 'teams/brackets.yaml': '['.repeat(100_000) },
    args: (root) => ['validate', '--root', root, '--no-cache', '--format', 'json'],
    exit: 1,
    check: (run) => {
      const ds = jsonDiagnostics(run).filter((d) => d.file === 'teams/brackets.yaml');
      expect(ds.length).toBeLessThanOrEqual(3);
      expect(ds.length).toBeGreaterThan(0);
      expect(ds.every((d) => d.code.startsWith('yaml.'))).toBe(true);
    },
  },
  ...ACCEPTED_ONCE.flatMap(([name, content, code]) =>
    LATER_COMMANDS.map(
      ([cmd, args]): HostileCase => ({
        name: `${name}: ${cmd} exits 1 with ${code}`,
        files: { [CALENDAR]: content },
        args: (root) => [...args, '--root', root],
        exit: 1,
        codes: [code],
      }),
    ),
  ),
  // import writes where validate reads, and an import that imported nothing fails.
  {
    name: 'import backstage --out services/ lands in services/<name>/, never services/services',
    args: (root) => ['import', 'backstage', input('catalog-info.yaml', BACKSTAGE), '--out', 'services/', '--root', root],
    exit: 0,
    check: (_run, root) => {
      expect(existsSync(join(root, 'services/imported-svc/service.yaml'))).toBe(true);
      expect(existsSync(join(root, 'teams/imported-team.yaml'))).toBe(true);
      expect(existsSync(join(root, 'services/services'))).toBe(false);
    },
  },
  ...[
    ['backstage: every document of a kind opsledger does not hold', 'backstage', 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: x}\nspec: {targets: [./a.yaml]}\n'],
    ['backstage: every document invalid', 'backstage', 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: Not_A_Label!}\nspec: {type: service}\n'],
    ['backstage: a file with no document', 'backstage', '# nothing here\n'],
    ['openslo: every document already defined', 'openslo', OPENSLO_TAKEN],
    ['openslo: a file with no document', 'openslo', '\n'],
  ].map(
    ([name, from, content]): HostileCase => ({
      name: `import that imported nothing (${name}): exit 1`,
      args: (root) => ['import', from!, input('in.yaml', content!), '--root', root],
      exit: 1,
    }),
  ),
];

describe.concurrent('false green: nothing checked is never "no problems"', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('false-green', figures));
  for (const c of CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));
});
