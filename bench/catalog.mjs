#!/usr/bin/env node
// Catalog benchmark: builds the static site of a generated organisation with the real CLI and
// prints wall time, peak RSS, pages and the search index's gzipped size against issue #5's
// targets (L: under 30 s, under 1 GiB, index under 2 MB gzipped), then rebuilds into the same
// folder with nothing edited and after a one-file edit (issue #22: under 3 s, under 1 GiB,
// only changed files written). Then, in a second process,
// it times the phases (load, risk context, risk reports of the open changes, view model +
// render + write) so a miss says where the time went.
//
//   npm run build && node bench/catalog.mjs [S|L]        (default L)
//
// Environment: BENCH_SEED=1, BENCH_RUNS=3 (the wall time is their median), BENCH_REBUILDS=3
// (rebuilds after a one-file edit), BENCH_THREADS=N (passed as --threads N), BENCH_PHASES=0
// (skip the phase breakdown).
// It reports misses; it exits 1 only when the catalog command fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ensureOrg, SIZES } from './generate.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const WORK = join(BENCH, '.work');
const rel = (p) => relative(ROOT, p) || '.';
const TARGETS = { wallS: 30, rssMiB: 1024, indexGzBytes: 2 * 1024 * 1024, rebuildS: 3 };

// ------------------------------------------------------------------ phase breakdown (child)
if (process.argv[2] === '--phases') {
  const [, , , org, out] = process.argv;
  const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
  const { loadOrganisation } = await dist('adapters/fs/load-organisation.js');
  const { riskContext } = await dist('app/assess-risk.js');
  const { buildCatalog } = await dist('app/build-catalog.js');
  const { openChangeIds } = await dist('core/change-phase.js');
  const { assessChange } = await dist('core/risk/assess.js');
  const { siteWriter } = await dist('catalog/write-site.js');
  const { openGitRepository } = await dist('adapters/git/repository.js');
  const { activePolicy } = await dist('core/organisation.js');
  const { BLAST_RADIUS_LISTED } = await dist('core/catalog/change-page.js');
  const phases = {};
  const time = async (name, fn) => {
    const t0 = performance.now();
    const r = await fn();
    phases[name] = (performance.now() - t0) / 1000;
    return r;
  };
  const now = Date.now();
  const git = openGitRepository(org);
  const loaded = await time('load and validate', () => loadOrganisation(org));
  const context = activePolicy(loaded.org) ? await time('risk context', async () => riskContext(loaded, now, await git.documentOrigins())) : undefined;
  const open = openChangeIds(loaded.org.changes);
  // Timed apart here; the build assesses the same changes again, lazily, page by page.
  if (context) await time(`risk reports (${open.length} open changes)`, () => open.forEach((id) => assessChange(context, id, { blastRadiusRows: BLAST_RADIUS_LISTED })));
  await time('catalog build (risk again, view model, render, write)', () => buildCatalog(loaded, git, siteWriter(out, { root: org, locale: 'en' }), { now, locale: 'en' }));
  process.stdout.write(JSON.stringify(phases));
  process.exit(0);
}

// ------------------------------------------------------------------------------ main
const size = process.argv[2] ?? 'L';
if (!SIZES[size]) {
  console.error('usage: node bench/catalog.mjs [S|L]');
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const seed = Number.parseInt(process.env.BENCH_SEED ?? '1', 10) || 1;
// Its own copy of the organisation, because this one is made a git repository (below) and the
// other benches measure an organisation that is not one.
const orgDir = join(WORK, `catalog-org-${size}-${seed}`);
const t0 = performance.now();
const { reused } = ensureOrg({ size, seed, outDir: orgDir });
console.log(`[${size}] organisation ${rel(orgDir)} ${reused ? 'reused' : 'generated'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
/**
 * A user's organisation is a repository whose change files are committed: each change then has
 * a submission time (its first commit) and its lead time counts from it. Without one, every open
 * change's notice counts from the build's clock and its page changes every minute, which no
 * real edit loop sees. The generated files are committed once (generation starts from an empty
 * folder, so a regenerated organisation gets a new repository).
 */
if (!existsSync(join(orgDir, '.git'))) {
  const t1 = performance.now();
  const git = (...args) => {
    const r = spawnSync('git', args, { cwd: orgDir, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr}`);
  };
  git('init', '--quiet', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=opsledger bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '-m', 'generated organisation');
  console.log(`  committed as a git repository (${((performance.now() - t1) / 1000).toFixed(1)} s)`);
}
const out = join(WORK, `catalog-${size}`, 'site');
mkdirSync(dirname(out), { recursive: true });

