import type { CatalogContext } from './context.js';
import { byName, metadataView } from './context.js';
import { linkView, pagePath } from './links.js';
import type { TeamPage } from './types.js';

export function teamPage(ctx: CatalogContext, name: string): TeamPage {
  const { org } = ctx.input;
  const doc = org.teams.get(name)!.doc;
  const schedule = doc.spec.oncall?.schedule;
  return {
    template: 'team',
    path: pagePath.team(name),
    heading: doc.metadata.title ?? name,
    section: 'teams',
    name,
    ...metadataView(doc.metadata),
    members: doc.spec.members ?? [],
    github: doc.spec.github?.team,
    oncall: schedule ? linkView(schedule, schedule) : undefined,
    escalation: doc.spec.oncall?.escalation ?? [],
    contacts: ctx.contacts(doc),
    // Services it owns first, then those where it has another role.
    services: (ctx.servicesByTeam.get(name) ?? [])
      .slice()
      .sort((a, b) => Number(b.role === 'owner') - Number(a.role === 'owner') || byName(a.service, b.service))
      .map(({ service, role }) => {
        const ref = ctx.serviceRef(service);
        const sd = org.services.get(service)!.doc.spec;
        return { kind: ref.kind, name: ref.name, title: ref.title, href: ref.href, role, tier: sd.tier, exposure: sd.exposure, lifecycle: sd.lifecycle };
      }),
    cis: (ctx.cisByTeam.get(name) ?? []).slice().sort(byName).map(ctx.ciRow),
  };
}
