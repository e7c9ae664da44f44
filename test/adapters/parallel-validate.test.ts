import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { makeOrg } from '../helpers/org.js';

/**
 * Validation on several threads (the built CLI: workers need compiled JavaScript) must say
 * exactly what one thread says, cold, warm, and after an edit, and its cache must be usable
 * whichever thread wrote which shard.
 */
const TEAMS = 700; // past the pool's threshold of 600 files

function bigOrg(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < TEAMS; i++) {
    const name = `squad-${String(i).padStart(3, '0')}`;
    files[`teams/${name}.yaml`] = `apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: ${name}\n  title: Squad ${i}\nspec:\n  members:\n    - {github: dev-${i}, role: lead}\n  channels: {slack: "#${name}"}\n`;
  }
  // Problems scattered through the list, so that they land in every thread's share.
  files['teams/squad-017.yaml'] = 'apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: squad-017\nspec:\n  members: not-a-list\n';
  files['teams/squad-350.yaml'] = 'apiVersion: opsledger/v1\nkind: Team\nmetadata: {name: squad-350\nspec: {}\n';
  files['teams/squad-699.yaml'] = 'apiVersion: opsledger/v1\nkind: Teem\nmetadata:\n  name: squad-699\nspec: {}\n';
  files['teams/squad-500.yaml'] = 'apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: squad-499\nspec: {}\n';
  return makeOrg(files);
}

const validate = (root: string, threads: number, ...extra: string[]) => runBuiltCli(['validate', '--root', root, '--format', 'json', '--threads', String(threads), ...extra], { cwd: root });

describe('validate on several threads', () => {
  beforeAll(() => ensureBuilt('dist/adapters/workers/analyze-worker.js'));

  it('reports exactly what one thread reports, cold, warm and after an edit', async () => {
    const root = bigOrg();
    const one = await validate(root, 1, '--no-cache');
    expect(one.code).toBe(1);
    const report = JSON.parse(one.stdout) as { diagnostics: { file: string; code: string; line: number }[]; summary: { files: number } };
    expect(report.summary.files).toBeGreaterThan(TEAMS);
    expect(report.diagnostics.map((d) => [d.file, d.code, d.line])).toEqual(
      expect.arrayContaining([
        ['teams/squad-017.yaml', 'schema.type', 6],
        ['teams/squad-699.yaml', 'kind.unknown', 2],
      ]),
    );
    expect(report.diagnostics.some((d) => d.file === 'teams/squad-350.yaml' && d.code.startsWith('yaml.'))).toBe(true);

    for (const threads of [2, 3]) {
      rmSync(join(root, '.opsledger-cache'), { recursive: true, force: true });
      const cold = await validate(root, threads);
      expect([cold.code, cold.stderr]).toEqual([1, '']);
      expect(cold.stdout).toBe(one.stdout);
      // One shard per worker and one for the main thread's share.
      expect(readdirSync(join(root, '.opsledger-cache')).filter((f) => f.startsWith('shard-'))).toHaveLength(threads);
      const warm = await validate(root, threads);
      expect(warm.stdout).toBe(one.stdout);
    }

    // An edit: only that file is read again, the rest comes from every thread's shard.
    writeFileSync(join(root, 'teams/squad-017.yaml'), 'apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: squad-017\nspec: {}\n');
    const edited = await validate(root, 2);
    const fresh = await validate(root, 1, '--no-cache');
    expect(edited.stdout).toBe(fresh.stdout);
    expect(edited.stdout).not.toContain('squad-017.yaml');
  }, 120_000);

  // The workers start on the files discovery has found while it lists the rest. Discovery finds
  // `teams/a/…` (the folder `a` sorts before `a-b.yaml`) before `teams/a-b.yaml`, and the sorted
  // list has them the other way round: the results must come back in the sorted list's order.
  it('answers in the sorted order when the workers took the files in the order they were found', async () => {
    const files: Record<string, string> = {};
    const team = (name: string, extra = '') => `apiVersion: opsledger/v1\nkind: Team\nmetadata:\n  name: ${name}\nspec:\n  members:\n    - {github: dev, role: lead}\n${extra}`;
    for (let i = 0; i < TEAMS; i++) {
      const name = `t${String(i).padStart(3, '0')}`;
      // Nested two deep in groups of 50, beside a flat file whose name sorts between them.
      files[`teams/g${Math.floor(i / 50)}/${name}.yaml`] = team(name);
      if (i % 50 === 0) files[`teams/g${Math.floor(i / 50)}-solo.yaml`] = team(`solo-${i}`, '  channels: 7\n');
    }
    // Named as teams/g0/t000.yaml names its team: the duplicate is the one later in the sorted list.
    files['teams/g0-solo.yaml'] = team('t000', '  channels: 7\n');
    const root = makeOrg(files);
    const one = await validate(root, 1, '--no-cache');
    expect(one.code).toBe(1);
    const report = JSON.parse(one.stdout) as { diagnostics: { file: string; code: string }[] };
    const coded = report.diagnostics.map((d) => [d.file, d.code]);
    expect(coded).toEqual(expect.arrayContaining([['teams/g0-solo.yaml', 'schema.type'], ['teams/g0/t000.yaml', 'name.duplicate']]));
    expect(coded).not.toContainEqual(['teams/g0-solo.yaml', 'name.duplicate']);
    for (const extra of [['--no-cache'], []]) {
      rmSync(join(root, '.opsledger-cache'), { recursive: true, force: true });
      const cold = await validate(root, 2, ...extra);
      expect([cold.code, cold.stderr]).toEqual([1, '']);
      expect(cold.stdout).toBe(one.stdout);
    }
    // The cold run's cache (shards written while discovery listed) answers the warm run.
    expect(readdirSync(join(root, '.opsledger-cache')).filter((f) => f.startsWith('shard-'))).toHaveLength(2);
    const warm = await validate(root, 2);
    expect(warm.stdout).toBe(one.stdout);
  }, 120_000);
});
