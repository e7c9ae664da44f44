import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, type CliResult } from './org.js';

/**
 * The built CLI (bin/opsledger.js → dist/bundle/cli/, or dist/ when not bundled), for tests that need real separate processes.
 * `npm test` builds first; a single test file run on its own may find dist/ missing or older
 * than the sources, so it is rebuilt here (tsc emits even when another file fails to type-check,
 * and the test then runs what was built).
 */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

export function ensureBuilt(probe = 'dist/cli/main.js'): void {
  const built = join(PROJECT_ROOT, probe);
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(PROJECT_ROOT, 'src'))) {
    spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    if (!existsSync(built)) throw new Error(`${probe} is missing after the build; run npm run build`);
  }
  // bin/opsledger.js runs the bundle (scripts/bundle-cli.mjs) only when its id ends
  // dist/cli/main.js, which tsc rewrites: bundled again here, so the tests run what users run.
  const stamp = join(PROJECT_ROOT, 'dist', 'bundle', 'cli', 'built');
  const id = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (!id || !readFileSync(join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'utf8').endsWith(`\n// opsledger-bundle: ${id}\n`)) {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'bundle-cli.mjs')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundling the CLI failed: ${r.stderr}`);
  }
}

/** Starts the built CLI as its own process and resolves when it exits (processes run concurrently). */
export function runBuiltCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'opsledger.js'), ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
