import { decodeUtf8 } from './utf8.js';
import { checkDocument, type Finding } from './checks/document.js';
import { deprecatedApiVersion } from './deprecated-api-versions.js';
import { joinPointer, type Diagnostic } from './diagnostics.js';
import { extractRecord, type DocRecord } from './facts.js';
import { fastParse } from './parse/fast.js';
import { normalizeLineBreaks } from './parse/line-breaks.js';
import { preciseParse, type PreciseFile } from './parse/precise.js';
import { locator } from './parse/locate.js';
import type { SchemaRegistry } from './schema/registry.js';
import { schemaFindings } from './schema/errors.js';
import { isObj } from './shape.js';
import { didYouMean } from './suggest.js';

export { decodeUtf8 };

/**
 * Everything that can be said about one file on its own: syntax, routing, schema and
 * single-document rules, plus the records the cross-document checks need. A pure function of
 * the file's path and bytes (and the schemas), which is what makes its result cacheable by
 * content hash.
 */
export interface FileAnalysis {
  file: string;
  documents: DocRecord[];
  /** Placed diagnostics about this file alone. */
  diagnostics: Diagnostic[];
  /** Parsed values by document index, only when asked for (commands that need the model). */
  values?: (unknown | undefined)[];
  /**
   * The decoded text, only when asked for: a thread that cannot hand its values over cheaply
   * hands over the text, and `documentValues` turns it into the same values elsewhere.
   */
  text?: string;
}

export interface AnalyzeOptions {
  keepValues?: boolean;
  keepText?: boolean;
  /**
   * Skip the fast reader. The verdict must not change (the differential test holds the two
   * paths to that); this is how it is checked.
   */
  preciseOnly?: boolean;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function at(file: string, code: string, message: string, line = 1, column = 1, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { file, line, column, severity: 'error', code, message, pointer: '', ...extra };
}

function lineColumnOfByte(bytes: Uint8Array, offset: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return [line, offset - lineStart + 1];
}

/** Pointers to every unsafe key; the path is only turned into a pointer for a hit. */
function findUnsafeKeys(value: unknown, out: string[]): void {
  const path: (string | number)[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 200 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (item !== null && typeof item === 'object') {
          path.push(i);
          walk(item, depth + 1);
          path.pop();
        }
      }
      return;
    }
    for (const key in v) {
      if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
      path.push(key);
      if (UNSAFE_KEYS.has(key)) out.push(joinPointer('', ...path));
      const child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') walk(child, depth + 1);
      path.pop();
    }
  };
  walk(value, 0);
}

export function analyzeFile(file: string, bytes: Uint8Array, registry: SchemaRegistry, options: AnalyzeOptions = {}): FileAnalysis {
  const decoded = decodeUtf8(bytes);
  if ('badOffset' in decoded) {
    const [line, column] = lineColumnOfByte(bytes, decoded.badOffset);
    return { file, documents: [], diagnostics: [at(file, 'file.encoding', `the file is not valid UTF-8 (byte 0x${bytes[decoded.badOffset]?.toString(16).padStart(2, '0') ?? '??'} at offset ${decoded.badOffset})`, line, column)] };
  }
  return analyzeText(file, decoded.text, registry, options);
}

/** A document's value for every document of the text (undefined where it does not parse): what analyzeText keeps. */
export function documentValues(text: string): (unknown | undefined)[] {
  return fastParse(text) ?? preciseValues(preciseParse(text));
}

function preciseValues(p: PreciseFile): (unknown | undefined)[] {
  return p.documents.map((d) => (d.ok ? d.value : undefined));
}

