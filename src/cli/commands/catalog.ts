import { relative, resolve, sep } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { LoadedOrganisation } from '../../adapters/fs/load-organisation.js';
import { buildCatalogSite } from '../../catalog/build-site.js';
import { LOCALES } from '../../catalog/messages.js';
import { UnsafeTargetError } from '../../catalog/write-site.js';
import { BLAST_RADIUS_LISTED } from '../../core/catalog/change-page.js';
import { activePolicy } from '../../core/organisation.js';
import { assessChange } from '../../core/risk/assess.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { positiveInt, rootOf, UsageError, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';
import { parseInstant, riskContext } from '../risk-session.js';
import { openChanges } from './risk.js';

/**
 * The build's clock under the reproducible-builds convention: SOURCE_DATE_EPOCH, in seconds.
 * Set to the commit's time, the same commit always gives the same site.
 */
function sourceDateEpoch(env: Record<string, string | undefined>): number | undefined {
  const text = env.SOURCE_DATE_EPOCH;
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,12}$/.test(text)) throw new UsageError('SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01T00:00:00Z');
  return Number(text) * 1000;
}

/**
 * The per-file analyses (references, facts) served validation; the pages need only the model.
 * Letting them go leaves a tenth of the heap free for rendering a large site.
 */
function withoutAnalyses(loaded: LoadedOrganisation | undefined): LoadedOrganisation | undefined {
  return loaded && { ...loaded, repo: { ...loaded.repo, analyses: [] } };
}

const options = defineOptions({
  out: { type: 'string', short: 'o', default: 'site', description: 'the folder to write the site to (replaced as a whole)', example: 'public/catalog' },
  locale: { type: 'string', default: 'en', choices: LOCALES, description: 'the language of the pages', example: 'ko' },
  at: { type: 'string', description: 'build the catalog as of this instant (ISO 8601 with an offset)', defaultText: 'SOURCE_DATE_EPOCH, else now', example: '2026-12-02T01:00:00+09:00' },
  threads: { type: 'string', description: 'worker threads for rendering pages', defaultText: 'chosen from the number of pages and CPUs', example: '2' },
});
export type CatalogOptions = OptionsOf<typeof options>;

export const catalogSpec = defineCommand({
  name: 'catalog',
  summary: 'write the static service catalog (search, service, team, CI and change pages, calendar) to a folder',
  usage: ['opsledger catalog [--out site] [--locale en|ko] [--at T] [--threads N]'],
  options,
  examples: ['opsledger catalog', 'opsledger catalog --out public --locale ko', 'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) opsledger catalog'],
  run: catalogCommand,
});

/** `opsledger catalog [--out site] [--locale en|ko] [--at T]`: writes the static service catalog as of now (or T). */
export async function catalogCommand(ctx: CommandContext, values: CatalogOptions): Promise<number> {
  const locale = values.locale;
  const threads = positiveInt(values.threads, 'threads');
  const root = rootOf(ctx, values);
  const out = resolve(ctx.cwd, values.out);
  if (out === root || root.startsWith(out + sep)) throw new UsageError(`--out ${out} would replace the organisation itself; choose a folder such as site`);
  // What stays live while pages are built is the model (~400 MB at 10k services); the pages are
  // garbage within a moment. V8 lets the heap grow to 2-4x its live size between full
  // collections, which put an 80k-page build past 1 GiB. Doubling at most costs a few more
  // collections (measured at L: peak RSS 0.9-1.2 GiB -> ~0.75 GiB; a 50% margin kept about as
  // little memory and took 10% longer). The factor is read at each full collection, so it is
  // set before loading: the limit the load's last collection leaves is the one the build runs
  // under.
  setFlagsFromString('--heap-growing-percent=100');
  const loaded = withoutAnalyses(await loadValidOrganisation(ctx, root));
  if (!loaded) return 1;
  const now = parseInstant(values.at, 'at') ?? sourceDateEpoch(ctx.env) ?? Date.now();
  const started = performance.now();
  const context = activePolicy(loaded.org) ? await riskContext(root, loaded, now) : undefined;
  // Open changes are assessed, as `opsledger risk --open` does: that is when a risk report
  // decides approvals and controls. A closed change shows its outcome instead; assessing the
  // whole history would make every build slower as the history grows (tens of milliseconds a
  // change at 20k changes).
  const open = new Set(openChanges(loaded.org.changes));
  const risk = context ? (id: string) => (open.has(id) ? assessChange(context, id, { blastRadiusRows: BLAST_RADIUS_LISTED }) : undefined) : undefined;
  try {
    const result = await buildCatalogSite(root, loaded, { out, locale, now, ...(threads ? { threads } : {}), ...(context ? { graph: context.graph } : {}), ...(risk ? { risk } : {}) });
    for (const w of result.warnings) ctx.stderr(`opsledger catalog: ${w}\n`);
    const rel = relative(ctx.cwd, out);
    const where = rel === '' ? '.' : rel.startsWith('..') ? out : rel;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    ctx.stdout(`Catalog written to ${where}/ (${result.pages} pages, times in ${result.zone}, ${seconds}s). Open ${where}/index.html in a browser.\n`);
    return 0;
  } catch (e) {
    if (e instanceof UnsafeTargetError) throw new UsageError(e.message);
    throw e;
  }
}
