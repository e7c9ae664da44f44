import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseYamlStream, type SourceDocument, type SourceProblem } from '../../import/parse.js';
import { decodeUtf8 } from '../../core/analyze.js';
import { readNamedFile } from './read-policy.js';

/**
 * Reads the YAML files an import is pointed at: files as given, folders walked for *.yaml and
 * *.yml (sorted, so reports come out in a stable order). Files are named relative to the
 * working folder in reports, as the user typed them.
 */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;
const SKIP = new Set(['node_modules', '.git']);

export interface ReadInputs {
  documents: SourceDocument[];
  problems: SourceProblem[];
  files: string[];
}

export function readYamlInputs(paths: readonly string[], cwd: string): ReadInputs {
  const files: string[] = [];
  const problems: SourceProblem[] = [];
  const display = (abs: string) => relative(cwd, abs).split(sep).join('/') || abs;
  const walk = (abs: string) => {
    for (const name of readdirSync(abs).sort()) {
      if (SKIP.has(name)) continue;
      const p = join(abs, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && YAML_FILE.test(name)) files.push(p);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) problems.push({ file: p, line: 1, column: 1, message: 'no such file or folder' });
    else if (st.isDirectory()) walk(abs);
    else files.push(abs);
  }
  const documents: SourceDocument[] = [];
  for (const abs of [...new Set(files)]) {
    const file = display(abs);
    const read = readNamedFile(abs, MAX_INPUT_BYTES);
    if ('refused' in read) {
      const message = read.refused === 'file.too-large' ? `the file is ${read.stat!.size} bytes, over the ${MAX_INPUT_BYTES}-byte limit` : read.refused === 'file.not-regular' ? 'not a regular file' : 'the file cannot be read';
      problems.push({ file, line: 1, column: 1, message });
      continue;
    }
    const decoded = decodeUtf8(read.bytes);
    if ('badOffset' in decoded) {
      problems.push({ file, line: 1, column: 1, message: `the file is not valid UTF-8 (offset ${decoded.badOffset})` });
      continue;
    }
    const parsed = parseYamlStream(file, decoded.text);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  return { documents, problems, files: [...new Set(files)].map(display) };
}
