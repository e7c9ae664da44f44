import { resolve, sep } from 'node:path';
import { readNamedFile } from '../adapters/fs/read-policy.js';
import { decodeUtf8 } from '../core/analyze.js';
import { auditReportProblems } from '../core/audit/report-shape.js';
import type { AuditReport } from '../core/audit/reconcile.js';
import { summarize, type Diagnostic } from '../core/diagnostics.js';
import { preciseParse } from '../core/parse/precise.js';
import { getReporter } from '../report/index.js';
import { UsageError, type CommandContext } from './context.js';
import { renderValidation } from './render.js';

/**
 * The saved report `opsledger catalog --audit FILE` shows (written by `opsledger audit
 * --report FILE`): read as the user named it, parsed with positions (JSON is YAML), and checked
 * against the shape the page reads. Problems are printed at their line and column; undefined
 * then, and the command exits 1 without building.
 */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

export function readAuditReport(ctx: CommandContext, given: string): AuditReport | undefined {
  const file = given.split(sep).join('/');
  const read = readNamedFile(resolve(ctx.cwd, given), MAX_REPORT_BYTES);
  if ('refused' in read) {
    if (read.refused === 'file.too-large') throw new UsageError(`--audit ${given} is ${read.stat!.size} bytes, over the ${MAX_REPORT_BYTES}-byte limit`);
    throw new UsageError(read.refused === 'file.not-regular' ? `--audit ${given} is not a regular file` : `--audit: no such file: ${given}`);
  }
  const diagnostics: Diagnostic[] = [];
  const decoded = decodeUtf8(read.bytes);
  let report: AuditReport | undefined;
  if ('badOffset' in decoded) {
    diagnostics.push({ file, line: 1, column: 1, severity: 'error', code: 'audit.report-invalid', message: `the file is not UTF-8 (bad byte at offset ${decoded.badOffset})`, pointer: '' });
  } else {
    const parsed = preciseParse(decoded.text);
    for (const p of parsed.problems) diagnostics.push({ file, ...parsed.positionOf(p.offset, p.endOffset), severity: 'error', code: 'audit.report-invalid', message: p.message, pointer: '' });
    const doc = parsed.documents[0];
    if (!diagnostics.length && (parsed.documents.length !== 1 || !doc?.ok)) diagnostics.push({ file, line: 1, column: 1, severity: 'error', code: 'audit.report-invalid', message: 'expected one JSON document', pointer: '' });
    else if (!diagnostics.length && doc?.ok) {
      for (const p of auditReportProblems(doc.value)) diagnostics.push({ file, ...parsed.locate(0, p.pointer), severity: 'error', code: 'audit.report-invalid', message: p.message, pointer: p.pointer });
      if (!diagnostics.length) report = doc.value as AuditReport;
    }
  }
  if (diagnostics.length) {
    ctx.stderr(renderValidation(ctx, getReporter('text')!, { diagnostics, summary: summarize(diagnostics, 1, 0) }, (f) => (f === file ? read.bytes : undefined)));
  }
  return report;
}
