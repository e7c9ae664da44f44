import { explainSlo, formatMinutes, type SloExplanation } from '../../core/slo-budget.js';
import { closest } from '../../core/suggest.js';
import { loadOrganisation } from '../../app/load-organisation.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';

const options = defineOptions({
  rps: { type: 'string', description: 'requests per second, to state the budget in requests', defaultText: "the SLO's annotation, if any", example: '250' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the explanation', example: 'json' },
});

export const sloSpec = defineCommand({
  name: 'slo',
  summary: "an SLO's error budget in minutes and requests, and its multi-window multi-burn-rate alerts",
  usage: ['opsledger slo explain <slo> [--rps N] [--format text|json]'],
  options,
  examples: ['opsledger slo explain checkout-availability', 'opsledger slo explain slo:checkout-availability --rps 250 --format json'],
  run: sloCommand,
});

/** `opsledger slo explain <slo> [--rps N]`: error budget and burn-rate alert table. */
export async function sloCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const [sub, name, ...extra] = positionals;
  if (sub !== 'explain') throw new UsageError(sub ? `unknown slo command "${sub}"; use explain` : 'use: opsledger slo explain <slo>');
  if (!name) throw new UsageError('name the SLO to explain');
  if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
  const format = values.format;
  let rps: number | undefined;
  if (values.rps !== undefined) {
    rps = Number(values.rps);
    if (!Number.isFinite(rps) || rps < 0) throw new UsageError('--rps takes a request rate per second, e.g. 250 or 12.5');
  }
  const { org } = await loadOrganisation(worktreeSource(rootOf(ctx, values)));
  const wanted = name.replace(/^slo:/, '');
  const slo = org.slos.get(wanted)?.doc;
  if (!slo) {
    const near = closest(wanted, org.slos.keys());
    throw new UsageError(`no SLO named "${wanted}"${near ? `; did you mean "${near}"?` : ''}`);
  }
  const explanation = explainSlo(slo, rps === undefined ? {} : { rps });
  ctx.stdout(format === 'json' ? JSON.stringify(explanation, null, 2) + '\n' : renderSloText(explanation));
  return 0;
}

const pct = (fraction: number) => `${Number((fraction * 100).toPrecision(4))}%`;
const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function renderSloText(e: SloExplanation): string {
  const lines = [`SLO ${e.slo} (service ${e.service}): ${e.budgetingMethod} over a ${e.window.rolling ? 'rolling' : 'calendar'} ${e.window.duration} window`];
  for (const o of e.objectives) {
    lines.push('', `Objective${o.displayName ? ` "${o.displayName}"` : ''}: target ${pct(o.target)}, error budget ${pct(o.budgetFraction)} of the window`);
    lines.push(`  in time:     ${formatMinutes(o.budgetMinutes)} of full outage per ${e.window.duration} (${num(o.budgetMinutes)} minutes)`);
    if (o.budgetRequests !== null) lines.push(`  in requests: ${num(o.budgetRequests)} failed requests per ${e.window.duration} at ${num(e.requestsPerSecond!)} requests/s (${e.requestRateSource === 'flag' ? '--rps' : 'annotation'})`);
    lines.push('', `  Multi-window, multi-burn-rate alerts (SRE workbook, scaled to ${e.window.duration}): alert when both windows exceed the error rate`);
    const rows = [['severity', 'long', 'short', 'burn rate', 'budget spent', 'error rate', 'budget gone in', '']];
    for (const a of o.alerts) {
      rows.push([a.severity, a.longWindow, a.shortWindow, `${num(a.burnRate)}x`, pct(a.budgetShare), pct(a.errorRate), formatMinutes(a.exhaustsBudgetInMinutes), a.applicable ? (a.note ? `(${a.note})` : '') : `not usable: ${a.note ?? ''}`]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) lines.push(`  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd());
  }
  if (e.status?.errorBudgetRemaining !== undefined) lines.push('', `Status: ${pct(e.status.errorBudgetRemaining)} of the budget left${e.status.measuredAt ? ` (measured ${e.status.measuredAt})` : ''}`);
  if (e.notes.length) {
    lines.push('', 'Notes:');
    for (const n of e.notes) lines.push(`  - ${n}`);
  }
  return lines.join('\n') + '\n';
}
