#!/usr/bin/env node
// The floors of the code, checked (ARCHITECTURE.md):
// - core, import, export, scaffold and app are pure: no filesystem, processes, network, git or
//   Actions runtime (app gets its I/O through the interfaces in src/app/ports);
// - app imports only core and its own ports, never an adapter or a front;
// - no command imports another command, and adapters import no front;
// - the one read policy: nothing in src/ reads a file except src/adapters/fs/read-policy.ts.
// Exits 1 and lists every offence.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const FORBIDDEN = [
  /^(node:)?(fs|fs\/promises|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|cluster|os|process|readline|url)$/,
  /^simple-git$/,
  /^@octokit\//,
  /^@actions\//,
  /^playwright/,
];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function tsFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

function importsOf(text) {
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Files under `dir` that import I/O modules, or (relatively) anything under `notInto`. */
export function findViolations(dir, notInto = ['adapters', 'cli', 'report']) {
  const out = [];
  // Floors are named from the top of src/ (a folder checked on its own stands for src/ itself).
  let src = resolve(dir);
  while (basename(src) !== 'src' && dirname(src) !== src) src = dirname(src);
  if (basename(src) !== 'src') src = resolve(dir);
  for (const p of tsFiles(dir)) {
    const text = readFileSync(p, 'utf8');
    for (const spec of importsOf(text)) {
      if (FORBIDDEN.some((r) => r.test(spec))) out.push({ file: p, spec });
      const floor = relative(src, resolve(dirname(p), spec)).split(sep)[0];
      if (spec.startsWith('.') && notInto.includes(floor)) out.push({ file: p, spec });
    }
    if (/\bprocess\.(env|cwd|exit|argv|stdout|stderr)\b/.test(text)) out.push({ file: p, spec: 'process.*' });
  }
  return out;
}

// Byte reads: the functions that take bytes out of a file, and opens for reading.
const READ_CALL = /\b(readFileSync|readFile|readSync|readvSync|readv|createReadStream|openAsBlob)\s*\(/;
const OPEN_CALL = /\bopenSync\s*\(\s*[^,()]+(?:\([^()]*\))?\s*(?:,\s*(['"`])([^'"`]*)\1)?/g;

/** Calls in src/ that read a file outside the read policy. */
export function findReadsOutsidePolicy(srcDir) {
  const policy = resolve(srcDir, 'adapters/fs/read-policy.ts');
  const out = [];
  for (const p of tsFiles(srcDir)) {
    if (resolve(p) === policy) continue;
    const lines = readFileSync(p, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      const read = READ_CALL.exec(line);
      if (read) out.push({ file: p, line: i + 1, call: read[1] });
      for (const m of line.matchAll(OPEN_CALL)) if (!m[2] || !/[wa]/.test(m[2])) out.push({ file: p, line: i + 1, call: 'openSync (for reading)' });
    });
  }
  return out;
}

/** Commands that import other commands, adapters that import fronts. */
export function findFrontCrossings(srcDir) {
  const out = [];
  const commands = resolve(srcDir, 'cli/commands');
  for (const p of tsFiles(commands)) {
    for (const spec of importsOf(readFileSync(p, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(p), spec).replace(/\.js$/, '.ts');
      // `calendar import` lives in calendar-import.ts: a part of one command, not another command.
      const [a, b] = [target.slice(0, -3), resolve(p).slice(0, -3)];
      const part = a.startsWith(b + '-') || b.startsWith(a + '-');
      if (dirname(target) === commands && target !== resolve(p) && !part) out.push({ file: p, spec, why: 'a command imports another command; move the shared part to src/app' });
    }
  }
  for (const p of tsFiles(resolve(srcDir, 'adapters'))) {
    for (const spec of importsOf(readFileSync(p, 'utf8'))) {
      if (spec.startsWith('.') && /\/(cli|action)\//.test(resolve(dirname(p), spec) + '/')) out.push({ file: p, spec, why: 'an adapter imports a front' });
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const src = join(root, 'src');
  // The import/export mappings and the scaffolding templates are pure by the same rule: their
  // adapters (reading and writing files, prompting) live in src/adapters and src/cli.
  const pure = ['core', 'import', 'export', 'scaffold'].filter((d) => existsSync(join(src, d)));
  const violations = [...pure.flatMap((d) => findViolations(join(src, d))), ...findViolations(join(src, 'app'), ['adapters', 'cli', 'report', 'catalog', 'action'])];
  for (const v of violations) console.error(`${relative(root, v.file)}: imports ${v.spec}; ${[...pure, 'app'].map((d) => `src/${d}`).join(', ')} must stay free of I/O (src/app reaches it through src/app/ports)`);
  const reads = findReadsOutsidePolicy(src);
  for (const r of reads) console.error(`${relative(root, r.file)}:${r.line}: ${r.call}; every read goes through src/adapters/fs/read-policy.ts`);
  const crossings = findFrontCrossings(src);
  for (const c of crossings) console.error(`${relative(root, c.file)}: imports ${c.spec}: ${c.why}`);
  if (violations.length || reads.length || crossings.length) process.exit(1);
  console.log(`${[...pure, 'app'].map((d) => `src/${d}`).join(', ')} are pure; every read goes through the read policy; no command imports another`);
}
