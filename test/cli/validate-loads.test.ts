import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/built-cli.js';
import { makeOrg, PROJECT_ROOT } from '../helpers/org.js';

/**
 * With the build's validators all there, validate never loads ajv: not cold, not to analyse one
 * edited file (where loading it cost more than the analysis), not with nothing changed.
 * Which modules ran is read as help.test.ts reads it, for the bundled and the unbundled CLI.
 */
describe('validate loads no schema compiler when the build compiled every schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsledger-validate-loads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(root: string, bundled: boolean, name: string): { urls: string[]; stdout: string } {
    ensureBuilt();
    const log = join(dir, `${bundled ? 'bundle' : 'dist'}-${name}.log`);
    const r = spawnSync(process.execPath, ['--import', join(PROJECT_ROOT, 'test', 'cli', 'import-log.mjs'), join(PROJECT_ROOT, 'bin', 'opsledger.js'), 'validate', '--root', root, '--format', 'json'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', OPSLEDGER_IMPORT_LOG: log, ...(bundled ? {} : { OPSLEDGER_NO_BUNDLE: '1' }) },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // Where Node has no compile cache, bin runs the command's classic script (bin/script-cache.js),
    // which no module hook sees: what it holds is what cmd-validate.js holds.
    if (urls.some((u) => u.endsWith('/bin/script-cache.js'))) urls.push(pathToFileURL(join(PROJECT_ROOT, 'dist', 'bundle', 'cli', 'cmd-validate.script.js')).href);
    const chunks = urls.filter((u) => u.includes('/dist/bundle/cli/'));
    expect(chunks.length > 0).toBe(bundled);
    const inside = chunks.flatMap((u) => [...readFileSync(new URL(u), 'utf8').matchAll(/^\/\/ (\S+\.(?:[cm]?js|json))$/gm)].map((m) => pathToFileURL(join(PROJECT_ROOT, m[1]!)).href));
    return { urls: [...urls, ...inside], stdout: r.stdout };
  }

  it.each(['bundled', 'unbundled'])('the %s CLI', (build) => {
    const root = makeOrg();
    const bundled = build === 'bundled';
    const ajv = (urls: string[]) => urls.filter((u) => /\/node_modules\/ajv\/(?!dist\/runtime\/)/.test(u) || u.endsWith('/core/schema/registry.js'));
    const cold = run(root, bundled, 'cold');
    expect(ajv(cold.urls)).toEqual([]);
    // The analysis did run in this process: the validators' own module was loaded.
    expect(cold.urls.some((u) => u.endsWith('/core/schema/routes.js'))).toBe(true);
    appendFileSync(join(root, 'teams', 'teams.yaml'), '\n# edited\n');
    const edited = run(root, bundled, 'edited');
    expect(ajv(edited.urls)).toEqual([]);
    expect(edited.stdout).toBe(cold.stdout);
  });
});
