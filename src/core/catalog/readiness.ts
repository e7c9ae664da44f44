import type { Service, Team } from '../model.js';

/**
 * The operational readiness scorecard: what an on-call engineer needs before a service may be
 * relied upon. Each check is a yes or no the service's own files can answer; the level is what
 * the index filters on.
 */
export const READINESS_CHECKS = ['oncall', 'contact', 'runbook', 'playbook', 'dashboard', 'slo', 'repository', 'continuity', 'dr-test'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];
export const READINESS_LEVELS = ['ready', 'partial', 'not-ready'] as const;
export type ReadinessLevel = (typeof READINESS_LEVELS)[number];

export interface Readiness {
  level: ReadinessLevel;
  passed: number;
  total: number;
  checks: { code: ReadinessCheck; ok: boolean }[];
}

/** A disaster-recovery test older than this no longer proves the plan works. */
const DR_TEST_MAX_AGE_MS = 365 * 86_400_000;

export function readiness(service: Service, owner: Team | undefined, sloCount: number, now: number): Readiness {
  const s = service.spec;
  const drTested = s.continuity?.drTestedAt ? Date.parse(s.continuity.drTestedAt) : NaN;
  const contact = owner?.spec.contact;
  const ok: Record<ReadinessCheck, boolean> = {
    oncall: Boolean(owner?.spec.oncall?.schedule),
    contact: Boolean(contact && (contact.slack || contact.email || contact.chat || contact.pager)),
    runbook: (s.runbooks?.length ?? 0) > 0,
    playbook: (s.playbooks?.length ?? 0) > 0,
    dashboard: (s.dashboards?.length ?? 0) > 0,
    slo: sloCount > 0,
    repository: Boolean(s.repository),
    continuity: Boolean(s.continuity?.rto && s.continuity.rpo),
    'dr-test': !Number.isNaN(drTested) && now - drTested <= DR_TEST_MAX_AGE_MS,
  };
  const checks = READINESS_CHECKS.map((code) => ({ code, ok: ok[code] }));
  const passed = checks.filter((c) => c.ok).length;
  const total = checks.length;
  const level: ReadinessLevel = passed === total ? 'ready' : passed * 3 >= total * 2 ? 'partial' : 'not-ready';
  return { level, passed, total, checks };
}
