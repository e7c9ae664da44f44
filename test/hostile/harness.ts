import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { copyExampleOrg } from '../helpers/example-org.js';
import { MINIMAL_ORG, PROJECT_ROOT } from '../helpers/org.js';

/**
 * The hostile-input harness: every case is the built CLI in its own process, with a wall-clock
 * limit (the process group is killed when it passes) and a heap cap (`--max-old-space-size`:
 * a run that needs more dies, which the case then reports). Peak RSS is measured by a preload
 * through `process.resourceUsage()`, for the figures; the heap cap is the enforced limit.
 */
export interface Limits {
  /** Wall-clock milliseconds before the process group is killed. */
  timeoutMs: number;
  /** V8 old-space cap in MB. */
  heapMb: number;
}

/** Generous for a 2-core machine shared with other jobs: what a limit catches is a hang or a blow-up. */
export const DEFAULT_LIMITS: Limits = { timeoutMs: 60_000, heapMb: 256 };

export interface LimitedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** True when the harness killed it at the time limit. */
  killed: boolean;
  /** Peak resident set in KB, when the process exited normally. */
  maxRssKb?: number;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  limits?: Partial<Limits>;
  /** Close the read end of stdout after this many lines, as `| head -N` does. */
  headLines?: number;
  /** A file descriptor to use as the child's stdout instead of a pipe (e.g. /dev/full). */
  stdoutFd?: number;
}

const BIN = join(PROJECT_ROOT, 'bin', 'opsledger.js');
const PRELOAD = pathToFileURL(join(PROJECT_ROOT, 'test', 'hostile', 'usage-preload.mjs')).href;

