import { buildGraph, dependents } from '../../core/graph.js';
import { activePolicy } from '../../core/organisation.js';
import { assessImpact } from '../../core/risk/impact.js';
import { didYouMean } from '../../core/suggest.js';
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
  const format = values.format;
  if (!positionals.length) throw new UsageError('name at least one service:<name> or ci:<name>');
  const loaded = await loadValidOrganisation(ctx, rootOf(ctx, values));
  if (!loaded) return 1;
  const graph = buildGraph(loaded.org);
  for (const ref of positionals) {
    if (!graph.nodes.has(ref)) {
      const hint = didYouMean(ref, graph.nodes.keys());
      throw new UsageError(`${ref} is not a known service:<name> or ci:<name>${hint ? `; ${hint}` : ''}`);
    }
  }
  const policy = activePolicy(loaded.org)?.doc.spec;
  const reached = [...dependents(graph, positionals).values()].filter((r) => r.distance > 0);
  const entries = reached.map((r) => {
    const node = graph.nodes.get(r.id)!;
    const svc = node.kind === 'service' ? loaded.org.services.get(node.name)?.doc.spec : undefined;
    return { ref: r.id, distance: r.distance, path: r.path, ...(svc ? { tier: svc.tier, exposure: svc.exposure, owner: svc.owner } : {}) };
  });
  entries.sort((a, b) => a.distance - b.distance || (a.ref < b.ref ? -1 : 1));
  const impact = policy ? assessImpact(loaded.org, graph, policy, positionals) : undefined;
  const result = {
    targets: positionals,
    dependents: entries,
    services: entries.filter((e) => e.ref.startsWith('service:')).length,
    ...(impact ? { impact: { level: impact.level, scope: impact.scope, severity: impact.severity, ...(impact.decidedBy ? { decidedBy: impact.decidedBy } : {}) } } : {}),
  };
  if (format === 'json') {
    ctx.stdout(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  ctx.stdout(`${positionals.join(', ')}: ${entries.length} dependent${entries.length === 1 ? '' : 's'} (${result.services} services)\n`);
  if (impact) ctx.stdout(`impact ${impact.level}: ${impact.scope} exposure, tier ${impact.severity}${impact.decidedBy ? ` via ${impact.decidedBy}` : ''}\n`);
  for (const e of entries) ctx.stdout(`  ${'  '.repeat(e.distance - 1)}${e.ref}${'tier' in e ? ` (tier ${e.tier}, ${e.exposure})` : ''}  ← ${e.path.slice(0, -1).reverse().join(' ← ')}\n`);
  return 0;
}
