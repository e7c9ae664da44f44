#!/usr/bin/env node
// Cold validate against the js-yaml floor (issue #22, target 1), on the synthetic L organisation
// and on copies of the example organisation, one and two threads, side by side in each round.
//
//   npm run build && node bench/cold.mjs
//
// Environment: BENCH_COLD_CORPORA=L,example  BENCH_RUNS=5  BENCH_SEED=1  BENCH_EXAMPLE_COPIES=200
//              BENCH_COLD_BEFORE=DIR  (another build's root, with bin/ and dist/: its cold runs
//              join each round, for a before/after in the same conditions)
//
// Each run is its own process, after deleting the cache. For each it records the wall time,
// the CPU time (user + system, every thread) and the main thread's CPU time (a preloaded hook
// reads /proc as the process exits). The floor is bench/floor.mjs js-yaml: read every file of
// the same folders and parse it, on one thread. Two figures stand in for the wall time a quiet
// 2-core machine would show, because this one is shared: the main thread's CPU (what a second
// core cannot take over) and half the process's CPU (what two cores need at least); the larger
// of the two is the estimate, and the floor gets the same.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureOrg } from './generate.mjs';
import { ensureExampleCorpus } from './example-corpus.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const WORK = join(BENCH, '.work');
const runs = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '5', 10) || 5);
const seed = Number.parseInt(process.env.BENCH_SEED ?? '1', 10) || 1;
const copies = Number.parseInt(process.env.BENCH_EXAMPLE_COPIES ?? '200', 10) || 200;
const corpora = (process.env.BENCH_COLD_CORPORA ?? 'L,example').split(',').map((s) => s.trim()).filter(Boolean);
const before = process.env.BENCH_COLD_BEFORE;
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const HOOK = pathToFileURL(join(BENCH, 'thread-cpu-hook.mjs')).href;
const TMP = join(WORK, 'cold-tmp');
mkdirSync(TMP, { recursive: true });
const log = (m) => process.stderr.write(m + '\n');
let failed = false;

function measure(args, cwd = ROOT) {
  const cpuFile = join(TMP, 'cpu.jsonl');
  const timeFile = join(TMP, 'time.txt');
  rmSync(cpuFile, { force: true });
  rmSync(timeFile, { force: true });
  const env = { ...process.env, BENCH_CPU_FILE: cpuFile, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${HOOK}`.trim() };
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, process.execPath, ...args]] : [process.execPath, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let threads = { main: NaN, all: NaN };
  try {
    threads = JSON.parse(readFileSync(cpuFile, 'utf8').trim().split('\n').pop());
  } catch {
    // no report
  }
  let rss = NaN;
  try {
    const t = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
    rss = t[2] / 1024;
  } catch {
    // no GNU time
  }
  const estimate = Math.max(threads.main, threads.all / 2);
  return { wall, cpu: threads.all, main: threads.main, estimate, rss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function opsledger(bin, corpus, threads) {
  rmSync(join(corpus, '.opsledger-cache'), { recursive: true, force: true });
  const r = measure([bin, 'validate', '--root', corpus, '--format', 'json', '--threads', String(threads)]);
  let summary;
  try {
    summary = JSON.parse(r.stdout).summary;
  } catch {
    summary = undefined;
  }
  if (!summary || summary.errors !== 0) {
    failed = true;
    log(`opsledger (${relative(ROOT, bin)}, ${threads} threads) on ${relative(ROOT, corpus)}: exit ${r.status}, ${summary ? `${summary.errors} errors` : r.stderr.slice(0, 1000)}`);
  }
  return { ...r, summary };
}

function floor(corpus) {
  const r = measure([join(BENCH, 'floor.mjs'), 'js-yaml', corpus]);
  if (r.status !== 0) {
    failed = true;
    log(`floor on ${relative(ROOT, corpus)} failed: ${r.stderr.slice(0, 1000)}`);
  }
  return r;
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const spread = (xs) => `${f(Math.min(...xs))} / ${f(median(xs))} / ${f(Math.max(...xs))}`;

const out = [];
for (const name of corpora) {
  let corpus;
  if (name === 'example') {
    corpus = join(WORK, `example-${copies}`);
    const { manifest, reused } = ensureExampleCorpus(corpus, copies);
    log(`[example] ${relative(ROOT, corpus)} ${reused ? 'reused' : 'written'}: ${manifest.files} files, ${manifest.documents} documents`);
  } else {
    corpus = join(WORK, `${name}-${seed}`);
    const { reused } = ensureOrg({ size: name, seed, faults: 0, outDir: corpus });
    log(`[${name}] ${relative(ROOT, corpus)} ${reused ? 'reused' : 'generated'}`);
  }
  floor(corpus); // page cache, untimed
  const tools = [
    ['validate --threads 2', () => opsledger(join(ROOT, 'bin', 'opsledger.js'), corpus, 2)],
    ['validate --threads 1', () => opsledger(join(ROOT, 'bin', 'opsledger.js'), corpus, 1)],
    ...(before ? [['before: validate --threads 2', () => opsledger(join(before, 'bin', 'opsledger.js'), corpus, 2)], ['before: validate --threads 1', () => opsledger(join(before, 'bin', 'opsledger.js'), corpus, 1)]] : []),
    ['js-yaml floor', () => floor(corpus)],
  ];
  const samples = new Map(tools.map(([t]) => [t, []]));
  let files = NaN;
  for (let i = 1; i <= runs; i++) {
    for (const [tool, run] of tools) {
      const r = run();
      samples.get(tool).push(r);
      if (r.summary) files = r.summary.files;
      log(`[${name}] round ${i}/${runs} ${tool}: wall ${f(r.wall)} s, CPU ${f(r.cpu)} s, main thread ${f(r.main)} s`);
    }
  }
  const floorEstimate = median(samples.get('js-yaml floor').map((r) => r.estimate));
  const floorCpu = median(samples.get('js-yaml floor').map((r) => r.cpu));
  const lines = [`## ${name === 'example' ? `example organisation x ${copies}` : `${name} (seed ${seed})`}: ${files} files, ${runs} rounds (min / median / max)`, ''];
  lines.push('| | wall s | CPU s | main thread CPU s | quiet 2-core estimate s | estimate / floor | CPU / floor CPU | peak RSS MiB |', '|---|---|---|---|---|---:|---:|---:|');
  for (const [tool] of tools) {
    const s = samples.get(tool);
    const est = s.map((r) => r.estimate);
    lines.push(`| ${tool} | ${spread(s.map((r) => r.wall))} | ${spread(s.map((r) => r.cpu))} | ${spread(s.map((r) => r.main))} | ${spread(est)} | ${f(median(est) / floorEstimate)}x | ${f(median(s.map((r) => r.cpu)) / floorCpu)}x | ${f(Math.max(...s.map((r) => r.rss)))} |`);
  }
  const text = lines.join('\n');
  out.push(text);
  console.log(text + '\n');
}
rmSync(TMP, { recursive: true, force: true });
if (failed) process.exitCode = 1;