/** GNU time reports the child's peak RSS without touching it; else a preloaded hook does. */
const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-e', '0'], { encoding: 'utf8' }).status === 0 ? '/usr/bin/time' : undefined;
const rssFile = join(WORK, `catalog-${size}`, 'rss.txt');
const threads = process.env.BENCH_THREADS ? ['--threads', process.env.BENCH_THREADS] : [];
const RUNS = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '3', 10) || 3);
/**
 * Each run builds a new site from scratch, as CI does on a fresh clone. Sites are deleted only
 * after the last run: ext4 searches past recently freed inodes when it allocates new ones, so a
 * run right after deleting 80k files would measure the file system's bookkeeping, not ours.
 */
const runOut = (i) => (i === RUNS - 1 ? out : `${out}-run${i + 1}`);
const earlier = [out, ...Array.from({ length: 9 }, (_, i) => `${out}-run${i + 1}`)].filter((dir) => existsSync(dir));
if (earlier.length) {
  for (const dir of earlier) rmSync(dir, { recursive: true, force: true });
  spawnSync('sync');
  // Without a journal, ext4 passes over inodes freed in the last 60 s (longer while their
  // inode table is unwritten, hence the sync) when it allocates, one cache lookup each: 80k
  // new pages right after deleting 80k old ones measured 30-50% slower.
  console.log('  (removed the sites of an earlier run; waiting 65 s for the file system to settle)');
  spawnSync('sleep', ['65']);
}
/**
 * CPU seconds (user + system) of the children this process has waited for, from
 * /proc/self/stat (cutime, cstime: a reaped child's time includes its own reaped children's,
 * so GNU time's child is counted). Undefined off Linux.
 */
function childCpuS() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    // After "(comm) " the fields start at state (field 3): cutime and cstime are fields 16 and 17.
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / 100;
  } catch {
    return undefined;
  }
}

/** Runs `opsledger catalog` into `dir` as its own process: wall time, CPU time, peak RSS (MiB) and what it printed. */
function runCatalog(dir) {
  rmSync(rssFile, { force: true });
  const cli = [join(ROOT, 'bin', 'opsledger.js'), 'catalog', '--root', orgDir, '--out', dir, ...threads];
  const env = { ...process.env };
  let cmd = process.execPath;
  let argv = cli;
  if (GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, process.execPath, ...cli];
  } else {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(BENCH, 'rss-hook.mjs')).href}`.trim();
    env.BENCH_RSS_FILE = rssFile;
  }
  spawnSync('sync');
  const cpu0 = childCpuS();
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, env, encoding: 'utf8' });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu1 = childCpuS();
  const cpuS = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
  if (r.status !== 0) {
    console.error(`opsledger catalog failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    process.exit(1);
  }
  return { wallS, cpuS, rssMiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024, run: r };
}

