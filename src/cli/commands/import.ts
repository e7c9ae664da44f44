import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { importCatalog } from '../../app/import-catalog.js';
import { schemaRegistry } from '../../adapters/fs/schemas.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { FileExistsError, writeFiles } from '../../adapters/fs/write-files.js';
import { readYamlInputs } from '../../adapters/fs/yaml-inputs.js';
import type { ImportReport } from '../../import/report.js';
import { readStatuspageMapping, severityTable } from '../../import/statuspage/convert.js';
import type { StatuspageOptions } from '../../app/statuspage-context.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { importTarget } from '../import-target.js';
import { terminalProgress } from '../progress.js';

/**
 * `opsledger import backstage <path>...` and `opsledger import openslo <file>...`: read another
 * tool's files, write opsledger documents, and report what was mapped, what was dropped and
 * why, and what a person must check. Exit 0 when the inputs were read, 1 when an input could
 * not be parsed (the rest is still imported) or when nothing at all was imported, 2 on usage
 * errors or refused overwrites.
 */
const options = defineOptions({
  out: { type: 'string', description: 'the organisation (or one of its data folders) to write to', defaultText: '--root for backstage, <root>/slos for openslo and sloth', example: 'imported' },
  force: { type: 'boolean', description: 'overwrite files that exist' },
  'create-missing': { type: 'boolean', description: 'backstage: --create-teams, and a stub System, Domain or API (owned by the owner of what names it, listed for review) for each one the catalog names and nothing defines' },
  'create-teams': { type: 'boolean', description: 'backstage: write a Team for each owner and each group of a user that the catalog names and nothing defines (group:default/x, user:y), with those users as members' },
  'dry-run': { type: 'boolean', description: 'report what would be written; write nothing' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the report', example: 'json' },
  quiet: { type: 'boolean', short: 'q', description: 'show no progress line on the terminal' },
  map: { type: 'string', description: 'statuspage: a YAML file mapping components to services (components:) and impacts to severities (impact:)', defaultText: 'components matched to services by name or title', example: 'statuspage-map.yaml' },
  severity: { type: 'string', description: 'statuspage: impact=severity pairs, comma-separated (over the --map file)', defaultText: 'critical=sev1,major=sev2,minor=sev3,none=sev4, each listed for review', example: 'critical=sev1,major=sev1' },
});

export const importSpec = defineCommand({
  name: 'import',
  summary: 'read Backstage catalog files, OpenSLO (v1, v1alpha) or Sloth specs, or Statuspage incidents into opsledger documents, reporting every loss',
  usage: ['opsledger import backstage|openslo|sloth <path>... [--out DIR] [--create-teams|--create-missing] [--force] [--dry-run] [--format text|json]', 'opsledger import statuspage <incidents.json>... [--map FILE] [--severity impact=sevN,...] [--out DIR] [--dry-run] [--format text|json]'],
  options,
  examples: ['opsledger import backstage catalog-info.yaml --dry-run', 'opsledger import openslo slos/ --out imported --format json', 'opsledger import statuspage incidents.json --map statuspage-map.yaml --dry-run'],
  run: importCommand,
});

export async function importCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const [source, ...paths] = positionals;
  if (source !== 'backstage' && source !== 'openslo' && source !== 'sloth' && source !== 'statuspage') throw new UsageError(source ? `cannot import from "${source}"; use backstage, openslo, sloth or statuspage` : 'name what to import from: backstage, openslo, sloth or statuspage');
  if (source !== 'statuspage' && (values.map !== undefined || values.severity !== undefined)) throw new UsageError('--map and --severity are for statuspage');
  if (values['create-teams'] && source !== 'backstage') throw new UsageError('--create-teams is for backstage imports');
  if (values['create-missing'] && source !== 'backstage') throw new UsageError('--create-missing is for backstage imports');
  if (paths.length === 0) throw new UsageError(`name the ${source} files or folders to import`);
  const format = values.format;
  const root = rootOf(ctx, values);
  if (values.out === '') throw new UsageError('--out needs a folder');
  const { base: out, orgRoot } = importTarget(source, root, typeof values.out === 'string' ? resolve(ctx.cwd, values.out) : undefined);

  const missing = paths.filter((p) => !existsSync(resolve(ctx.cwd, p)));
  if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const inputs = readYamlInputs(paths, ctx.cwd);
  const registry = schemaRegistry();
  const statuspage = source === 'statuspage' ? statuspageOptions(ctx, values) : undefined;
  const progress = terminalProgress(ctx, 'import', values.quiet);
  let plan;
  try {
    plan = await importCatalog({ from: source, documents: inputs.documents, problems: inputs.problems, into: worktreeSource(orgRoot), out, registry, createTeams: Boolean(values['create-teams']), createMissing: Boolean(values['create-missing']), ...(statuspage ? { statuspage } : {}), ...(progress.report ? { progress: progress.report } : {}) });
  } finally {
    progress.end();
  }
  const { report, planned } = plan;
  if (!values['dry-run']) {
    try {
      writeFiles(out, planned, { force: Boolean(values.force) });
    } catch (e) {
      if (e instanceof FileExistsError) throw new UsageError(`${e.message} (under ${out}); pass --force to overwrite, or --out to write elsewhere`);
      throw e;
    }
  }
  const shownOut = relative(ctx.cwd, out).split(sep).join('/') || '.';
  if (format === 'json') ctx.stdout(JSON.stringify({ ...report, out: shownOut, written: !values['dry-run'] }, null, 2) + '\n');
  else ctx.stdout(renderImportReport(report, shownOut, Boolean(values['dry-run'])));
  // Nothing written is never a success: every document was dropped, or there was none.
  if (!planned.length) {
    ctx.stderr(`opsledger import: no document was imported (${count(report.entities.length, 'document')} read, ${count(inputs.problems.length, 'file')} unreadable)\n`);
    return 1;
  }
  return inputs.problems.length ? 1 : 0;
}

