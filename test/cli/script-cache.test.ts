import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFileOf, runScript } from '../../bin/script-cache.js';
import { ensureBuilt, runBuiltCli } from '../helpers/built-cli.js';
import { PROJECT_ROOT } from '../helpers/org.js';

/**
 * bin/script-cache.js runs a one-file command as a classic script with the code V8 compiled on an
 * earlier run, on Node without a compile cache. The cached code is executable and V8 checks
 * little of it, so whatever lies in the code file must end in the script compiled from its own
 * source: never a hang, a crash, or another script's code.
 */
const work = mkdtempSync(join(tmpdir(), 'opsledger-script-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A script shaped like the build's: a function of exports, require, module, the module's URL, import() and createRequire. */
const scriptText = (answer: string) =>
  `(function (exports, require, module, __opsledgerUrl, __opsledgerImport, __opsledgerCreateRequire) {\n"use strict";\n` +
  `const { basename } = require("node:path");\n` +
  `const { fileURLToPath } = require("node:url");\n` +
  `function deep(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }\n` +
  `module.exports = { run: () => ${JSON.stringify(answer)} + ":" + deep(100) + ":" + basename(new URL(__opsledgerUrl).pathname), chunk: () => __opsledgerImport("./chunk.js"),\n` +
  `  lib: () => __opsledgerCreateRequire(__opsledgerUrl)(fileURLToPath(new URL("../../lib.cjs", __opsledgerUrl))).lib() };\n})`;

/** A package's dist/ as the build lays it out: the script and a chunk in bundle/cli/, a CommonJS module in dist/. */
function scriptIn(name: string, answer = 'first'): { script: string; module: string; code: string; libCode: string } {
  const dir = join(work, name, 'dist', 'bundle', 'cli');
  execFileSync('mkdir', ['-p', dir]);
  const script = join(dir, 'cmd-x.script.js');
  writeFileSync(script, scriptText(answer));
  writeFileSync(join(dir, 'chunk.js'), 'export const chunk = "beside";\n');
  writeFileSync(join(work, name, 'dist', 'lib.cjs'), 'const { join } = require("node:path");\nexports.lib = () => join("l", "ib");\n');
  return { script, module: join(dir, 'cmd-x.js'), code: codeFileOf(script), libCode: join(work, name, 'dist', 'lib.code') };
}

interface Ran {
  used: boolean;
  kept: boolean;
  answer: string;
  chunk: string;
  lib?: string;
}

/** Runs the script in a process of its own (a code file V8 took on trust could crash it); `lib`: calls into the CommonJS module. */
function runOnce(script: string, module: string, lib = false): Ran {
  const program =
    `const { runScript } = await import(${JSON.stringify(join(PROJECT_ROOT, 'bin', 'script-cache.js'))});` +
    `const s = runScript(${JSON.stringify(script)}, ${JSON.stringify(module)});` +
    `const answer = s.exports.run(); const chunk = (await s.exports.chunk()).chunk;` +
    `const lib = ${lib} ? { lib: s.exports.lib() } : {};` +
    `process.stdout.write(JSON.stringify({ used: s.used, kept: s.keep(), answer, chunk, ...lib }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status, `${r.stderr}${r.signal ?? ''}`).toBe(0);
  return JSON.parse(r.stdout) as Ran;
}

describe('the classic script and its kept code', () => {
  it('compiles and keeps the code on the first run, uses it on the next, and means the same', () => {
    const { script, module, code } = scriptIn('plain');
    const first = runOnce(script, module);
    expect(first).toEqual({ used: false, kept: true, answer: 'first:295:cmd-x.js', chunk: 'beside' });
    expect(existsSync(code)).toBe(true);
    const second = runOnce(script, module);
    expect(second).toEqual({ used: true, kept: false, answer: 'first:295:cmd-x.js', chunk: 'beside' });
  });

  it('keeps the code of the CommonJS modules of dist/ it loads, and keeps its own again once it has loaded more', () => {
    const { script, module, code, libCode } = scriptIn('reach');
    const answer = { answer: 'first:295:cmd-x.js', chunk: 'beside' };
    expect(runOnce(script, module)).toEqual({ used: false, kept: true, ...answer });
    expect(runOnce(script, module)).toEqual({ used: true, kept: false, ...answer });
    const warm = readFileSync(code);
    // This run loads the module: its code is kept, and the script's again, now reaching it.
    expect(runOnce(script, module, true)).toEqual({ used: true, kept: true, ...answer, lib: 'l/ib' });
    expect(existsSync(libCode)).toBe(true);
    expect(readFileSync(code).equals(warm)).toBe(false);
    expect(runOnce(script, module, true)).toEqual({ used: true, kept: false, ...answer, lib: 'l/ib' });
    // A warm run after it does not undo that.
    expect(runOnce(script, module)).toEqual({ used: true, kept: false, ...answer });
    // The module's code spoiled: compiled from its source, right, and kept again.
    truncateSync(libCode, 50);
    expect(runOnce(script, module, true)).toEqual({ used: true, kept: true, ...answer, lib: 'l/ib' });
    writeFileSync(join(work, 'reach', 'dist', 'lib.cjs'), 'exports.lib = () => "changed";\n');
    expect(runOnce(script, module, true)).toEqual({ used: true, kept: true, ...answer, lib: 'changed' });
    expect(runOnce(script, module, true)).toEqual({ used: true, kept: false, ...answer, lib: 'changed' });
  });

  it('is undefined when there is no script, so bin imports the module', () => {
    expect(runScript(join(work, 'none', 'cmd-x.script.js'), join(work, 'none', 'cmd-x.js'))).toBeUndefined();
  });

  // Each spoils the code file a good run left, then runs twice: the first must compile the script
  // from its source (and say the answer of the script as it now is), the second use the code kept.
  const spoilers: [string, (code: string, script: string) => void, string?][] = [
    ['a link to /dev/zero', (code) => (rmSync(code), symlinkSync('/dev/zero', code))],
    ['a link to a good code file', (code) => { copyFileSync(code, `${code}.good`); rmSync(code); symlinkSync(`${code}.good`, code); }],
    ['a FIFO', (code) => (rmSync(code), execFileSync('mkfifo', [code]))],
    ['an empty file', (code) => writeFileSync(code, '')],
    ['a file cut short', (code) => truncateSync(code, statSync(code).size - 100)],
    ['a file cut inside its header', (code) => truncateSync(code, 40)],
    ['a byte of the code changed', (code) => flip(code, statSync(code).size - 50)],
    ['a byte of the header changed', (code) => flip(code, 3)],
    ['a byte of the key changed', (code) => flip(code, 30)],
    ['bytes added at the end', (code) => writeFileSync(code, Buffer.concat([readFileSync(code), Buffer.from('more')]))],
    ['a file anyone may write', (code) => chmodSync(code, 0o666)],
    ['a huge sparse file', (code) => (rmSync(code), writeFileSync(code, ''), truncateSync(code, 200 * 1024 * 1024))],
    ['random bytes of the right size', (code) => writeFileSync(code, Buffer.from(Array.from({ length: statSync(code).size }, (_, i) => (i * 131 + 7) % 256)))],
    // The build replaced (a script of the same length: V8's own check is its length), the old code left.
    ['another build of the same length', (_code, script) => writeFileSync(script, scriptText('other')), 'other'],
    ['another build of another length', (_code, script) => writeFileSync(script, scriptText('another build')), 'another build'],
  ];
  function flip(file: string, at: number): void {
    const bytes = readFileSync(file);
    bytes[at] = bytes[at]! ^ 0x5a;
    writeFileSync(file, bytes);
  }

  it.each(spoilers)('passes over %s and compiles the script from its source', (name, spoil, answer = 'first') => {
    const { script, module, code } = scriptIn(name.replace(/\W+/g, '-'));
    expect(runOnce(script, module).kept).toBe(true);
    expect(runOnce(script, module).used).toBe(true);
    const length = readFileSync(script).length;
    spoil(code, script);
    if (answer === 'other') expect(readFileSync(script).length).toBe(length);
    const again = runOnce(script, module);
    expect(again).toEqual({ used: false, kept: true, answer: `${answer}:295:cmd-x.js`, chunk: 'beside' });
    // What it kept in its place is a regular file of its own, used by the next run.
    expect(statSync(code).isFile()).toBe(true);
    expect(runOnce(script, module)).toEqual({ used: true, kept: false, answer: `${answer}:295:cmd-x.js`, chunk: 'beside' });
  });

  it('passes over a folder where the code file goes, which it cannot replace, on every run', () => {
    const { script, module, code } = scriptIn('folder');
    execFileSync('mkdir', [code]);
    for (let i = 0; i < 2; i++) expect(runOnce(script, module)).toEqual({ used: false, kept: false, answer: 'first:295:cmd-x.js', chunk: 'beside' });
  });

  it('runs when its folder refuses the code file, and keeps nothing', () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const { script, module, code } = scriptIn('read-only');
    chmodSync(dirname(script), 0o555);
    try {
      expect(runOnce(script, module)).toEqual({ used: false, kept: false, answer: 'first:295:cmd-x.js', chunk: 'beside' });
      expect(existsSync(code)).toBe(false);
    } finally {
      chmodSync(dirname(script), 0o755);
    }
  });
});

describe('the built validate as a classic script', () => {
  const bundle = join(PROJECT_ROOT, 'dist', 'bundle', 'cli');
  const org = join(work, 'org');
  beforeAll(() => {
    ensureBuilt();
    for (const folder of ['services', 'teams', 'changes', 'systems', 'apis', 'incidents']) cpSync(join(PROJECT_ROOT, folder), join(org, folder), { recursive: true });
  });
  // Where Node has a compile cache of its own, bin imports the module and keeps no code file.
  const hasCompileCache = 'enableCompileCache' in nodeModule;

  it('is built, in ASCII, beside the module it stands for', () => {
    const text = readFileSync(join(bundle, 'cmd-validate.script.js'), 'latin1');
    expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
    expect(text.startsWith('(function (exports, require, module, __opsledgerUrl, __opsledgerImport, __opsledgerCreateRequire) {\n"use strict";')).toBe(true);
    expect(text).not.toMatch(/\bimport\.meta\b|\bimport\s*\(/);
    expect(text).toMatch(/__opsledgerImport\("\.\/chunk-\w+\.js"\)/);
  });

  it.each([
    ['uncached', ['validate', '--root', org, '--format', 'json', '--no-cache', '--at', '2026-12-01T00:00:00Z']],
    ['cached', ['validate', '--root', org, '--format', 'sarif', '--at', '2026-12-01T00:00:00Z']],
    ['cached, again', ['validate', '--root', org, '--format', 'text', '--at', '2026-12-01T00:00:00Z']],
    ['help', ['validate', '--help']],
    ['a bad option', ['validate', '--no-such-option']],
  ])('answers %s as the module and the unbundled dist/ do, whatever its code file holds', async (_, args) => {
    const code = join(bundle, 'cmd-validate.script.code');
    const plain = await runBuiltCli(args, { cwd: work, env: { OPSLEDGER_NO_BUNDLE: '1' } });
    const module = await runBuiltCli(args, { cwd: work, env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(module).toEqual(plain);
    for (const spoil of [() => undefined, () => rmSync(code, { force: true }), () => existsSync(code) && truncateSync(code, 1000)]) {
      spoil();
      expect(await runBuiltCli(args, { cwd: work })).toEqual(plain);
    }
    if (!hasCompileCache) expect(existsSync(code)).toBe(true);
  });
});
