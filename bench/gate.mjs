#!/usr/bin/env node
// Gate bench: `node bench/gate.mjs` after a build (`npm run bench` runs it after the start-up rows).
//
// `opsledger gate` end to end on the example organisation (issue #22, target 4): a git
// repository holding the shipped organisation, where CR-2026-0176 arrived on main through a
// merged pull request; the pull request, its reviews and commits served by the test suite's
// GitHub stand-in (test/helpers/fake-github.ts, bundled here with esbuild), which answers at
// once. Each run spawns the gate, waits for its decision and reports
//   - wall time, spawn to exit (includes the stand-in's own answering and checking);
//   - our own CPU time: the gate process and the git processes it waited for (user + sys, from
//     /proc/self/stat at exit; on systems without /proc, the Node process alone).
// The target is on our own time, which a loaded machine stretches less than wall time.
//
// Environment: BENCH_GATE_RUNS=7 (the median is reported)
//              BENCH_GATE_PROF=folder (each gate run writes a --cpu-prof profile there)
//              BENCH_GATE_NODE_ARGS="--import ./hook.mjs" (more arguments for the gate's Node process)
//              BENCH_GATE_BEFORE=../other/bin/opsledger.js (another build, measured side by side)
//              BENCH_GATE_SERVE=1 (no measuring: keeps the repository and the stand-in up and prints
//                                  the gate's command line, for runs and profiles by hand)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const BIN = join(ROOT, 'bin', 'opsledger.js');
const WORK = join(BENCH, '.work');
const TARGET_CPU_S = 0.5;
const CHANGE = 'CR-2026-0176';
const AT = '2026-12-08T01:30:00+09:00';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The stand-in is TypeScript; bundled next to the bench so its packages resolve from node_modules. */
async function loadFakeGitHub() {
  const { build } = await import('esbuild');
  const outfile = join(WORK, 'fake-github.mjs');
  mkdirSync(WORK, { recursive: true });
  await build({ entryPoints: [join(ROOT, 'test', 'helpers', 'fake-github.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'error' });
  return (await import(pathToFileURL(outfile).href)).FakeGitHub;
}

function git(cwd, args, person) {
  const env = { ...process.env, GIT_AUTHOR_NAME: person.name, GIT_AUTHOR_EMAIL: person.email, GIT_COMMITTER_NAME: person.name, GIT_COMMITTER_EMAIL: person.email, GIT_AUTHOR_DATE: '2026-11-20T09:00:00Z', GIT_COMMITTER_DATE: '2026-11-20T09:00:00Z' };
  const r = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Every team's members and GitHub team, read with a pattern: the example's teams are flow-style one-liners. */
function exampleTeams() {
  const teams = [];
  for (const f of readdirSync(join(ROOT, 'teams'))) {
    const text = readFileSync(join(ROOT, 'teams', f), 'utf8');
    const members = /^\s*members:\s*\[([^\]]*)\]/m.exec(text)?.[1]?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const github = /github:\s*\{\s*team:\s*([\w./-]+)\s*\}/.exec(text)?.[1];
    teams.push({ members, github });
  }
  return teams;
}

/** The example organisation in a git repository, CR-2026-0176 merged into main as pull request #7. */
async function scenario(FakeGitHub) {
  const root = mkdtempSync(join(tmpdir(), 'opsledger-bench-gate-'));
  const admin = { name: 'Org Admin', email: 'admin@northwind.example' };
  const author = { name: 'Sarah Okafor', email: 'sarah@northwind.example', login: 'sarah-okafor' };
  for (const folder of ['services', 'teams', 'changes', 'incidents', 'systems', 'apis']) cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  const file = join('changes', `${CHANGE}.yaml`);
  const change = readFileSync(join(root, file), 'utf8');
  rmSync(join(root, file));
  git(root, ['init', '-q'], admin);
  git(root, ['add', '-A'], admin);
  git(root, ['commit', '-qm', 'The Northwind organisation'], admin);
  const base = git(root, ['rev-parse', 'HEAD'], admin);
  git(root, ['checkout', '-qb', 'cr-176'], admin);
  writeFileSync(join(root, file), change);
  git(root, ['add', '-A'], author);
  git(root, ['commit', '-qm', `Add ${CHANGE}: address validation at checkout`], author);
  const head = git(root, ['rev-parse', 'HEAD'], author);
  git(root, ['checkout', '-q', 'main'], admin);
  git(root, ['merge', '-q', '--no-ff', 'cr-176', '-m', 'Merge pull request #7 from acme/cr-176'], admin);
  const merge = git(root, ['rev-parse', 'HEAD'], admin);

  const github = await new FakeGitHub().start();
  const teams = exampleTeams();
  for (const t of teams) if (t.github) github.teams.set(t.github, t.members);
  // Everyone but the author approves: the bench times the whole path, approvals included.
  const approvers = [...new Set(teams.flatMap((t) => t.members))].filter((l) => l !== author.login);
  github.pulls.set(7, {
    number: 7,
    author: author.login,
    headSha: head,
    headRef: 'cr-176',
    baseSha: base,
    baseRef: 'main',
    state: 'closed',
    mergedAt: '2026-11-21T09:00:00Z',
    mergeCommitSha: merge,
    commits: [{ sha: head, message: `Add ${CHANGE}: address validation at checkout`, authorLogin: author.login, authorEmail: author.email, committerLogin: author.login, committerEmail: author.email, authorDate: '2026-11-20T09:00:00.000Z' }],
    reviews: approvers.map((login) => ({ login, state: 'APPROVED', commitId: head })),
  });
  github.pullsForCommit.set(head, [7]);
  github.pullsForCommit.set(merge, [7]);
  return { root, github, close: async () => (await github.close(), rmSync(root, { recursive: true, force: true })) };
}

// Records the process's own CPU and that of the children it waited for (git), at exit.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent(`
import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const out = { node: process.cpuUsage() };
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which may itself hold spaces: state is [0], utime [11].
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.ticks = { utime: +f[11], stime: +f[12], cutime: +f[13], cstime: +f[14] };
  } catch {}
  writeFileSync(process.env.OPSLEDGER_BENCH_CPU, JSON.stringify(out));
});`)}`;

function clockTicks() {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number.parseInt(r.stdout, 10) || 100;
}

// Records, at exit, every module file the process loaded (ESM and what they import): the modules phase imports the same list.
const LOADS_HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (u) => urls.push(u));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(\`
let port;
export function initialize(data) { port = data.port; }
export async function load(url, context, next) { const r = await next(url, context); if (url.startsWith('file:')) port.postMessage(url); return r; }
\`), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => appendFileSync(process.env.OPSLEDGER_BENCH_LOADS, urls.join('\\n')));`)}`;

/** One process of `node [args]`, its wall time and CPU (its own and its children's) as it exits. */
async function runNode(args, { cwd, env: extraEnv = {}, cpuFile, hz }) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OPSLEDGER_BENCH_CPU: cpuFile, ...extraEnv, ...(process.env.GITLOG ? { GITLOG: process.env.GITLOG } : {}) };
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', CPU_HOOK, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.once('close', resolve));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const used = JSON.parse(readFileSync(cpuFile, 'utf8'));
  const own = used.ticks ? (used.ticks.utime + used.ticks.stime) / hz : (used.node.user + used.node.system) / 1e6;
  const children = used.ticks ? (used.ticks.cutime + used.ticks.cstime) / hz : 0;
  return { code, wall, own, children, cpu: own + children, stdout, stderr };
}

async function runGate(sc, cpuFile, hz, bin = BIN, nodeArgs = [], env = {}) {
  const prof = process.env.BENCH_GATE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_GATE_PROF] : [];
  const extra = process.env.BENCH_GATE_NODE_ARGS ? process.env.BENCH_GATE_NODE_ARGS.split(' ') : [];
  const r = await runNode([...prof, ...extra, ...nodeArgs, bin, 'gate', CHANGE, '--at', AT, '--format', 'json', '--root', sc.root], { cwd: sc.root, env: { ...sc.github.env(), ...env }, cpuFile, hz });
  let decision;
  try {
    decision = JSON.parse(r.stdout);
  } catch {
    decision = undefined;
  }
  return { ...r, decision };
}

/** The module files one gate run loads, in order. */
async function gateModules(sc, cpuFile, hz, bin) {
  const list = join(sc.root, '..', `opsledger-bench-gate-loads-${process.pid}.txt`);
  rmSync(list, { force: true });
  await runGate(sc, cpuFile, hz, bin, ['--import', LOADS_HOOK], { OPSLEDGER_BENCH_LOADS: list });
  const urls = readFileSync(list, 'utf8').split('\n').filter((u) => u && !u.endsWith('/bin/opsledger.js'));
  rmSync(list, { force: true });
  return [...new Set(urls)];
}

/**
 * Phases, each its own process, median CPU of the runs: Node starting (`node -e 0`), loading the
 * modules a gate run loads (the list recorded from one run, imported in order), the whole gate
 * with the analyses kept on disk from the run before (warm) and with that cache removed before
 * each run (cold). The work is warm minus the modules. With BENCH_GATE_BEFORE (another build's
 * bin/opsledger.js) the same phases run for it, interleaved, side by side.
 */
export async function measureGateEndToEnd({ runs = 7, before = process.env.BENCH_GATE_BEFORE, log = (m) => process.stderr.write(m + '\n') } = {}) {
  const FakeGitHub = await loadFakeGitHub();
  const sc = await scenario(FakeGitHub);
  const cpuFile = join(sc.root, '..', `opsledger-bench-gate-cpu-${process.pid}.json`);
  const hz = clockTicks();
  const failures = [];
  const builds = [{ name: 'this build', bin: BIN }, ...(before ? [{ name: 'before', bin: before }] : [])];
  const samples = new Map(builds.map((b) => [b.name, { start: [], modules: [], warm: [], cold: [], wall: [] }]));
  const dropCache = () => rmSync(join(sc.root, '.opsledger-cache'), { recursive: true, force: true });
  let last;
  try {
    await runGate(sc, cpuFile, hz); // untimed: the page cache, the stand-in's schema compiles, the analyses kept
    for (const b of builds) {
      // Recorded on a warm run: the modules the warm row loads (a cold run adds the parsers).
      b.modules = await gateModules(sc, cpuFile, hz, b.bin);
      b.importer = `for (const u of ${JSON.stringify(b.modules)}) await import(u);`;
    }
    for (let i = 0; i < runs; i++) {
      for (const b of builds) {
        const s = samples.get(b.name);
        s.start.push((await runNode(['-e', '0'], { cwd: sc.root, cpuFile, hz })).cpu);
        s.modules.push((await runNode(['--input-type=module', '-e', b.importer], { cwd: sc.root, cpuFile, hz })).cpu);
        dropCache();
        const cold = await runGate(sc, cpuFile, hz, b.bin);
        const warm = await runGate(sc, cpuFile, hz, b.bin);
        for (const r of [cold, warm]) if (!r.decision || (r.code !== 0 && r.code !== 1)) failures.push(`${b.name}: opsledger gate ${CHANGE}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`);
        // The same decision, but for the id GitHub gave the check run that records it.
        const same = (d) => JSON.stringify({ ...d, record: { ...d?.record, checkRunId: undefined } });
        if (same(cold.decision) !== same(warm.decision)) failures.push(`${b.name}: the warm decision differs from the cold one`);
        s.cold.push(cold.cpu);
        s.warm.push(warm.cpu);
        s.wall.push(warm.wall);
        if (b.bin === BIN) last = warm;
      }
    }
    if (sc.github.violations.length) failures.push(`the GitHub stand-in saw requests GitHub would refuse: ${sc.github.violations.slice(0, 3).join('; ')}`);
  } finally {
    await sc.close();
    rmSync(cpuFile, { force: true });
  }
  log(`gate: ${runs} rounds done`);
  const ms = (s) => (Number.isFinite(s) ? (s * 1000).toFixed(0) : 'n/a');
  const med = (xs) => (xs.length ? median(xs) : NaN);
  const phases = Object.fromEntries(
    builds.map((b) => {
      const s = samples.get(b.name);
      const p = { start: med(s.start), modules: med(s.modules), warm: med(s.warm), cold: med(s.cold), wall: med(s.wall) };
      return [b.name, { ...p, loading: p.modules - p.start, work: p.warm - p.modules, parsing: p.cold - p.warm, modulesLoaded: b.modules.length }];
    }),
  );
  const mine = phases['this build'];
  const verdict = mine.warm <= TARGET_CPU_S ? 'PASS' : 'MISS';
  const cols = builds.map((b) => b.name);
  const lines = ['', `## gate end to end (example organisation, GitHub stand-in; CPU ms of the process and the git it waits for, median of ${runs})`, ''];
  lines.push(`| phase | ${cols.join(' | ')} | target |`, `|---|${cols.map(() => '---:').join('|')}|---|`);
  const row = (label, key, target = '') => lines.push(`| ${label} | ${cols.map((c) => ms(phases[c][key])).join(' | ')} | ${target} |`);
  row('Node starting (`node -e 0`)', 'start');
  row("loading the gate's modules (beyond Node's start)", 'loading');
  row('the work: git, analyses, risk, the review (warm minus modules)', 'work');
  row('parsing without the kept analyses (cold minus warm)', 'parsing');
  row('**whole gate, warm** (analyses kept from the run before)', 'warm', `${verdict} (< ${TARGET_CPU_S * 1000} ms)`);
  row('whole gate, cold (cache removed)', 'cold');
  row('whole gate, warm: wall ms', 'wall');
  lines.push(`| modules loaded | ${cols.map((c) => phases[c].modulesLoaded).join(' | ')} | |`);
  // The spread, as one median on this shared machine says little alone.
  const spread = (xs) => (xs.length ? `${ms(Math.min(...xs))} / ${ms(median(xs))} / ${ms(Math.max(...xs))}` : 'n/a');
  lines.push('', 'spread, CPU ms (min / median / max):');
  for (const b of builds) {
    const s = samples.get(b.name);
    lines.push(`- ${b.name}: warm ${spread(s.warm)}; cold ${spread(s.cold)}; modules ${spread(s.modules)}`);
  }
  lines.push('', `decision: ${last?.decision?.allowed ? 'allowed' : `denied (${last?.decision?.checks?.filter((c) => !c.ok).map((c) => c.code).join(', ')})`}`);
  for (const f of failures) lines.push(`FAIL ${f}`);
  return { text: lines.join('\n'), phases, wall: mine.wall, cpu: mine.warm, allowed: last?.decision?.allowed, failures, target: TARGET_CPU_S };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.env.BENCH_GATE_SERVE) {
  // The scenario kept up for hand-run gates and profiles: prints the command, stops on Ctrl-C.
  const sc = await scenario(await loadFakeGitHub());
  const env = Object.entries(sc.github.env()).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`cd ${sc.root} && ${env} node ${BIN} gate ${CHANGE} --at ${AT} --format json --root .`);
  const stop = () => void sc.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = Math.max(1, Number.parseInt(process.env.BENCH_GATE_RUNS ?? '7', 10) || 7);
  const result = await measureGateEndToEnd({ runs });
  console.log(result.text);
  if (result.failures.length) process.exitCode = 1;
}
