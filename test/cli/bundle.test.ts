import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { PROJECT_ROOT } from '../helpers/org.js';
import { codeDigestOf } from '../../src/adapters/fs/version.js';

/**
 * The CLI as bin/opsledger.js runs it after `npm run build`: bundled into dist/bundle/cli/
 * (scripts/bundle-cli.mjs). It must be whole (nothing loaded from beside it but Node's own
 * modules), and say what dist/ says, byte for byte; bin must pass over a bundle not made from
 * the dist/ beside it.
 */
const BUNDLE = join(PROJECT_ROOT, 'dist', 'bundle', 'cli');
const work = mkdtempSync(join(tmpdir(), 'opsledger-cli-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the bundled CLI', () => {
  // The example organisation, copied: commands that build the model keep a cache beside it.
  const org = join(work, 'org');
  beforeAll(() => {
    ensureBuilt();
    for (const folder of ['services', 'teams', 'changes', 'systems', 'apis', 'incidents']) cpSync(join(PROJECT_ROOT, folder), join(org, folder), { recursive: true });
  });

  it('imports nothing but Node modules and its own files, each of which exists', () => {
    const files = readdirSync(BUNDLE).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['main.js', 'analyze-worker.js', 'render-worker.js', 'cmd-gate.js', 'cmd-validate.js']));
    const outside: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(BUNDLE, f), 'utf8');
      // esbuild writes each import on lines of its own: `import x from "…";`, `} from "…";`, `import "…";`, and `import("…")`.
      const specs = [...text.matchAll(/^(?:import|export)\b[^\n]*?\bfrom\s*"([^"]+)";?$|^\}\s*from\s*"([^"]+)";?$|^import\s*"([^"]+)";?$|\bimport\(\s*"([^"]+)"\s*\)/gm)];
      for (const m of specs) {
        const spec = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('./') && !spec.slice(2).includes('/') && files.includes(spec.slice(2))) continue;
        outside.push(`${f}: ${spec}`);
      }
    }
    expect(outside).toEqual([]);
    // The check sees the imports: main.js loads its commands' chunks.
    expect(readFileSync(join(BUNDLE, 'main.js'), 'utf8')).toMatch(/import\("\.\/[\w-]+\.js"\)/);
  });

  it.each([
    ['--version', ['--version']],
    ['explain', ['explain', 'ref.unresolved']],
    ['help', ['help', 'gate']],
    ['validate', ['validate', '--root', org, '--format', 'json', '--no-cache', '--at', '2026-12-01T00:00:00Z']],
    ['validate, cached', ['validate', '--root', org, '--format', 'sarif', '--at', '2026-12-01T00:00:00Z']],
    ['gate, without GitHub (denied with its reasons)', ['gate', 'CR-2026-0176', '--root', org, '--format', 'json', '--dry-run', '--at', '2026-12-01T00:00:00Z']],
    ['validate --help', ['validate', '--help']],
    ['risk', ['risk', 'CR-2026-0176', '--root', org, '--format', 'json', '--at', '2026-12-01T00:00:00Z']],
    ['an unknown command', ['no-such-command']],
  ])('answers %s as the unbundled dist/ does', async (_, args) => {
    const bundled = await runBuiltCli(args, { cwd: work });
    const plain = await runBuiltCli(args, { cwd: work, env: { OPSLEDGER_NO_BUNDLE: '1' } });
    expect(bundled).toEqual(plain);
    expect(bundled.stderr).not.toContain('opsledger: internal error');
  });
});

