import { parseDuration } from '../duration.js';
import { parseInstant } from '../calendar/local-time.js';
import { ageInDays, freshUntil, readEvidenceTime } from '../evidence-time.js';
import { english, phrase, type Phrase, type PhraseKey } from '../phrase.js';
import type { ReadinessCheck, ReadinessRule, Service, Slo } from '../model.js';
import { activePolicy, type Organisation } from '../organisation.js';
import { incidentsOf, overdueFollowUps } from '../incidents/follow-up.js';

/**
 * One function per readiness check, over a service's own data and its owning team. Each says
 * whether it passed and what it found, in words a service owner can act on.
 */
export interface CheckContext {
  org: Organisation;
  service: Service;
  slos: readonly Slo[];
  now: number;
  /** The organisation's zone (organisationZone): the day a bare date names. */
  zone: string;
  rule: ReadinessRule;
}

export interface CheckOutcome {
  passed: boolean;
  detail: string;
  phrase: Phrase;
}

const DAY_MS = 86_400_000;
export const DEFAULT_WITHIN: Partial<Record<ReadinessCheck, string>> = { 'dr-test': '365d', 'slo-status': '7d' };

function links(kind: 'runbooks' | 'playbooks' | 'dashboards', none: PhraseKey, list: readonly unknown[] | undefined): CheckOutcome {
  const n = list?.length ?? 0;
  return outcome(n > 0, n ? phrase(`readiness.${kind}`, { n }) : phrase(none));
}

/** A finding as a phrase: `detail` is its English, the catalog shows it in its locale. */
function outcome(passed: boolean, why: Phrase): CheckOutcome {
  return { passed, detail: english(why), phrase: why };
}

function withinOf(ctx: CheckContext): { ms: number; text: string } {
  const text = ctx.rule.within ?? DEFAULT_WITHIN[ctx.rule.check] ?? '365d';
  return { ms: parseDuration(text) ?? 365 * DAY_MS, text };
}

/** The services `service` depends on directly that are deprecated. */
export function deprecatedDependencies(org: Organisation, service: Service): string[] {
  return (service.spec.dependsOn ?? [])
    .filter((r) => r.startsWith('service:'))
    .map((r) => r.slice('service:'.length))
    .filter((name) => org.services.get(name)?.doc.spec.lifecycle === 'deprecated');
}

function team(ctx: CheckContext) {
  return ctx.org.teams.get(ctx.service.spec.owner)?.doc.spec;
}

const CHECKS: Record<ReadinessCheck, (ctx: CheckContext) => CheckOutcome> = {
  runbook: (ctx) => links('runbooks', 'readiness.noRunbook', ctx.service.spec.runbooks),
  playbook: (ctx) => links('playbooks', 'readiness.noPlaybook', ctx.service.spec.playbooks),
  dashboard: (ctx) => links('dashboards', 'readiness.noDashboard', ctx.service.spec.dashboards),
  repository: (ctx) => (ctx.service.spec.repository ? outcome(true, phrase('readiness.repository', { repository: ctx.service.spec.repository })) : outcome(false, phrase('readiness.noRepository'))),
  oncall: (ctx) => {
    const schedule = team(ctx)?.oncall?.schedule;
    const owner = ctx.service.spec.owner;
    return schedule ? outcome(true, phrase('readiness.oncall', { team: owner, schedule })) : outcome(false, phrase('readiness.noOncall', { team: owner }));
  },
  escalation: (ctx) => {
    const path = team(ctx)?.oncall?.escalation ?? [];
    return path.length ? outcome(true, phrase('readiness.escalation', { path: path.join(' → ') })) : outcome(false, phrase('readiness.noEscalation', { team: ctx.service.spec.owner }));
  },
  contact: (ctx) => {
    const contact = team(ctx)?.contact ?? {};
    const channels = Object.entries(contact).filter(([, v]) => typeof v === 'string' && v !== '');
    return channels.length ? outcome(true, phrase('readiness.contact', { channels: channels.map(([k, v]) => `${k} ${v as string}`) })) : outcome(false, phrase('readiness.noContact', { team: ctx.service.spec.owner }));
  },
  slo: (ctx) => outcome(ctx.slos.length > 0, ctx.slos.length ? phrase('readiness.slos', { n: ctx.slos.length }) : phrase('readiness.noSlo')),
  'slo-status': (ctx) => {
    if (!ctx.slos.length) return outcome(false, phrase('readiness.noSloForStatus'));
    const within = withinOf(ctx);
    const stale = ctx.slos.filter((s) => {
      const at = s.status?.measuredAt === undefined ? undefined : parseInstant(s.status.measuredAt);
      return s.status?.errorBudgetRemaining === undefined || at === undefined || ctx.now - at > within.ms;
    });
    return stale.length
      ? outcome(false, phrase('readiness.staleStatus', { within: within.text, slos: stale.map((s) => s.metadata.name) }))
      : outcome(true, phrase('readiness.freshStatus', { n: ctx.slos.length, within: within.text }));
  },
  'dr-test': (ctx) => {
    const text = ctx.service.spec.continuity?.drTestedAt;
    // A bare date is the whole day on the organisation's clock (src/core/evidence-time.ts).
    const clock = { zone: ctx.zone };
    const at = readEvidenceTime(text, clock);
    if (at === undefined) return outcome(false, phrase('readiness.noDrTest'));
    const within = withinOf(ctx);
    const ago = { daysAgo: ageInDays(at, ctx.now, clock) };
    return ctx.now <= freshUntil(at, within.ms, clock)
      ? outcome(true, phrase('readiness.drTest', { date: text!, ago }))
      : outcome(false, phrase('readiness.drTestStale', { date: text!, ago, within: within.text }));
  },
  continuity: (ctx) => {
    const c = ctx.service.spec.continuity;
    if (!c?.rto && !c?.rpo) return outcome(false, phrase('readiness.noRtoRpo'));
    if (!c.rto) return outcome(false, phrase('readiness.noRto'));
    if (!c.rpo) return outcome(false, phrase('readiness.noRpo'));
    return outcome(true, phrase('readiness.rtoRpo', { rto: c.rto, rpo: c.rpo }));
  },
  'no-deprecated-dependencies': (ctx) => {
    const deprecated = deprecatedDependencies(ctx.org, ctx.service);
    return deprecated.length ? outcome(false, phrase('readiness.deprecatedDeps', { services: deprecated })) : outcome(true, phrase('readiness.noDeprecatedDeps'));
  },
  // Incidents that touched the service (directly or through a CI it owns), judged at `now` by
  // the one function that says what is overdue.
  'incident-reviews': (ctx) => {
    const { reviews } = overdueFollowUps(incidentsOf(ctx.org, ctx.service.metadata.name), activePolicy(ctx.org)?.doc.spec.incidents, ctx.now, { zone: ctx.zone });
    return reviews.length ? outcome(false, phrase('readiness.reviewsOverdue', { incidents: reviews.map((r) => r.incident) })) : outcome(true, phrase('readiness.reviewsOnTime'));
  },
  'incident-actions': (ctx) => {
    const { actions } = overdueFollowUps(incidentsOf(ctx.org, ctx.service.metadata.name), activePolicy(ctx.org)?.doc.spec.incidents, ctx.now, { zone: ctx.zone });
    return actions.length ? outcome(false, phrase('readiness.actionsOverdue', { n: actions.length, incidents: [...new Set(actions.map((a) => a.incident))] })) : outcome(true, phrase('readiness.actionsOnTime'));
  },
};

export function runCheck(ctx: CheckContext): CheckOutcome {
  return CHECKS[ctx.rule.check](ctx);
}
