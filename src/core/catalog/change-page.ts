import type { RiskReport } from '../risk/types.js';
import type { CatalogContext } from './context.js';
import { labels, nameOf, paragraphs } from './context.js';
import { changeIncidents } from './incidents.js';
import { linkView, linkViews, pagePath, type LinkView } from './links.js';
import { activePolicy } from '../organisation.js';
import { affectedTargets, buildChangeForm, plannedApprovals } from '../change-form/build.js';
import type { ChangeForm } from '../change-form/types.js';
import { formatAt, instantOf } from './time.js';
import type { ChangePage, RiskView } from './types.js';

/**
 * Blast-radius rows the risk engine lists for a change page (AssessOptions.blastRadiusRows): the
 * form shows the top rows and the total, the rest are on the service pages.
 */
export const BLAST_RADIUS_LISTED = 200;

function riskView(ctx: CatalogContext, r: RiskReport): RiskView {
  return {
    class: r.class,
    type: r.type,
    effectiveType: r.effectiveType,
    impact: { level: r.impact.level, scope: r.impact.scope, severity: r.impact.severity, decidedBy: r.impact.decidedBy ? ctx.nodeRef(r.impact.decidedBy) : undefined },
    likelihood: r.likelihood,
  };
}

/** Site-relative pages of what the form names: its blast radius, its history's changes and shared targets. */
function formHrefs(ctx: CatalogContext, form: ChangeForm): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (ref: string) => {
    if (ref in out) return;
    const href = ref.startsWith('service:') || ref.startsWith('ci:') ? ctx.nodeRef(ref).href : ctx.input.org.changes.has(ref) ? pagePath.change(ref) : undefined;
    if (href) out[ref] = href;
  };
  for (const r of form.blastRadius?.rows ?? []) add(r.ref);
  for (const c of form.history.changes) {
    add(c.id);
    c.shared.forEach(add);
  }
  for (const i of form.history.incidents) i.shared.forEach(add);
  for (const c of form.conflicts) if (ctx.input.org.changes.has(c.with)) add(c.with);
  return out;
}

export function changePage(ctx: CatalogContext, id: string): ChangePage {
  const { org, now } = ctx.input;
  const doc = org.changes.get(id)!.doc;
  const s = doc.spec;
  const report = ctx.riskReport(id);
  const outcome = doc.status?.outcome;
  const at = (t: string | undefined) => {
    const ms = instantOf(t);
    return ms === undefined ? t : formatAt(ms, ctx.zone);
  };
  const link = (url: string | undefined) => (url ? linkView(url, url) : undefined);
  const policy = activePolicy(org)?.doc.spec;
  const targets = affectedTargets(org, doc);
  const form = buildChangeForm({
    org,
    id,
    policy,
    ...(report ? { report } : {}),
    ...(report && policy ? { approvals: plannedApprovals(org, policy, report, doc) } : {}),
    // No pull request here: the readiness shown is each affected service's level now.
    readiness: targets.services.filter((n) => ctx.readinessOf.has(n)).map((n) => ({ service: n, from: ctx.readinessOf.get(n)!, to: ctx.readinessOf.get(n)!, direction: 'same' as const, rules: [] })),
    zone: ctx.zone,
    now,
    historyCandidates: new Set([...targets.services.flatMap((n) => ctx.changesByService.get(n) ?? []), ...targets.cis.flatMap((n) => ctx.changesByCi.get(n) ?? [])]),
  });
  const evidence: Record<string, LinkView> = {};
  for (const e of [...form.sections.verification.map((v) => v.evidence), form.sections.rollback?.rehearsal?.evidence]) if (e) evidence[e] = linkView(e, e);
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
    services: (s.services ?? []).map(ctx.serviceRef),
    cis: (s.configurationItems ?? []).map(ctx.ciRef),
    justification: paragraphs(s.justification),
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
    form,
    hrefs: formHrefs(ctx, form),
    evidence,
    risk: report && riskView(ctx, report),
    incidents: changeIncidents(ctx, id),
    riskStatus: report ? 'assessed' : ctx.input.risk ? 'closed' : 'no-policy',
  };
}
