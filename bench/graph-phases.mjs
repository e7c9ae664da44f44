#!/usr/bin/env node
// Where the time of `opsledger impact|risk` goes on a generated graph organisation, phase by
// phase, in one process: discovery, read, parse, schema validation, the rest of the per-file
// analysis, the cross-document checks, the organisation build, the graph work and the output.
// Each phase is run on its own over every file (so parse and schema validation are timed
// apart, where the analysis interleaves them), and reports wall time, CPU time (user +
// system; steadier on a shared machine) and the peak RSS reached so far.
//
//   npm run build && node bench/graph-phases.mjs impact|risk chain|star [N]
import { openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHANGE, ensureGraphOrg, ROOT_SERVICE } from './graph-org.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const dist = (rel) => import(pathToFileURL(join(ROOT, 'dist', rel)).href);
const [command = 'impact', shape = 'chain', count = '100000'] = process.argv.slice(2);
const org = ensureGraphOrg({ shape, nodes: Number(count), outDir: join(BENCH, '.work', `graph-${shape}-${count}`) });

const rows = [];
let cpu = process.cpuUsage();
let wall = performance.now();
const mark = (name) => {
  const c = process.cpuUsage(cpu);
  const now = performance.now();
  rows.push({ phase: name, wall: (now - wall) / 1000, cpu: (c.user + c.system) / 1e6, peakMB: (process.resourceUsage().maxRSS * 1024) / 1e6 });
  cpu = process.cpuUsage();
  wall = performance.now();
};

const { discover, DATA_FOLDERS } = await dist('adapters/fs/discover.js');
const { repositoryReader } = await dist('adapters/fs/read-policy.js');
const { schemaRegistry } = await dist('adapters/fs/schemas.js');
const { analyzeFile, decodeUtf8 } = await dist('core/analyze.js');
const { fastParse } = await dist('core/parse/fast.js');
const { validationOf } = await dist('app/load-organisation.js');
const { buildOrganisation } = await dist('core/organisation.js');
const { analyseImpact } = await dist('app/analyse-impact.js');
const { assessRiskEach } = await dist('app/assess-risk.js');
const { writeJson, writeJsonArray } = await dist('cli/output.js');
const { DEFAULT_LIST_LIMIT } = await dist('cli/list-limit.js');
const registry = schemaRegistry();
mark('modules and validators');

const { existsSync } = await import('node:fs');
const { files, diagnostics } = discover(org, DATA_FOLDERS.filter((d) => existsSync(join(org, d))));
mark('discovery');

const reader = repositoryReader(org);
const bytes = files.map((f) => reader.read(f.rel).bytes);
mark('read');

const texts = bytes.map((b) => decodeUtf8(b).text);
const values = texts.map((t) => fastParse(t));
mark('parse (decode + fast reader)');

let docs = 0;
for (const list of values) {
  for (const v of list ?? []) {
    if (v === null || typeof v !== 'object') continue;
    registry.validator(v.apiVersion, v.kind)?.(v);
    docs++;
  }
}
mark(`schema validation (${docs} documents)`);

// The analysis as the command runs it: parse, validation and the rest together.
const analyses = files.map((f, i) => analyzeFile(f.rel, bytes[i], registry, { keepValues: true }));
mark('whole per-file analysis (parse + schema + records + document rules)');

const validation = validationOf({ analyses, discoveryDiagnostics: diagnostics, source: reader.source });
if (validation.diagnostics.some((d) => d.severity === 'error')) throw new Error('the organisation is not valid');
mark('cross-document checks');

const loaded = { org: buildOrganisation(analyses), repo: { analyses, discoveryDiagnostics: diagnostics, source: reader.source }, validation };
mark('organisation build');

const sink = openSync('/dev/null', 'w');
const ctx = { stdout: (s) => writeSync(sink, s), stderr: () => {}, cwd: org, env: {}, isTTY: false };
if (command === 'impact') {
  const result = analyseImpact(loaded, [`service:${ROOT_SERVICE}`], { limit: DEFAULT_LIST_LIMIT });
  mark('graph work');
  await writeJson(ctx, result);
} else {
  const reports = [...assessRiskEach(loaded, new Map(), { ids: [CHANGE], now: Date.parse('2026-12-01T00:00:00Z'), blastRadiusRows: DEFAULT_LIST_LIMIT }).reports];
  mark('graph work');
  await writeJsonArray(ctx, reports);
}
mark('output (JSON to /dev/null)');

const pad = (s, n) => String(s).padEnd(n);
console.log(`${command} on the ${shape} of ${count}`);
for (const r of rows) console.log(`${pad(r.phase, 70)} ${pad(r.wall.toFixed(3) + ' s', 9)} cpu ${pad(r.cpu.toFixed(3) + ' s', 9)} peak ${r.peakMB.toFixed(0)} MB`);
