import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureBuilt } from '../helpers/built-cli.js';
import { makeOrg } from '../helpers/org.js';
import { expectWithinLimits, printFigures, runCase, runLimited, testTimeout, type Figure, type HostileCase } from './harness.js';

/**
 * Lost or wrong data: what a command says it wrote is there afterwards, a failure is never
 * quietly replaced, and no writer replaces or writes through something that is not its file.
 */
function describeEntry(path: string): unknown {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return ['link', readlinkSync(path)];
  if (st.isFIFO()) return ['fifo'];
  if (st.isCharacterDevice()) return ['char device'];
  if (st.isDirectory()) return ['folder', readdirSync(path).sort()];
  return ['file', readFileSync(path, 'utf8')];
}

// What can stand where a writer writes; `look` is compared before and after.
type Target = (dir: string) => { path: string; look: () => unknown };
const TARGETS: [string, Target][] = [
  [
    'a symbolic link',
    (dir) => {
      writeFileSync(join(dir, 'elsewhere.txt'), 'precious\n');
      symlinkSync(join(dir, 'elsewhere.txt'), join(dir, 'out'));
      return { path: join(dir, 'out'), look: () => [describeEntry(join(dir, 'out')), readFileSync(join(dir, 'elsewhere.txt'), 'utf8')] };
    },
  ],
  ['a FIFO', (dir) => (execFileSync('mkfifo', [join(dir, 'out')]), { path: join(dir, 'out'), look: () => describeEntry(join(dir, 'out')) })],
  ['the device /dev/null', () => ({ path: '/dev/null', look: () => describeEntry('/dev/null') })],
  ['a folder', (dir) => (mkdirSync(join(dir, 'out')), { path: join(dir, 'out'), look: () => describeEntry(join(dir, 'out')) })],
];

const CHANGE = 'changes/CR-2026-0112.yaml';
const CHANGE_TARGETS: [string, (root: string) => void][] = [
  // The read policy follows a link inside the repository, but the writer will not replace it.
  ['a link to a file inside the repository', (root) => (execFileSync('mv', [join(root, CHANGE), join(root, 'changes', 'real.txt')]), symlinkSync('real.txt', join(root, CHANGE)))],
  [
    'a link to a file outside the repository',
    (root) => {
      const outside = join(mkdtempSync(join(tmpdir(), 'opsledger-outside-')), 'change.yaml');
      execFileSync('mv', [join(root, CHANGE), outside]);
      symlinkSync(outside, join(root, CHANGE));
    },
  ],
  ['a FIFO', (root) => (execFileSync('rm', [join(root, CHANGE)]), execFileSync('mkfifo', [join(root, CHANGE)]))],
];

/** Committed in place of the cache folder (or inside it), each aimed at something not the cache's. */
const CACHE_PLANTS: [string, (root: string, outside: string) => void][] = [
  ['a link to a folder outside', (root, outside) => symlinkSync(outside, join(root, '.opsledger-cache'))],
  ['a link to a file outside', (root, outside) => symlinkSync(join(outside, 'keep.txt'), join(root, '.opsledger-cache'))],
  ['a link to /dev/null', (root) => symlinkSync('/dev/null', join(root, '.opsledger-cache'))],
  ['a link to a data folder inside the repository', (root) => symlinkSync(join(root, 'teams'), join(root, '.opsledger-cache'))],
  ['a regular file', (root) => writeFileSync(join(root, '.opsledger-cache'), 'not a folder\n')],
  [
    'a real folder whose .gitignore and a stale shard are links outside',
    (root, outside) => {
      mkdirSync(join(root, '.opsledger-cache'));
      symlinkSync(join(outside, 'keep.txt'), join(root, '.opsledger-cache', '.gitignore'));
      symlinkSync(join(outside, 'shard-victim'), join(root, '.opsledger-cache', 'shard-old.json'));
    },
  ],
];

/** Everything a run could have touched: the outside folder, a data folder, the planted entry (a real cache folder may fill). */
function cacheSnapshot(root: string, outside: string): unknown {
  const entry = join(root, '.opsledger-cache');
  return { outside: readdirSync(outside).map((n) => [n, readFileSync(join(outside, n), 'utf8')]), teams: readdirSync(join(root, 'teams')).sort(), entry: lstatSync(entry).isDirectory() ? ['folder'] : describeEntry(entry) };
}

