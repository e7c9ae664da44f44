import { parseDuration } from '../duration.js';
import type { PolicySpec } from '../model.js';
import { phrase, type Phrase } from '../phrase.js';
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
  /** The zone the reasons show `now` and `start` on: the organisation's (organisationZone). */
  zone: string;
}

export function evidenceMoment(now: number, start: number, scheduleStart: string, zone: string): EvidenceMoment {
  return { now, start, clock: { offsetMs: writtenOffset(scheduleStart) }, zone };
}

/** The host names a policy trusts, lower-cased, or undefined when any link (or none) will do. */
export function trustedHosts(policy: PolicySpec): ReadonlySet<string> | undefined {
  const hosts = policy.evidence?.hosts;
  return hosts?.length ? new Set(hosts.map((h) => h.toLowerCase())) : undefined;
}

function hostProblem(link: string | undefined, hosts: ReadonlySet<string>): Phrase | undefined {
  const listed = [...hosts].join(', ');
  if (!link) return phrase('evidence.noLink', { hosts: listed });
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return phrase('evidence.notLink', { evidence: link, hosts: listed });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return phrase('evidence.scheme', { scheme: url.protocol, hosts: listed });
  // The parsed host, never a prefix or suffix of the text: ci.example.com.evil.io and
  // ci.example.com@evil.io are other hosts.
  if (!hosts.has(url.hostname.toLowerCase())) return phrase('evidence.host', { host: url.hostname, hosts: listed });
  return undefined;
}

function dateProblem(at: string, moment: EvidenceMoment, maxAge: { ms: number; text: string } | undefined): Phrase | undefined {
  // One reader with readiness (src/core/evidence-time.ts): a bare date is its whole day.
  const t = readEvidenceTime(at, moment.clock);
  if (t === undefined) return phrase('evidence.notDate', { at });
  if (t.from > moment.now) return phrase('evidence.future', { at, now: { instant: moment.now, zone: moment.zone } });
  if (t.from > moment.start) return phrase('evidence.afterStart', { at, start: { instant: moment.start, zone: moment.zone } });
  if (maxAge && moment.start > freshUntil(t, maxAge.ms, moment.clock)) return phrase('evidence.tooOld', { at, days: ageInDays(t, moment.start, moment.clock), maxAge: maxAge.text });
  return undefined;
}

/** Why the policy refuses a piece of evidence, or undefined when it holds. */
export function evidenceProblem(claim: EvidenceClaim, policy: PolicySpec, moment: EvidenceMoment): Phrase | undefined {
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
