import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './org.js';

/**
 * Runs the built CLI on a pseudo-terminal with util-linux `script`, so that prompts see a real
 * TTY on stdin and stdout, as they do for a person. Keystrokes go in through script's stdin;
 * the screen (with its escape codes) comes back on stdout.
 */
export const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', space: ' ', backspace: '\x7f', ctrlC: '\x03' } as const;

/** Builds dist/ when a source file is newer than its output, since bin/opsledger.js runs dist/. */
export function ensureBuilt(): void {
  const stale = (dir: string): boolean =>
    readdirSync(dir).some((e) => {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) return stale(p);
      if (!e.endsWith('.ts') || e.endsWith('.d.ts')) return false;
      const out = join(PROJECT_ROOT, 'dist', p.slice(join(PROJECT_ROOT, 'src').length).replace(/\.ts$/, '.js'));
      return !existsSync(out) || statSync(out).mtimeMs < statSync(p).mtimeMs;
    });
  if (!stale(join(PROJECT_ROOT, 'src'))) return;
  // tsc emits even when another file has a type error; type errors are the check step's job.
  spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(PROJECT_ROOT, 'tsconfig.json')], { stdio: 'ignore' });
}

/** Text without ANSI escape sequences, for matching what a person would read. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r/g, '');
}

export class Terminal {
  private readonly child: ChildProcessWithoutNullStreams;
  private screen = '';
  private consumed = 0;
  readonly exited: Promise<number>;

  constructor(args: string[], options: { cwd: string; env?: Record<string, string> }) {
    const command = [process.execPath, join(PROJECT_ROOT, 'bin', 'opsledger.js'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: options.cwd, TERM: 'xterm-256color', COLUMNS: '120', LINES: '50', ...options.env },
    });
    this.child.stdout.on('data', (d: Buffer) => void (this.screen += d.toString('utf8')));
    this.child.stderr.on('data', (d: Buffer) => void (this.screen += d.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code ?? -1)));
  }

  /** Everything written so far, escape codes and all. */
  get raw(): string {
    return this.screen;
  }

  /** Everything shown so far, escape codes removed. */
  get text(): string {
    return plain(this.screen);
  }

  /** Waits until the screen shows `pattern` after what earlier calls matched, and moves past it. */
  async expect(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const started = Date.now();
    for (;;) {
      const seen = plain(this.screen).slice(this.consumed);
      const m = pattern.exec(seen);
      if (m) {
        this.consumed += m.index + m[0].length;
        return seen;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`the terminal never showed ${pattern}; after what was matched it shows:\n${seen}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  type(...keys: string[]): void {
    for (const k of keys) this.child.stdin.write(k);
  }

  async answer(pattern: RegExp, ...keys: string[]): Promise<void> {
    await this.expect(pattern);
    this.type(...keys);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
