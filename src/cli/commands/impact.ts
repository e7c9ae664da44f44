import { analyseImpact, type ImpactResult } from '../../app/analyse-impact.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { cutNote, LIST_LIMIT_OPTIONS, listLimit } from '../list-limit.js';
import { loadValidOrganisation } from '../org-session.js';
import { writeJson, writeOut } from '../output.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the dependents', example: 'json' },
  ...LIST_LIMIT_OPTIONS,
});

export const impactSpec = defineCommand({
  name: 'impact',
  summary: 'what depends on a service or configuration item, transitively, with paths',
  usage: ['opsledger impact <service:name|ci:name>... [--format text|json] [--limit N | --all]'],
  options,
  examples: ['opsledger impact service:payments', 'opsledger impact ci:orders-db --format json', 'opsledger impact ci:k8s-prod --all'],
  run: impactCommand,
});

/** `opsledger impact service:x|ci:y ...`: what depends on it, transitively, with paths. */
export async function impactCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  if (!positionals.length) throw new UsageError('name at least one service:<name> or ci:<name>');
  const limit = listLimit(values);
  const loaded = await loadValidOrganisation(ctx, worktreeSource(rootOf(ctx, values)));
  if (!loaded) return 1;
  const result = analyseImpact(loaded, positionals, { limit });
  const cut = result.dependentsTotal !== undefined ? cutNote('dependents', result.dependents.length, result.dependentsTotal) : undefined;
  if (values.format === 'json') {
    // The JSON says it with dependentsTotal; stderr says it to whoever runs the command.
    if (cut) ctx.stderr(`opsledger impact: ${cut}\n`);
    await writeJson(ctx, result);
  } else await writeOut(ctx, textLines(result, positionals, cut));
  return 0;
}

function* textLines(result: ImpactResult, positionals: readonly string[], cut: string | undefined): Generator<string> {
  const { dependents: entries, impact } = result;
  const total = result.dependentsTotal ?? entries.length;
  yield `${positionals.join(', ')}: ${total} dependent${total === 1 ? '' : 's'} (${result.services} services)\n`;
  if (impact) yield `impact ${impact.level}: ${impact.scope} exposure, tier ${impact.severity}${impact.decidedBy ? ` via ${impact.decidedBy}` : ''}${impact.reason ? ` (${impact.reason})` : ''}\n`;
  for (const e of entries) yield `  ${'  '.repeat(e.distance - 1)}${e.ref}${'tier' in e ? ` (tier ${e.tier}, ${e.exposure})` : ''}  ← ${e.path.slice(0, -1).reverse().join(' ← ')}\n`;
  if (cut) yield `${cut}\n`;
}
