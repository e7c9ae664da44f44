import { leadTimeStarts } from '../../adapters/git/lead-time-starts.js';
import { parseDuration } from '../../core/duration.js';
import { parseInstant } from '../../core/calendar/local-time.js';
import { isTimeZone } from '../../core/calendar/rrule-syntax.js';
import { computeMetrics } from '../../core/metrics/compute.js';
import { renderMetricsMarkdown } from '../../report/metrics/markdown.js';
import { renderMetricsText } from '../../report/metrics/text.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';

/**
 * `opsledger metrics [--since 90d|T] [--until T] [--env E]... [--time-zone Z]
 * [--format text|json|markdown]`: deployment frequency, lead time, change failure rate, time to
 * restore, time to detect and the emergency-change ratio over a window ending now (or at
 * --until, for reproducible reports). Definitions: docs/metrics.md.
 */
export interface MetricsWindowFlags {
  from: number;
  to: number;
}

export function metricsWindow(values: Record<string, unknown>, now: number): MetricsWindowFlags {
  if (values.until !== undefined && values.at !== undefined && values.until !== values.at) throw new UsageError('--until and --at are the same option; give one');
  const untilText = (values.until ?? values.at) as string | undefined;
  const to = untilText === undefined ? now : parseInstant(untilText);
  if (to === undefined) throw new UsageError('--until takes an ISO 8601 time with an offset, e.g. 2026-11-30T00:00:00+09:00');
  const sinceText = typeof values.since === 'string' ? values.since : '90d';
  const span = parseDuration(sinceText);
  const from = span !== undefined ? to - span : parseInstant(sinceText);
  if (from === undefined) throw new UsageError('--since takes a duration back from --until (90d, 12w) or an ISO 8601 time with an offset');
  if (from >= to) throw new UsageError('--since must lie before --until');
  return { from, to };
}

export async function metricsCommand(ctx: CommandContext, values: Record<string, unknown>): Promise<number> {
  const format = typeof values.format === 'string' ? values.format : 'text';
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown format "${format}"; use text, json or markdown`);
  const { from, to } = metricsWindow(values, Date.now());
  const timeZone = typeof values['time-zone'] === 'string' ? values['time-zone'] : 'UTC';
  if (!isTimeZone(timeZone)) throw new UsageError(`"${timeZone}" is not an IANA time zone such as Asia/Seoul or UTC`);
  const environments = (values.env as string[] | undefined) ?? ['production'];
  const root = rootOf(ctx, values);
  const loaded = await loadValidOrganisation(ctx, root);
  if (!loaded) return 1;
  const starts = await leadTimeStarts(root);
  const fileOf = new Map([...loaded.org.changes].map(([id, l]) => [id, l.file]));
  const report = computeMetrics(loaded.org, { from, to, environments, timeZone, leadTimeStart: (id) => starts.get(fileOf.get(id) ?? '') });
  if (format === 'json') ctx.stdout(JSON.stringify(report, null, 2) + '\n');
  else ctx.stdout(format === 'markdown' ? renderMetricsMarkdown(report) : renderMetricsText(report));
  return 0;
}
