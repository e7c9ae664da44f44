#!/usr/bin/env node
// Warm and one-edit validate (#22.2) on both corpora, against the js-yaml floor, with the spread
// of every run: the synthetic L organisation (bench/generate.mjs) and the example organisation
// copied 200 times (bench/example-corpus.mjs, the corpus bench/cold.mjs uses). After `npx tsc -p tsconfig.json && node
// scripts/precompile-schemas.mjs`:
//
//   BENCH_RUNS=5 node bench/validate-warm.mjs
//
// Each round: the floor (read + js-yaml loadAll, a fresh process); validate with nothing changed
// since the last run; then one change file with a comment appended, validated, and put back. A
// file is not trusted by the cache within two seconds of the run that read it (racily clean), so
// after putting it back the script waits that long and lets one untimed run settle the cache.
// CPU is user + system of the process and its children (GNU time), the figure the targets use.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureOrg } from './generate.mjs';
import { ensureExampleCorpus } from './example-corpus.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const runs = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '5', 10) || 5);
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('needs GNU time at /usr/bin/time for CPU figures');
  process.exit(2);
}
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function measure(args) {
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  const [wall, user, sys, rss] = r.stderr.trim().split('\n').pop().trim().split(/\s+/).map(Number);
  return { wall, cpu: user + sys, rss: rss / 1024, status: r.status, stdout: r.stdout };
}
const validate = (corpus) => measure([join(ROOT, 'bin', 'opsledger.js'), 'validate', '--root', corpus, '--format', 'json']);
const floor = (corpus) => measure([join(BENCH, 'floor.mjs'), 'js-yaml', corpus]);

function changeFile(corpus) {
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        const found = walk(p);
        if (found) return found;
      } else if (/^CR-\d{4}-\d{4}\.yaml$/.test(e.name)) return p;
    }
    return undefined;
  };
  return walk(join(corpus, 'changes'));
}

const fmt = (x) => x.toFixed(2);
const spread = (xs) => `min ${fmt(Math.min(...xs))} / median ${fmt([...xs].sort((a, b) => a - b)[xs.length >> 1])} / max ${fmt(Math.max(...xs))}`;

const corpora = [
  ['synthetic L', ensureOrg({ size: 'L', seed: 1, faults: 0, outDir: join(BENCH, '.work', 'L-1') }).outDir ?? join(BENCH, '.work', 'L-1')],
  ['example organisation x200', (ensureExampleCorpus(join(BENCH, '.work', 'example-200'), 200), join(BENCH, '.work', 'example-200'))],
];
const lines = [];
for (const [name, corpus] of corpora) {
  const file = changeFile(corpus);
  rmSync(join(corpus, '.opsledger-cache'), { recursive: true, force: true });
  const cold = validate(corpus);
  const expected = cold.stdout;
  sleep(2100);
  validate(corpus); // settles: no file is racy any more
  const s = { floor: [], warm: [], edited: [] };
  let agree = true;
  for (let i = 0; i < runs; i++) {
    s.floor.push(floor(corpus));
    const warm = validate(corpus);
    s.warm.push(warm);
    const original = readFileSync(file);
    writeFileSync(file, Buffer.concat([original, Buffer.from(`\n# bench edit ${i}\n`)]));
    let edited;
    try {
      edited = validate(corpus);
    } finally {
      writeFileSync(file, original);
    }
    s.edited.push(edited);
    agree &&= warm.stdout === expected && edited.stdout === expected;
    sleep(2100);
    validate(corpus);
    process.stderr.write(`[${name}] ${i + 1}/${runs}: floor ${fmt(s.floor.at(-1).cpu)} s CPU, warm ${fmt(warm.cpu)}, edited ${fmt(edited.cpu)}\n`);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const f = med(s.floor.map((r) => r.cpu));
  const fw = med(s.floor.map((r) => r.wall));
  lines.push(`## ${name} (${corpus.slice(ROOT.length + 1)})`, '');
  lines.push('| run | CPU s (spread) | wall s (spread) | ratio to floor (CPU median) | target |', '|---|---|---|---:|---|');
  const row = (label, list, goal) => {
    const c = med(list.map((r) => r.cpu));
    lines.push(`| ${label} | ${spread(list.map((r) => r.cpu))} | ${spread(list.map((r) => r.wall))} | ${fmt(c / f)}x | ${goal ? `${c <= goal * f ? 'PASS' : 'MISS'} (<= ${goal}x)` : ''} |`);
  };
  row('floor: read + js-yaml loadAll', s.floor);
  row('validate, warm (nothing changed)', s.warm, 0.15);
  row('validate, one file edited', s.edited, 0.25);
  lines.push('', `cold (one run, to fill the cache): ${fmt(cold.cpu)} s CPU, ${fmt(cold.wall)} s wall; floor wall median ${fmt(fw)} s`);
  lines.push(`output of every warm and edited run identical to the cold run's: ${agree ? 'OK' : 'FAIL'}`, '');
  if (!agree) process.exitCode = 1;
}
console.log(lines.join('\n'));
