import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkSensitivePaths, readsRepositoryPaths } from '../../src/core/checks/sensitive-paths.js';
import type { Facts } from '../../src/core/facts.js';
import { TestRepo } from '../helpers/git-repo.js';
import { cli, makeOrg } from '../helpers/org.js';
import { INCIDENT, SERVICE, TEAM } from '../helpers/cache-documents.js';

/**
 * Whatever happened between two runs (an edit that moves lines, one that leaves a reference
 * dangling in another file or mends it, a name defined twice across files, a file added,
 * deleted, renamed or broken), validate with its cache says exactly what a cold run says, in
 * every format, with the same exit code. The runs go through each of the cache's ways: nothing
 * changed, only files whose records hash as before (the cross-document findings reused), and
 * records changed (the rules run again over the shards).
 */
const START: Record<string, string> = {
  'teams/payments.yaml': TEAM('payments'),
  'services/payments/service.yaml': SERVICE('payments'),
  'incidents/INC-2026-0001.yaml': INCIDENT,
};
// The follow-ups are judged at an instant past every deadline, so the cached deadlines are printed.
const AT = ['--at', '2030-01-01T00:00:00Z'];

type Files = Map<string, string>;
type Op =
  | { kind: 'comment' | 'shift' | 'break' | 'delete' | 'copy' | 'rename' | 'nest'; pick: number }
  | { kind: 'owner'; owner: string }
  | { kind: 'team'; name: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('comment', 'shift', 'break', 'delete', 'copy', 'rename', 'nest'), pick: fc.nat(50) }) as fc.Arbitrary<Op>,
  // A reference that dangles (no such team) or resolves again.
  fc.record({ kind: fc.constant('owner' as const), owner: fc.constantFrom('payments', 'nobody', 'checkout') }),
  // The team renamed: to a name another file defines too, to none anyone uses, or back.
  fc.record({ kind: fc.constant('team' as const), name: fc.constantFrom('payments', 'checkout', 'treasury') }),
);

/** The next state of the organisation's editable files (the fixture's own files stay as they are). */
function apply(files: Files, op: Op, step: number): Files {
  const next = new Map(files);
  const names = [...files.keys()].sort();
  const pick = names.length ? names[('pick' in op ? op.pick : 0) % names.length]! : undefined;
  switch (op.kind) {
    case 'comment':
      if (pick) next.set(pick, `${files.get(pick)}# note ${step}\n`);
      break;
    case 'shift':
      // Every line of the file moves down: findings placed in it must move with them.
      if (pick) next.set(pick, `# moved ${step}\n\n${files.get(pick)}`);
      break;
    case 'break':
      if (pick) next.set(pick, `${files.get(pick)}spec: [\n`);
      break;
    case 'delete':
      if (pick) next.delete(pick);
      break;
    case 'copy':
      if (pick) next.set(`teams/copy-${step}.yaml`, files.get(pick)!);
      break;
    case 'nest':
      // A folder made inside one that exists: only walking the moved folder again finds it.
      if (pick) next.set(`${dirname(pick)}/nested-${step}/${pick.slice(pick.lastIndexOf('/') + 1)}`, files.get(pick)!);
      break;
    case 'rename':
      if (pick) {
        next.delete(pick);
        next.set(pick.replace(/([^/]+)\.yaml$/, `renamed-${step}-$1.yaml`), files.get(pick)!);
      }
      break;
    case 'owner':
      next.set('services/payments/service.yaml', SERVICE(op.owner));
      break;
    case 'team':
      next.set('teams/payments.yaml', TEAM(op.name));
      break;
  }
  return next;
}

/**
 * Writes the next state. On odd steps an edited file is saved as many editors save it, a copy
 * renamed over it, which moves its folder as adding or removing a file does (the cache then
 * lists again only the folders that moved); on even steps it is written in place.
 */
function sync(root: string, before: Files, after: Files, step = 0): void {
  for (const rel of before.keys()) if (!after.has(rel)) rmSync(join(root, rel));
  for (const [rel, text] of after) {
    if (before.get(rel) === text) continue;
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    if (step % 2 === 1 && before.has(rel)) {
      writeFileSync(join(root, `${rel}.swp`), text);
      renameSync(join(root, `${rel}.swp`), join(root, rel));
    } else writeFileSync(join(root, rel), text);
  }
}

const FORMATS = ['json', 'text', 'sarif'] as const;
const run = async (root: string, format: string, ...extra: string[]) => {
  const r = await cli(['validate', '--root', root, '--format', format, ...AT, ...extra], root);
  return { code: r.code, stdout: r.stdout };
};

const RUNS = 14;

