import { assessRisk } from '../../app/assess-risk.js';
import type { RiskReport } from '../../core/risk/types.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { renderRiskMarkdown } from '../../report/risk/markdown.js';
import { renderRiskText } from '../../report/risk/text.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';
import { parseInstant } from '../instant-flag.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json', 'markdown'], description: 'how to print the reports', example: 'json' },
  at: { type: 'string', description: 'score as of this instant (ISO 8601 with an offset)', defaultText: 'now', example: '2026-12-02T01:00:00+09:00' },
  open: { type: 'boolean', description: 'score every open change as well as those named' },
});

export const riskSpec = defineCommand({
  name: 'risk',
  summary: 'score changes: impact x likelihood with every factor explained, blast radius, conflicts, controls',
  usage: ['opsledger risk <CR-id>... [--open] [--format text|json|markdown] [--at T]'],
  options,
  examples: ['opsledger risk CR-2026-0042', 'opsledger risk --open --format markdown', 'opsledger risk CR-2026-0042 --at 2026-12-02T01:00:00+09:00 --format json'],
  run: riskCommand,
});

/** `opsledger risk <CR-id>... [--format text|json|markdown] [--at T]`; `--open` scores every open change. */
export async function riskCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const format = values.format;
  const now = parseInstant(values.at, 'at') ?? Date.now();
  const ws = openWorkspace(rootOf(ctx, values));
  const loaded = await loadValidOrganisation(ctx, ws.source);
  if (!loaded) return 1;
  const reports: RiskReport[] = assessRisk(loaded, await ws.git.firstAddedTimes(), { ids: positionals, open: values.open, now });
  if (format === 'json') ctx.stdout(JSON.stringify(reports.length === 1 && !values.open ? reports[0] : reports, null, 2) + '\n');
  else ctx.stdout(reports.map(format === 'markdown' ? renderRiskMarkdown : renderRiskText).join('\n'));
  return 0;
}
