#!/usr/bin/env node
// Graph work at scale: `opsledger impact` and `opsledger risk` over a 100k-node chain and a
// 100k-node star (bench/graph-org.mjs), against issue #16's target: "100k nodes in under 1 s
// and 300 MB".
//
//   npm run build && node bench/graph.mjs
//
// What the target applies to, and what is shown beside it, per shape and command:
//   - graph work (the target): in a fresh process the organisation is loaded (not timed), then
//     the use case runs and its JSON is written to /dev/null through the CLI's chunked writer
//     (timed). Memory is how far the peak RSS rose above the RSS before the work began.
//   - the whole command: `opsledger impact|risk ... --format json` as its own process, end to
//     end: discovery, reading, parsing and checking 100k documents, then the graph work and
//     the output. Marked against the same 1 s / 300 MB, so a miss there is visible, not hidden.
//   - its peer: the js-yaml floor (bench/floor.mjs) reading and parsing the same files and
//     nothing else, the least any tool that reads these documents must spend.
// Wall times are medians of BENCH_RUNS runs, with the CPU time (user + system) of the same
// runs beside them: on a shared machine the wall time moves with the load, the CPU time less.
// bench/graph-phases.mjs splits the whole command into its phases.
//
// Environment: BENCH_GRAPH_NODES=100000  BENCH_GRAPH_SHAPES=chain,star  BENCH_RUNS=3
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
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
const runs = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '3', 10) || 3);
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M %U %S', process.execPath, '-e', '0'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : undefined;
const rssFile = join(WORK, 'graph-rss.txt');
let failed = false;

/** A Node script as its own process: wall time, CPU time (with GNU time), peak RSS (MB), stdout. */
function processRun(script, args) {
  rmSync(rssFile, { force: true });
  const env = { ...process.env };
  let cmd = process.execPath;
  let argv = [script, ...args];
  if (GNU_TIME) [cmd, argv] = [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, script, ...args]];
  else Object.assign(env, { NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(BENCH, 'rss-hook.mjs')).href}`.trim(), BENCH_RSS_FILE: rssFile });
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, env, maxBuffer: 2 ** 31 - 1 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) {
    failed = true;
    return { wall, error: `exit ${r.status}: ${String(r.stderr).trim().split('\n').pop()}` };
  }
  // GNU time prefixes "Command exited with non-zero status N" on failure; the numbers are last.
  const [kib, user, system] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user === undefined ? NaN : user + system, peakMB: (kib * 1024) / 1e6, stdout: r.stdout };
}

function phase(org, name) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', name, org], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    failed = true;
    return { error: `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}` };
  }
  return JSON.parse(r.stdout);
}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Medians of wall and CPU, the highest memory, or the first error. */
function summarise(list, memory) {
  const error = list.find((r) => r.error)?.error;
  if (error) return { error };
  return { wall: median(list.map((r) => r.wall)), cpu: median(list.map((r) => r.cpu)), mb: Math.max(...list.map((r) => r[memory])), bytes: list[0].bytes };
}

const verdict = (r) => (r.error ? 'failed' : r.wall < TARGET.wallS && r.mb < TARGET.rssMB ? 'ok' : 'MISS');
const cell = (r) => (r.error ? `failed: ${r.error}` : `${r.wall.toFixed(2)} s  cpu ${Number.isFinite(r.cpu) ? r.cpu.toFixed(2) + ' s' : '-'}  ${r.mb.toFixed(0)} MB`);
const results = [];
console.log(`graph bench: ${nodes} generated services, ${runs} run(s) each; target (issue #16): under ${TARGET.wallS} s and ${TARGET.rssMB} MB`);
console.log('the target applies to the graph work (organisation loaded, then the use case and its JSON output);');
console.log('the whole command is marked against the same numbers, beside its peer, the js-yaml floor (read + parse the same files, nothing else)');
console.log(`${'shape'.padEnd(6)} ${'command'.padEnd(7)} | ${'graph work (target)'.padEnd(30)} ${''.padEnd(4)} | ${'whole command'.padEnd(30)} ${''.padEnd(4)} | ${'js-yaml floor'.padEnd(30)} | x floor`);
for (const shape of shapes) {
  const org = ensureGraphOrg({ shape, nodes, outDir: join(WORK, `graph-${shape}-${nodes}`) });
  // Warm the validation cache once, as a second run in a pipeline would find it.
  spawnSync(process.execPath, [join(ROOT, 'bin', 'opsledger.js'), 'validate', '--root', org], { cwd: ROOT });
  const floorRuns = [];
  const rows = [
    ['impact', ['impact', `service:${ROOT_SERVICE}`, '--format', 'json']],
    ['risk', ['risk', CHANGE, '--format', 'json', '--at', '2026-12-01T00:00:00Z']],
  ].map(([name, args]) => ({ name, args, work: [], whole: [] }));
  // Interleaved, so the machine's mood falls on every tool alike.
  for (let i = 0; i < runs; i++) {
    for (const row of rows) {
      const p = phase(org, row.name);
      row.work.push(p.error ? p : { ...p, mb: p.growthMB });
      const c = processRun(join(ROOT, 'bin', 'opsledger.js'), [...row.args, '--root', org]);
      row.whole.push(c.error ? c : { ...c, mb: c.peakMB, bytes: c.stdout.length });
    }
    const f = processRun(join(BENCH, 'floor.mjs'), ['js-yaml', org]);
    floorRuns.push(f.error ? f : { ...f, mb: f.peakMB });
  }
  const floor = summarise(floorRuns, 'mb');
  for (const row of rows) {
    const work = summarise(row.work, 'mb');
    const whole = summarise(row.whole, 'mb');
    const ratio = whole.error || floor.error ? '-' : `${(whole.wall / floor.wall).toFixed(1)}x`;
    console.log(`${shape.padEnd(6)} ${row.name.padEnd(7)} | ${cell(work).padEnd(30)} ${verdict(work).padEnd(4)} | ${cell(whole).padEnd(30)} ${verdict(whole).padEnd(4)} | ${cell(floor).padEnd(30)} | ${ratio}`);
    results.push({ shape, command: row.name, graphWork: work, wholeCommand: whole, jsYamlFloor: floor });
  }
}
console.log('(wall: median; cpu: user + system of the same runs, median; memory: graph work, the peak RSS above the RSS before the work; whole command and floor, the peak RSS' + (GNU_TIME ? ', GNU time %M)' : ', process.resourceUsage().maxRSS)'));
writeFileSync(join(WORK, 'graph-results.json'), JSON.stringify({ nodes, runs, target: TARGET, results }, null, 2) + '\n');
process.exit(failed ? 1 : 0);
