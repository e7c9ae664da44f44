import { resolve, sep } from 'node:path';
import { openWorkspace } from '../../adapters/workspace.js';
import { LOCALES } from '../../catalog/messages.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { positiveInt, rootOf, UsageError, type CommandContext } from '../context.js';
import { loadValidOrganisation } from '../org-session.js';
import { keepHeapSmallForCatalog, withoutAnalyses, writeCatalog } from '../write-catalog.js';
import { parseInstant } from '../instant-flag.js';
import { terminalProgress } from '../progress.js';
import { readAuditReport } from '../audit-input.js';

const options = defineOptions({
  out: { type: 'string', short: 'o', default: 'site', description: 'the folder to write the site to (a site opsledger built there is updated in place, only what changed written)', example: 'public/catalog' },
  locale: { type: 'string', default: 'en', choices: LOCALES, description: 'the language of the pages', example: 'ko' },
  at: { type: 'string', description: 'build the catalog as of this instant (ISO 8601 with an offset)', defaultText: 'SOURCE_DATE_EPOCH, else now', example: '2026-12-02T01:00:00+09:00' },
  threads: { type: 'string', description: 'worker threads for rendering pages', defaultText: 'chosen from the number of pages and CPUs', example: '2' },
  quiet: { type: 'boolean', short: 'q', description: 'show no progress line on the terminal' },
  audit: { type: 'string', description: 'add an audit page from a report saved by opsledger audit --report FILE (a scheduled audit job keeps it; the catalog asks GitHub nothing)', example: 'audit.json' },
});
export type CatalogOptions = OptionsOf<typeof options>;

export const catalogSpec = defineCommand({
  name: 'catalog',
  summary: 'write the static service catalog (search, service, team, CI and change pages, calendar) to a folder',
  usage: ['opsledger catalog [--out site] [--locale en|ko] [--at T] [--threads N] [--audit audit.json]'],
  options,
  examples: ['opsledger catalog', 'opsledger catalog --out public --locale ko', 'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) opsledger catalog'],
  run: catalogCommand,
});

/** `opsledger catalog [--out site] [--locale en|ko] [--at T]`: writes the static service catalog as of now (or T). */
export async function catalogCommand(ctx: CommandContext, values: CatalogOptions): Promise<number> {
  const threads = positiveInt(values.threads, 'threads');
  const root = rootOf(ctx, values);
  const out = resolve(ctx.cwd, values.out);
  if (out === root || root.startsWith(out + sep)) throw new UsageError(`--out ${out} would replace the organisation itself; choose a folder such as site`);
  const at = parseInstant(values.at, 'at');
  // Read before the organisation: a report that does not check out stops the build at once.
  const audit = typeof values.audit === 'string' ? readAuditReport(ctx, values.audit) : undefined;
  if (typeof values.audit === 'string' && !audit) return 1;
  keepHeapSmallForCatalog();
  const ws = openWorkspace(root);
  const progress = terminalProgress(ctx, 'catalog', values.quiet);
  try {
    const loaded = withoutAnalyses(await loadValidOrganisation(ctx, ws.source, progress.report, progress.end));
    if (!loaded) return 1;
    return await writeCatalog(ctx, ws, loaded, { out, locale: values.locale, ...(threads ? { threads } : {}), ...(at !== undefined ? { at } : {}), ...(audit ? { audit } : {}), ...(progress.report ? { progress: progress.report, beforeOutput: progress.end } : {}) });
  } finally {
    progress.end();
  }
}
