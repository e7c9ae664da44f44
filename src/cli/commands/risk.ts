import { assessChange } from '../../core/risk/assess.js';
import type { RiskReport } from '../../core/risk/types.js';
import { didYouMean } from '../../core/suggest.js';
import { renderRiskMarkdown } from '../../report/risk/markdown.js';
import { renderRiskText } from '../../report/risk/text.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';
import { parseInstant, riskContext } from '../risk-session.js';

/** `opsledger risk <CR-id>... [--format text|json|markdown] [--at T]`; `--open` scores every open change. */
export async function riskCommand(ctx: CommandContext, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const format = typeof values.format === 'string' ? values.format : 'text';
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown format "${format}"; use text, json or markdown`);
  const now = parseInstant(values.at, 'at') ?? Date.now();
  const root = rootOf(ctx, values);
  const loaded = await loadValidOrganisation(ctx, root);
  if (!loaded) return 1;
  let ids = positionals;
  if (values.open) ids = [...ids, ...openChanges(loaded.org.changes)];
  if (!ids.length) throw new UsageError('name at least one change id (CR-YYYY-NNNN), or pass --open');
  for (const id of ids) {
    if (!loaded.org.changes.has(id)) {
      const hint = didYouMean(id, loaded.org.changes.keys());
      throw new UsageError(`no change request ${id}${hint ? `; ${hint}` : ''}`);
    }
  }
  const risk = await riskContext(root, loaded, now);
  const reports: RiskReport[] = ids.map((id) => assessChange(risk, id));
  if (format === 'json') ctx.stdout(JSON.stringify(reports.length === 1 && !values.open ? reports[0] : reports, null, 2) + '\n');
  else ctx.stdout(reports.map(format === 'markdown' ? renderRiskMarkdown : renderRiskText).join('\n'));
  return 0;
}

const OPEN_PHASES = new Set(['draft', 'submitted', 'approved', 'scheduled', 'implementing']);

export function openChanges(changes: Map<string, { doc: { status?: { phase?: string } } }>): string[] {
  return [...changes].filter(([, l]) => OPEN_PHASES.has(l.doc.status?.phase ?? 'submitted')).map(([id]) => id).sort();
}