export function analyzeText(file: string, input: string, registry: SchemaRegistry, options: AnalyzeOptions = {}): FileAnalysis {
  // Lone CRs become LFs here, offset for offset, so the emptiness check below and anyone
  // handed `text` see the same lines as the parser's positions.
  const text = normalizeLineBreaks(input);
  const diagnostics: Diagnostic[] = [];
  let precise: PreciseFile | undefined;
  const getPrecise = () => (precise ??= preciseParse(text));

  const fast = options.preciseOnly ? undefined : fastParse(text);
  let values: (unknown | undefined)[] | undefined = fast;
  if (values === undefined) {
    const p = getPrecise();
    for (const problem of p.problems) {
      const pos = p.positionOf(problem.offset, problem.endOffset);
      diagnostics.push({ file, ...pos, severity: 'error', code: problem.code, message: problem.message, pointer: '', document: problem.document });
    }
    values = preciseValues(p);
    if (p.problems.length === 0 && p.documents.length === 0 && text.trim() !== '' && !isOnlyComments(text)) {
      diagnostics.push(at(file, 'yaml.syntax', 'the file could not be read as YAML'));
    }
  }

  const fileStem = (file.split('/').pop() ?? file).replace(/\.ya?ml$/i, '');
  const documents: DocRecord[] = [];
  const findings: { index: number; finding: Finding }[] = [];
  const realDocuments = values.filter((v) => v !== null && v !== undefined).length;
  const failedDocuments = new Set(diagnostics.map((d) => d.document));

  if (realDocuments === 0 && diagnostics.length === 0) {
    diagnostics.push(at(file, 'file.empty', 'the file holds no YAML document; delete it or add one', 1, 1, { severity: 'error' }));
  }

  values.forEach((value, index) => {
    if (value === undefined || failedDocuments.has(index)) return;
    // An empty document between separators (`---` at the end of a file) is harmless.
    if (value === null) return;
    const push = (finding: Finding) => findings.push({ index, finding });
    if (!isObj(value)) {
      push({ severity: 'error', code: 'doc.not-mapping', pointer: '', target: 'value', message: `a document must be a mapping with apiVersion, kind, metadata and spec, not ${Array.isArray(value) ? 'a list' : 'a single value'}` });
      return;
    }
    const unsafe: string[] = [];
    // The fast reader steps aside for every such key (fast.ts): only the precise path's values can hold one.
    if (fast === undefined) findUnsafeKeys(value, unsafe);
    for (const pointer of unsafe) {
      push({ severity: 'error', code: 'yaml.unsafe-key', pointer, target: 'key', message: `the key "${pointer.split('/').pop()}" is not allowed: it can alter object prototypes in tools that read this file` });
    }
    if (unsafe.length) return;

    const apiVersion = value.apiVersion;
    const kind = value.kind;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      const pointer = typeof apiVersion !== 'string' ? '/apiVersion' : '/kind';
      push({ severity: 'error', code: 'kind.missing', pointer, target: 'value', message: `every document needs a string ${pointer.slice(1)} (e.g. apiVersion: opsledger/v1, kind: Service)` });
      return;
    }
    const validate = registry.validator(apiVersion, kind);
    const deprecated = validate ? undefined : deprecatedApiVersion(apiVersion);
    if (deprecated) {
      push({ severity: 'error', code: 'kind.deprecated-api-version', pointer: '/apiVersion', target: 'value', message: `${apiVersion} is superseded by ${deprecated.replacement}; opsledger does not read this document`, hint: `convert it: ${deprecated.convert}` });
      return;
    }
    if (!validate) {
      const known = registry.kinds(apiVersion);
      if (known.length === 0) {
        const hint = didYouMean(apiVersion, registry.apiVersions());
        push({ severity: 'error', code: 'kind.unknown-api-version', pointer: '/apiVersion', target: 'value', message: `unknown apiVersion "${apiVersion}"; known: ${registry.apiVersions().join(', ')}`, ...(hint ? { hint } : {}) });
      } else {
        const hint = didYouMean(kind, known);
        push({ severity: 'error', code: 'kind.unknown', pointer: '/kind', target: 'value', message: `unknown kind "${kind}" for ${apiVersion}; known: ${known.join(', ')}`, ...(hint ? { hint } : {}) });
      }
      return;
    }
    const valid = validate(value) as boolean;
    if (!valid) for (const f of schemaFindings(validate.errors ?? [], value)) push(f);
    documents.push(extractRecord(index, apiVersion, kind, value));
    if (valid && apiVersion === 'opsledger/v1') {
      for (const f of checkDocument(kind, value, { fileStem, documentsInFile: realDocuments })) push(f);
    }
  });

  if (findings.length) {
    // What the fast reader read, it can place (the precise parser where it cannot).
    const locate = fast === undefined ? getPrecise().locate : locator(text);
    for (const { index, finding } of findings) {
      const { target, ...rest } = finding;
      diagnostics.push({ file, ...locate(index, finding.pointer, target), ...rest, document: index });
    }
  }
  return { file, documents, diagnostics, ...(options.keepValues ? { values } : {}), ...(options.keepText ? { text } : {}) };
}

function isOnlyComments(text: string): boolean {
  return text.split('\n').every((l) => l.trim() === '' || l.trim().startsWith('#') || l.trim() === '---' || l.trim() === '...');
}
