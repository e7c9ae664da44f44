import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { matchingPaths } from '../../src/core/glob.js';
import { TestRepo } from '../helpers/git-repo.js';
import { cli, MINIMAL_ORG, validateJson, type JsonReport } from '../helpers/org.js';

/**
 * sensitivePaths as a control that cannot silently protect nothing: every pattern is checked
 * against the repository's files (tracked and untracked, any extension), in real git
 * repositories, and each dead or broken one is a positioned warning on the Policy.
 */
const BASE_POLICY = readFileSync(join(MINIMAL_ORG, 'changes', 'policy.yaml'), 'utf8');
const FIRST_LINE = BASE_POLICY.split('\n').length + 1;

/** The fixture policy with the patterns as a block list; pattern i sits on line FIRST_LINE + i, column 7. */
const policyWith = (patterns: string[]) => `${BASE_POLICY}  sensitivePaths:\n${patterns.map((p) => `    - ${JSON.stringify(p)}\n`).join('')}`;

const EXTRA_FILES = { 'infra/prod/main.tf': 'resource "null_resource" "x" {}\n', '.github/workflows/ci.yml': 'on: push\n', 'docs/old-policy.md': 'gone soon\n' };

let repo: TestRepo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

async function warningsFor(patterns: string[], setup?: (r: TestRepo) => Promise<void>) {
  repo = await TestRepo.create({ ...EXTRA_FILES, 'changes/policy.yaml': policyWith(patterns) });
  await setup?.(repo);
  const { code, report } = await validateJson(repo.root);
  return { code, found: sensitive(report) };
}

function sensitive(report: JsonReport) {
  return report.diagnostics
    .filter((d) => d.code.startsWith('policy.sensitive-path'))
    .map((d) => ({ code: d.code, file: d.file, line: d.line, column: d.column, pointer: d.pointer, severity: d.severity }));
}

const at = (code: string, i: number) => ({ code, file: 'changes/policy.yaml', line: FIRST_LINE + i, column: 7, pointer: `/spec/sensitivePaths/${i}`, severity: 'warning' });

describe('validate: sensitive paths that match files', () => {
  // Each live pattern sits beside a dead one: only the dead one is reported, and the live one
  // protects the file it names.
  it.each([
    ['braces', '{teams,changes}/**', 'teams/teams.yaml'],
    ['braces in a file name', 'changes/{policy,calendar}.yaml', 'changes/calendar.yaml'],
    ['nested braces', '{services,{teams,changes}}/**/*.yaml', 'changes/policy.yaml'],
    ['a leading slash', '/teams/**', 'teams/teams.yaml'],
    ['a leading slash on a file', '/changes/policy.yaml', 'changes/policy.yaml'],
    ['a leading slash on a dot folder', '/.github/**', '.github/workflows/ci.yml'],
    ['a leading ./', './changes/policy.yaml', 'changes/policy.yaml'],
    ['a leading ./ with a star', './teams/*.yaml', 'teams/teams.yaml'],
    ['a repeated ./', '././changes/*.yaml', 'changes/calendar.yaml'],
    ['an extglob !(x)', '!(services|changes|infra|docs)/*.yaml', 'teams/teams.yaml'],
    ['an extglob @(a|b)', 'changes/@(policy|calendar).yaml', 'changes/policy.yaml'],
    ['an extglob +(x)', '+(infra)/**', 'infra/prod/main.tf'],
    ['a globstar on a non-YAML file', '**/*.tf', 'infra/prod/main.tf'],
    ['a globstar under a folder', 'infra/**/*.tf', 'infra/prod/main.tf'],
    ['a dot folder', '.github/**', '.github/workflows/ci.yml'],
  ])('%s (%s) is live and protects %s', async (_name, pattern, file) => {
    const { code, found } = await warningsFor([pattern, 'tems/**']);
    expect(found).toEqual([at('policy.sensitive-path-unmatched', 1)]);
    expect(code).toBe(0);
    expect(matchingPaths([file, 'docs/old-policy.md'], [pattern])).toEqual([file]);
  });
});

