#!/usr/bin/env node
// opsledger benchmark: `npm run bench` (builds first) or `node bench/run.mjs` after a build.
//
// For each size (BENCH_SIZES, default "S,L") it generates (or reuses) a synthetic organisation
// and, side by side in one run, measures wall time and peak RSS of:
//   - opsledger validate, cold (.opsledger-cache deleted before the run) and warm (right after);
//   - ajv-cli 5 validating the same documents against the same schemas (one process per kind);
//   - two parse-only floors: read every file + js-yaml 4 loadAll (CORE_SCHEMA), and read every
//     file + `yaml` parseAllDocuments, each in a fresh process.
// It checks correctness (0 errors on the clean organisation, exactly the injected number on the
// faulty copy) and reports the targets for L. It reports misses; it does not fail on them. The
// exit code is 1 only when a correctness check fails or a tool crashes.
//
// First, the start-up bench (bench/startup.mjs): --version, -V, explain and help against
// `node -e 0`, before the organisations load the machine.
//
// Then `opsledger gate` end to end on the example organisation against the GitHub stand-in
// (bench/gate.mjs): wall time and our own CPU time.
//
// Environment: BENCH_SIZES=S,L  BENCH_RUNS=3 (median)  BENCH_SEED=1  BENCH_FAULTS=50
//              BENCH_THREADS=N (passed to opsledger as --threads; default: its own choice)
//              BENCH_STARTUP_RUNS=15 (0 skips the start-up and gate benches)  BENCH_GATE_RUNS=7
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import jsyaml from 'js-yaml';
import { ensureOrg, SIZES } from './generate.mjs';
import { measureGateStart, measureStartup } from './startup.mjs';
import { measureGateEndToEnd } from './gate.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const WORK = join(BENCH, '.work');
const rel = (p) => relative(ROOT, p) || '.';

const sizes = (process.env.BENCH_SIZES ?? 'S,L').split(',').map((x) => x.trim()).filter(Boolean);
const runs = Math.max(1, Number.parseInt(process.env.BENCH_RUNS ?? '3', 10) || 3);
const seed = Number.parseInt(process.env.BENCH_SEED ?? '1', 10) || 1;
const faultCount = Math.max(1, Number.parseInt(process.env.BENCH_FAULTS ?? '50', 10) || 50);
const threads = process.env.BENCH_THREADS ? Number.parseInt(process.env.BENCH_THREADS, 10) : undefined;
for (const s of sizes) {
  if (!SIZES[s]) {
    console.error(`unknown size "${s}" in BENCH_SIZES (use S and/or L)`);
    process.exit(2);
  }
}
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('dist/ is missing: run `npm run build` first (npm run bench does it)');
  process.exit(2);
}

let failed = false;
const log = (msg) => process.stderr.write(msg + '\n');

// ------------------------------------------------------------------------------ measuring
/** GNU time's -f/-o, when present, reports the child's peak RSS without touching the child. */
const GNU_TIME = (() => {
  if (process.env.BENCH_NO_GNU_TIME) return undefined;
  for (const p of ['/usr/bin/time']) {
    if (!existsSync(p)) continue;
    const r = spawnSync(p, ['-f', '%M', process.execPath, '-e', '0'], { encoding: 'utf8' });
    if (r.status === 0 && /^\d+\s*$/.test(r.stderr.trim().split('\n').pop() ?? '')) return p;
  }
  return undefined;
})();
const RSS_HOOK = pathToFileURL(join(BENCH, 'rss-hook.mjs')).href;
const TMP = join(WORK, 'tmp');
mkdirSync(TMP, { recursive: true });

/**
 * Runs `node script ...args` and returns {wall (s), rss (MiB), status, stdout, stderr}. Wall time
 * is taken around the spawn; peak RSS comes from GNU time, or else from a preloaded hook that
 * reads process.resourceUsage().maxRSS as the child exits.
 */
