#!/usr/bin/env node
// A corpus made of copies of the example organisation (issue #22: "a corpus generated from the
// example organisation, copies renamed, references kept valid"): documents that look like the
// ones people write (long changes with stages, rollbacks and pre-mortems, incidents, SLOs), at
// the scale of the synthetic organisations.
//
//   node bench/example-corpus.mjs OUTDIR [COPIES]      (default 200 copies)
//
// Copy 0 is the example as shipped. Every other copy renames every document it holds: a name
// becomes `<name>-c<k>`, and ids with a number (CR-2026-0176, INC-2026-0298) get a number of
// their own, everywhere the name appears as a word in that copy's text (references, prose). The
// one policy and the one change calendar are the example's own, so the copies leave them out.
// Cached like the generated organisations: a manifest records the copies and this script's hash.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const FOLDERS = ['services', 'teams', 'changes', 'cmdb', 'slos', 'incidents', 'systems', 'apis'];
const SINGLETONS = new Set(['changes/policy.yaml', 'changes/calendar.yaml']);

function exampleFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(e.name)) out.push(relative(ROOT, p));
    }
  };
  for (const f of FOLDERS) if (existsSync(join(ROOT, f))) walk(join(ROOT, f));
  return out;
}

export function ensureExampleCorpus(outDir, copies = 200) {
  const files = exampleFiles();
  const texts = new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
  const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).update(String(copies));
  for (const [f, t] of texts) hash.update(f).update('\0').update(t);
  const stamp = hash.digest('hex').slice(0, 16);
  try {
    const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    if (m.stamp === stamp) return { manifest: m, reused: true };
  } catch {
    // build it
  }
  const names = new Set();
  for (const [f, t] of texts) {
    if (SINGLETONS.has(f)) continue;
    for (const d of jsyaml.loadAll(t, undefined, { schema: jsyaml.CORE_SCHEMA })) if (d?.metadata?.name) names.add(String(d.metadata.name));
  }
  // Longest first, so `cart-api` is renamed as itself and not as `cart` followed by `-api`.
  const sorted = [...names].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const word = new RegExp(`(?<![\\w-])(${sorted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\w-])`, 'g');
  const numbered = sorted.filter((n) => /^[A-Z]+-\d{4}-\d{4}$/.test(n));
  const firstNumber = Math.max(0, ...numbered.map((n) => Number(n.slice(-4)))) + 1;
  if (firstNumber + (copies - 1) * numbered.length > 10000) throw new Error('too many copies for four-digit ids');
  rmSync(outDir, { recursive: true, force: true });
  const seen = new Set();
  const collisions = [];
  let written = 0;
  let documents = 0;
  let bytes = 0;
  for (let k = 0; k < copies; k++) {
    const rename = new Map();
    for (const n of names) rename.set(n, `${n}-c${k}`);
    // A numbered id keeps its prefix and year and takes a number no other copy, and no id of copy 0, uses.
    numbered.forEach((n, i) => rename.set(n, n.replace(/\d{4}$/, String(firstNumber + (k - 1) * numbered.length + i).padStart(4, '0'))));
    for (const [f, t] of texts) {
      if (k > 0 && SINGLETONS.has(f)) continue;
      const text = k === 0 ? t : t.replace(word, (m) => rename.get(m) ?? m);
      let rel = f;
      if (k > 0) {
        // Files named after what they hold are renamed with it; the rest go in a folder of the copy's own.
        const base = f.split('/').pop().replace(/\.ya?ml$/i, '');
        const parts = f.split('/');
        rel = rename.has(base) ? [...parts.slice(0, -1), `${rename.get(base)}.yaml`].join('/') : [parts[0], `copy-${k}`, ...parts.slice(1)].join('/');
        rel = rel.split('/').map((p, i, all) => (i < all.length - 1 && rename.has(p) ? rename.get(p) : p)).join('/');
      }
      if (seen.has(rel)) collisions.push(`${k}:${f}->${rel}`);
      seen.add(rel);
      mkdirSync(join(outDir, dirname(rel)), { recursive: true });
      writeFileSync(join(outDir, rel), text);
      written++;
      bytes += Buffer.byteLength(text);
      documents += jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA }).filter((d) => d != null).length;
    }
  }
  // Two documents written to one path would leave one of them out of the corpus unnoticed.
  if (collisions.length) throw new Error(`copies collide: ${collisions.slice(0, 5).join(', ')}`);
  const manifest = { stamp, copies, files: written, documents, bytes };
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, reused: false };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, n] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node bench/example-corpus.mjs OUTDIR [COPIES]');
    process.exit(2);
  }
  const t0 = performance.now();
  const { manifest, reused } = ensureExampleCorpus(out, n ? Number(n) : 200);
  console.log(`${out}: ${manifest.files} files, ${manifest.documents} documents, ${(manifest.bytes / 2 ** 20).toFixed(1)} MiB (${reused ? 'reused' : 'written'} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