const RECORD = ['--result', 'successful', '--implemented-at', '2026-12-02T01:10:00+09:00'];
const INVALID_TEAM = 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: platform}\nspec: {membres: []}\n';

const CASES: HostileCase[] = [
  ...TARGETS.map(
    ([name, make]): HostileCase => ({
      name: `calendar --ics at ${name}: exit 2, left as it was`,
      setup: () => {
        const t = make(mkdtempSync(join(tmpdir(), 'opsledger-target-')));
        return { ...t, before: t.look() };
      },
      args: (root, t) => ['calendar', '--root', root, '--ics', (t as { path: string }).path],
      exit: 2,
      check: (_run, _root, t) => {
        const { look, before } = t as { look: () => unknown; before: unknown };
        expect(look()).toEqual(before);
      },
    }),
  ),
  ...CHANGE_TARGETS.map(
    ([name, plant]): HostileCase => ({
      name: `record at ${name}: exit 2, left as it was`,
      setup: (root) => (plant(root), describeEntry(join(root, CHANGE))),
      args: (root) => ['record', 'CR-2026-0112', ...RECORD, '--root', root, '--format', 'json'],
      exit: 2,
      check: (_run, root, before) => expect(describeEntry(join(root, CHANGE))).toEqual(before),
    }),
  ),
  ...CACHE_PLANTS.map(
    ([name, plant]): HostileCase => ({
      name: `a committed cache that is ${name}: validate writes and deletes nothing through it`,
      setup: (root) => {
        const outside = mkdtempSync(join(tmpdir(), 'opsledger-outside-'));
        writeFileSync(join(outside, 'keep.txt'), 'precious\n');
        writeFileSync(join(outside, 'shard-victim'), 'precious too\n');
        plant(root, outside);
        return { outside, before: cacheSnapshot(root, outside) };
      },
      args: (root) => ['validate', '--root', root, '--format', 'json'],
      exit: 0,
      check: async (_run, root, state) => {
        const { outside, before } = state as { outside: string; before: unknown };
        // A second run (would read what the first cached), then one after an edit that breaks a file.
        const again = await runLimited(['validate', '--root', root, '--format', 'json'], { cwd: root });
        expectWithinLimits(again);
        expect(again.code).toBe(0);
        writeFileSync(join(root, 'teams', 'platform.yaml'), INVALID_TEAM);
        const broken = await runLimited(['validate', '--root', root, '--format', 'json'], { cwd: root });
        expectWithinLimits(broken);
        expect(broken.code).toBe(1);
        expect(cacheSnapshot(root, outside)).toEqual(before);
      },
    }),
  ),
  ...CACHE_PLANTS.map(
    ([name, plant]): HostileCase => ({
      name: `a committed cache that is ${name}: catalog keeps its site manifest nowhere through it`,
      setup: (root) => {
        const outside = mkdtempSync(join(tmpdir(), 'opsledger-outside-'));
        writeFileSync(join(outside, 'keep.txt'), 'precious\n');
        writeFileSync(join(outside, 'shard-victim'), 'precious too\n');
        plant(root, outside);
        return { outside, before: cacheSnapshot(root, outside), site: join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site') };
      },
      args: (root, state) => ['catalog', '--root', root, '--out', (state as { site: string }).site, '--quiet'],
      exit: 0,
      check: async (_run, root, state) => {
        const { outside, before, site } = state as { outside: string; before: unknown; site: string };
        // A second build, which would update in place from a manifest it had written.
        const again = await runLimited(['catalog', '--root', root, '--out', site, '--quiet'], { cwd: root });
        expectWithinLimits(again);
        expect(again.code).toBe(0);
        expect(cacheSnapshot(root, outside)).toEqual(before);
      },
    }),
  ),
  // A site or export aimed at the organisation's own folders must not replace its documents.
  {
    name: 'catalog --out services: refused, the documents left as they were',
    setup: (root) => describeEntry(join(root, 'services')),
    args: (root) => ['catalog', '--out', 'services', '--root', root],
    exit: 2,
    check: (_run, root, before) => expect(describeEntry(join(root, 'services'))).toEqual(before),
  },
  {
    name: 'catalog --out at the organisation root: refused, nothing removed',
    setup: (root) => describeEntry(root),
    args: (root) => ['catalog', '--out', '.', '--root', root],
    exit: 2,
    check: (_run, root, before) => expect(describeEntry(root)).toEqual(before),
  },
];

describe.concurrent('lost data: writers never replace what is not theirs', () => {
  const figures: Figure[] = [];
  afterAll(() => printFigures('lost-data', figures));
  for (const c of CASES) it(c.name, () => runCase(c, figures).then(() => undefined), testTimeout(c));
});

/*
 * Real `opsledger record` processes started at once: every one that says "recorded" (exit 0)
 * must find its outcome in the file afterwards, and a failure is never overwritten by a
 * concurrent success. (Once: eight runs kept 3 of 8 outcomes while all said "recorded".)
 */
const change = (n: number) => `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${id(n)}, title: Change ${n}}
spec:
  type: normal
  requester: mina-park
  services: [checkout-api]
  environment: production
  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}
  description: Change number ${n}.
status:
  phase: submitted
`;
const id = (n: number) => `CR-2026-${String(100 + n).padStart(4, '0')}`;

const record = async (root: string, args: string[]) => {
  const r = await runLimited(['record', ...args, '--root', root, '--format', 'json'], { cwd: root });
  expectWithinLimits(r);
  return r;
};

function outcomes(root: string, files: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const f of files) {
    for (const d of parseAllDocuments(readFileSync(join(root, f), 'utf8'))) {
      const v = d.toJS() as { metadata: { name: string }; status?: { outcome?: { result?: string } } };
      out.set(v.metadata.name, v.status?.outcome?.result);
    }
  }
  return out;
}