function measure(script, args, { cwd = ROOT } = {}) {
  const outFile = join(TMP, 'stdout.txt');
  const errFile = join(TMP, 'stderr.txt');
  const rssFile = join(TMP, 'rss.txt');
  rmSync(rssFile, { force: true });
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  let cmd;
  let argv;
  const env = { ...process.env };
  if (GNU_TIME) {
    cmd = GNU_TIME;
    argv = ['-f', '%U %S %M', '-o', rssFile, process.execPath, script, ...args];
  } else {
    cmd = process.execPath;
    argv = [script, ...args];
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --import=${RSS_HOOK}`.trim();
    env.BENCH_RSS_FILE = rssFile;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env, stdio: ['ignore', out, err] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(out);
  closeSync(err);
  let rssKiB = NaN;
  let cpu = NaN;
  try {
    // GNU time prefixes "Command exited with non-zero status N" on failure; the numbers are last
    // (user and system seconds, then peak RSS; the hook reports the RSS alone).
    const last = readFileSync(rssFile, 'utf8').trim().split('\n').pop().trim().split(/\s+/).map(Number);
    rssKiB = last[last.length - 1];
    if (last.length === 3) cpu = last[0] + last[1];
  } catch {
    // no report
  }
  return { wall, cpu, rss: rssKiB / 1024, status: r.status, signal: r.signal, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ------------------------------------------------------------------------------ ajv-cli input
const AJV_CLI = realpathSync(join(ROOT, 'node_modules', '.bin', 'ajv'));
const PREP_VERSION = 2;

function constOf(schema, prop) {
  const p = schema.properties?.[prop];
  if (!p) return undefined;
  if (typeof p.const === 'string') return p.const;
  if (Array.isArray(p.enum) && p.enum.length === 1) return p.enum[0];
  if (typeof p.$ref === 'string' && prop === 'apiVersion' && p.$ref.includes('apiVersion')) return 'openslo/v1';
  return undefined;
}

function listSchemas() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) out.push(p);
    }
  };
  walk(join(ROOT, 'schemas'));
  return out.map((file) => {
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    return { file, apiVersion: constOf(schema, 'apiVersion'), kind: constOf(schema, 'kind') };
  });
}

function dataFiles(root) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  for (const d of ['services', 'teams', 'changes', 'cmdb', 'slos']) walk(join(root, d));
  return out.sort();
}

/**
 * ajv-cli reads one YAML document per file (js-yaml 3 safeLoad) and takes one schema per
 * process, so it gets the documents split by kind, one document per file. Untimed.
 */
function prepareAjvInput(corpus, manifest) {
  const dir = `${corpus}-ajv`;
  const stamp = `${manifest.generator}:${manifest.size}:${manifest.seed}:${manifest.faults}:${PREP_VERSION}`;
  try {
    const m = JSON.parse(readFileSync(join(dir, 'prep.json'), 'utf8'));
    if (m.stamp === stamp) return m;
  } catch {
    // prepare
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const byKind = {};
  let split = 0;
  let copied = 0;
  for (const file of dataFiles(corpus)) {
    const text = readFileSync(file, 'utf8');
    // The generator writes separators as a line "---"; split the text there so each document
    // keeps its exact original bytes (comments included).
    const chunks = text.split(/^---[ \t]*$/m).filter((c) => c.trim() !== '');
    const name = relative(corpus, file).replace(/\.ya?ml$/i, '').replaceAll('/', '__');
    chunks.forEach((chunk, i) => {
      const doc = jsyaml.load(chunk, { schema: jsyaml.CORE_SCHEMA });
      const kind = `${doc.apiVersion === 'opsledger/v1' ? '' : String(doc.apiVersion).replace(/\W+/g, '-') + '-'}${doc.kind}`;
      mkdirSync(join(dir, kind), { recursive: true });
      writeFileSync(join(dir, kind, chunks.length > 1 ? `${name}--${i + 1}.yaml` : `${name}.yaml`), chunk.replace(/^\n/, ''));
      byKind[kind] = { apiVersion: doc.apiVersion, kind: doc.kind, count: (byKind[kind]?.count ?? 0) + 1 };
    });
    if (chunks.length > 1) split++;
    else copied++;
  }
  const prep = { stamp, dir: rel(dir), byKind, splitFiles: split, copiedFiles: copied, documents: Object.values(byKind).reduce((n, k) => n + k.count, 0) };
  writeFileSync(join(dir, 'prep.json'), JSON.stringify(prep, null, 2) + '\n');
  return prep;
}

function ajvInvocations(prep) {
  const schemas = listSchemas();
  return Object.entries(prep.byKind).map(([folder, k]) => {
    const own = schemas.find((s) => s.apiVersion === k.apiVersion && s.kind === k.kind);
    if (!own) throw new Error(`no schema for ${k.apiVersion} ${k.kind}`);
    const refs = schemas.filter((s) => s !== own).flatMap((s) => ['-r', rel(s.file)]);
    return {
      kind: k.kind,
      count: k.count,
      args: ['validate', '--spec=draft2020', '--all-errors', '--allow-union-types', '--errors=line', '-s', rel(own.file), ...refs, '-c', 'ajv-formats', '-c', './bench/ajv-opsledger-formats.cjs', '-d', `${prep.dir}/${folder}/*.yaml`],
    };
  });
}

// ------------------------------------------------------------------------------ tools
function opsledgerArgs(corpus, extra = []) {
  return ['validate', '--root', corpus, '--format', 'json', ...(threads ? ['--threads', String(threads)] : []), ...extra];
}

function runOpsledger(corpus, extra) {
  const r = measure(join(ROOT, 'bin', 'opsledger.js'), opsledgerArgs(corpus, extra));
  let result;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    result = undefined;
  }
  if (!result || (r.status !== 0 && r.status !== 1)) {
    failed = true;
    log(`opsledger failed (exit ${r.status}${r.signal ? ', ' + r.signal : ''}): ${r.stderr.slice(0, 2000)}`);
  }
  return { ...r, result };
}

/**
 * A command that builds the model (risk for one change): it reads every file through the value
 * cache, so a warm run parses nothing that did not change (issue #16/#18).
 */
function runModelCommand(corpus, change) {
  const r = measure(join(ROOT, 'bin', 'opsledger.js'), ['risk', change, '--root', corpus, '--format', 'json', '--at', '2026-11-22T00:00:00Z']);
  if (r.status !== 0) {
    failed = true;
    log(`opsledger risk failed (exit ${r.status}${r.signal ? ', ' + r.signal : ''}): ${r.stderr.slice(0, 2000)}`);
  }
  return r;
}

function runAjv(invocations) {
  let wall = 0;
  let rss = 0;
  let valid = 0;
  let invalid = 0;
  const per = [];
  for (const inv of invocations) {
    const r = measure(AJV_CLI, inv.args);
    wall += r.wall;
    rss = Math.max(rss, r.rss);
    const v = (r.stdout.match(/ valid$/gm) ?? []).length;
    const iv = (r.stderr.match(/ invalid$/gm) ?? []).length;
    valid += v;
    invalid += iv;
    per.push({ kind: inv.kind, wall: r.wall, rss: r.rss, valid: v, invalid: iv, status: r.status });
    if (r.status !== 0 && r.status !== 1) {
      failed = true;
      log(`ajv-cli failed for ${inv.kind} (exit ${r.status}): ${r.stderr.slice(0, 1500)}`);
    } else if (v + iv !== inv.count) {
      log(`ajv-cli ${inv.kind}: expected ${inv.count} results, got ${v + iv}; stderr: ${r.stderr.slice(0, 800)}`);
    }
  }
  return { wall, rss, valid, invalid, per };
}

function runFloor(parser, corpus) {
  const r = measure(join(BENCH, 'floor.mjs'), [parser, corpus]);
  let info;
  try {
    info = JSON.parse(r.stdout);
  } catch {
    failed = true;
    log(`floor ${parser} failed (exit ${r.status}): ${r.stderr.slice(0, 1500)}`);
  }
  return { ...r, info };
}

// ------------------------------------------------------------------------------ correctness
function checkFaults(corpus, manifest) {
  const expected = JSON.parse(readFileSync(join(corpus, 'faults.json'), 'utf8'));
  const r = runOpsledger(corpus, ['--no-cache']);
  const diags = r.result?.diagnostics ?? [];
  const errors = diags.filter((d) => d.severity === 'error');
  const unmatched = errors.slice();
  const missing = [];
  for (const f of expected) {
    const i = unmatched.findIndex((d) => d.code === f.code && (d.file === f.file || d.file === f.alsoFile));
    if (i >= 0) unmatched.splice(i, 1);
    else missing.push(f);
  }
  return { injected: manifest.faults, errors: r.result?.summary?.errors ?? NaN, warnings: r.result?.summary?.warnings ?? NaN, missing, unexpected: unmatched, wall: r.wall };
}

// ------------------------------------------------------------------------------ main
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const results = { node: process.version, cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'cpu'}`, memGiB: +(totalmem() / 2 ** 30).toFixed(1), measuredWith: GNU_TIME ? `${GNU_TIME} -f %M` : 'NODE_OPTIONS=--import bench/rss-hook.mjs (process.resourceUsage().maxRSS)', runs, seed, sizes: {} };

log(`opsledger bench: sizes ${sizes.join(',')}, ${runs} run(s) each (median), seed ${seed}, ${faultCount} faults, ${results.cpus}, Node ${process.version}`);
log(`peak RSS measured with ${results.measuredWith}`);

const printed = [];
const startupRuns = Number.parseInt(process.env.BENCH_STARTUP_RUNS ?? '15', 10);
if (startupRuns > 0) {
  log(`start-up: ${startupRuns} interleaved rounds`);
  const startup = measureStartup({ runs: startupRuns, log });
  if (startup.failures.length) failed = true;
  results.startup = { target: startup.target, rows: startup.rows, failures: startup.failures };
  printed.push(startup.text);
  console.log(startup.text + '\n');
  const gate = await measureGateStart();
  if (gate.failures.length) failed = true;
  results.gateStart = { target: gate.target, median: gate.median, walls: gate.walls, failures: gate.failures };
  printed.push(gate.text);
  console.log(gate.text + '\n');
  const gateRuns = Math.max(1, Number.parseInt(process.env.BENCH_GATE_RUNS ?? '7', 10) || 7);
  log(`gate end to end: ${gateRuns} runs against the GitHub stand-in`);
  const e2e = await measureGateEndToEnd({ runs: gateRuns, log });
  if (e2e.failures.length) failed = true;
  results.gateEndToEnd = { target: e2e.target, wall: e2e.wall, cpu: e2e.cpu, phases: e2e.phases, allowed: e2e.allowed, failures: e2e.failures };
  printed.push(e2e.text);
  console.log(e2e.text + '\n');
}
for (const size of sizes) {
  const corpus = join(WORK, `${size}-${seed}`);
  const faulty = join(WORK, `${size}-${seed}-faults${faultCount}`);
  let t0 = performance.now();
  const clean = ensureOrg({ size, seed, faults: 0, outDir: corpus });
  const bad = ensureOrg({ size, seed, faults: faultCount, outDir: faulty });
  log(`[${size}] organisation ${rel(corpus)} ${clean.reused ? 'reused' : 'generated'}, faulty copy ${rel(faulty)} ${bad.reused ? 'reused' : 'generated'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  t0 = performance.now();
  const prep = prepareAjvInput(corpus, clean.manifest);
  const invocations = ajvInvocations(prep);
  log(`[${size}] ajv-cli input ready in ${rel(join(ROOT, prep.dir))} (${prep.documents} documents, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // Correctness on the faulty copy (untimed); this also warms the page cache for everyone.
  log(`[${size}] checking the faulty copy...`);
  const faults = checkFaults(faulty, bad.manifest);
  if (faults.errors !== faults.injected || faults.missing.length || faults.unexpected.length) failed = true;
  runFloor('js-yaml', corpus); // page-cache warm-up for the clean corpus, untimed

  const samples = { cold: [], warm: [], edited: [], riskCold: [], riskWarm: [], ajv: [], jsyaml: [], yaml: [] };
  // The file edited between the warm run and the next: one change request, a comment appended (new bytes, new stat).
  const editedFile = join(corpus, 'changes', readdirSync(join(corpus, 'changes')).filter((f) => /^CR-\d{4}-\d{4}\.yaml$/.test(f)).sort()[0]);
  let editedSummary;
  const change = readdirSync(join(corpus, 'changes')).filter((f) => /^CR-\d{4}-\d{4}\.yaml$/.test(f)).sort().pop().replace(/\.yaml$/, '');
  let riskSame = true;
  let cleanSummary;
  let warmSummary;
  let ajvLast;
  let floorInfo = {};
  for (let i = 1; i <= runs; i++) {
    log(`[${size}] run ${i}/${runs}: opsledger cold`);
    rmSync(join(corpus, '.opsledger-cache'), { recursive: true, force: true });
    const cold = runOpsledger(corpus);
    samples.cold.push(cold);
    cleanSummary = cold.result?.summary;
    if (cleanSummary?.errors !== 0) failed = true;
    log(`[${size}] run ${i}/${runs}: opsledger warm`);
    const warm = runOpsledger(corpus);
    samples.warm.push(warm);
    warmSummary = warm.result?.summary;
    if (warmSummary?.errors !== 0) failed = true;
    log(`[${size}] run ${i}/${runs}: opsledger after editing one file`);
    const original = readFileSync(editedFile);
    writeFileSync(editedFile, Buffer.concat([original, Buffer.from(`\n# bench edit ${i}\n`)]));
    let edited;
    try {
      edited = runOpsledger(corpus);
    } finally {
      writeFileSync(editedFile, original);
    }
    samples.edited.push(edited);
    editedSummary = edited.result?.summary;
    if (editedSummary?.errors !== 0) failed = true;
    log(`[${size}] run ${i}/${runs}: opsledger risk ${change}, value cache cold, then warm`);
    rmSync(join(corpus, '.opsledger-cache'), { recursive: true, force: true });
    const riskCold = runModelCommand(corpus, change);
    const riskWarm = runModelCommand(corpus, change);
    samples.riskCold.push(riskCold);
    samples.riskWarm.push(riskWarm);
    if (riskWarm.stdout !== riskCold.stdout || !riskCold.stdout) riskSame = false;
    log(`[${size}] run ${i}/${runs}: ajv-cli (${invocations.length} processes)`);
    ajvLast = runAjv(invocations);
    samples.ajv.push(ajvLast);
    log(`[${size}] run ${i}/${runs}: floors`);
    const fj = runFloor('js-yaml', corpus);
    const fy = runFloor('yaml', corpus);
    samples.jsyaml.push(fj);
    samples.yaml.push(fy);
    floorInfo = { jsyaml: fj.info, yaml: fy.info };
    log(`[${size}] run ${i}/${runs}: cold ${fmt(cold.wall)} s, warm ${fmt(warm.wall)} s, ajv-cli ${fmt(ajvLast.wall)} s, js-yaml ${fmt(fj.wall)} s, yaml ${fmt(fy.wall)} s`);
  }

  const stat = (list) => ({ wall: median(list.map((x) => x.wall)), cpu: median(list.map((x) => x.cpu)), rss: Math.max(...list.map((x) => x.rss)), walls: list.map((x) => +x.wall.toFixed(3)) });
  const row = { cold: stat(samples.cold), warm: stat(samples.warm), edited: stat(samples.edited), riskCold: stat(samples.riskCold), riskWarm: stat(samples.riskWarm), ajv: stat(samples.ajv), jsyaml: stat(samples.jsyaml), yaml: stat(samples.yaml) };
  const floor = row.jsyaml.wall;
  const m = clean.manifest;
  const threadNote = threads ? `--threads ${threads}` : `default threads (${availableParallelism()} cores)`;
  const lines = [];
  lines.push(`## ${size} (seed ${seed}): ${m.files} files, ${m.documents} documents, ${(m.bytes / 2 ** 20).toFixed(1)} MiB`);
  lines.push(`   (${Object.entries(m.byKind).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  lines.push('');
  lines.push('| tool | wall s (median) | CPU s (median) | peak RSS MiB | ratio to js-yaml floor (wall) | target |');
  lines.push('|---|---:|---:|---:|---:|---|');
  const add = (name, r, goal) => lines.push(`| ${name} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.rss, 0)} | ${fmt(r.wall / floor)}x | ${goal ? `${r.wall <= goal * floor ? 'PASS' : 'MISS'} (<= ${goal}x)` : ''} |`);
  add(`opsledger validate, cold (cache deleted; ${threadNote})`, row.cold, 1.3);
  add('opsledger validate, warm (second run, nothing changed)', row.warm, 0.15);
  add('opsledger validate, one file edited since the warm run', row.edited, 0.25);
  add(`opsledger risk ${change}, value cache cold (every file parsed; CPU ${fmt(row.riskCold.cpu)} s)`, row.riskCold);
  add(`opsledger risk ${change}, value cache warm (nothing parsed; CPU ${fmt(row.riskWarm.cpu)} s)`, row.riskWarm);
  add(`ajv-cli 5, ${invocations.length} processes (one per kind), summed`, row.ajv);
  add('floor: read + js-yaml 4 loadAll (CORE_SCHEMA)', row.jsyaml);
  add('floor: read + yaml 2 parseAllDocuments', row.yaml);
  lines.push('');
  const spread = (r) => `min ${fmt(Math.min(...r.walls))} / median ${fmt(r.wall)} / max ${fmt(Math.max(...r.walls))}`;
  lines.push(`spread (wall s): cold ${spread(row.cold)}; warm ${spread(row.warm)}; one file edited ${spread(row.edited)}; js-yaml floor ${spread(row.jsyaml)}`);
  lines.push(`runs (s): cold ${row.cold.walls.join(' / ')}; warm ${row.warm.walls.join(' / ')}; edited ${row.edited.walls.join(' / ')}; ajv-cli ${row.ajv.walls.join(' / ')}; js-yaml ${row.jsyaml.walls.join(' / ')}; yaml ${row.yaml.walls.join(' / ')}`);
  lines.push(`ajv-cli per kind (last run, s): ${ajvLast.per.map((p) => `${p.kind} ${fmt(p.wall)}`).join(', ')}`);
  lines.push('');
  lines.push('correctness:');
  const ok = (c) => (c ? 'OK' : 'FAIL');
  lines.push(`  opsledger, clean organisation: ${cleanSummary?.files} files, ${cleanSummary?.documents} documents, ${cleanSummary?.errors} errors, ${cleanSummary?.warnings} warnings (want 0 errors) ${ok(cleanSummary?.errors === 0 && cleanSummary?.documents === m.documents && cleanSummary?.files === m.files)}`);
  lines.push(`  opsledger, run after one edit agrees: ${editedSummary?.errors} errors, ${editedSummary?.documents} documents ${ok(editedSummary?.errors === cleanSummary?.errors && editedSummary?.documents === cleanSummary?.documents)}`);
  lines.push(`  opsledger, warm run agrees: ${warmSummary?.errors} errors, ${warmSummary?.documents} documents ${ok(warmSummary?.errors === cleanSummary?.errors && warmSummary?.documents === cleanSummary?.documents)}`);
  lines.push(`  opsledger risk, warm output identical to cold, byte for byte ${ok(riskSame)}`);
  lines.push(`  opsledger, faulty copy: ${faults.errors} errors for ${faults.injected} injected faults, ${faults.warnings} warnings ${ok(faults.errors === faults.injected && !faults.missing.length && !faults.unexpected.length)}`);
  for (const f of faults.missing.slice(0, 10)) lines.push(`    not reported: ${f.code} in ${f.file} (${f.type})`);
  for (const d of faults.unexpected.slice(0, 10)) lines.push(`    unexpected: ${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`);
  lines.push(`  ajv-cli, clean organisation: ${ajvLast.valid} valid, ${ajvLast.invalid} invalid of ${prep.documents} documents ${ok(ajvLast.valid === prep.documents)}`);
  lines.push(`  floors parsed: js-yaml ${floorInfo.jsyaml?.documents} documents, yaml ${floorInfo.yaml?.documents} documents (${floorInfo.yaml?.errors} parse errors) ${ok(floorInfo.jsyaml?.documents === m.documents && floorInfo.yaml?.documents === m.documents)}`);
  lines.push('');
  lines.push(`targets${size === 'L' ? '' : ' (they apply to L; shown for information)'}:`);
  const target = (name, pass, detail) => lines.push(`  ${pass ? 'PASS' : 'MISS'}  ${name}: ${detail}`);
  target('cold validate <= 1.5x js-yaml floor', row.cold.wall <= 1.5 * floor, `${fmt(row.cold.wall)} s vs ${fmt(1.5 * floor)} s (${fmt(row.cold.wall / floor)}x)`);
  target('cold validate faster than ajv-cli', row.cold.wall < row.ajv.wall, `${fmt(row.cold.wall)} s vs ${fmt(row.ajv.wall)} s`);
  target('cold validate <= 1.3x js-yaml floor (#22.1)', row.cold.wall <= 1.3 * floor, `${fmt(row.cold.wall)} s vs ${fmt(1.3 * floor)} s (${fmt(row.cold.wall / floor)}x)`);
  target('warm validate <= 0.15x js-yaml floor (#22.2)', row.warm.wall <= 0.15 * floor, `${fmt(row.warm.wall)} s vs ${fmt(0.15 * floor)} s (${fmt(row.warm.wall / floor)}x)`);
  target('validate after one edit <= 0.25x js-yaml floor (#22.2)', row.edited.wall <= 0.25 * floor, `${fmt(row.edited.wall)} s vs ${fmt(0.25 * floor)} s (${fmt(row.edited.wall / floor)}x)`);
  target('warm < 0.3x cold', row.warm.wall < 0.3 * row.cold.wall, `${fmt(row.warm.wall)} s vs ${fmt(0.3 * row.cold.wall)} s (${fmt(row.warm.wall / row.cold.wall)}x)`);
  target('warm risk < 0.5x cold risk (CPU)', row.riskWarm.cpu < 0.5 * row.riskCold.cpu, `${fmt(row.riskWarm.cpu)} s vs ${fmt(row.riskCold.cpu)} s CPU (${fmt(row.riskWarm.cpu / row.riskCold.cpu)}x)`);
  const peak = Math.max(row.cold.rss, row.warm.rss);
  target('peak memory < 1 GiB', peak < 1024, `${fmt(peak, 0)} MiB (cold ${fmt(row.cold.rss, 0)}, warm ${fmt(row.warm.rss, 0)})`);
  lines.push('');
  lines.push(
    `ajv-cli was given: ${prep.documents} single-document YAML files under ${prep.dir}/<Kind>/ (untimed prep: ${prep.splitFiles} multi-document files split at their "---" lines into one file per document with the original text, ${prep.copiedFiles} single-document files copied unchanged), and run as ${invocations.length} processes one after another: ajv validate --spec=draft2020 --all-errors --allow-union-types --errors=line -s <the kind's schema> -r <the ${listSchemas().length - 1} other schemas> -c ajv-formats -c ./bench/ajv-opsledger-formats.cjs -d "<Kind>/*.yaml". Wall is the sum, RSS the largest. It checks schemas only (no references, cycles or document rules); it parses with js-yaml 3 safeLoad.`,
  );
  const text = lines.join('\n');
  printed.push(text);
  console.log(text + '\n');
  if (!riskSame) failed = true;
  if (process.env.BENCH_APP !== '0') {
    // The App's decision on a warm mirror: its own process, as the App keeps its caches in memory.
    log(`[${size}] App decision on a bare mirror (bench/app-decision.mjs)`);
    const app = spawnSync(process.execPath, [join(BENCH, 'app-decision.mjs'), size], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BENCH_JSON: '' } });
    if (app.status !== 0) {
      failed = true;
      log(`app-decision failed (exit ${app.status}): ${app.stderr.slice(0, 2000)}`);
    } else {
      printed.push(app.stdout.trim());
      console.log(app.stdout.trim() + '\n');
    }
  }
  results.sizes[size] = { manifest: m, row, faults: { ...faults, missing: faults.missing.length, unexpected: faults.unexpected.length }, clean: cleanSummary, ajv: { per: ajvLast.per, prep } };
}

writeFileSync(join(WORK, 'last-results.json'), JSON.stringify(results, null, 2) + '\n');
log(`results also written to ${rel(join(WORK, 'last-results.json'))}`);
rmSync(TMP, { recursive: true, force: true });
if (failed) {
  log('a correctness check failed or a tool crashed (see above)');
  process.exitCode = 1;
}
