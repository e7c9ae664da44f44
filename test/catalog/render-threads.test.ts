import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { cli, PROJECT_ROOT } from '../helpers/org.js';
import { EXAMPLE_AT } from './site.js';

/** Every file of a folder, site-relative, with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function tempOut(): string {
  return join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'site');
}

describe('rendering on several threads (the built CLI: threads need compiled JavaScript)', () => {
  beforeAll(() => ensureBuilt('dist/catalog/render-worker.js'));

  it('writes byte for byte the site the main thread alone writes', async () => {
    const one = tempOut();
    const three = tempOut();
    const [a, b] = await Promise.all([
      runBuiltCli(['catalog', '--root', PROJECT_ROOT, '--out', one, '--at', EXAMPLE_AT, '--threads', '1'], { cwd: PROJECT_ROOT }),
      runBuiltCli(['catalog', '--root', PROJECT_ROOT, '--out', three, '--at', EXAMPLE_AT, '--threads', '3'], { cwd: PROJECT_ROOT }),
    ]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    const left = snapshot(one);
    const right = snapshot(three);
    expect([...right.keys()].sort()).toEqual([...left.keys()].sort());
    expect(left.size).toBeGreaterThan(120);
    for (const [file, bytes] of left) expect(right.get(file)!.equals(bytes), file).toBe(true);
    // The page count the command reports includes what the threads wrote.
    const pages = (stdout: string) => /\((\d+) pages/.exec(stdout)?.[1];
    expect(pages(b.stdout)).toBe(pages(a.stdout));
    expect(Number(pages(a.stdout))).toBe([...left.keys()].filter((f) => f.endsWith('.html')).length);
  }, 120_000);

  it('fails with the thread\'s error code when a thread cannot write, and leaves nothing behind', async () => {
    const { RenderPool, RenderThreadError } = (await import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'catalog', 'render-pool.js')).href)) as typeof import('../../src/catalog/render-pool.js');
    // A regular file where the site folder should be: making a folder there fails (EEXIST).
    const blocker = join(mkdtempSync(join(tmpdir(), 'opsledger-site-')), 'not-a-folder');
    writeFileSync(blocker, '');
    const pool = new RenderPool(1, blocker, { locale: 'en', version: 'test', zone: 'UTC', builtAt: '2026-11-22 12:00' });
    const page = { template: 'metrics', path: 'metrics.html', heading: '', section: 'metrics', metrics: undefined } as const;
    expect(pool.offer({ page, key: 'k' } as never)).toBe(true);
    const failure = await pool.finish().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(RenderThreadError);
    expect((failure as InstanceType<typeof RenderThreadError>).code).toBe('EEXIST');
    await pool.stop();
    expect(readFileSync(blocker, 'utf8')).toBe('');
  }, 60_000);
});

describe('the build clock', () => {
  it.each([
    ['--at', ['--at', '2026-11-22T03:00:00Z'], {}],
    ['SOURCE_DATE_EPOCH', [], { SOURCE_DATE_EPOCH: String(Date.parse('2026-11-22T03:00:00Z') / 1000) }],
  ])('%s fixes the time the site is built as of', async (_name, args, env) => {
    const first = tempOut();
    const second = tempOut();
    for (const out of [first, second]) {
      const r = await cli(['catalog', '--root', PROJECT_ROOT, '--out', out, ...args], PROJECT_ROOT, env);
      expect(r.code).toBe(0);
    }
    const a = snapshot(first);
    const b = snapshot(second);
    for (const [file, bytes] of a) expect(b.get(file)!.equals(bytes), file).toBe(true);
    // The footer's stamp is the given time, in the organisation's zone (Asia/Seoul).
    expect(a.get('index.html')!.toString()).toContain('2026-11-22 12:00');
  }, 60_000);

  it.each([['yesterday'], ['-5'], ['1.5']])('refuses SOURCE_DATE_EPOCH=%s with a usage error', async (value) => {
    const r = await cli(['catalog', '--root', PROJECT_ROOT, '--out', tempOut()], PROJECT_ROOT, { SOURCE_DATE_EPOCH: value });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SOURCE_DATE_EPOCH');
  });
});
