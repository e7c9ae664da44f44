import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileAnalysis } from '../../src/core/analyze.js';
import { checkSensitivePaths } from '../../src/core/checks/sensitive-paths.js';
import { incidentDeadlines } from '../../src/core/checks/incident-follow-ups.js';
import type { CrossFinding } from '../../src/core/checks/references.js';
import { CrossGather } from '../../src/core/cross-gather.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { extractRecord } from '../../src/core/facts.js';
import type { Position } from '../../src/core/parse/precise.js';
import { checkRepository } from '../../src/core/validate.js';

/**
 * The cross-document stage gathered file by file, in any order, must give what the rules give
 * over every file in order: the same findings in the same order (duplicates naming the first
 * file in the list however late it came), the same deadlines, and a position for each deadline.
 * Organisations are generated from a seed with every kind of finding the rules make.
 */
/** Numbers in [0, 1) from a seed, without fast-check's leaning towards small values. */
function random(seed: number): () => number {
  const values = fc.sample(fc.noBias(fc.integer({ min: 0, max: 2 ** 30 - 1 })), { seed, numRuns: 8192 });
  let i = 0;
  return () => values[i++ % values.length]! / 2 ** 30;
}

type Doc = Record<string, unknown>;

function organisation(seed: number, size: number): FileAnalysis[] {
  const rnd = random(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const some = <T,>(list: readonly T[], max: number): T[] => Array.from({ length: Math.floor(rnd() * (max + 1)) }, () => pick(list));
  const n = Math.max(3, Math.floor(size / 6));
  // Names a little wider than what is defined: some references resolve, some do not, and some names are defined twice.
  const services = Array.from({ length: n + 2 }, (_, i) => `svc-${i}`);
  const cis = Array.from({ length: n + 2 }, (_, i) => `ci-${i}`);
  const teams = ['payments', 'platform', 'paymnets'];
  const changes = Array.from({ length: n + 1 }, (_, i) => `CR-${i}`);
  const templates = ['cert-rotation', 'db-patch', 'cert-rotaton'];
  const apis = ['orders-api', 'billing-api', 'ghost-api'];
  const envs = ['production', 'staging', 'prod', 'qa', 'stagin'];
  const severities = ['sev1', 'sev2', 'sev9'];
  const lifecycles = ['production', 'deprecated', 'experimental'];
  const kinds: (() => Doc)[] = [
    () => ({ apiVersion: 'opsledger/v1', kind: 'Team', metadata: { name: pick(teams) }, spec: {} }),
    () => ({
      apiVersion: 'opsledger/v1',
      kind: 'Service',
      metadata: { name: pick(services) },
      spec: {
        owner: pick(teams),
        lifecycle: pick(lifecycles),
        dependsOn: some([...services.map((s) => `service:${s}`), ...cis.map((c) => `ci:${c}`)], 3),
        providesApis: some(apis, 1),
        consumesApis: some(apis, 2),
      },
    }),
    () => ({
      apiVersion: 'opsledger/v1',
      kind: 'ConfigurationItem',
      metadata: { name: pick(cis) },
      spec: { class: pick(['database', 'certificate']), service: pick(services), environment: pick(envs), relations: some(['dependsOn', 'connectsTo'], 2).map((type) => ({ type, target: pick([`ci:${pick(cis)}`, `service:${pick(services)}`]) })) },
    }),
    () => ({ apiVersion: 'opsledger/v1', kind: 'SLO', metadata: { name: `slo-${Math.floor(rnd() * n)}` }, spec: { service: pick(services) } }),
    () => ({ apiVersion: 'openslo/v1', kind: pick(['SLO', 'Service']), metadata: { name: pick(services) }, spec: { service: pick(services) } }),
    () => ({ apiVersion: 'opsledger/v1', kind: 'API', metadata: { name: pick(apis) }, spec: { owner: pick(teams) } }),
    () => ({ apiVersion: 'opsledger/v1', kind: 'StandardChange', metadata: { name: pick(templates) }, spec: { covers: { services: some(services, 2), ciClasses: ['certificate'], environments: some(envs, 2) }, requiredFields: ['spec.rollback'] } }),
    () => {
      const standard = rnd() < 0.5;
      return {
        apiVersion: 'opsledger/v1',
        kind: 'ChangeRequest',
        metadata: { name: pick(changes) },
        spec: {
          type: standard ? 'standard' : 'normal',
          ...(standard ? { template: pick(templates) } : {}),
          services: some(services, 2),
          configurationItems: some(cis, 2),
          environment: pick(envs),
          schedule: { start: `2026-12-0${1 + Math.floor(rnd() * 8)}T01:00:00Z` },
        },
      };
    },
    () => ({
      apiVersion: 'opsledger/v1',
      kind: 'Incident',
      metadata: { name: `INC-${Math.floor(rnd() * n)}` },
      spec: {
        severity: pick(severities),
        startedAt: `2026-12-0${1 + Math.floor(rnd() * 8)}T02:00:00Z`,
        ...(rnd() < 0.7 ? { resolvedAt: '2026-12-09T04:00:00Z' } : {}),
        causedBy: some(changes, 2),
        review: {
          ...(rnd() < 0.3 ? { completedAt: '2026-12-10T00:00:00Z' } : {}),
          actionItems: some(['open', 'done', 'in-progress'], 3).map((state) => ({ title: 'x', owner: pick(teams), state, ...(rnd() < 0.8 ? { due: '2026-12-20' } : {}) })),
        },
      },
    }),
    () => ({ apiVersion: 'opsledger/v1', kind: 'ChangeCalendar', metadata: { name: `cal-${Math.floor(rnd() * 3)}` }, spec: { windows: [{ timeZone: pick(['Asia/Seoul', 'Nowhere/City', '']), scope: { environments: some(envs, 2), services: some(services, 1) } }] } }),
  ];
  const policy = (): Doc => ({
    apiVersion: 'opsledger/v1',
    kind: 'Policy',
    metadata: { name: `policy-${Math.floor(rnd() * 3)}` },
    spec: {
      environments: [{ name: 'production', aliases: ['prod', 'prod'] }, { name: 'staging', aliases: [] }, ...(rnd() < 0.5 ? [{ name: 'staging', aliases: [] }] : [])],
      likelihood: { factors: { environment: { production: 3, prod: 2, qa: 1 } } },
      incidents: { severities: { sev1: { reviewWithin: '5bd' }, sev2: { reviewWithin: '7d' } } },
      sensitivePaths: ['changes/**', 'nothing/**'],
      servicePaths: { [pick(services)]: ['services/**', 'nowhere/*'] },
    },
  });
  const files: FileAnalysis[] = [];
  const folders = ['changes', 'cis', 'incidents', 'services', 'services/a', 'services/a-b', 'teams'];
  const used = new Set<string>();
  for (let i = 0; i < size; i++) {
    // Folders whose names prefix others', so the order a walk finds them in is not the sorted order.
    let rel: string;
    do rel = `${pick(folders)}/f${Math.floor(rnd() * size * 4)}.yaml`;
    while (used.has(rel));
    used.add(rel);
    const docs = Array.from({ length: 1 + Math.floor(rnd() * 2.2) }, () => (rnd() < 0.02 ? policy() : pick(kinds)()));
    const diagnostics: Diagnostic[] = rnd() < 0.1 ? [{ file: rel, line: 1, column: 1, severity: 'error', code: 'schema.required', message: 'x', pointer: '' }] : [];
    files.push({ file: rel, documents: docs.map((d, k) => extractRecord(k, String(d.apiVersion), String(d.kind), d)), diagnostics });
  }
  return files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function shuffled(count: number, seed: number): number[] {
  const rnd = random(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const at = (f: CrossFinding): Position => ({ line: f.document + 1, column: f.pointer.length + 1 }) as Position;

describe('the cross-document stage gathered file by file', () => {
  // In order, the policy in force is known early and the files after it are checked as they come; shuffled or backwards, late.
  const orders = {
    shuffled: (count: number, seed: number) => shuffled(count, seed * 31),
    sorted: (count: number) => Array.from({ length: count }, (_, i) => i),
    backwards: (count: number) => Array.from({ length: count }, (_, i) => count - 1 - i),
  };
  it.each(Array.from({ length: 40 }, (_, i) => Object.keys(orders).map((order) => [i + 1, order] as const)).flat())('gives what the rules give over every file in order (seed %i, %s)', (seed, order) => {
    const files = organisation(seed, 20 + seed * 7);
    const gather = new CrossGather((findings) => findings.map(at));
    for (const i of orders[order as keyof typeof orders](files.length, seed)) gather.add(i, files[i]!);
    const got = gather.finish(files)!;
    expect(got).toBeDefined();
    expect(got.checks).toEqual(checkRepository(files));
    const deadlines = incidentDeadlines(files);
    expect(got.deadlines()).toEqual(deadlines);
    for (const d of deadlines) expect(got.located(d)).toEqual(at(d));
    const paths = ['changes/policy.yaml', 'services/a/x.yaml'];
    expect(checkSensitivePaths(got.policies, paths)).toEqual(checkSensitivePaths(files, paths));
  });

  it('the generated organisations hold every kind of finding', () => {
    const codes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const files = organisation(seed, 20 + seed * 7);
      for (const f of checkRepository(files).cross) codes.add(f.code);
      for (const d of incidentDeadlines(files)) codes.add(d.code);
    }
    expect([...codes].sort()).toEqual(
      [
        'api.unprovided',
        'change.required-field',
        'change.template-coverage',
        'environment.duplicate',
        'environment.unknown',
        'graph.cycle',
        'incident.action-overdue',
        'incident.cause-after-start',
        'incident.review-overdue',
        'incident.unknown-severity',
        'name.duplicate',
        'policy.duplicate',
        'ref.deprecated',
        'ref.unresolved',
      ].sort(),
    );
  });

  it('answers nothing for a list other than the files it was given', () => {
    const files = organisation(3, 30);
    const gather = new CrossGather();
    files.slice(1).forEach((f, i) => gather.add(i + 1, f));
    expect(gather.finish(files)).toBeUndefined();
  });

  it('names the first file of the list in a duplicate, however late that file came', () => {
    const team = (file: string): FileAnalysis => ({ file, documents: [extractRecord(0, 'opsledger/v1', 'Team', { metadata: { name: 'payments' }, spec: {} })], diagnostics: [] });
    const files = [team('teams/g0-solo.yaml'), team('teams/g0/a.yaml'), team('teams/g1.yaml')];
    const gather = new CrossGather();
    gather.add(2, files[2]!);
    gather.add(1, files[1]!);
    gather.add(0, files[0]!);
    const cross = gather.finish(files)!.checks.cross;
    expect(cross.map((f) => [f.code, f.file, f.message])).toEqual([
      ['name.duplicate', 'teams/g0/a.yaml', 'Team "payments" is already defined in teams/g0-solo.yaml'],
      ['name.duplicate', 'teams/g1.yaml', 'Team "payments" is already defined in teams/g0-solo.yaml'],
    ]);
  });
});
