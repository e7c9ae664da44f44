import { relative, resolve, sep } from 'node:path';
import { buildCatalogSite } from '../../catalog/build-site.js';
import { isLocale, LOCALES } from '../../catalog/messages.js';
import { UnsafeTargetError } from '../../catalog/write-site.js';
import { activePolicy } from '../../core/organisation.js';
import { assessChange } from '../../core/risk/assess.js';
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

/** `opsledger catalog [--out site] [--locale en|ko] [--at T]`: writes the static service catalog as of now (or T). */
export async function catalogCommand(ctx: CommandContext, values: Record<string, unknown>): Promise<number> {
  const locale = typeof values.locale === 'string' ? values.locale : 'en';
  if (!isLocale(locale)) throw new UsageError(`unknown locale "${locale}"; use one of ${LOCALES.join(', ')}`);
  const threads = positiveInt(values.threads, 'threads');
  const root = rootOf(ctx, values);
  const out = resolve(ctx.cwd, typeof values.out === 'string' ? values.out : 'site');
  if (out === root || root.startsWith(out + sep)) throw new UsageError(`--out ${out} would replace the organisation itself; choose a folder such as site`);
  const loaded = await loadValidOrganisation(ctx, root);
  if (!loaded) return 1;
  const now = parseInstant(values.at, 'at') ?? sourceDateEpoch(ctx.env) ?? Date.now();
  const started = performance.now();
  const context = activePolicy(loaded.org) ? await riskContext(root, loaded, now) : undefined;
  // Open changes are assessed, as `opsledger risk --open` does: that is when a risk report
  // decides approvals and controls. A closed change shows its outcome instead; assessing the
  // whole history would make every build slower as the history grows (tens of milliseconds a
  // change at 20k changes).
  const open = new Set(openChanges(loaded.org.changes));
  const risk = context ? (id: string) => (open.has(id) ? assessChange(context, id) : undefined) : undefined;
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
