#!/usr/bin/env node
// Parse-only floor: find every YAML file under the organisation's data folders, read it, and
// parse every document in it, nothing else (no schemas, no references). Run in a fresh process
// per measurement, like the CLI.
//
//   node bench/floor.mjs js-yaml|yaml ROOT
//
// js-yaml: js-yaml 4 loadAll with CORE_SCHEMA (timestamps stay strings, as opsledger reads them).
// yaml:    the `yaml` package's parseAllDocuments (Document trees with positions; no toJS).
// Prints one JSON line: {parser, files, documents, errors, bytes}.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [parser, root] = process.argv.slice(2);
if (!['js-yaml', 'yaml'].includes(parser) || !root) {
  console.error('usage: node bench/floor.mjs js-yaml|yaml ROOT');
  process.exit(2);
}
// The same folders opsledger reads by convention (src/adapters/fs/discover.ts DATA_FOLDERS).
const DATA_FOLDERS = ['services', 'teams', 'changes', 'cmdb', 'slos', 'incidents', 'systems', 'apis'];
const YAML_FILE = /\.ya?ml$/i;

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && YAML_FILE.test(e.name)) out.push(p);
  }
}

let parse;
if (parser === 'js-yaml') {
  const jsyaml = (await import('js-yaml')).default;
  const options = { schema: jsyaml.CORE_SCHEMA };
  parse = (text) => {
    const docs = jsyaml.loadAll(text, undefined, options);
    return [docs.filter((d) => d !== null && d !== undefined).length, 0];
  };
} else {
  const { parseAllDocuments } = await import('yaml');
  parse = (text) => {
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [];
    return [list.length, list.reduce((n, d) => n + d.errors.length, 0)];
  };
}

const files = [];
for (const d of DATA_FOLDERS) walk(join(root, d), files);
let documents = 0;
let errors = 0;
let bytes = 0;
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  bytes += text.length;
  try {
    const [n, e] = parse(text);
    documents += n;
    errors += e;
  } catch {
    errors++;
  }
}
console.log(JSON.stringify({ parser, files: files.length, documents, errors, bytes }));
