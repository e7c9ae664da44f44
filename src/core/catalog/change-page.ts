import type { RiskReport } from '../risk/types.js';
import type { CatalogContext } from './context.js';
import { labels, nameOf, paragraphs } from './context.js';
import { changeIncidents } from './incidents.js';
import { linkView, linkViews, pagePath } from './links.js';
import { formatAt, instantOf } from './time.js';
import type { ChangePage, RiskView } from './types.js';

/**
 * Blast-radius rows a change page lists; a change to shared infrastructure can reach thousands.
 * The catalog command asks the risk engine for this many rows (AssessOptions.blastRadiusRows).
 */
export const BLAST_RADIUS_LISTED = 200;

function riskView(ctx: CatalogContext, r: RiskReport): RiskView {
  const listed = r.blastRadius.slice(0, BLAST_RADIUS_LISTED);
  return {
    class: r.class,
    type: r.type,
    effectiveType: r.effectiveType,
    impact: { level: r.impact.level, scope: r.impact.scope, severity: r.impact.severity, decidedBy: r.impact.decidedBy ? ctx.nodeRef(r.impact.decidedBy) : undefined },
    likelihood: r.likelihood,
    factors: r.factors,
    blastRadius: listed.map((b) => {
      const ref = ctx.nodeRef(b.ref);
      return { kind: ref.kind, name: ref.name, title: ref.title, href: ref.href, tier: b.tier, exposure: b.exposure, direct: b.direct, path: b.path.map(nameOf) };
    }),
    blastRadiusMore: (r.blastRadiusTotal ?? r.blastRadius.length) - listed.length,
    conflicts: r.conflicts,
    controls: r.controls,
  };
}

export function changePage(ctx: CatalogContext, id: string): ChangePage {
  const { org } = ctx.input;
  const doc = org.changes.get(id)!.doc;
  const s = doc.spec;
  const report = ctx.riskReport(id);
  const outcome = doc.status?.outcome;
  const at = (t: string | undefined) => {
    const ms = instantOf(t);
    return ms === undefined ? t : formatAt(ms, ctx.zone);
  };
  const link = (url: string | undefined) => (url ? linkView(url, url) : undefined);
  return {
    template: 'change',
    path: pagePath.change(id),
    heading: doc.metadata.title ? `${id}: ${doc.metadata.title}` : id,
    section: 'changes',
    id,
    title: doc.metadata.title,
    description: paragraphs(s.description ?? doc.metadata.description),
    labels: labels(doc.metadata.labels),
    links: linkViews(doc.metadata.links),
    type: s.type,
    standardTemplate: s.template ?? undefined,
    requester: s.requester,
    environment: ctx.environmentName(s.environment),
    start: at(s.schedule.start)!,
    end: at(s.schedule.end)!,
    phase: doc.status?.phase,
    services: (s.services ?? []).map(ctx.serviceRef),
    cis: (s.configurationItems ?? []).map(ctx.ciRef),
    justification: paragraphs(s.justification),
    implementation: s.implementation ?? [],
    verification: (s.verification ?? []).map((v) => ({ description: v.description, evidence: link(v.evidence) })),
    delivery: s.delivery && {
      strategy: s.delivery.strategy,
      autoRollback: s.delivery.autoRollback,
      stages: (s.delivery.stages ?? []).map((st) => ({ traffic: st.traffic, duration: st.duration, metrics: st.metrics ?? [] })),
    },
    rollback: s.rollback && {
      steps: s.rollback.steps ?? [],
      triggers: s.rollback.triggers ?? [],
      expectedDuration: s.rollback.expectedDuration,
      testedAt: s.rollback.tested?.at,
      evidence: link(s.rollback.tested?.evidence),
    },
    premortem: s.premortem ?? [],
    communication: s.communication ?? [],
    diff: s.diff,
    outcome: outcome && {
      result: outcome.result,
      implementedAt: at(outcome.implementedAt),
      failureDetectedAt: at(outcome.failureDetectedAt),
      restoredAt: at(outcome.restoredAt),
      completedAt: at(outcome.completedAt),
      incidents: outcome.incidents ?? [],
      notes: outcome.notes,
      review: link(outcome.review),
    },
    risk: report && riskView(ctx, report),
    incidents: changeIncidents(ctx, id),
    riskStatus: report ? 'assessed' : ctx.input.risk ? 'closed' : 'no-policy',
  };
}