describe('validate: sensitive paths that cannot work are positioned warnings', () => {
  it.each([
    ['an unclosed [', 'teams/[ab.yaml'],
    ['an unclosed {', 'changes/{policy,calendar.yaml'],
    ['an unclosed (', 'changes/@(policy.yaml'],
    ['a path out of the repository', '../secrets/**'],
  ])('%s (%s): policy.sensitive-path-invalid', async (_name, pattern) => {
    const { code, found } = await warningsFor(['teams/**', pattern]);
    expect(found).toEqual([at('policy.sensitive-path-invalid', 1)]);
    expect(code).toBe(0);
  });

  it.each([
    ['a misspelt folder', ['teams/**', 'tems/**']],
    ['a globstar with no such file', ['teams/**', '**/*.tfvars']],
    ['a dotfile folder that does not exist', ['teams/**', '.gitlab/**']],
  ])('%s: policy.sensitive-path-unmatched', async (_name, patterns) => {
    const { found } = await warningsFor(patterns);
    expect(found).toEqual([at('policy.sensitive-path-unmatched', 1)]);
  });

  it.each([
    ['deleted and committed', async (r: TestRepo) => void (await r.commit({ 'docs/old-policy.md': null }, 'Drop the old policy', { name: 'A', email: 'a@example.com' }))],
    ['deleted from the working tree only', async (r: TestRepo) => rmSync(join(r.root, 'docs/old-policy.md'))],
    ['removed from the index, left untracked-and-ignored', async (r: TestRepo) => {
      await r.git.raw(['rm', '--cached', '-q', 'docs/old-policy.md']);
      writeFileSync(join(r.root, '.gitignore'), 'docs/\n');
    }],
  ])('a pattern that matches only a file %s: policy.sensitive-path-unmatched', async (_name, setup) => {
    const { found } = await warningsFor(['teams/**', 'docs/old-policy.md'], setup);
    expect(found).toEqual([at('policy.sensitive-path-unmatched', 1)]);
  });

  it.each([
    ['an untracked file', 'infra/staging/main.tf'],
    ['an untracked dotfile', '.github/CODEOWNERS'],
    ['an untracked file in a new folder', 'ops/runbook.md'],
  ])('a pattern that matches %s is live', async (_name, file) => {
    const { found } = await warningsFor([file, 'tems/**'], async (r) => {
      mkdirSync(dirname(join(r.root, file)), { recursive: true });
      writeFileSync(join(r.root, file), 'x\n');
    });
    expect(found).toEqual([at('policy.sensitive-path-unmatched', 1)]);
  });

  it('sees a file added after a cached run: the cache does not keep a stale warning', async () => {
    repo = await TestRepo.create({ 'changes/policy.yaml': policyWith(['teams/**', 'ops/**']) });
    const run = async () => sensitive(JSON.parse((await cli(['validate', '--root', repo!.root, '--format', 'json'], repo!.root)).stdout) as JsonReport);
    expect(await run()).toEqual([at('policy.sensitive-path-unmatched', 1)]);
    mkdirSync(join(repo.root, 'ops'));
    writeFileSync(join(repo.root, 'ops', 'deploy.sh'), 'echo\n');
    expect(await run()).toEqual([]);
  });

  it('checks outside git too, by listing the folder', async () => {
    repo = await TestRepo.create({ 'changes/policy.yaml': policyWith(['teams/**', 'tems/**', 'changes/[x.yaml']) });
    rmSync(join(repo.root, '.git'), { recursive: true, force: true });
    const { found } = await validateJson(repo.root).then((r) => ({ found: sensitive(r.report) }));
    expect(found).toEqual([at('policy.sensitive-path-unmatched', 1), at('policy.sensitive-path-invalid', 2)]);
  });
});
