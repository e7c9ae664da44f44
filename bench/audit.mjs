#!/usr/bin/env node
// A year of history audited (issue #19, point 6: "a year of history of the L organisation
// (20k changes) audited in under 10 s on a warm cache, excluding network").
//
//   npm run build && node bench/audit.mjs [S|L]      (default L; BENCH_AUDIT_RUNS=3 warm runs)
//
// The history is made once (not timed) and cached under bench/.work/audit-<size>-<seed>/: one
// commit before the period with the whole organisation except its change requests, then one
// unit of work per change request over the year 2025-12-01 to 2026-12-01, in order: most are
// squash merges ("Add CR-… (#N)"), every tenth a merge commit of a pull request branch, every
// twentieth a direct push, and every fiftieth also edits a service (a tier), so the structure
// the scoring depends on changes now and then. Change requests are filed by month
// (changes/2026-03/CR-….yaml): a flat folder of 20k files costs git itself a rewrite of a 1 MB
// tree per commit, and every diff of the history reads two of them. `git fast-import` writes it
// in one process.
//
// Then `opsledger audit --since 365d --until 2026-12-01T00:00:00Z --offline --format json` runs
// cold (the audit's cache folder deleted) and warm (the same again), each as its own process;
// the rows show wall time and CPU time (the Node process and the git processes it waited for,
// from /proc/self/stat at exit) of the cold run, of each warm run and of their median, next to
// the 10 s target on the warm median. BENCH_AUDIT_SINCE=30d audits only the end of the year.
// The machine is shared, so the CPU column is the one to compare. The warm output must equal the
// cold one byte for byte.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureOrg } from './generate.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const BIN = join(ROOT, 'bin', 'opsledger.js');
const size = process.argv[2] ?? 'L';
const seed = Number.parseInt(process.env.BENCH_SEED ?? '1', 10) || 1;
const runs = Math.max(1, Number.parseInt(process.env.BENCH_AUDIT_RUNS ?? '3', 10) || 3);
// The period audited back from UNTIL; a shorter one (30d) gives a quick figure per unit.
const SINCE = process.env.BENCH_AUDIT_SINCE ?? '365d';
const UNTIL = '2026-12-01T00:00:00Z';
const START = Date.parse('2025-12-01T00:00:00Z');
const YEAR = Date.parse(UNTIL) - START;
const TARGET_S = 10;

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The repository, made once per generated organisation. */
function ensureHistory() {
  const org = join(BENCH, '.work', `${size}-${seed}`);
  const made = ensureOrg({ size, seed, faults: 0, outDir: org });
  const dir = join(BENCH, '.work', `audit-${size}-${seed}`);
  const repo = join(dir, 'repo');
  const stamp = join(dir, `ready-${made.manifest.files}-${made.manifest.documents}`);
  if (existsSync(stamp)) return { repo, units: Number(readFileSync(stamp, 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  process.stderr.write(`making a year of history in ${repo}...\n`);
  execFileSync('git', ['init', '--quiet', '-b', 'main'], { cwd: repo });
  const files = walk(org)
    .map((p) => relative(org, p))
    .filter((p) => !p.startsWith('.'))
    .sort();
  const isChange = (p) => /^changes\/CR-\d{4}-\d+\.yaml$/.test(p);
  const changes = files.filter(isChange);
  const rest = files.filter((p) => !isChange(p));
  const services = rest.filter((p) => /^services\/[^/]+\/service\.yaml$/.test(p));
  const chunks = [];
  const push = (s) => chunks.push(Buffer.isBuffer(s) ? s : Buffer.from(s));
  const data = (buf) => (push(`data ${buf.length}\n`), push(buf), push('\n'));
  const ident = (who, at) => `${who} <${who}@example.com> ${Math.floor(at / 1000)} +0000\n`;
  let mark = 0;
  const commit = ({ branch = 'refs/heads/main', at, message, from, merge, files: mods }) => {
    const m = ++mark;
    push(`commit ${branch}\nmark :${m}\n`);
    push(`author ${ident('dev', at)}committer ${ident('dev', at)}`);
    data(Buffer.from(message));
    if (from) push(`from :${from}\n`);
    if (merge) push(`merge :${merge}\n`);
    for (const [path, bytes] of mods) {
      push(`M 100644 inline ${path}\n`);
      data(bytes);
    }
    push('\n');
    return m;
  };
  const read = (p) => readFileSync(join(org, p));
  let head = commit({ at: START - 10 * 86_400_000, message: 'The organisation\n', files: rest.map((p) => [p, read(p)]) });
  const step = YEAR / (changes.length + 1);
  const tiers = new Map();
  changes.forEach((p, i) => {
    const at = Math.floor(START + (i + 1) * step);
    const id = p.slice('changes/'.length, -'.yaml'.length);
    const pr = i + 1;
    // Filed by month: one folder of 20k files would make every commit rewrite a 1 MB tree
    // object, which git pays for in every later diff (and fast-import while making it).
    const month = new Date(at).toISOString().slice(0, 7);
    const mods = [[`changes/${month}/${p.slice('changes/'.length)}`, read(p)]];
    if (i % 50 === 49) {
      const svc = services[(i / 50) % services.length | 0];
      const text = tiers.get(svc) ?? read(svc).toString('utf8');
      const next = text.replace(/^(\s*tier:\s*)(\d)/m, (_, lead, t) => `${lead}${t === '4' ? '3' : Number(t) + 1}`);
      tiers.set(svc, next);
      mods.push([svc, Buffer.from(next)]);
    }
    if (i % 20 === 19) head = commit({ at, message: `Record ${id}\n`, from: head, files: mods });
    else if (i % 10 === 9) {
      const side = commit({ branch: `refs/heads/pr-${pr}`, at: at - 3_600_000, message: `Add ${id}\n`, from: head, files: mods });
      head = commit({ at, message: `Merge pull request #${pr} from team/${id}\n\nAdd ${id}\n`, from: head, merge: side, files: mods });
    } else head = commit({ at, message: `Add ${id} (#${pr})\n`, from: head, files: mods });
  });
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: Buffer.concat(chunks), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git fast-import: ${r.stderr}`);
  // The side branches of merged pull requests are not needed once merged.
  const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/heads/pr-*'], { cwd: repo, encoding: 'utf8' }).split('\n').filter(Boolean);
  if (refs.length) spawnSync('git', ['update-ref', '--stdin'], { cwd: repo, input: refs.map((x) => `delete ${x}\n`).join('') });
  execFileSync('git', ['checkout', '--quiet', '-f', 'main'], { cwd: repo });
  writeFileSync(stamp, String(changes.length));
  return { repo, units: changes.length };
}

// Records the process's own CPU and that of the children it waited for (git), at exit.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent(`
import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const out = {};
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.ticks = { utime: +f[11], stime: +f[12], cutime: +f[13], cstime: +f[14] };
  } catch {
    const u = process.cpuUsage();
    out.micros = u.user + u.system;
  }
  writeFileSync(process.env.OPSLEDGER_BENCH_CPU, JSON.stringify(out));
});`)}`;
const HZ = Number.parseInt(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout, 10) || 100;

function runAudit(repo, cpuFile) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const args = ['--import', CPU_HOOK, BIN, 'audit', '--since', SINCE, '--until', UNTIL, '--offline', '--format', 'json', '--root', repo];
    const child = spawn(process.execPath, args, { cwd: repo, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_CACHE_HOME: cacheHome, OPSLEDGER_BENCH_CPU: cpuFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = JSON.parse(readFileSync(cpuFile, 'utf8'));
      const cpu = c.ticks ? (c.ticks.utime + c.ticks.stime + c.ticks.cutime + c.ticks.cstime) / HZ : c.micros / 1e6;
      const git = c.ticks ? (c.ticks.cutime + c.ticks.cstime) / HZ : NaN;
      resolve({ status, wall, cpu, git, stdout: Buffer.concat(out).toString('utf8'), stderr: err });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const { repo, units } = ensureHistory();
if (process.env.BENCH_AUDIT_PREPARE) process.exit(0);
const cpuFile = join(BENCH, '.work', `audit-cpu-${process.pid}.json`);
// The audit keeps its units outside the repository ($XDG_CACHE_HOME/opsledger/audit): a
// folder of the bench's own, emptied for the cold run.
const cacheHome = join(BENCH, '.work', `audit-${size}-${seed}`, 'cache');
rmSync(cacheHome, { recursive: true, force: true });
rmSync(join(repo, '.opsledger-cache'), { recursive: true, force: true });
const cold = await runAudit(repo, cpuFile);
if (cold.status !== 0 && cold.status !== 1) {
  process.stderr.write(cold.stderr);
  process.exit(1);
}
const warm = [];
for (let i = 0; i < runs; i++) warm.push(await runAudit(repo, cpuFile));
rmSync(cpuFile, { force: true });
const report = JSON.parse(cold.stdout);
const same = warm.every((w) => w.stdout === cold.stdout);
const row = (label, r) => `| ${label} | ${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)} | ${Number.isNaN(r.git) ? '-' : r.git.toFixed(1)} |`;
const w = { wall: median(warm.map((x) => x.wall)), cpu: median(warm.map((x) => x.cpu)), git: median(warm.map((x) => x.git)) };
const lines = [
  `audit --since ${SINCE} (${size}, seed ${seed}; the history holds ${units} change requests over a year): ${report.summary.commits} commits in ${report.summary.units} units, ${report.summary.changes} changes reported, ${report.summary.exceptions} exceptions`,
  '',
  '| run | wall s | CPU s | of which git |',
  '|---|---:|---:|---:|',
  row('cold (no cache)', cold),
  ...warm.map((x, i) => row(`warm, run ${i + 1}`, x)),
  row(`warm (median of ${runs})`, w),
  '',
  `per unit of work: cold ${((cold.cpu * 1000) / report.summary.units).toFixed(1)} ms CPU, warm ${((w.cpu * 1000) / report.summary.units).toFixed(2)} ms CPU`,
  '',
  `target: warm under ${TARGET_S} s: ${w.wall < TARGET_S ? 'PASS' : 'MISS'} on wall time (${w.wall.toFixed(1)} s), ${w.cpu < TARGET_S ? 'PASS' : 'MISS'} on CPU time (${w.cpu.toFixed(1)} s)`,
  `warm output equals cold output byte for byte: ${same ? 'yes' : 'NO'}`,
];
process.stdout.write(lines.join('\n') + '\n');
if (process.env.BENCH_JSON) process.stdout.write(JSON.stringify({ since: SINCE, units: report.summary.units, cold: { wall: cold.wall, cpu: cold.cpu, git: cold.git }, warm: w, warmRuns: warm.map(({ wall, cpu, git }) => ({ wall, cpu, git })), same }) + '\n');
process.exit(same ? 0 : 1);
