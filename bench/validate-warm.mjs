#!/usr/bin/env node
// Warm and one-edit validate (#22.2) on both corpora, against the js-yaml floor, with the spread
// of every run: the synthetic L organisation (bench/generate.mjs) and the example organisation
// copied 200 times (bench/example-corpus.mjs, the corpus bench/cold.mjs uses). After `npm run build`:
//
//   BENCH_RUNS=5 node bench/validate-warm.mjs
//
// Environment: BENCH_RUNS=5
//              BENCH_CORPORA=L,example (which corpora, in this order)
//              BENCH_BEFORE=<other build>/bin/opsledger.js (another build, measured interleaved in
//                the same rounds on its own copy of each corpus, since the two builds' cache keys differ)
//              BENCH_NO_EXTRA_CA=1 (every measured process without NODE_EXTRA_CA_CERTS: see measure)
//
// Each round: the floor (read + js-yaml loadAll, a fresh process); then, for each build,
// validate with nothing changed since the last run; one change file with a comment appended
// (records as they were: no rule's input changes), validated, and put back; the same file with
// its schedule's start one second later (a record every cross-document rule may read), validated,
// and put back. A file is not trusted by the cache within two seconds of the run that read it
// (racily clean), so after putting it back the script waits that long and lets one untimed run
// settle the cache. The output of the warm and comment runs must be the cold run's byte for byte,
// and that of the record edit the output of an uncached run of the edited organisation.
// CPU is user + system of the process and its children (GNU time), the figure the targets use.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

// Node 20 reads and parses the whole file NODE_EXTRA_CA_CERTS names when it starts, before any
// of our code (about 0.1 s of CPU a process for the system's bundle on this VM, against 0.04 s
// for `node -e 0` without it); validate makes no TLS connection. BENCH_NO_EXTRA_CA=1 runs every
// measured process (the floor's too) without it, for a machine whose setting is not the users'.
const env = { ...process.env };
if (process.env.BENCH_NO_EXTRA_CA) delete env.NODE_EXTRA_CA_CERTS;
function measure(args) {
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', process.execPath, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30, env });
  const [wall, user, sys, rss] = r.stderr.trim().split('\n').pop().trim().split(/\s+/).map(Number);
  return { wall, cpu: user + sys, rss: rss / 1024, status: r.status, stdout: r.stdout };
}
const builds = [['after', join(ROOT, 'bin', 'opsledger.js')]];
if (process.env.BENCH_BEFORE) builds.push(['before', resolve(process.env.BENCH_BEFORE)]);
const validate = (bin, corpus, more = []) => measure([bin, 'validate', '--root', corpus, '--format', 'json', ...more]);
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

