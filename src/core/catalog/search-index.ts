import type { CatalogContext } from './context.js';
import { labels, ownerNames } from './context.js';
import type { SearchIndex } from './types.js';

/**
 * The index the site's search script reads: one compact row per service, owners as indexes
 * into one team list, so 10k services stay well under a megabyte gzipped.
 */
export function searchIndex(ctx: CatalogContext, serviceNames: readonly string[], teamNames: readonly string[]): SearchIndex {
  const { org } = ctx.input;
  const teamAt = new Map(teamNames.map((n, i) => [n, i]));
  const teams: [string, string][] = teamNames.map((n) => [n, org.teams.get(n)!.doc.metadata.title ?? '']);
  // Owners named in a service but missing from teams/ still filter and search by name.
  const ownerIndex = (name: string) => {
    let i = teamAt.get(name);
    if (i === undefined) {
      i = teams.length;
      teams.push([name, '']);
      teamAt.set(name, i);
    }
    return i;
  };
  const services = serviceNames.map((n): SearchIndex['services'][number] => {
    const doc = org.services.get(n)!.doc;
    return [
      n,
      doc.metadata.title ?? '',
      doc.spec.tier,
      doc.spec.exposure,
      doc.spec.lifecycle,
      ctx.readinessOf.get(n) ?? '',
      ownerNames(doc).map(ownerIndex),
      labels(doc.metadata.labels)
        .map((l) => `${l.key}=${l.value}`)
        .join(' '),
      doc.spec.system && org.systems.has(doc.spec.system) ? doc.spec.system : '',
    ];
  });
  return { v: 1, teams, services };
}
