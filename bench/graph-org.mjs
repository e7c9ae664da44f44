// Organisations shaped to stress the dependency graph (bench/graph.mjs): the minimal example
// organisation plus N generated services in one of two shapes, and one open change on the root.
//
//   chain: g00001 depends on the root, g00002 on g00001, ... (N levels, paths up to N long)
//   star:  every generated service depends on the root (one level, N dependents)
//
// The services go 1,000 documents to a file, so the read policy's size cap and the number of
// files stay ordinary; what grows is the graph.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BASE = join(ROOT, 'test', 'fixtures', 'minimal-org');
const PER_FILE = 1_000;
export const ROOT_SERVICE = 'cart';
export const CHANGE = 'CR-2026-0900';

const name = (i) => `g${String(i).padStart(6, '0')}`;

function service(i, shape) {
  const dep = shape === 'star' || i === 1 ? ROOT_SERVICE : name(i - 1);
  // Tiers and exposures vary so the impact level has something to weigh.
  return `apiVersion: opsledger/v1
kind: Service
metadata: {name: ${name(i)}}
spec:
  owner: checkout
  tier: ${1 + (i % 4)}
  exposure: ${['team', 'department', 'company', 'external'][i % 4]}
  lifecycle: production
  dependsOn: [service:${dep}]
`;
}

const change = `apiVersion: opsledger/v1
kind: ChangeRequest
metadata: {name: ${CHANGE}, title: Resize the cart cache}
spec:
  type: normal
  requester: mina-park
  services: [${ROOT_SERVICE}]
  environment: production
  schedule: {start: "2026-12-03T01:00:00+09:00", end: "2026-12-03T02:00:00+09:00"}
  description: Everything generated depends on cart, directly or down a chain.
status:
  phase: submitted
`;

/** Writes (or keeps, when its marker says it is complete) the organisation; returns its folder. */
export function ensureGraphOrg({ shape, nodes, outDir }) {
  const marker = join(outDir, '.complete');
  if (existsSync(marker)) return outDir;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  cpSync(BASE, outDir, { recursive: true });
  mkdirSync(join(outDir, 'services', 'generated'), { recursive: true });
  for (let first = 1; first <= nodes; first += PER_FILE) {
    const docs = [];
    for (let i = first; i < first + PER_FILE && i <= nodes; i++) docs.push(service(i, shape));
    writeFileSync(join(outDir, 'services', 'generated', `${name(first)}.yaml`), docs.join('---\n'));
  }
  writeFileSync(join(outDir, 'changes', `${CHANGE}.yaml`), change);
  writeFileSync(marker, `${shape} ${nodes}\n`);
  return outDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [shape, count, outDir] = process.argv.slice(2);
  if (!['chain', 'star'].includes(shape) || !outDir || !(Number(count) > 0)) {
    console.error('usage: node bench/graph-org.mjs chain|star N OUTDIR');
    process.exit(2);
  }
  console.log(ensureGraphOrg({ shape, nodes: Number(count), outDir }));
}
