import { parseAllDocuments } from 'yaml';
import { nodeBudgetProblem } from '../core/parse/node-budget.js';
import { plainValue, type AliasBudget } from '../core/parse/plain-value.js';
import { isObj } from '../core/shape.js';

/**
 * Reads a YAML stream written by another tool into plain values, without judging them. Several
 * documents per file and comments between them are normal in Backstage and OpenSLO files; the
 * OpenSLO Go SDK's examples hold a top-level list of documents instead, so a list whose items
 * are all mappings with an apiVersion is read as that many documents.
 *
 * The `yaml` package reads YAML 1.2 (core schema): `2022-01-01 12:00:00` stays a string and
 * `on` stays `on`, which is what the upstream tools mean by them.
 */
export interface SourceDocument {
  /** The input file as the user named it (relative to the working folder). */
  file: string;
  /** Zero-based document index in the file. */
  document: number;
  /** Index inside a top-level list of documents, when the file is one. */
  item?: number;
  value: unknown;
}

export interface SourceProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The diagnostic code, for a problem the YAML reader names (an alias past its budget: `yaml.alias-limit`; a file past the node budget: `yaml.too-many-nodes`). */
  code?: string;
}

function isEnvelope(v: unknown): boolean {
  return isObj(v) && typeof v.apiVersion === 'string';
}

export function parseYamlStream(file: string, text: string): { documents: SourceDocument[]; problems: SourceProblem[] } {
  const documents: SourceDocument[] = [];
  const problems: SourceProblem[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const position = (offset: number): [number, number] => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, offset - lineStarts[lo]! + 1];
  };
  // The same budget as the organisation's reader, before the parser builds a node.
  const over = nodeBudgetProblem(text);
  if (over) {
    const [line, column] = position(over.offset);
    return { documents, problems: [{ file, line, column, message: over.message, code: over.code }] };
  }
  let index = 0;
  // Aliases resolve as the organisation's own reader resolves them: in one pass, anchors kept
  // as they are met, within one budget for the whole file. The yaml package's toJS looks each
  // alias's anchor up by walking the document again, which is quadratic in the aliases.
  const budget: AliasBudget = { used: 0 };
  for (const doc of parseAllDocuments(text, { uniqueKeys: true })) {
    const here = index++;
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const [line, column] = position(e.pos[0]);
        problems.push({ file, line, column, message: e.message.split('\n')[0]! });
      }
      continue;
    }
    const built = plainValue(doc, budget);
    if ('problem' in built) {
      const [line, column] = position(built.problem.range[0]);
      problems.push({ file, line, column, message: built.problem.message, code: built.problem.code });
      continue;
    }
    const value = built.value;
    if (value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length > 0 && value.every(isEnvelope)) {
      value.forEach((item, i) => documents.push({ file, document: here, item: i, value: item }));
    } else {
      documents.push({ file, document: here, value });
    }
  }
  return { documents, problems };
}

/** `file#2` or `file#0[3]`: where a document came from, for reports. */
export function sourceLabel(d: { file: string; document: number; item?: number }): string {
  return `${d.file}#${d.document}${d.item === undefined ? '' : `[${d.item}]`}`;
}
