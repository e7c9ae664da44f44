import { readNamedFile } from '../../adapters/fs/read-policy.js';
import { resolve, sep } from 'node:path';
import { writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import { decodeUtf8 } from '../../core/analyze.js';
import { renderCalendarYaml } from '../../core/calendar/calendar-yaml.js';
import { importArgoCd } from '../../core/calendar/import-argocd.js';
import { importGitLab } from '../../core/calendar/import-gitlab.js';
import { importedCalendar, isDnsLabel, type ImportOptions, type ImportResult, type ImportedWindow } from '../../core/calendar/import.js';
import { formatInstant, parseInstant } from '../../core/calendar/local-time.js';
import { summarize, type Diagnostic } from '../../core/diagnostics.js';
import { preciseParse } from '../../core/parse/precise.js';
import { getReporter } from '../../report/index.js';
import { isGiven } from '../command-spec.js';
import { UsageError, type CommandContext } from '../context.js';
import { renderValidation } from '../render.js';
import type { CalendarOptions } from './calendar.js';

/**
 * `opsledger calendar import argocd|gitlab FILE... [--out FILE] [--since T] [--name N] [--env E]`:
 * reads Argo CD AppProjects or GitLab freeze periods and prints (or writes) one ChangeCalendar
 * document. Problems are reported at their line and column like validation findings; any
 * error means nothing is written (exit 1), warnings are reported and the import goes on.
 */

const MAX_INPUT_BYTES = 5 * 1024 * 1024;
const IMPORTERS: Record<string, (docs: readonly unknown[], options: ImportOptions) => ImportResult> = {
  argocd: importArgoCd,
  gitlab: importGitLab,
};

export async function calendarImportCommand(ctx: CommandContext, values: CalendarOptions, args: string[]): Promise<number> {
  const [source, ...files] = args;
  const importer = source === undefined ? undefined : IMPORTERS[source];
  if (!importer) throw new UsageError(source ? `cannot import calendars from "${source}"; use argocd or gitlab` : 'name what to import from: argocd or gitlab');
  if (files.length === 0) throw new UsageError(`name the ${source} files to import`);
  for (const flag of ['at', 'from', 'to', 'ics', 'with-changes', 'service', 'change'] as const) {
    if (isGiven(values[flag])) throw new UsageError(`--${flag} does not apply to \`opsledger calendar import\``);
  }
  const since = values.since === undefined ? Date.now() : typeof values.since === 'string' ? parseInstant(values.since) : undefined;
  if (since === undefined) throw new UsageError(`--since takes an ISO 8601 instant with an offset; got "${String(values.since)}"`);
  const env = typeof values.env === 'string' ? values.env : undefined;
  if (env !== undefined && !isDnsLabel(env)) throw new UsageError(`--env "${env}" is not an environment name such as production`);
  const name = typeof values.name === 'string' ? values.name : source!;
  if (!isDnsLabel(name)) throw new UsageError(`--name "${name}" must be a lowercase DNS label such as production`);

  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, Uint8Array>();
  const imported: ImportedWindow[] = [];
  for (const given of files) {
    const abs = resolve(ctx.cwd, given);
    // Named as the user typed it: that is the name they recognise in messages and comments.
    const file = given.split(sep).join('/');
    const read = readNamedFile(abs, MAX_INPUT_BYTES);
    if ('refused' in read) {
      if (read.refused === 'file.too-large') throw new UsageError(`${given} is ${read.stat!.size} bytes, over the ${MAX_INPUT_BYTES}-byte limit`);
      throw new UsageError(read.refused === 'file.not-regular' ? `${given} is not a regular file` : `no such file: ${given}`);
    }
    const bytes = read.bytes;
    sources.set(file, bytes);
    const decoded = decodeUtf8(bytes);
    if ('badOffset' in decoded) {
      diagnostics.push({ file, line: 1, column: 1, severity: 'error', code: 'file.encoding', message: `the file is not UTF-8 (bad byte at offset ${decoded.badOffset})`, pointer: '' });
      continue;
    }
    const parsed = preciseParse(decoded.text);
    for (const p of parsed.problems) {
      const pos = parsed.positionOf(p.offset, p.endOffset);
      diagnostics.push({ file, ...pos, severity: 'error', code: p.code, message: p.message, pointer: '', document: p.document });
    }
    const result = importer(
      parsed.documents.map((d) => (d.ok ? d.value : undefined)),
      { since, ...(env ? { environment: env } : {}) },
    );
    for (const p of result.problems) {
      diagnostics.push({ file, ...parsed.locate(p.document, p.pointer), severity: p.severity, code: p.code, message: p.message, pointer: p.pointer, document: p.document });
    }
    imported.push(...result.windows.map((w) => ({ ...w, source: `${file}: ${w.source}` })));
  }

  if (diagnostics.length) {
    ctx.stderr(renderValidation(ctx, getReporter('text')!, { diagnostics, summary: summarize(diagnostics, files.length, imported.length) }, (f) => sources.get(f)));
  }
  if (diagnostics.some((d) => d.severity === 'error')) return 1;

  const { calendar, windows } = importedCalendar(name, imported);
  const header = [
    `Imported by \`opsledger calendar import ${source}\`; recurring windows start at their first occurrence from ${formatInstant(since)}.`,
    'Review the notes above each window before committing.',
  ];
  const yaml = renderCalendarYaml(calendar, windows, header);
  if (typeof values.out === 'string') {
    const target = resolve(ctx.cwd, values.out);
    try {
      writeFileAtomic(target, yaml);
    } catch (e) {
      ctx.stderr(`opsledger calendar import: cannot write ${values.out}: ${(e as Error).message}\n`);
      return 2;
    }
    ctx.stdout(`Wrote ${windows.length} window${windows.length === 1 ? '' : 's'} to ${values.out}\n`);
  } else {
    ctx.stdout(yaml);
  }
  return 0;
}
