import { createHash } from 'node:crypto';
import type { Diagnostic, Severity } from '../core/diagnostics.js';
import { repeatedNote, reportedDiagnostics } from './common.js';
import type { ReportInput, Reporter } from './reporter.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Code scanning resolves %SRCROOT% to the checkout, so results stay repo-relative. */
export const SRCROOT = '%SRCROOT%';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * A repo-relative path as a relative URI reference: each segment percent-encoded, so names with
 * spaces, '#', '?' or '%' stay one path instead of turning into a fragment or query.
 */
export function artifactUri(file: string): string {
  return file
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function region(d: Diagnostic): Record<string, number> {
  const startLine = Math.max(1, Math.trunc(d.line) || 1);
  const startColumn = Math.max(1, Math.trunc(d.column) || 1);
  const out: Record<string, number> = { startLine, startColumn };
  // An end before the start is not a region; dropping it keeps the log valid.
  if (d.endLine !== undefined && d.endLine >= startLine) {
    out.endLine = d.endLine;
    if (d.endColumn !== undefined && d.endColumn >= 1 && (d.endLine > startLine || d.endColumn >= startColumn)) out.endColumn = d.endColumn;
  } else if (d.endLine === undefined && d.endColumn !== undefined && d.endColumn >= startColumn) {
    out.endColumn = d.endColumn;
  }
  return out;
}

/**
 * What identifies a finding across runs: the rule, the file and the node, never the line, so an
 * alert survives unrelated edits above it. Identical keys (the same problem in two documents
 * of one file) get an ordinal, as GitHub's own line hashes do.
 */
function fingerprint(d: Diagnostic): string {
  return createHash('sha256').update(`${d.code}\u0000${d.file}\u0000${d.pointer}`).digest('hex').slice(0, 32);
}

export const sarifReporter: Reporter = {
  name: 'sarif',
  render(input: ReportInput): string {
    const diagnostics = reportedDiagnostics(input.diagnostics);
    const ruleIndex = new Map<string, number>();
    const rules: Record<string, unknown>[] = [];
    for (const code of [...new Set(diagnostics.map((d) => d.code))].sort()) {
      let info: ReturnType<NonNullable<ReportInput['describe']>>;
      try {
        info = input.describe?.(code);
      } catch {
        info = undefined;
      }
      const rule: Record<string, unknown> = { id: code, shortDescription: { text: info?.summary || code } };
      if (info?.helpUri) rule.helpUri = info.helpUri;
      ruleIndex.set(code, rules.length);
      rules.push(rule);
    }

    const fingerprintName = `${input.tool.name}/v1`;
    const seen = new Map<string, number>();
    const results = diagnostics.map((d) => {
      const hash = fingerprint(d);
      const n = seen.get(hash) ?? 0;
      seen.set(hash, n + 1);
      const result: Record<string, unknown> = {
        ruleId: d.code,
        ruleIndex: ruleIndex.get(d.code),
        level: LEVEL[d.severity],
        message: { text: [d.message, d.hint, repeatedNote(d)].filter(Boolean).join('\n') },
      };
      // '.' is the whole run (nothing found there): its location is the folder searched, as a
      // folder URI, so code scanning still has somewhere to file the alert.
      if (d.file !== '') {
        const uri = d.file === '.' ? './' : artifactUri(d.file);
        result.locations = [{ physicalLocation: { artifactLocation: { uri, uriBaseId: SRCROOT }, region: region(d) } }];
      }
      result.partialFingerprints = { [fingerprintName]: `${hash}:${n + 1}` };
      if (d.pointer !== '' || d.document !== undefined || d.repeated) {
        result.properties = { pointer: d.pointer, ...(d.document !== undefined ? { document: d.document } : {}), ...(d.repeated ? { repeated: d.repeated } : {}) };
      }
      return result;
    });

    const driver: Record<string, unknown> = { name: input.tool.name, version: input.tool.version };
    if (input.tool.informationUri) driver.informationUri = input.tool.informationUri;
    driver.rules = rules;

    const log = {
      // The spec asks for version first so readers can pick a parser before reading the rest.
      version: '2.1.0',
      $schema: SARIF_SCHEMA_URI,
      runs: [{ tool: { driver }, columnKind: 'utf16CodeUnits', results }],
    };
    return JSON.stringify(log, null, 2) + '\n';
  },
};