const walls = [];
const cpuTimes = [];
const rsss = [];
let run;
for (let i = 0; i < RUNS; i++) {
  const r = runCatalog(runOut(i));
  walls.push(r.wallS);
  cpuTimes.push(r.cpuS);
  rsss.push(r.rssMiB);
  run = r.run;
}
const wall = [...walls].sort((a, b) => a - b)[Math.floor(RUNS / 2)];
const rssMiB = Math.max(...rsss);
const index = readFileSync(join(out, 'assets', 'search-index.js'));
const indexGz = gzipSync(index).length;
const pages = Number(/\((\d+) pages/.exec(run.stdout)?.[1] ?? NaN);

const mark = (ok) => (ok ? 'PASS' : 'MISS');
const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
console.log(`opsledger catalog, ${size} organisation (${SIZES[size].services} services, ${SIZES[size].cis} CIs, ${SIZES[size].changes} changes)`);
console.log(`machine: ${availableParallelism()} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
console.log(`  wall time          ${wall.toFixed(1)} s${size === 'L' ? `   ${mark(wall < TARGETS.wallS)} (< ${TARGETS.wallS} s)` : ''}  [median of ${RUNS}: ${walls.map((w) => w.toFixed(1)).join(', ')}]`);
const cpuText = (s) => (s === undefined ? '?' : `${s.toFixed(1)} s`);
console.log(`  CPU time (user+sys) ${cpuTimes.map(cpuText).join(', ')}`);
console.log(`  peak RSS           ${rssMiB.toFixed(0)} MiB (highest of the runs)${size === 'L' ? `   ${mark(rssMiB < TARGETS.rssMiB)} (< 1 GiB)` : ''}  [${GNU_TIME ? 'GNU time %M' : 'process.resourceUsage().maxRSS'}]`);
console.log(`  pages              ${pages}`);
console.log(`  search index       ${mib(index.length)} raw, ${mib(indexGz)} gzipped${size === 'L' ? `   ${mark(indexGz < TARGETS.indexGzBytes)} (< 2 MB gzipped)` : ''}`);
if (run.stderr.trim()) console.log(run.stderr.trim().replace(/^/gm, '  note: '));

// Rebuilds into the last run's folder: the site manifest lets them render and write only what
// changed. The clock moves between runs, as in a real edit loop, so pages that show something
// tied to the time (an open change's lead time, the front page's stamp) change too.
const rewrittenOf = (stdout) => /, (\d+) files rewritten,/.exec(stdout)?.[1] ?? '?';
const rebuilds = [];
const again = runCatalog(out);
rebuilds.push(['rebuild, nothing edited', again]);
const edited = join(orgDir, 'services', 'account-admin', 'service.yaml');
const original = readFileSync(edited, 'utf8');
// Each edited rebuild adds the line or takes it out again, so every one of them follows a
// one-file edit; the spread of BENCH_REBUILDS of them (default 3) is printed.
const REBUILDS = Math.max(1, Number.parseInt(process.env.BENCH_REBUILDS ?? '3', 10) || 3);
const edits = [];
try {
  for (let i = 0; i < REBUILDS; i++) {
    writeFileSync(edited, i % 2 === 0 ? original.replace('description: >-\n', 'description: >-\n    Edited by the benchmark.\n') : original);
    edits.push(runCatalog(out));
  }
} finally {
  writeFileSync(edited, original);
}
rebuilds.push(...edits.map((r, i) => [`rebuild after a one-file edit (${i + 1})`, r]));
for (const [name, r] of rebuilds) {
  const ok = r.wallS < TARGETS.rebuildS && (r.cpuS === undefined || r.cpuS < TARGETS.rebuildS);
  console.log(`  ${name.padEnd(35)} ${r.wallS.toFixed(1)} s wall, ${cpuText(r.cpuS)} CPU${size === 'L' ? `   ${mark(ok)} (both < ${TARGETS.rebuildS} s)` : ''}, peak RSS ${r.rssMiB.toFixed(0)} MiB${size === 'L' ? `   ${mark(r.rssMiB < TARGETS.rssMiB)}` : ''}, ${rewrittenOf(r.run.stdout)} files rewritten`);
}
const spread = (xs) => {
  const v = xs.filter((x) => x !== undefined).sort((a, b) => a - b);
  return v.length ? `${v[0].toFixed(1)} / ${v[Math.floor(v.length / 2)].toFixed(1)} / ${v[v.length - 1].toFixed(1)} s` : '?';
};
console.log(`  one-file edit, ${REBUILDS} rebuilds: wall min / median / max ${spread(edits.map((r) => r.wallS))}; CPU ${spread(edits.map((r) => r.cpuS))}; peak RSS ${Math.max(...edits.map((r) => r.rssMiB)).toFixed(0)} MiB at most`);

if (process.env.BENCH_PHASES !== '0') {
  const phasesOut = join(WORK, `catalog-${size}`, 'site-phases');
  rmSync(phasesOut, { recursive: true, force: true });
  spawnSync('sync');
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--phases', orgDir, phasesOut], { cwd: ROOT, encoding: 'utf8' });
  rmSync(phasesOut, { recursive: true, force: true });
  if (r.status === 0) {
    console.log('  phases (one process, timed apart):');
    for (const [name, s] of Object.entries(JSON.parse(r.stdout))) console.log(`    ${name.padEnd(38)} ${s.toFixed(1)} s`);
  } else {
    console.log(`  phases: the breakdown run failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  }
}
// Deleted only now: the phase run above would otherwise create its files among just-freed inodes.
for (let i = 0; i < RUNS - 1; i++) rmSync(runOut(i), { recursive: true, force: true });
console.log(`  site: ${rel(out)}`);
