import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/adapters/fs/load-organisation.js';
import { buildCatalog } from '../../src/core/catalog/build.js';
import type { IncidentPage, IncidentsIndexPage, Page, ServicePage } from '../../src/core/catalog/types.js';
import { buildGraph } from '../../src/core/graph.js';
import { incidentsOf, overdueFollowUps } from '../../src/core/incidents/follow-up.js';
import { organisationZone } from '../../src/core/evidence-time.js';
import { activePolicy, type Organisation } from '../../src/core/organisation.js';
import { PROJECT_ROOT } from '../helpers/org.js';

const NOW = Date.parse('2026-11-22T12:00:00+09:00');

describe('the catalog’s incident pages over the example organisation', () => {
  let org: Organisation;
  let pages: Page[];
  beforeAll(async () => {
    org = (await loadOrganisation(PROJECT_ROOT)).org;
    pages = [...buildCatalog({ org, graph: buildGraph(org), now: NOW, timeZone: 'Asia/Seoul', months: [], occurrences: [] }).pages()];
  });

  it('lists on each service page the incidents incidentsOf gives readiness, newest first', () => {
    for (const p of pages.filter((x): x is ServicePage => x.template === 'service')) {
      const expected = incidentsOf(org, p.name).map((i) => i.doc.metadata.name);
      expect({ service: p.name, ids: p.incidents.map((r) => r.id).sort() }).toEqual({ service: p.name, ids: expected.slice(0, 10).sort() });
      expect(p.incidentsTotal).toBe(expected.length);
      const starts = p.incidents.map((r) => r.start);
      expect(starts).toEqual([...starts].sort().reverse());
    }
  });

  it('marks as overdue exactly the action items and reviews overdueFollowUps finds at the build instant', () => {
    const follow = overdueFollowUps(org.incidents.values(), activePolicy(org)!.doc.spec.incidents, NOW, { zone: organisationZone(org) });
    const marked = pages
      .filter((x): x is IncidentPage => x.template === 'incident')
      .flatMap((p) => (p.review?.actionItems ?? []).flatMap((a, i) => (a.overdue ? [`${p.id}#${i}`] : [])));
    expect(marked.sort()).toEqual(follow.actions.map((a) => `${a.incident}#${a.index}`).sort());
    expect(marked.length).toBeGreaterThan(0);
    const reviews = pages.filter((x): x is IncidentPage => x.template === 'incident' && x.reviewOverdue !== undefined).map((p) => p.id);
    expect(reviews.sort()).toEqual(follow.reviews.map((r) => r.incident).sort());
    const index = pages.find((x): x is IncidentsIndexPage => x.template === 'incidents-list')!;
    expect(index.overdue).toBe(new Set([...follow.actions.map((a) => a.incident), ...follow.reviews.map((r) => r.incident)]).size);
  });

  it('links each incident to the changes that caused it, and each such change page back', () => {
    for (const p of pages.filter((x): x is IncidentPage => x.template === 'incident')) {
      for (const c of p.causedBy) {
        expect(c.href).toBe(`changes/${c.name}.html`);
        const change = pages.find((x) => x.template === 'change' && x.id === c.name);
        expect(change && change.template === 'change' && change.incidents.map((r) => r.id)).toContain(p.id);
      }
    }
    expect(pages.filter((x) => x.template === 'incident' && x.cause === 'changes')).toHaveLength(3);
  });
});
