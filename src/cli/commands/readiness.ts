import { parseInstant } from '../instant-flag.js';
import { assessReadiness } from '../../app/assess-readiness.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { renderReadinessMarkdown, renderScorecardMarkdown } from '../../report/readiness/markdown.js';
import { renderReadinessText, renderScorecardText } from '../../report/readiness/text.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';

const options = defineOptions({
  at: { type: 'string', description: 'evaluate as of this instant (ISO 8601 with an offset)', defaultText: 'now', example: '2026-11-22T09:00:00+09:00' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json', 'markdown'], description: 'how to print the scorecards', example: 'markdown' },
});

export const readinessSpec = defineCommand({
  name: 'readiness',
  summary: 'readiness scorecards (bronze/silver/gold) per service and the organisation-wide coverage report',
  usage: ['opsledger readiness [service...] [--at T] [--format text|json|markdown]'],
  options,
  examples: ['opsledger readiness', 'opsledger readiness checkout payments --format json'],
  run: readinessCommand,
});

/**
 * `opsledger readiness [service...] [--at T] [--format text|json|markdown]`: the scorecard of
 * each named service, or every service's level with the organisation-wide coverage report.
 * A report, not a gate: it exits 0 whatever the levels.
 */
export async function readinessCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const format = values.format;
  const now = parseInstant(values.at, 'at') ?? Date.now();
  const loaded = await loadValidOrganisation(ctx, worktreeSource(rootOf(ctx, values)));
  if (!loaded) return 1;
  const report = assessReadiness(loaded, positionals, now);
  const { services, coverage } = report;
  if (format === 'json') ctx.stdout(JSON.stringify(report, null, 2) + '\n');
  else if (coverage) ctx.stdout(format === 'markdown' ? renderReadinessMarkdown(services, coverage) : renderReadinessText(services, coverage));
  else ctx.stdout(services.map(format === 'markdown' ? renderScorecardMarkdown : renderScorecardText).join('\n'));
  return 0;
}
