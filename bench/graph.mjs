#!/usr/bin/env node
// Graph work at scale: `opsledger impact` and `opsledger risk` over a 100k-node chain and a
// 100k-node star (bench/graph-org.mjs), against issue #16's targets: 100k nodes in under 1 s
// and 300 MB.
//
//   npm run build && node bench/graph.mjs
//
// Two measurements per shape and command, side by side in one run:
//   - graph work: in a fresh process the organisation is loaded (not timed), then the use case
//     runs and its JSON is written to /dev/null through the CLI's chunked writer (timed). The
//     memory is how far the process's peak RSS rose above its RSS before the work began. The
//     targets are checked here: loading 100k documents is the parser's and the cache's cost,
//     measured by the validate rows of bench/run.mjs, not the graph's.
//   - the command: `opsledger impact|risk ... --format json` as its own process, end to end
//     (wall time, peak RSS, bytes written), for information.
//
// Environment: BENCH_GRAPH_NODES=100000  BENCH_GRAPH_SHAPES=chain,star
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHANGE, ensureGraphOrg, ROOT_SERVICE } from './graph-org.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const WORK = join(BENCH, '.work');
const TARGET = { wallS: 1, rssMB: 300 };
const dist = (rel) => import(pathToFileURL(join(ROOT, 'dist', rel)).href);

if (process.argv[2] === '--phase') {
  // The child: load, then time one command's graph work and output.
  const [, , , command, org] = process.argv;
  const { loadOrganisation } = await dist('app/load-organisation.js');
  const { worktreeSource } = await dist('adapters/fs/worktree-source.js');
  const { analyseImpact } = await dist('app/analyse-impact.js');
  const { assessRiskEach } = await dist('app/assess-risk.js');
  const { writeJson, writeJsonArray } = await dist('cli/output.js');
  const { DEFAULT_LIST_LIMIT } = await dist('cli/list-limit.js');
  const loaded = await loadOrganisation(worktreeSource(org));
  const sink = openSync('/dev/null', 'w');
  let bytes = 0;
  const ctx = { stdout: (s) => (bytes += writeSync(sink, s)), stderr: () => {}, cwd: org, env: {}, isTTY: false };
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  if (command === 'impact') await writeJson(ctx, analyseImpact(loaded, [`service:${ROOT_SERVICE}`], { limit: DEFAULT_LIST_LIMIT }));
  else await writeJsonArray(ctx, assessRiskEach(loaded, new Map(), { ids: [CHANGE], now: Date.parse('2026-12-01T00:00:00Z'), blastRadiusRows: DEFAULT_LIST_LIMIT }).reports);
  const wall = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpuBefore);
  const peakMB = (process.resourceUsage().maxRSS * 1024) / 1e6;
  console.log(JSON.stringify({ wall, cpu: (user + system) / 1e6, growthMB: peakMB - rssBefore / 1e6, peakMB, bytes }));
  process.exit(0);
}

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const nodes = Number.parseInt(process.env.BENCH_GRAPH_NODES ?? '100000', 10) || 100_000;
const shapes = (process.env.BENCH_GRAPH_SHAPES ?? 'chain,star').split(',').map((s) => s.trim()).filter(Boolean);
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-e', '0'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : undefined;
const rssFile = join(WORK, 'graph-rss.txt');
let failed = false;

/** The CLI as its own process: wall time, peak RSS (MB), bytes on stdout. */
function command(org, args) {
  rmSync(rssFile, { force: true });
  const cli = [join(ROOT, 'bin', 'opsledger.js'), ...args, '--root', org];
  const env = { ...process.env };
  let cmd = process.execPath;
  let argv = cli;
  if (GNU_TIME) [cmd, argv] = [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...cli]];
  else Object.assign(env, { NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(BENCH, 'rss-hook.mjs')).href}`.trim(), BENCH_RSS_FILE: rssFile });
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, env, maxBuffer: 2 ** 31 - 1 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) {
    failed = true;
    return { wall, error: `exit ${r.status}: ${String(r.stderr).trim().split('\n').pop()}` };
  }
  const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { wall, peakMB: (kib * 1024) / 1e6, bytes: r.stdout.length };
}

function phase(org, name) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', name, org], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    failed = true;
    return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  }
  return JSON.parse(r.stdout);
}

const mark = (ok) => (ok ? 'PASS' : 'MISS');
const mb = (x) => `${x.toFixed(0)} MB`;
console.log(`graph bench: ${nodes} generated services; targets ${TARGET.wallS} s and ${TARGET.rssMB} MB for the graph work`);
console.log(`${'shape'.padEnd(6)} ${'command'.padEnd(7)} | ${'graph work'.padEnd(10)} ${'cpu'.padEnd(7)} ${'memory'.padEnd(8)} ${'targets'.padEnd(10)} | ${'whole command'.padEnd(13)} ${'peak RSS'.padEnd(9)} ${'stdout'}`);
for (const shape of shapes) {
  const org = ensureGraphOrg({ shape, nodes, outDir: join(WORK, `graph-${shape}-${nodes}`) });
  // Warm the validation cache once, as a second run in a pipeline would find it.
  spawnSync(process.execPath, [join(ROOT, 'bin', 'opsledger.js'), 'validate', '--root', org], { cwd: ROOT });
  for (const [name, args] of [
    ['impact', ['impact', `service:${ROOT_SERVICE}`, '--format', 'json']],
    ['risk', ['risk', CHANGE, '--format', 'json', '--at', '2026-12-01T00:00:00Z']],
  ]) {
    const p = phase(org, name);
    const c = command(org, args);
    const work = p.error ? `failed ${p.error}` : `${p.wall.toFixed(2)} s`.padEnd(10) + ' ' + `${p.cpu.toFixed(2)} s`.padEnd(7) + ' ' + mb(p.growthMB).padEnd(8) + ' ' + `${mark(p.wall < TARGET.wallS)}/${mark(p.growthMB < TARGET.rssMB)}`.padEnd(10);
    const whole = c.error ? `failed ${c.error}` : `${c.wall.toFixed(2)} s`.padEnd(13) + ' ' + mb(c.peakMB).padEnd(9) + ' ' + `${(c.bytes / 1e6).toFixed(1)} MB`;
    console.log(`${shape.padEnd(6)} ${name.padEnd(7)} | ${work} | ${whole}`);
  }
}
console.log(`(graph work: wall time; cpu: its user + system time, steadier on a shared machine; memory: peak RSS above the RSS before the work; peak RSS: ${GNU_TIME ? 'GNU time %M' : 'process.resourceUsage().maxRSS'})`);
process.exit(failed ? 1 : 0);
