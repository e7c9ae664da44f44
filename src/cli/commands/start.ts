import { calendarWindows } from '../../core/calendar/organisation-calendar.js';
import { calendarState } from '../../core/calendar/state.js';
import { exitCodeFor } from '../../core/diagnostics.js';
import { assessChange } from '../../core/risk/assess.js';
import { loadOrganisation } from '../../adapters/fs/load-organisation.js';
import { getReporter } from '../../report/index.js';
import { defaultOptions, defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, type CommandContext } from '../context.js';
import { renderValidation } from '../render.js';
import { riskContext } from '../risk-session.js';
import { openChanges } from './risk.js';
import { computeMetrics } from '../../core/metrics/compute.js';
import { leadTimeStarts } from '../../adapters/git/lead-time-starts.js';
import { renderMetricsHeadline } from '../../report/metrics/text.js';
import { runValidation } from './validate.js';
import { catalogCommand, catalogSpec } from './catalog.js';
import { join } from 'node:path';

const options = defineOptions({});

export const startSpec = defineCommand({
  name: 'start',
  summary: 'the main job on this organisation: validate and summarise',
  usage: ['opsledger start'],
  options,
  examples: ['opsledger start', 'npm start'],
  run: startCommand,
});

/**
 * `npm start`: the main job on the organisation in the current folder. Validate; and when the
 * organisation is valid, score the open changes and show where the change calendar stands.
 */
export async function startCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  const root = rootOf(ctx, values);
  const { repo, result } = await runValidation(root);
  ctx.stdout('== Validation ==\n');
  ctx.stdout(renderValidation(ctx, getReporter('text')!, result, repo.source));
  const code = exitCodeFor(result.diagnostics);
  if (code !== 0) return code;

  const now = Date.now();
  const loaded = await loadOrganisation(root);
  const risk = await riskContext(root, loaded, now);
  const open = openChanges(loaded.org.changes);
  ctx.stdout(`\n== Open changes (${open.length}) ==\n`);
  for (const id of open) {
    const r = assessChange(risk, id);
    const blocking = r.conflicts.filter((c) => c.severity === 'error').map((c) => c.message);
    const missing = r.controls.filter((c) => c.required && !c.met).length;
    const phase = loaded.org.changes.get(id)!.doc.status?.phase ?? 'submitted';
    ctx.stdout(`${id}  ${r.class.toUpperCase().padEnd(8)} impact ${r.impact.level} x likelihood ${r.likelihood.level}  ${phase.padEnd(12)} ${r.schedule.start}  ${r.title ?? ''}\n`);
    if (blocking.length) ctx.stdout(`    conflict: ${blocking.join('; ')}\n`);
    if (missing) ctx.stdout(`    ${missing} required control${missing === 1 ? '' : 's'} not met yet\n`);
  }

  const starts = await leadTimeStarts(root);
  const metrics = computeMetrics(loaded.org, { from: now - 90 * 86_400_000, to: now, leadTimeStart: (id) => starts.get(loaded.org.changes.get(id)?.file ?? '') });
  ctx.stdout('\n== Operations metrics (last 90 days) ==\n');
  ctx.stdout(renderMetricsHeadline(metrics));

  const state = calendarState(calendarWindows(loaded.org), now);
  ctx.stdout(`\n== Change calendar ==\n`);
  ctx.stdout(`${state.state === 'open' ? 'OPEN' : 'CLOSED'} at ${state.at}${state.nextTransition ? `; changes state at ${state.nextTransition}` : ''}\n`);
  for (const a of state.active) ctx.stdout(`  ${a.kind} ${a.name}: ${a.localStart} – ${a.localEnd}${a.reason ? ` (${a.reason})` : ''}\n`);

  ctx.stdout('\n== Service catalog ==\n');
  return catalogCommand(ctx, { ...defaultOptions(catalogSpec), root, out: join(root, 'site') });
}
