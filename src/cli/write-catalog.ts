import { relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { buildCatalog } from '../app/build-catalog.js';
import type { LoadedOrganisation } from '../app/load-organisation.js';
import type { ProgressReport } from '../app/ports/progress.js';
import type { Workspace } from '../app/ports/workspace.js';
import { siteWriter, UnsafeTargetError } from '../catalog/write-site.js';
import { UsageError, type CommandContext } from './context.js';
import type { AuditReport } from '../core/audit/reconcile.js';
import { withCachedOrigins } from '../adapters/git/origins-cache.js';

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
export function withoutAnalyses(loaded: LoadedOrganisation | undefined): LoadedOrganisation | undefined {
  return loaded && { ...loaded, repo: { ...loaded.repo, analyses: [] } };
}

/**
 * What stays live while pages are built is the model and the build's indexes (about 340 MB at
 * 10k services, measured after full collections); the pages are garbage within a moment. V8
 * lets the heap grow to 2-4x its live size between full collections, which put an 80k-page
 * build past 1 GiB. Letting it grow by at most a quarter costs a few more collections; measured
 * at L on 2026-12-07 (one run each, the machine shared): growth 100% peak RSS 985 MiB (main
 * heap 784 MiB), 50% 776 MiB, 25% 698 MiB (main heap 522 MiB), wall times the same. The factor
 * is read at each full collection, so it is set before loading: the limit the load's last
 * collection leaves is the one the build runs under.
 */
export function keepHeapSmallForCatalog(): void {
  setFlagsFromString('--heap-growing-percent=25');
}

export interface WriteCatalogOptions {
  out: string;
  locale: 'en' | 'ko';
  /** The build's clock; else SOURCE_DATE_EPOCH, else now. */
  at?: number;
  threads?: number;
  progress?: ProgressReport;
  /** Called before anything is printed (a progress line is erased first). */
  beforeOutput?: () => void;
  /** A saved audit report: the site gets an audit page. */
  audit?: AuditReport;
}

/** Builds the catalog of a loaded, valid organisation (best without its analyses) into `out` and says where it went (`catalog` and `start`). */
export async function writeCatalog(ctx: CommandContext, ws: Workspace, loaded: LoadedOrganisation, options: WriteCatalogOptions): Promise<number> {
  const { out, locale, threads } = options;
  const now = options.at ?? sourceDateEpoch(ctx.env) ?? Date.now();
  const started = performance.now();
  try {
    const result = await buildCatalog(loaded, withCachedOrigins(ws.git, ws.root), siteWriter(out, { root: ws.root, locale, ...(threads ? { threads } : {}), ...(options.progress ? { progress: options.progress } : {}) }), { now, locale, ...(options.audit ? { audit: options.audit } : {}) });
    options.beforeOutput?.();
    for (const w of result.warnings) ctx.stderr(`opsledger catalog: ${w}\n`);
    const rel = relative(ctx.cwd, out);
    const where = rel === '' ? '.' : rel.startsWith('..') ? out : rel;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    // An update says how little it wrote: that is what it is for.
    const verb = result.updated ? `updated in ${where}/ (${result.pages} pages, ${result.written} files rewritten` : `written to ${where}/ (${result.pages} pages`;
    ctx.stdout(`Catalog ${verb}, times in ${result.zone}, ${seconds}s). Open ${where}/index.html in a browser.\n`);
    return 0;
  } catch (e) {
    if (e instanceof UnsafeTargetError) throw new UsageError(e.message);
    throw e;
  }
}
