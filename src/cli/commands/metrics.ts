import { computeMetrics } from '../../app/compute-metrics.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { isTimeZone } from '../../core/calendar/rrule-syntax.js';
import { renderMetricsMarkdown } from '../../report/metrics/markdown.js';
import { renderMetricsText } from '../../report/metrics/text.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { environmentFlag, policyEnvironments } from '../environment-flag.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { periodFlags } from '../period-flags.js';
import { loadValidOrganisation } from '../org-session.js';

/**
 * `opsledger metrics [--since 90d|T] [--until T] [--env E]... [--time-zone Z]
 * [--format text|json|markdown]`: deployment frequency, lead time, change failure rate, time to
 * restore, time to detect and the emergency-change ratio over a window ending now (or at
 * --until, for reproducible reports), and the incidents that started in it (MTTD, MTTA, time to
 * mitigate, MTTR, counts per severity, error budget per SLO). Definitions: docs/metrics.md.
 */
export interface MetricsWindowFlags {
  from: number;
  to: number;
}

const options = defineOptions({
  since: { type: 'string', default: '90d', description: 'start of the window: a duration back from --until (90d, 12w) or an ISO 8601 time', example: '12w' },
  until: { type: 'string', description: 'end of the window (ISO 8601 with an offset), for reproducible reports', defaultText: 'now', example: '2026-11-30T00:00:00+09:00' },
  at: { type: 'string', description: 'the same as --until', defaultText: 'now', example: '2026-11-30T00:00:00+09:00' },
  env: { type: 'string', multiple: true, description: 'environments whose deployments count (declared names or aliases)', defaultText: "the policy's production environments", example: 'staging' },
  'time-zone': { type: 'string', default: 'UTC', description: 'the IANA time zone months are cut in', example: 'Asia/Seoul' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json', 'markdown'], description: 'how to print the metrics', example: 'markdown' },
});

export const metricsSpec = defineCommand({
  name: 'metrics',
  summary: 'deployment frequency, lead time, change failure rate, time to restore/detect, emergency ratio, incident MTTD/MTTA/MTTR; overall, per service, team, month',
  usage: ['opsledger metrics [--since 90d|T] [--until T] [--env E]... [--time-zone Z] [--format text|json|markdown]'],
  options,
  examples: ['opsledger metrics', 'opsledger metrics --since 12w --env production --env staging --format json', 'opsledger metrics --since 2026-10-01T00:00:00Z --until 2026-11-01T00:00:00Z --time-zone Asia/Seoul'],
  run: metricsCommand,
});

export function metricsWindow(values: Record<string, unknown>, now: number): MetricsWindowFlags {
  if (values.until !== undefined && values.at !== undefined && values.until !== values.at) throw new UsageError('--until and --at are the same option; give one');
  return periodFlags({ since: values.since, until: values.until ?? values.at }, now);
}

export async function metricsCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  const format = values.format;
  const { from, to } = metricsWindow(values, Date.now());
  const timeZone = values['time-zone'];
  if (!isTimeZone(timeZone)) throw new UsageError(`"${timeZone}" is not an IANA time zone such as Asia/Seoul or UTC`);
  const ws = openWorkspace(rootOf(ctx, values));
  const loaded = await loadValidOrganisation(ctx, ws.source);
  if (!loaded) return 1;
  const envs = policyEnvironments(loaded.org);
  const environments = values.env?.length ? values.env.map((e) => environmentFlag(envs, '--env', e)[0]!) : undefined;
  const report = await computeMetrics(loaded.org, ws.git, { from, to, environments, timeZone });
  if (format === 'json') ctx.stdout(JSON.stringify(report, null, 2) + '\n');
  else ctx.stdout(format === 'markdown' ? renderMetricsMarkdown(report) : renderMetricsText(report));
  return 0;
}
