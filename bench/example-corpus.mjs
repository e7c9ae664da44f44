#!/usr/bin/env node
// A corpus made of the example organisation (the repository's own data folders) copied N times,
// each copy's names renamed so that they stay unique and every reference still resolves: a
// document that names `checkout-api` in copy 7 names `checkout-api-c7`, and change, incident
// and problem ids move to another year (CR-2026-0176 becomes CR-2033-0176 in copy 7). The
// documents look like the example's (long changes, rollbacks, stages, pre-mortems), not like
// the synthetic generator's.
//
//   node bench/example-corpus.mjs [outDir] [copies]     (default bench/.work/example-220, 220)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const FOLDERS = ['apis', 'changes', 'incidents', 'services', 'systems', 'teams', 'domains', 'templates', 'cmdb', 'slos'];
const VERSION = 1;
const ID = /^(CR|INC|PRB)-(\d{4})-(\d{4})$/;

function sourceFiles() {
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

// One per organisation: the policy and the calendars stay in the first copy alone, unrenamed
// (their names are words other fields use, like "production").
const SINGLE = new Set(['Policy', 'ChangeCalendar']);

/** Every metadata.name the example defines, but the single documents'; and the files that hold those. */
function definedNames(files) {
  const names = new Set();
  const single = new Set();
  for (const rel of files) {
    for (const doc of jsyaml.loadAll(readFileSync(join(ROOT, rel), 'utf8'), undefined, { schema: jsyaml.CORE_SCHEMA })) {
      const name = doc?.metadata?.name;
      if (SINGLE.has(doc?.kind)) single.add(rel);
      else if (typeof name === 'string' && name) names.add(name);
    }
  }
  return { names: [...names].sort((a, b) => b.length - a.length), single };
}

function renamer(names, copy) {
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // A name stands alone: not part of a longer name, a path segment's suffix or a word.
  const re = new RegExp(`(?<![A-Za-z0-9_-])(${escaped.join('|')})(?![A-Za-z0-9_-])`, 'g');
  return (text) =>
    text.replace(re, (name) => {
      const id = ID.exec(name);
      return id ? `${id[1]}-${Number(id[2]) + copy}-${id[3]}` : `${name}-c${copy}`;
    });
}

export function ensureExampleCorpus({ outDir = join(ROOT, 'bench', '.work', 'example-220'), copies = 220 } = {}) {
  const files = sourceFiles();
  const stamp = JSON.stringify({ VERSION, copies, files: files.map((f) => [f, statSync(join(ROOT, f)).size]) });
  try {
    if (readFileSync(join(outDir, 'corpus.json'), 'utf8') === stamp) return { outDir, files: files.length * copies, reused: true };
  } catch {
    // build it
  }
  rmSync(outDir, { recursive: true, force: true });
  const { names, single } = definedNames(files);
  const texts = files.map((rel) => readFileSync(join(ROOT, rel), 'utf8'));
  for (let c = 0; c < copies; c++) {
    // The first copy is the example itself: the policy's groups name its teams.
    const rename = c === 0 ? (text) => text : renamer(names, c);
    files.forEach((rel, i) => {
      if (c > 0 && single.has(rel)) return;
      // The copy's folder sits under the data folder; the file keeps its (renamed) name.
      const [top, ...rest] = rel.split('/');
      const target = join(outDir, top, `c${c}`, ...rest.map((seg) => rename(seg.replace(/\.ya?ml$/i, '')) + (/\.ya?ml$/i.test(seg) ? seg.slice(seg.lastIndexOf('.')) : '')));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, rename(texts[i]));
    });
  }
  writeFileSync(join(outDir, 'corpus.json'), stamp);
  return { outDir, files: files.length + (files.length - single.size) * (copies - 1), reused: false };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = ensureExampleCorpus({ ...(process.argv[2] ? { outDir: process.argv[2] } : {}), ...(process.argv[3] ? { copies: Number(process.argv[3]) } : {}) });
  console.log(`${r.reused ? 'reused' : 'wrote'} ${r.outDir}: ${r.files} files`);
}
