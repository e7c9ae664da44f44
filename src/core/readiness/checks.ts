import { parseDuration } from '../duration.js';
import { parseInstant } from '../calendar/local-time.js';
import { ageInDays, freshUntil, readEvidenceTime } from '../evidence-time.js';
import type { ReadinessCheck, ReadinessRule, Service, Slo } from '../model.js';
import type { Organisation } from '../organisation.js';

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
}

const DAY_MS = 86_400_000;
export const DEFAULT_WITHIN: Partial<Record<ReadinessCheck, string>> = { 'dr-test': '365d', 'slo-status': '7d' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function links(kind: string, list: readonly unknown[] | undefined): CheckOutcome {
  const n = list?.length ?? 0;
  return { passed: n > 0, detail: n ? plural(n, kind) : `no ${kind}` };
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
  runbook: (ctx) => links('runbook', ctx.service.spec.runbooks),
  playbook: (ctx) => links('playbook', ctx.service.spec.playbooks),
  dashboard: (ctx) => links('dashboard', ctx.service.spec.dashboards),
  repository: (ctx) => (ctx.service.spec.repository ? { passed: true, detail: ctx.service.spec.repository } : { passed: false, detail: 'no repository' }),
  oncall: (ctx) => {
    const schedule = team(ctx)?.oncall?.schedule;
    return schedule ? { passed: true, detail: `team ${ctx.service.spec.owner}: ${schedule}` } : { passed: false, detail: `team ${ctx.service.spec.owner} has no on-call schedule` };
  },
  escalation: (ctx) => {
    const path = team(ctx)?.oncall?.escalation ?? [];
    return path.length ? { passed: true, detail: `escalation ${path.join(' → ')}` } : { passed: false, detail: `team ${ctx.service.spec.owner} has no escalation path` };
  },
  contact: (ctx) => {
    const contact = team(ctx)?.contact ?? {};
    const channels = Object.entries(contact).filter(([, v]) => typeof v === 'string' && v !== '');
    return channels.length ? { passed: true, detail: channels.map(([k, v]) => `${k} ${v as string}`).join(', ') } : { passed: false, detail: `team ${ctx.service.spec.owner} has no contact channel` };
  },
  slo: (ctx) => ({ passed: ctx.slos.length > 0, detail: ctx.slos.length ? plural(ctx.slos.length, 'SLO') : 'no SLO' }),
  'slo-status': (ctx) => {
    if (!ctx.slos.length) return { passed: false, detail: 'no SLO to report a status for' };
    const within = withinOf(ctx);
    const stale = ctx.slos.filter((s) => {
      const at = s.status?.measuredAt === undefined ? undefined : parseInstant(s.status.measuredAt);
      return s.status?.errorBudgetRemaining === undefined || at === undefined || ctx.now - at > within.ms;
    });
    return stale.length
      ? { passed: false, detail: `no error-budget status within ${within.text}: ${stale.map((s) => s.metadata.name).join(', ')}` }
      : { passed: true, detail: `${plural(ctx.slos.length, 'SLO')} with a status within ${within.text}` };
  },
  'dr-test': (ctx) => {
    const text = ctx.service.spec.continuity?.drTestedAt;
    // A bare date is the whole day on the organisation's clock (src/core/evidence-time.ts).
    const clock = { zone: ctx.zone };
    const at = readEvidenceTime(text, clock);
    if (at === undefined) return { passed: false, detail: 'no DR test recorded (continuity.drTestedAt)' };
    const within = withinOf(ctx);
    const age = ageInDays(at, ctx.now, clock);
    return ctx.now <= freshUntil(at, within.ms, clock)
      ? { passed: true, detail: `last DR test ${text}, ${plural(Math.max(age, 0), 'day')} ago` }
      : { passed: false, detail: `last DR test ${text}, ${plural(age, 'day')} ago (max ${within.text})` };
  },
  continuity: (ctx) => {
    const c = ctx.service.spec.continuity;
    const missing = (['rto', 'rpo'] as const).filter((k) => !c?.[k]);
    return missing.length ? { passed: false, detail: `no ${missing.join(' or ').toUpperCase()}` } : { passed: true, detail: `RTO ${c!.rto}, RPO ${c!.rpo}` };
  },
  'no-deprecated-dependencies': (ctx) => {
    const deprecated = deprecatedDependencies(ctx.org, ctx.service);
    return deprecated.length ? { passed: false, detail: `depends on deprecated ${deprecated.join(', ')}` } : { passed: true, detail: 'no deprecated dependency' };
  },
};

export function runCheck(ctx: CheckContext): CheckOutcome {
  return CHECKS[ctx.rule.check](ctx);
}
