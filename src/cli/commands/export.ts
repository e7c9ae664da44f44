import { relative, resolve, sep } from 'node:path';
import { analyzeText } from '../../core/analyze.js';
import { OPENSLO_API_VERSION } from '../../core/model.js';
import { renderYaml } from '../../core/yaml-write.js';
import { loadOrganisation } from '../../adapters/fs/load-organisation.js';
import { schemaRegistry } from '../../adapters/fs/schemas.js';
import { FileExistsError, writeFiles } from '../../adapters/fs/write-files.js';
import { exportBackstage } from '../../export/backstage.js';
import { exportOpenSlo } from '../../export/openslo.js';
import { exportSloth } from '../../export/sloth.js';
import type { ExportResult } from '../../export/types.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';

/**
 * `opsledger export backstage|openslo|sloth [--out DIR]`: the organisation in another tool's
 * format, with a warning for everything the target cannot hold. Only documents that validate
 * are exported; exit 1 when the organisation has validation errors (what is valid is still
 * written), 0 otherwise.
 */
const TARGETS = ['backstage', 'openslo', 'sloth'] as const;

const options = defineOptions({
  out: { type: 'string', description: 'the folder to write to', defaultText: '<root>/export/<target>', example: 'build/backstage' },
  force: { type: 'boolean', description: 'overwrite files that exist' },
  'dry-run': { type: 'boolean', description: 'report what would be written; write nothing' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the report', example: 'json' },
});

export const exportSpec = defineCommand({
  name: 'export',
  summary: 'write the organisation as Backstage entities, OpenSLO v1 or Sloth specs, warning about what the target cannot hold',
  usage: ['opsledger export backstage|openslo|sloth [--out DIR] [--force] [--dry-run] [--format text|json]'],
  options,
  examples: ['opsledger export backstage', 'opsledger export sloth --out sloth --force', 'opsledger export openslo --dry-run --format json'],
  run: exportCommand,
});

export async function exportCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const [target, ...extra] = positionals;
  if (!target || !(TARGETS as readonly string[]).includes(target)) throw new UsageError(target ? `cannot export to "${target}"; use ${TARGETS.join(', ')}` : `name the format: ${TARGETS.join(', ')}`);
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const format = values.format;
  const root = rootOf(ctx, values);
  const out = typeof values.out === 'string' ? resolve(ctx.cwd, values.out) : resolve(root, 'export', target);
  const { org, validation } = await loadOrganisation(root);
  const registry = schemaRegistry();

  let result: ExportResult;
  if (target === 'backstage') result = exportBackstage(org);
  else if (target === 'openslo') result = exportOpenSlo(org, (kind) => registry.schemaId(OPENSLO_API_VERSION, kind));
  else result = exportSloth(org);

  const planned: { path: string; content: string }[] = [];
  for (const f of result.files) {
    const content = renderYaml(f.docs, f.schemaUrl);
    if (target === 'openslo') {
      // openslo/v1 is a format opsledger validates itself: check what it writes.
      const errors = analyzeText(f.path, content, registry).diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) {
        result.warnings.push({ source: f.path, pointer: errors[0]!.pointer, code: 'export.invalid', message: `not written, it would not validate: ${errors.map((d) => d.message).join('; ')}` });
        continue;
      }
    }
    planned.push({ path: f.path, content });
  }
  const dryRun = Boolean(values['dry-run']);
  if (!dryRun) {
    try {
      writeFiles(out, planned, { force: Boolean(values.force) });
    } catch (e) {
      if (e instanceof FileExistsError) throw new UsageError(`${e.message} (under ${out}); pass --force to overwrite, or --out to write elsewhere`);
      throw e;
    }
  }
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  const shownOut = relative(ctx.cwd, out).split(sep).join('/') || '.';
  if (format === 'json') {
    ctx.stdout(JSON.stringify({ target, out: shownOut, written: !dryRun, files: planned.map((p) => p.path), warnings: result.warnings, validationErrors: errors.length }, null, 2) + '\n');
  } else {
    const lines = [`${dryRun ? 'Would write' : 'Wrote'} ${planned.length} ${target} file${planned.length === 1 ? '' : 's'} under ${shownOut}.`];
    for (const p of planned) lines.push(`  ${p.path}`);
    if (result.warnings.length) {
      lines.push('', `What ${target} cannot hold (${result.warnings.length}):`);
      for (const w of result.warnings) lines.push(`  ${w.source}${w.pointer ? ` ${w.pointer}` : ''}: ${w.message} [${w.code}]`);
    }
    if (errors.length) lines.push('', `The organisation has ${errors.length} validation error${errors.length === 1 ? '' : 's'}; documents that fail validation were not exported. Run \`opsledger validate\`.`);
    ctx.stdout(lines.join('\n') + '\n');
  }
  return errors.length ? 1 : 0;
}
