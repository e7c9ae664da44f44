import { parseDuration } from '../duration.js';
import type { PolicySpec } from '../model.js';
import { writtenOffset } from '../calendar/local-time.js';
import { ageInDays, freshUntil, readEvidenceTime, type EvidenceClock } from '../evidence-time.js';

/**
 * Evidence a requester types (a rehearsal date, a verification and its link) is a claim, not a
 * fact: it satisfies a control only when it could be true and the policy would accept it. A date
 * after the assessment or after the change itself began, a date older than the policy's maximum
 * age, or a link outside the hosts the policy trusts is refused, with the reason.
 */
export interface EvidenceClaim {
  /** When the evidence was produced: a date or a date-time with offset. */
  at?: string;
  /** Where it can be checked: a URL or a short reference. */
  evidence?: string;
}

export interface EvidenceMoment {
  /** The assessment time. */
  now: number;
  /** The change's scheduled start. */
  start: number;
  /**
   * The clock a bare date is read on: the UTC offset the change's schedule is written in. The
   * requester and the schedule share a clock, so "2026-12-03" is before a change at 01:00 that
   * morning and after one the evening before.
   */
  clock: EvidenceClock;
}

export function evidenceMoment(now: number, start: number, scheduleStart: string): EvidenceMoment {
  return { now, start, clock: { offsetMs: writtenOffset(scheduleStart) } };
}

/** The host names a policy trusts, lower-cased, or undefined when any link (or none) will do. */
export function trustedHosts(policy: PolicySpec): ReadonlySet<string> | undefined {
  const hosts = policy.evidence?.hosts;
  return hosts?.length ? new Set(hosts.map((h) => h.toLowerCase())) : undefined;
}

function hostProblem(link: string | undefined, hosts: ReadonlySet<string>): string | undefined {
  const listed = [...hosts].join(', ');
  if (!link) return `no evidence link; the policy accepts links to ${listed}`;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return `evidence "${link}" is not a link; the policy accepts links to ${listed}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `evidence is a ${url.protocol} link; the policy accepts web links to ${listed}`;
  // The parsed host, never a prefix or suffix of the text: ci.example.com.evil.io and
  // ci.example.com@evil.io are other hosts.
  if (!hosts.has(url.hostname.toLowerCase())) return `evidence is on ${url.hostname}, which the policy does not list (${listed})`;
  return undefined;
}

function dateProblem(at: string, moment: EvidenceMoment, maxAge: { ms: number; text: string } | undefined): string | undefined {
  // One reader with readiness (src/core/evidence-time.ts): a bare date is its whole day.
  const t = readEvidenceTime(at, moment.clock);
  if (t === undefined) return `dated ${at}, which is not a date`;
  if (t.from > moment.now) return `dated ${at}, after the assessment time ${new Date(moment.now).toISOString()}: evidence cannot come from the future`;
  if (t.from > moment.start) return `dated ${at}, after the change started at ${new Date(moment.start).toISOString()}: it says nothing about the change before it ran`;
  if (maxAge && moment.start > freshUntil(t, maxAge.ms, moment.clock)) return `dated ${at}, ${ageInDays(t, moment.start, moment.clock)} days before the change starts; the policy accepts evidence up to ${maxAge.text} old`;
  return undefined;
}

/** Why the policy refuses a piece of evidence, or undefined when it holds. */
export function evidenceProblem(claim: EvidenceClaim, policy: PolicySpec, moment: EvidenceMoment): string | undefined {
  const maxAgeText = policy.evidence?.maxAge;
  const maxAgeMs = maxAgeText ? parseDuration(maxAgeText) : undefined;
  const maxAge = maxAgeText && maxAgeMs !== undefined ? { ms: maxAgeMs, text: maxAgeText } : undefined;
  if (claim.at !== undefined) {
    const problem = dateProblem(claim.at, moment, maxAge);
    if (problem) return problem;
  }
  const hosts = trustedHosts(policy);
  return hosts ? hostProblem(claim.evidence, hosts) : undefined;
}
