import { relative, resolve, sep } from 'node:path';
import { EXPORT_TARGETS as TARGETS, exportCatalog, type ExportTarget } from '../../app/export-catalog.js';
import { loadOrganisation } from '../../app/load-organisation.js';
import { schemaRegistry } from '../../adapters/fs/schemas.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { FileExistsError, writeFiles } from '../../adapters/fs/write-files.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';

/**
 * `opsledger export backstage|openslo|sloth [--out DIR]`: the organisation in another tool's
 * format, with a warning for everything the target cannot hold. Only documents that validate
 * are exported; exit 1 when the organisation has validation errors (what is valid is still
 * written), 0 otherwise.
 */
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
  const { planned, warnings, validationErrors, leftOut } = exportCatalog(await loadOrganisation(worktreeSource(root)), target as ExportTarget, schemaRegistry());
  const dryRun = Boolean(values['dry-run']);
  if (!dryRun) {
    try {
      writeFiles(out, planned, { force: Boolean(values.force) });
    } catch (e) {
      if (e instanceof FileExistsError) throw new UsageError(`${e.message} (under ${out}); pass --force to overwrite, or --out to write elsewhere`);
      throw e;
    }
  }
  const shownOut = relative(ctx.cwd, out).split(sep).join('/') || '.';
  if (format === 'json') {
    ctx.stdout(JSON.stringify({ target, out: shownOut, written: !dryRun, files: planned.map((p) => p.path), warnings, validationErrors, leftOut }, null, 2) + '\n');
  } else {
    const lines = [`${dryRun ? 'Would write' : 'Wrote'} ${planned.length} ${target} file${planned.length === 1 ? '' : 's'} under ${shownOut}.`];
    for (const p of planned) lines.push(`  ${p.path}`);
    if (warnings.length) {
      lines.push('', `What ${target} cannot hold (${warnings.length}):`);
      for (const w of warnings) lines.push(`  ${w.source}${w.pointer ? ` ${w.pointer}` : ''}: ${w.message} [${w.code}]`);
    }
    if (validationErrors) {
      // Only documents invalid on their own are left out; an error between documents leaves them in.
      const left = leftOut.length ? `${leftOut.length} document${leftOut.length === 1 ? '' : 's'} failing validation on their own were left out (listed above); the other documents were exported` : 'every document was exported; the errors lie between documents (a reference, a duplicate)';
      lines.push('', `The organisation has ${validationErrors} validation error${validationErrors === 1 ? '' : 's'}: ${left}. Run \`opsledger validate\`.`);
    }
    ctx.stdout(lines.join('\n') + '\n');
  }
  return validationErrors ? 1 : 0;
}
