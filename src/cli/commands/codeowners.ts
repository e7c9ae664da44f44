import { resolve } from 'node:path';
import { buildCodeowners, CODEOWNERS_HEADER } from '../../core/codeowners.js';
import { lineDiff } from '../../core/line-diff.js';
import { loadOrganisation } from '../../app/load-organisation.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { writeFileAtomic } from '../../adapters/fs/atomic-write.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';

/**
 * `opsledger codeowners [--check]`: writes .github/CODEOWNERS from ownership. A file this
 * command wrote (it starts with the generated header) is replaced freely; a hand-written one
 * only with --force. `--check` writes nothing and exits 1 with a diff when the file is out of
 * date, for CI.
 */
export const CODEOWNERS_PATH = '.github/CODEOWNERS';

const options = defineOptions({
  check: { type: 'boolean', description: 'write nothing; exit 1 with a diff when the file is out of date' },
  force: { type: 'boolean', description: 'replace a CODEOWNERS file that opsledger did not write' },
});

export const codeownersSpec = defineCommand({
  name: 'codeowners',
  summary: 'write .github/CODEOWNERS from service ownership; --check fails (with a diff) when it is out of date',
  usage: ['opsledger codeowners [--check] [--force]'],
  options,
  examples: ['opsledger codeowners', 'opsledger codeowners --check'],
  run: codeownersCommand,
});

export async function codeownersCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const root = rootOf(ctx, values);
  const target = resolve(root, CODEOWNERS_PATH);
  const ws = openWorkspace(root);
  const { org } = await loadOrganisation(ws.source);
  const result = buildCodeowners(org);
  for (const w of result.warnings) ctx.stderr(`opsledger codeowners: ${w.service}: ${w.message}\n`);
  const current = ws.readText(CODEOWNERS_PATH);

  if (values.check) {
    if (current === result.text) {
      ctx.stdout(`${CODEOWNERS_PATH} is up to date (${result.rules.length} rules).\n`);
      return 0;
    }
    ctx.stdout(current === undefined ? `${CODEOWNERS_PATH} does not exist; run \`opsledger codeowners\` to write it.\n` : `${CODEOWNERS_PATH} is out of date; run \`opsledger codeowners\` to update it:\n`);
    ctx.stdout(lineDiff(current ?? '', result.text, { before: `${CODEOWNERS_PATH} (in the repository)`, after: `${CODEOWNERS_PATH} (from ownership)` }));
    return 1;
  }
  if (current !== undefined && !current.startsWith(CODEOWNERS_HEADER[0]!) && !values.force) {
    throw new UsageError(`${CODEOWNERS_PATH} exists and was not written by opsledger; pass --force to replace it`);
  }
  if (current === result.text) {
    ctx.stdout(`${CODEOWNERS_PATH} is already up to date (${result.rules.length} rules).\n`);
    return 0;
  }
  writeFileAtomic(target, result.text);
  ctx.stdout(`Wrote ${CODEOWNERS_PATH} (${result.rules.length} rules for ${org.services.size} services).\n`);
  return 0;
}
