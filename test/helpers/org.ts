import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { Diagnostic, Summary } from '../../src/core/diagnostics.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MINIMAL_ORG = join(PROJECT_ROOT, 'test', 'fixtures', 'minimal-org');

/** A fresh copy of the minimal organisation in a temp folder, with files added or replaced. */
export function makeOrg(files: Record<string, string | Uint8Array> = {}, base = MINIMAL_ORG): string {
  const root = mkdtempSync(join(tmpdir(), 'opsledger-org-'));
  // Commands run on the fixture itself leave their cache there; a copy starts without it.
  cpSync(base, root, { recursive: true, filter: (src) => basename(src) !== '.opsledger-cache' });
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (the real code, captured output). */
export async function cli(args: string[], cwd = PROJECT_ROOT, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd, env: { ...env }, isTTY: false });
  return { code, stdout, stderr };
}

export interface JsonReport {
  diagnostics: Diagnostic[];
  summary: Summary;
}

export async function validateJson(root: string, extra: string[] = []): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const r = await cli(['validate', '--root', root, '--format', 'json', '--no-cache', ...extra], root);
  let report: JsonReport;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`validate printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

/** Runs the built CLI as its own process, as a user or pipeline would. */
export function spawnCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'opsledger.js'), ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    // Whole reports (risk --open --format json) pass spawnSync's 1 MiB default, which would end
    // the child with ENOBUFS and look like a crash.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function codes(report: JsonReport): string[] {
  return report.diagnostics.map((d) => d.code);
}