/** The change with its schedule's start one second later: its records digest moves. */
function recordEdit(text) {
  const out = text.replace(/(\bstart: "?\d{4}-\d\d-\d\dT\d\d:\d\d:)00/, '$101');
  if (out === text) throw new Error('the change file has no schedule start ending in :00 to move');
  return out;
}

/** A copy of the corpus for the other build: both builds keep their caches in the corpus's folder. */
function copyFor(corpus, label) {
  const copy = `${corpus}-${label}`;
  const same = () => {
    try {
      return readFileSync(join(copy, 'manifest.json'), 'utf8') === readFileSync(join(corpus, 'manifest.json'), 'utf8');
    } catch {
      return false;
    }
  };
  if (!same()) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(corpus, copy, { recursive: true, filter: (src) => !src.endsWith('.opsledger-cache') });
  }
  return copy;
}

const fmt = (x) => x.toFixed(2);
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const spread = (xs) => `${fmt(Math.min(...xs))} / ${fmt(med(xs))} / ${fmt(Math.max(...xs))}`;

const wanted = (process.env.BENCH_CORPORA ?? 'L,example').split(',');
const corpora = [
  ['L', 'synthetic L', () => (ensureOrg({ size: 'L', seed: 1, faults: 0, outDir: join(BENCH, '.work', 'L-1') }), join(BENCH, '.work', 'L-1'))],
  ['example', 'example organisation x200', () => (ensureExampleCorpus(join(BENCH, '.work', 'example-200'), 200), join(BENCH, '.work', 'example-200'))],
].filter(([id]) => wanted.includes(id));
const lines = [];
for (const [, name, make] of corpora) {
  const corpus = make();
  const rel = join('changes', changeFile(corpus).slice(join(corpus, 'changes').length + 1));
  const original = readFileSync(join(corpus, rel));
  const edited = Buffer.from(recordEdit(original.toString('utf8')));
  const per = builds.map(([label, bin], i) => ({ label, bin, corpus: i === 0 ? corpus : copyFor(corpus, label), warm: [], comment: [], records: [], agree: true }));
  let expected;
  let expectedEdit;
  for (const b of per) {
    rmSync(join(b.corpus, '.opsledger-cache'), { recursive: true, force: true });
    b.cold = validate(b.bin, b.corpus);
    if (b === per[0]) {
      expected = b.cold.stdout;
      writeFileSync(join(b.corpus, rel), edited);
      expectedEdit = validate(b.bin, b.corpus, ['--no-cache']).stdout;
      writeFileSync(join(b.corpus, rel), original);
    }
    b.agree &&= b.cold.stdout === expected;
  }
  sleep(2100);
  for (const b of per) validate(b.bin, b.corpus); // settles: no file is racy any more
  const floors = [];
  for (let i = 0; i < runs; i++) {
    floors.push(floor(corpus));
    for (const b of per) {
      const file = join(b.corpus, rel);
      const warm = validate(b.bin, b.corpus);
      b.warm.push(warm);
      const put = (bytes) => {
        try {
          writeFileSync(file, bytes);
          return validate(b.bin, b.corpus);
        } finally {
          writeFileSync(file, original);
        }
      };
      const comment = put(Buffer.concat([original, Buffer.from(`\n# bench edit ${i}\n`)]));
      b.comment.push(comment);
      sleep(2100);
      validate(b.bin, b.corpus);
      const records = put(edited);
      b.records.push(records);
      b.agree &&= warm.stdout === expected && comment.stdout === expected && records.stdout === expectedEdit;
      process.stderr.write(`[${name}, ${b.label}] ${i + 1}/${runs}: floor ${fmt(floors.at(-1).cpu)} s CPU, warm ${fmt(warm.cpu)}, comment ${fmt(comment.cpu)}, records ${fmt(records.cpu)}\n`);
    }
    sleep(2100);
    for (const b of per) validate(b.bin, b.corpus);
  }
  const f = med(floors.map((r) => r.cpu));
  lines.push(`## ${name} (${corpus.slice(ROOT.length + 1)}; edited: ${rel})`, '');
  lines.push(`| build, run | CPU s (min / median / max) | wall s (min / median / max) | ratio to floor (CPU median) | target |`, '|---|---|---|---:|---|');
  const row = (label, list, goal) => {
    const c = med(list.map((r) => r.cpu));
    lines.push(`| ${label} | ${spread(list.map((r) => r.cpu))} | ${spread(list.map((r) => r.wall))} | ${fmt(c / f)}x | ${goal ? `${c <= goal * f ? 'PASS' : 'MISS'} (<= ${goal}x)` : ''} |`);
  };
  row('floor: read + js-yaml loadAll', floors);
  for (const b of per) {
    row(`${b.label}: warm (nothing changed)`, b.warm, 0.15);
    row(`${b.label}: one file edited, a comment`, b.comment, 0.25);
    row(`${b.label}: one file edited, a record (schedule start)`, b.records, 0.25);
  }
  lines.push('');
  for (const b of per) {
    lines.push(`${b.label}: cold (one run, to fill the cache) ${fmt(b.cold.cpu)} s CPU, ${fmt(b.cold.wall)} s wall; output of every run as expected: ${b.agree ? 'OK' : 'FAIL'}`);
    if (!b.agree) process.exitCode = 1;
  }
  lines.push('');
}
console.log(lines.join('\n'));