describe('bin/opsledger.js chooses the bundle', () => {
  // A package with stand-ins for both builds, each saying which it is.
  const pkg = join(work, 'pkg');
  const stamp = join(pkg, 'dist', 'bundle', 'cli', 'built');
  const plain = join(pkg, 'dist', 'cli', 'main.js');
  const stub = (name: string) => `export async function run() { process.stdout.write('${name}'); return 0; }\n`;
  beforeAll(() => {
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    mkdirSync(join(pkg, 'dist', 'bundle', 'cli'), { recursive: true });
    mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'bin', 'opsledger.js'), join(pkg, 'bin', 'opsledger.js'));
    writeFileSync(join(pkg, 'package.json'), '{"type":"module"}');
    writeFileSync(join(pkg, 'dist', 'bundle', 'cli', 'main.js'), stub('bundle'));
  });
  const which = (env: Record<string, string> = {}) => spawnSync(process.execPath, [join(pkg, 'bin', 'opsledger.js'), '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } }).stdout;

  it.each([
    ['dist/ ends with the id of the bundle', 'bundle', 'k1-abc', '// opsledger-bundle: k1-abc\n', {}],
    ['dist/ was compiled again since (tsc wrote no id)', 'dist', 'k1-abc', '', {}],
    ['dist/ ends with the id of another bundle', 'dist', 'k1-abc', '// opsledger-bundle: k0-old\n', {}],
    ['the id is only a prefix of the one dist/ ends with', 'dist', 'k1', '// opsledger-bundle: k1-abc\n', {}],
    ['the bundle has an empty stamp', 'dist', '', '// opsledger-bundle: \n', {}],
    ['OPSLEDGER_NO_BUNDLE=1 is set', 'dist', 'k1-abc', '// opsledger-bundle: k1-abc\n', { OPSLEDGER_NO_BUNDLE: '1' }],
  ] as const)('when %s, it runs %s', (_, expected, id, tail, env) => {
    writeFileSync(stamp, id);
    writeFileSync(plain, stub('dist') + tail);
    expect(which(env)).toBe(expected);
  });

  // bin sets V8's tier-up flag under the name this Node's V8 knows; a name it lacks would print an error on every run.
  it('tunes V8 for the Node it runs on without a word on stderr', () => {
    writeFileSync(stamp, 'k1-abc');
    writeFileSync(plain, `${stub('dist')}// opsledger-bundle: k1-abc\n`);
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'opsledger.js'), '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'bundle', '']);
    const flag = Number(process.versions.v8.split('.')[0]) >= 12 ? '--invocation-count-for-turbofan' : '--interrupt-budget';
    expect(spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout).toContain(`  ${flag} (`);
    expect(readFileSync(join(PROJECT_ROOT, 'bin', 'opsledger.js'), 'utf8')).toContain(`'${flag}=`);
  });

  // The gate and validate have a one-file bundle of their own, run when the command comes first.
  const args = (first: string) => spawnSync(process.execPath, [join(pkg, 'bin', 'opsledger.js'), first], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } }).stdout;
  it.each([
    ['gate', 'one file: gate'],
    ['validate', 'one file: validate'],
    ['risk', 'bundle'],
    ['--version', 'bundle'],
  ])('with the bundle chosen, `%s` runs %s', (first, expected) => {
    writeFileSync(stamp, 'k1-abc');
    writeFileSync(plain, `${stub('dist')}// opsledger-bundle: k1-abc\n`);
    for (const name of ['gate', 'validate']) writeFileSync(join(pkg, 'dist', 'bundle', 'cli', `cmd-${name}.js`), stub(`one file: ${name}`));
    try {
      expect(args(first)).toBe(expected);
      // A bundle without the command's file runs its main.
      rmSync(join(pkg, 'dist', 'bundle', 'cli', `cmd-${first}.js`), { force: true });
      expect(args(first)).toBe('bundle');
      // Never when dist/ is not the bundle's.
      writeFileSync(plain, stub('dist'));
      expect(args(first)).toBe('dist');
    } finally {
      for (const name of ['gate', 'validate']) rmSync(join(pkg, 'dist', 'bundle', 'cli', `cmd-${name}.js`), { force: true });
    }
  });

  it('without its stamp, the bundle is not run', () => {
    writeFileSync(plain, `${stub('dist')}// opsledger-bundle: k1-abc\n`);
    rmSync(stamp, { force: true });
    expect(which()).toBe('dist');
  });
});

describe('the build', () => {
  it('marks dist/ with the id of the bundle made from it, so bin runs the bundle', () => {
    ensureBuilt();
    const id = readFileSync(join(BUNDLE, 'built'), 'utf8');
    expect(id).toMatch(/^[a-z0-9]+-[0-9a-f]{12}$/);
    expect(readFileSync(join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'utf8').endsWith(`\n// opsledger-bundle: ${id}\n`)).toBe(true);
  });
});

