import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { PROJECT_ROOT } from '../helpers/org.js';

/**
 * The package as people get it: `npm pack` of this repository, installed into an empty folder
 * without dev dependencies, then run. It proves the `files` list carries everything the CLI
 * reads at run time (dist, schemas, templates, the example organisation) and that nothing needs
 * tsc or another dev dependency once installed.
 *
 * No network: the empty folder gets a lockfile made from this repository's (its production
 * entries, pinned by integrity), so `npm ci --offline` takes every tarball from the npm cache the
 * repository's own `npm ci` filled. Only when a tarball is missing from that cache does it go
 * to the registry, and only when the registry cannot be reached is the test skipped, saying so.
 */
const work = mkdtempSync(join(tmpdir(), 'opsledger-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    // npm's own variables from an enclosing `npm test` must not steer the inner npm.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, ...extraEnv };
    if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache;
    const child = spawn(command, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

type LockEntry = { dev?: boolean } & Record<string, unknown>;

/** The consumer's lockfile: opsledger from the tarball, its dependencies as this repository locks them. */
function consumerLock(tarball: string): { manifest: object; lock: object } {
  // The consumer folder sits beside the tarball.
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
  const ours = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:../${tarball}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { opsledger: spec } },
    'node_modules/opsledger': { version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(ours.packages)) if (path && !entry.dev) packages[path] = entry;
  return { manifest: { name: 'consumer', private: true, dependencies: { opsledger: spec } }, lock: { name: 'consumer', lockfileVersion: 3, requires: true, packages } };
}

const UNREACHABLE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/;

describe('the npm package', () => {
  it('installs without dev dependencies and runs --version and validate on its example organisation', async (ctx) => {
    ensureBuilt();
    // The build's last step; packing without it would ship a package that compiles schemas on every run.
    expect(existsSync(join(PROJECT_ROOT, 'dist', 'schema-validators.cjs')), 'dist/schema-validators.cjs is missing: run npm run build').toBe(true);

    // --ignore-scripts: prepack would rebuild dist/ while other test files run it; it was just built.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], PROJECT_ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const shipped = info!.files.map((f) => f.path);
    expect(shipped).toEqual(expect.arrayContaining(['bin/opsledger.js', 'dist/cli/main.js', 'dist/schema-validators.cjs', 'dist/adapters/workers/analyze-worker.js', 'dist/bundle/cli/main.js', 'dist/bundle/cli/analyze-worker.js', 'dist/bundle/cli/render-worker.js', 'dist/bundle/cli/built', 'package.json', 'README.md']));
    for (const folder of ['schemas/', 'templates/catalog/', 'services/', 'teams/', 'changes/']) expect(shipped.some((p) => p.startsWith(folder)), folder).toBe(true);
    for (const kept of ['src/', 'test/', 'bench/', 'node_modules/', 'action/', '.github/']) expect(shipped.filter((p) => p.startsWith(kept)), kept).toEqual([]);
    expect(shipped.filter((p) => p.endsWith('.map'))).toEqual([]);

    const app = join(work, 'app');
    mkdirSync(app);
    const { manifest, lock } = consumerLock(basename(info!.filename));
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));

    let installed = await run('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], app);
    if (installed.code !== 0 && /ENOTCACHED/.test(installed.stderr)) {
      installed = await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], app);
      if (installed.code !== 0 && UNREACHABLE.test(installed.stderr)) {
        ctx.skip(`a dependency is not in the npm cache and the registry cannot be reached: ${UNREACHABLE.exec(installed.stderr)![1]}`);
      }
    }
    expect(installed.code, installed.stderr).toBe(0);
    // Nothing a developer needs came along.
    for (const dev of ['typescript', 'vitest', 'esbuild', '@octokit/openapi']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);

    const bin = join(app, 'node_modules', '.bin', 'opsledger');
    const version = await run(bin, ['--version'], app);
    expect(version).toMatchObject({ code: 0, stdout: `${(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n` });

    // npm packs every file with one fixed mtime: the bundle's stamp is then as new as dist/, and runs.
    const log = join(work, 'imports.log');
    const hooked = await run(process.execPath, ['--import', join(PROJECT_ROOT, 'test', 'cli', 'import-log.mjs'), join(app, 'node_modules', 'opsledger', 'bin', 'opsledger.js'), '--version'], app, { OPSLEDGER_IMPORT_LOG: log });
    expect(hooked.code, hooked.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').filter((u) => u.includes('/node_modules/opsledger/dist/')).some((u) => u.endsWith('/dist/bundle/cli/main.js'))).toBe(true);

    const org = join(work, 'northwind');
    for (const folder of ['services', 'teams', 'changes', 'systems', 'apis']) cpSync(join(app, 'node_modules', 'opsledger', folder), join(org, folder), { recursive: true });
    const validated = await run(bin, ['validate', '--root', org, '--format', 'json', '--no-cache'], app);
    expect(validated.code, validated.stderr).toBe(0);
    const summary = (JSON.parse(validated.stdout) as { summary: { errors: number; files: number } }).summary;
    expect(summary.errors).toBe(0);
    expect(summary.files).toBeGreaterThan(20);
  }, 300_000);

  it('tells a clone where dist/ was never built to build it, instead of failing to load a module', async () => {
    const clone = join(work, 'unbuilt');
    mkdirSync(join(clone, 'bin'), { recursive: true });
    cpSync(join(PROJECT_ROOT, 'bin', 'opsledger.js'), join(clone, 'bin', 'opsledger.js'));
    cpSync(join(PROJECT_ROOT, 'package.json'), join(clone, 'package.json'));
    const r = await run(process.execPath, [join(clone, 'bin', 'opsledger.js'), '--version'], clone);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('npm run build');
    expect(r.stderr).not.toContain('internal error');
  });
});