const N = 8;
const RESULTS = ['successful', 'failed', 'rolled-back', 'partial'] as const;
const LAYOUTS: [string, () => { files: Record<string, string>; holding: string[] }][] = [
  ['eight changes in one multi-document file', () => ({ files: { 'changes/batch.yaml': Array.from({ length: N }, (_, i) => change(i)).join('---\n') }, holding: ['changes/batch.yaml'] })],
  [
    'eight changes in eight files',
    () => {
      const files = Object.fromEntries(Array.from({ length: N }, (_, i) => [`changes/${id(i)}.yaml`, change(i)]));
      return { files, holding: Object.keys(files) };
    },
  ],
];

describe('lost data: concurrent record processes', () => {
  it.each(LAYOUTS)('%s: every process that says recorded finds its outcome in the file', async (_name, layout) => {
    ensureBuilt();
    const { files, holding } = layout();
    const root = makeOrg(files);
    const runs = await Promise.all(Array.from({ length: N }, (_, i) => record(root, [id(i), '--result', RESULTS[i % RESULTS.length]!, '--implemented-at', '2026-12-02T01:10:00+09:00'])));
    const found = outcomes(root, holding);
    for (let i = 0; i < N; i++) if (runs[i]!.code === 0) expect(found.get(id(i)), `${id(i)} said recorded`).toBe(RESULTS[i % RESULTS.length]);
    // The lock makes them queue rather than fail: all of them land.
    expect(runs.map((r) => r.code)).toEqual(Array(N).fill(0));
  }, 240_000);

  it('a failure recorded at the same moment as a success is never overwritten by it', async () => {
    ensureBuilt();
    const root = makeOrg({ 'changes/CR-2026-0100.yaml': change(0) });
    const runs = await Promise.all([
      ...Array.from({ length: 3 }, () => record(root, [id(0), '--result', 'successful', '--implemented-at', '2026-12-02T01:10:00+09:00'])),
      record(root, [id(0), '--result', 'failed', '--implemented-at', '2026-12-02T01:10:00+09:00']),
    ]);
    expect(runs[3]!.code, runs[3]!.stderr).toBe(0);
    expect(outcomes(root, ['changes/CR-2026-0100.yaml']).get(id(0))).toBe('failed');
    // A success that came after the failure was refused, with its code, exit 1.
    for (const r of runs.slice(0, 3)) {
      expect([0, 1]).toContain(r.code);
      if (r.code === 1) expect((JSON.parse(r.stdout) as { refusals: { code: string }[] }).refusals.map((x) => x.code)).toContain('record.rewrite-failure');
    }
  }, 240_000);
});