describe('the code digest in the bundle', () => {
  // The caches are keyed by the digest of dist/core/. The bundle holds the core it was made
  // from, so the build writes that digest into it and its runs do not read dist/core/ for it.
  it('keys a bundled run\'s cache as an unbundled run of the same build, without reading dist/core/', async () => {
    ensureBuilt();
    const pkg = join(work, 'digest-pkg');
    for (const entry of ['bin', 'dist', 'package.json', 'schemas', 'templates']) cpSync(join(PROJECT_ROOT, entry), join(pkg, entry), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const digest = codeDigestOf(join(PROJECT_ROOT, 'dist'));
    // A core that is not the bundled one: reading it would give another key.
    rmSync(join(pkg, 'dist', 'core'), { recursive: true });
    const keyAfter = async (bin: string, env: Record<string, string>, name: string) => {
      const org = join(work, name);
      for (const folder of ['services', 'teams']) cpSync(join(PROJECT_ROOT, folder), join(org, folder), { recursive: true });
      const r = spawnSync(process.execPath, [join(bin, 'bin', 'opsledger.js'), 'validate', '--root', org, '--format', 'json'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
      expect(r.stderr).not.toContain('internal error');
      return (JSON.parse(readFileSync(join(org, '.opsledger-cache', 'manifest.json'), 'utf8')) as { key: string }).key;
    };
    const bundled = await keyAfter(pkg, {}, 'digest-org-bundled');
    expect(bundled.split(':')).toContain(digest);
    expect(await keyAfter(PROJECT_ROOT, { OPSLEDGER_NO_BUNDLE: '1' }, 'digest-org-plain')).toBe(bundled);
  }, 60_000);
});

describe('the bundled gate with stale precompiled GitHub shapes', () => {
  // An install that resolves a newer ajv than the build's makes the precompiled shapes stale, and
  // the gate compiles them at run time. The gate's one-file bundle loads ajv from the split
  // bundle's chunk, whose namespace has the CommonJS module only as `default`: it once failed
  // there with an internal error on every run.
  it('checks the answers of GitHub with ajv compiled at run time, and answers as with the shapes precompiled', async () => {
    ensureBuilt();
    const pkg = join(work, 'stale-pkg');
    for (const entry of ['bin', 'dist', 'package.json', 'schemas', 'templates']) cpSync(join(PROJECT_ROOT, entry), join(pkg, entry), { recursive: true });
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(pkg, 'node_modules'));
    writeFileSync(join(pkg, 'dist', 'github-shapes.cjs'), "module.exports = { key: 'another-build', validators: {} };\n");
    const org = join(work, 'stale-org');
    for (const folder of ['services', 'teams', 'changes', 'systems', 'apis', 'incidents']) cpSync(join(PROJECT_ROOT, folder), join(org, folder), { recursive: true });
    // Every route answers 200 with an empty object: not the shape of a repository, so the check must run.
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const env = { PATH: process.env.PATH ?? '', GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
      // Not spawnSync: the server above answers from this process's event loop.
      const gate = (root: string) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(process.execPath, [join(root, 'bin', 'opsledger.js'), 'gate', 'CR-2026-0176', '--root', org, '--format', 'json', '--at', '2026-12-01T00:00:00Z'], { cwd: org, env });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('error', reject);
          child.on('close', (status) => resolve({ status, stdout, stderr }));
        });
      const stale = await gate(pkg);
      const fresh = await gate(PROJECT_ROOT);
      expect(stale.stderr).not.toContain('internal error');
      expect(stale.status).toBe(1);
      expect(seen.length).toBeGreaterThan(0);
      expect(stale.status).toBe(fresh.status);
      expect(stale.stdout).toBe(fresh.stdout);
      expect(JSON.parse(stale.stdout).checks.some((c: { ok: boolean; detail?: string }) => !c.ok)).toBe(true);
    } finally {
      server.close();
    }
  }, 120_000);
});
