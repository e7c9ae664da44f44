import { analyseImpact } from '../../app/analyse-impact.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the dependents', example: 'json' },
});

export const impactSpec = defineCommand({
  name: 'impact',
  summary: 'what depends on a service or configuration item, transitively, with paths',
  usage: ['opsledger impact <service:name|ci:name>... [--format text|json]'],
  options,
  examples: ['opsledger impact service:payments', 'opsledger impact ci:orders-db --format json'],
  run: impactCommand,
});

/** `opsledger impact service:x|ci:y ...`: what depends on it, transitively, with paths. */
export async function impactCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  if (!positionals.length) throw new UsageError('name at least one service:<name> or ci:<name>');
  const loaded = await loadValidOrganisation(ctx, worktreeSource(rootOf(ctx, values)));
  if (!loaded) return 1;
  const result = analyseImpact(loaded, positionals);
  if (values.format === 'json') {
    ctx.stdout(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  const { dependents: entries, impact } = result;
  ctx.stdout(`${positionals.join(', ')}: ${entries.length} dependent${entries.length === 1 ? '' : 's'} (${result.services} services)\n`);
  if (impact) ctx.stdout(`impact ${impact.level}: ${impact.scope} exposure, tier ${impact.severity}${impact.decidedBy ? ` via ${impact.decidedBy}` : ''}\n`);
  for (const e of entries) ctx.stdout(`  ${'  '.repeat(e.distance - 1)}${e.ref}${'tier' in e ? ` (tier ${e.tier}, ${e.exposure})` : ''}  ← ${e.path.slice(0, -1).reverse().join(' ← ')}\n`);
  return 0;
}