/** The --map file and --severity pairs, checked; a problem in either is a usage error, before anything is read. */
function statuspageOptions(ctx: CommandContext, values: OptionsOf<typeof options>): StatuspageOptions {
  let components = new Map<string, string>();
  const pairs: Record<string, string> = {};
  if (typeof values.map === 'string') {
    if (!existsSync(resolve(ctx.cwd, values.map))) throw new UsageError(`no such file: ${values.map}`);
    const read = readYamlInputs([values.map], ctx.cwd);
    if (read.problems.length) throw new UsageError(`--map ${values.map}: ${read.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('; ')}`);
    const mapping = readStatuspageMapping(read.documents[0]?.value);
    if (mapping.problems.length) throw new UsageError(`--map ${values.map}: ${mapping.problems.join('; ')}`);
    components = mapping.components;
    Object.assign(pairs, mapping.impact);
  }
  if (typeof values.severity === 'string') {
    for (const pair of values.severity.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [impact, severity, ...rest] = pair.split('=').map((x) => x.trim());
      if (!impact || !severity || rest.length) throw new UsageError(`--severity takes impact=severity pairs such as critical=sev1, not "${pair}"`);
      pairs[impact] = severity;
    }
  }
  const table = severityTable(pairs);
  if (table.problems.length) throw new UsageError(`${values.severity !== undefined ? '--severity' : '--map'}: ${table.problems.join('; ')}`);
  return { severities: table.table, given: table.given, components };
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderImportReport(report: ImportReport, out: string, dryRun: boolean): string {
  const lines: string[] = [];
  const by = (r: string) => report.entities.filter((e) => e.result === r);
  const kinds = new Map<string, number>();
  for (const f of report.files) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const made = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing';
  lines.push(`Read ${count(report.entities.length, 'document')} from ${report.from}: ${by('mapped').length} mapped (${made}), ${by('merged').length} merged into others, ${by('dropped').length} dropped.`);
  lines.push(dryRun ? `Would write ${count(report.files.length, 'file')} under ${out} (dry run).` : `Wrote ${count(report.files.length, 'file')} under ${out}.`);
  for (const f of report.files) lines.push(`  ${f.path}`);

  if (report.problems.length) {
    lines.push('', `Could not read (${report.problems.length}):`);
    for (const p of report.problems) lines.push(`  ${p.file}:${p.line}:${p.column}: ${p.message}`);
  }
  if (report.review.length) {
    lines.push('', `Needs a human (${report.review.length}): defaults written in place of what the source does not say`);
    for (const r of report.review) lines.push(`  ${r.target} ${r.pointer} = ${JSON.stringify(r.value)}: ${r.reason} [${r.code}]`);
  }
  if (report.dangling.length) {
    lines.push('', `Dangling references the input left open (${report.dangling.length}): written as they are; add the missing documents or fix the reference`);
    for (const d of report.dangling) lines.push(`  ${d.target} ${d.pointer} -> ${d.ref}${d.written ? ` (written "${d.written}")` : ''}`);
  }
  const merged = by('merged');
  if (merged.length) {
    lines.push('', `Merged (${merged.length}):`);
    for (const e of merged) lines.push(`  ${e.ref}: into ${e.to.length ? e.to.join(', ') : '(nothing)'}`);
  }
  const droppedWhole = by('dropped');
  if (droppedWhole.length) {
    lines.push('', `Dropped documents (${droppedWhole.length}):`);
    for (const e of droppedWhole) lines.push(`  ${e.ref} (${e.source}): ${e.reason ?? ''} [${e.code ?? ''}]`);
  }
  const fieldLosses = report.entities.filter((e) => e.result !== 'dropped' && e.dropped.length);
  if (fieldLosses.length) {
    lines.push('', `Dropped fields (${fieldLosses.reduce((n, e) => n + e.dropped.length, 0)}):`);
    for (const e of fieldLosses) {
      // One line per reason keeps long member lists readable.
      const byReason = new Map<string, string[]>();
      for (const d of e.dropped) byReason.set(`${d.reason} [${d.code}]`, [...(byReason.get(`${d.reason} [${d.code}]`) ?? []), d.pointer]);
      for (const [reason, pointers] of byReason) lines.push(`  ${e.ref} ${pointers.join(', ')}: ${reason}`);
    }
  }
  const changed = report.entities.filter((e) => e.changed.length);
  if (changed.length) {
    lines.push('', `Changed on the way (${changed.reduce((n, e) => n + e.changed.length, 0)}):`);
    for (const e of changed) for (const c of e.changed) lines.push(`  ${e.ref} ${c.pointer}: ${c.reason} [${c.code}]`);
  }
  if (!dryRun && report.files.length) lines.push('', 'Next: run `opsledger validate` and settle the items above.');
  return lines.join('\n') + '\n';
}