export function runLimited(args: readonly string[], options: RunOptions): Promise<LimitedRun> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const usageFile = join(mkdtempSync(join(tmpdir(), 'opsledger-usage-')), 'usage.json');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.heapMb}`, `--import=${PRELOAD}`, BIN, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env, OPSLEDGER_USAGE_FILE: usageFile },
      stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
      // Its own process group, so a kill reaches the git processes and workers it started.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, limits.timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.headLines !== undefined && stdout.split('\n').length > options.headLines) {
        stdout = stdout.split('\n').slice(0, options.headLines).join('\n') + '\n';
        child.stdout!.destroy();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = performance.now() - started;
      let maxRssKb: number | undefined;
      if (existsSync(usageFile)) maxRssKb = (JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRSS: number }).maxRSS;
      rmSync(join(usageFile, '..'), { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr, durationMs, killed, ...(maxRssKb !== undefined ? { maxRssKb } : {}) });
    });
  });
}

export type Org = 'example' | 'minimal' | 'empty';

/** A temp copy of the example organisation (Northwind), the minimal fixture, or an empty folder. */
export function orgCopy(org: Org = 'example'): string {
  if (org === 'example') return copyExampleOrg();
  const root = mkdtempSync(join(tmpdir(), 'opsledger-hostile-'));
  if (org === 'minimal') cpSync(MINIMAL_ORG, root, { recursive: true });
  return root;
}

export const STACK = /\bat .+:\d+:\d+\)?$/m;

/** What every case asserts, whatever its class: within its limits, no trace, no internal error. */
export function expectWithinLimits(run: LimitedRun, limits: Partial<Limits> = {}): void {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const said = `exit ${run.code} signal ${run.signal} after ${Math.round(run.durationMs)} ms\nstderr: ${run.stderr.slice(0, 2000)}`;
  expect(run.killed, `killed at the ${l.timeoutMs} ms limit; ${said}`).toBe(false);
  expect(run.signal, said).toBeNull();
  expect(run.stderr, said).not.toMatch(/heap out of memory|FATAL ERROR|Invalid string length|Maximum call stack/);
  expect(run.stdout + run.stderr, said).not.toMatch(STACK);
  // "internal error:" is how the CLI reports a crash; the help text names the words too.
  expect(run.stdout + run.stderr, said).not.toMatch(/internal error:/);
}

/** A diagnostic code as a whole word (not a prefix of a longer code). */
export function mentions(text: string, code: string): boolean {
  return new RegExp(`(?<![\\w.-])${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.\\w)`).test(text);
}

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: string;
  repeated?: number;
}

/** The diagnostics of a `--format json` run, or a failure that shows what it printed. */
/**
 * What validate found, less the example organisation's incident follow-ups: past due at any
 * instant since November 2026 and the same in every run, they are not what a hostile file does
 * (test/incidents/follow-up-warnings.test.ts covers them).
 */
const FOLLOW_UPS = new Set(['incident.review-overdue', 'incident.action-overdue']);

export function jsonDiagnostics(run: LimitedRun): JsonDiagnostic[] {
  try {
    return (JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => !(FOLLOW_UPS.has(d.code) && d.file.startsWith('incidents/')));
  } catch {
    throw new Error(`no JSON report (exit ${run.code}): ${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`);
  }
}

/**
 * One row of a class table: an organisation to start from and what to plant in it, the command,
 * and what must come out, within the limits.
 */
export interface HostileCase {
  name: string;
  org?: Org;
  files?: Record<string, string | Uint8Array>;
  /** Further setup on the copy (links, FIFOs, git); may return state for `args` and `check`. */
  setup?: (root: string) => unknown;
  args: (root: string, state: unknown) => string[];
  cwd?: (root: string) => string;
  env?: Record<string, string>;
  exit: number;
  /** Codes that must appear in stdout or stderr. */
  codes?: string[];
  /** Text that must not appear in stdout or stderr. */
  absent?: string[];
  limits?: Partial<Limits>;
  headLines?: number;
  check?: (run: LimitedRun, root: string, state: unknown) => void | Promise<void>;
}

export interface Figure {
  name: string;
  code: number | null;
  ms: number;
  maxRssMb?: number;
}

/** Runs one case and asserts its class-independent part; returns the run for the figures. */
export async function runCase(c: HostileCase, figures?: Figure[]): Promise<LimitedRun> {
  ensureBuilt();
  const root = orgCopy(c.org);
  for (const [rel, content] of Object.entries(c.files ?? {})) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  const state = await c.setup?.(root);
  const run = await runLimited(c.args(root, state), { cwd: c.cwd?.(root) ?? root, ...(c.env ? { env: c.env } : {}), ...(c.limits ? { limits: c.limits } : {}), ...(c.headLines !== undefined ? { headLines: c.headLines } : {}) });
  figures?.push({ name: c.name, code: run.code, ms: Math.round(run.durationMs), ...(run.maxRssKb ? { maxRssMb: Math.round(run.maxRssKb / 1024) } : {}) });
  expectWithinLimits(run, c.limits);
  const out = run.stdout + run.stderr;
  expect(run.code, `${c.name}\nstdout: ${run.stdout.slice(0, 1500)}\nstderr: ${run.stderr.slice(0, 1500)}`).toBe(c.exit);
  for (const code of c.codes ?? []) expect(mentions(out, code), `${code} in\n${out.slice(0, 2000)}`).toBe(true);
  for (const text of c.absent ?? []) expect(out).not.toContain(text);
  await c.check?.(run, root, state);
  return run;
}

/** A test's own time limit: the case's limit plus room for the setup. */
export const testTimeout = (c: { limits?: Partial<Limits> }): number => (c.limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs) + 60_000;

/** Prints the figures of a class (OPSLEDGER_HOSTILE_FIGURES=1), for the closing note of #16. */
export function printFigures(klass: string, figures: Figure[]): void {
  if (!process.env.OPSLEDGER_HOSTILE_FIGURES) return;
  const rows = [...figures].sort((a, b) => a.name.localeCompare(b.name)).map((f) => `${klass}\t${f.name}\texit ${f.code}\t${f.ms} ms\t${f.maxRssMb ?? '?'} MB`);
  process.stdout.write(rows.join('\n') + '\n');
}