describe('validate with its cache agrees with a cold run after any sequence of edits', () => {
  const roots: string[] = [];
  // Files written less than two seconds before a run began are never trusted (they are parsed
  // again), which would keep the cache's other ways from ever being taken: the organisations
  // age once, and each run's first cached run happens after that.
  beforeAll(async () => {
    for (let i = 0; i < RUNS + 1; i++) roots.push(makeOrg(START));
    await new Promise((r) => setTimeout(r, 2200));
    for (const root of roots) expect((await run(root, 'json')).code).toBe(0);
  }, 120_000);

  it('a fixed sequence: a dangling reference appears in another file, lines move, then it is mended', async () => {
    const root = roots[RUNS]!;
    let files: Files = new Map(Object.entries(START));
    const ops: Op[] = [{ kind: 'team', name: 'treasury' }, { kind: 'comment', pick: 0 }, { kind: 'shift', pick: 1 }, { kind: 'team', name: 'payments' }, { kind: 'copy', pick: 2 }];
    for (const [step, op] of ops.entries()) {
      const next = apply(files, op, step);
      sync(root, files, next, step);
      files = next;
      for (const format of FORMATS) {
        const cached = await run(root, format);
        expect(cached).toEqual(await run(root, format, '--no-cache'));
      }
    }
    // The last state has a duplicate team and the owner's reference restored: both reported.
    const report = JSON.parse((await run(root, 'json')).stdout) as { diagnostics: { code: string }[] };
    expect(report.diagnostics.map((d) => d.code)).toContain('name.duplicate');
  }, 120_000);

  it('a random sequence of edits, in any format', async () => {
    let next = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(opArb, fc.constantFrom(...FORMATS)), { minLength: 1, maxLength: 6 }), async (steps) => {
        // Each aged organisation serves one sequence; shrinking a failure starts from fresh ones.
        const root = next < RUNS ? roots[next++]! : makeOrg(START);
        let files: Files = new Map(Object.entries(START));
        for (const [step, [op, format]] of steps.entries()) {
          const after = apply(files, op, step);
          sync(root, files, after, step);
          files = after;
          const cached = await run(root, format);
          const cold = await run(root, format, '--no-cache');
          expect(cached).toEqual(cold);
        }
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});

describe('the repository file list, which only policy path patterns read', () => {
  let repo: TestRepo | undefined;
  afterEach(() => {
    repo?.remove();
    repo = undefined;
  });

  it('is left unasked while no pattern reads it, and asked again as soon as one does', async () => {
    repo = await TestRepo.create({});
    const root = repo.root;
    const policy = readFileSync(join(root, 'changes', 'policy.yaml'), 'utf8');
    const steps: [string, () => void][] = [
      ['nothing yet', () => {}],
      ['a file no pattern names', () => write(root, 'infra/main.tf', 'x\n')],
      ['a pattern that matches nothing', () => write(root, 'changes/policy.yaml', `${policy}  sensitivePaths: ["nothing/**", "infra/**"]\n`)],
      ['a file it matches', () => write(root, 'nothing/x.txt', 'x\n')],
      ['that file gone again', () => rmSync(join(root, 'nothing'), { recursive: true })],
      ['the patterns gone', () => write(root, 'changes/policy.yaml', policy)],
      ['another file', () => write(root, 'other/y.txt', 'y\n')],
    ];
    const unmatched: number[] = [];
    for (const [, change] of steps) {
      change();
      const cached = await run(root, 'json');
      expect(cached).toEqual(await run(root, 'json', '--no-cache'));
      unmatched.push((JSON.parse(cached.stdout) as { diagnostics: { code: string }[] }).diagnostics.filter((d) => d.code === 'policy.sensitive-path-unmatched').length);
    }
    expect(unmatched).toEqual([0, 0, 1, 0, 1, 0, 0]);
  }, 60_000);

  it.each<[string, Facts[], boolean]>([
    ['no policy', [], false],
    ['a policy without patterns', [{ kind: 'Policy', groups: [] }], false],
    ['a policy with an empty pattern list', [{ kind: 'Policy', groups: [], sensitivePaths: [] }], false],
    ['sensitive paths', [{ kind: 'Policy', groups: [], sensitivePaths: ['x/**'] }], true],
    ['service paths', [{ kind: 'Policy', groups: [], servicePaths: { api: ['x/**'] } }], true],
  ])('%s: read %s, and when unread no path list changes a finding', (_name, facts, reads) => {
    const files = [{ file: 'changes/policy.yaml', documents: facts.map((f, index) => ({ index, apiVersion: 'opsledger/v1', kind: 'Policy', name: 'p', namespace: 'Policy', refs: [], facts: f })) }];
    expect(readsRepositoryPaths(files)).toBe(reads);
    if (!reads) expect([checkSensitivePaths(files, []), checkSensitivePaths(files, ['a/b'])]).toEqual([[], []]);
  });
});

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

describe('a damaged file index is no cache at all', () => {
  const index = (root: string) => join(root, '.opsledger-cache', readdirSync(join(root, '.opsledger-cache')).find((n) => n.startsWith('index-'))!);
  it.each<[string, (root: string) => void]>([
    ['garbage', (root) => writeFileSync(index(root), 'not an index')],
    ['truncated', (root) => writeFileSync(index(root), readFileSync(index(root)).subarray(0, 40))],
    ['a count past its end', (root) => {
      const bytes = readFileSync(index(root));
      bytes.writeUInt32LE(0xffffffff, 4);
      writeFileSync(index(root), bytes);
    }],
    ['gone', (root) => rmSync(index(root))],
    ['named outside the folder', (root) => {
      const path = join(root, '.opsledger-cache', 'manifest.json');
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), index: '../../teams/teams.yaml' }));
    }],
  ])('%s: the run is cold and says what a cold run says', async (_name, damage) => {
    const root = makeOrg({ ...START, 'services/payments/service.yaml': SERVICE('nobody') });
    const cold = await run(root, 'json', '--no-cache');
    expect(cold.code).toBe(1);
    expect(await run(root, 'json')).toEqual(cold);
    damage(root);
    expect(await run(root, 'json')).toEqual(cold);
    expect(await run(root, 'json')).toEqual(cold);
  });
});
