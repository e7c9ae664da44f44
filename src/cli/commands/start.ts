import { join } from 'node:path';
import { assessRisk } from '../../app/assess-risk.js';
import { computeMetrics } from '../../app/compute-metrics.js';
import { isValid, loadOrganisation } from '../../app/load-organisation.js';
import { withFollowUps } from '../../app/validate.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { calendarWindows } from '../../core/calendar/organisation-calendar.js';
import { calendarState } from '../../core/calendar/state.js';
import { phaseOf } from '../../core/change-phase.js';
import { exitCodeFor } from '../../core/diagnostics.js';
import { getReporter } from '../../report/index.js';
import { renderMetricsHeadline } from '../../report/metrics/text.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, type CommandContext } from '../context.js';
import { renderValidation } from '../render.js';
import { keepHeapSmallForCatalog, withoutAnalyses, writeCatalog } from '../write-catalog.js';

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
 * organisation is valid, score the open changes, show the operations metrics and where the
 * change calendar stands, and build the catalog. The organisation is read once for all of it.
 */
export async function startCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  const root = rootOf(ctx, values);
  const ws = openWorkspace(root);
  keepHeapSmallForCatalog();
  const read = await loadOrganisation(ws.source);
  const now = Date.now();
  ctx.stdout('== Validation ==\n');
  ctx.stdout(renderValidation(ctx, getReporter('text')!, withFollowUps(read.validation, now), read.repo.source));
  if (!isValid(read)) return exitCodeFor(read.validation.diagnostics);
  const loaded = withoutAnalyses(read)!;

  // The summary prints classes, not blast radii: no rows to spell out (a chain would make them quadratic).
  const reports = assessRisk(loaded, await ws.git.documentOrigins(), { ids: [], open: true, now, blastRadiusRows: 0 });
  ctx.stdout(`\n== Open changes (${reports.length}) ==\n`);
  for (const r of reports) {
    const blocking = r.conflicts.filter((c) => c.severity === 'error').map((c) => c.message);
    const missing = r.controls.filter((c) => c.required && !c.met).length;
    const phase = phaseOf(loaded.org.changes.get(r.change)!.doc);
    ctx.stdout(`${r.change}  ${r.class.toUpperCase().padEnd(8)} impact ${r.impact.level} x likelihood ${r.likelihood.level}  ${phase.padEnd(12)} ${r.schedule.start}  ${r.title ?? ''}\n`);
    if (blocking.length) ctx.stdout(`    conflict: ${blocking.join('; ')}\n`);
    if (missing) ctx.stdout(`    ${missing} required control${missing === 1 ? '' : 's'} not met yet\n`);
  }

  const metrics = await computeMetrics(loaded.org, ws.git, { from: now - 90 * 86_400_000, to: now });
  ctx.stdout('\n== Operations metrics (last 90 days) ==\n');
  ctx.stdout(renderMetricsHeadline(metrics));

  const state = calendarState(calendarWindows(loaded.org), now);
  ctx.stdout(`\n== Change calendar ==\n`);
  ctx.stdout(`${state.state === 'open' ? 'OPEN' : 'CLOSED'} at ${state.at}${state.nextTransition ? `; changes state at ${state.nextTransition}` : ''}\n`);
  for (const a of state.active) ctx.stdout(`  ${a.kind} ${a.name}: ${a.localStart} – ${a.localEnd}${a.reason ? ` (${a.reason})` : ''}\n`);

  ctx.stdout('\n== Service catalog ==\n');
  return writeCatalog(ctx, ws, loaded, { out: join(root, 'site'), locale: 'en' });
}
