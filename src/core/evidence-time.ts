import { isTimeZone } from './calendar/rrule-syntax.js';
import { localToInstant, offsetAt, parseInstant, parseLocal } from './calendar/local-time.js';
import { activePolicy, type Organisation } from './organisation.js';

/**
 * When a piece of evidence was produced (a disaster-recovery test, a rollback rehearsal, a
 * verification run): the one reader for readiness and the risk controls alike.
 *
 * A date-time with an offset is that instant. A bare date ("2026-11-30") says the day, not the
 * hour, so it is the whole of that day on the clock it was written by, and each question takes
 * the end of the day that never makes a claim more than it says:
 * - it comes from the future only while its day has not begun (`from` after the moment asked);
 * - its age counts from the end of its day: tested on the 30th is within 90 days until the 90th
 *   day after the 30th is over, and a whole number of days is added on the calendar, not as
 *   24-hour blocks, so the answer changes at midnight on that clock and never during a day
 *   (reading it as midnight UTC made a readiness verdict flip at 09:00 in Seoul).
 */
export type EvidenceClock = { zone: string } | { offsetMs: number };

export interface EvidenceTime {
  /** The first moment it could have been produced. */
  from: number;
  /** The last moment it could have been produced (the end of the day for a bare date). */
  to: number;
  /** The bare date, when that is all that was written. */
  date?: string;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function instantOfLocal(local: number, clock: EvidenceClock): number {
  return 'zone' in clock ? localToInstant(local, clock.zone) : local - clock.offsetMs;
}

function localOf(instant: number, clock: EvidenceClock): number {
  return instant + ('zone' in clock ? offsetAt(instant, clock.zone) : clock.offsetMs);
}

/**
 * The one reading of a date-only value (YYYY-MM-DD): the whole of that day on the clock, from its
 * first to its last millisecond. Evidence dates (readiness, risk controls) and due dates
 * (incident action items, src/core/incidents/follow-up.ts) both read a bare date here, so "the
 * day has ended" means the same instant for a rehearsal and for an action item.
 */
export function dateOnlyDay(text: string, clock: EvidenceClock): { from: number; to: number } | undefined {
  const day = DATE_ONLY.test(text) ? parseLocal(`${text}T00:00:00`) : undefined;
  return day === undefined ? undefined : { from: instantOfLocal(day, clock), to: instantOfLocal(day + DAY_MS, clock) - 1 };
}

export function readEvidenceTime(text: string | undefined, clock: EvidenceClock): EvidenceTime | undefined {
  if (!text) return undefined;
  if (DATE_ONLY.test(text)) {
    const day = dateOnlyDay(text, clock);
    return day && { ...day, date: text };
  }
  const t = parseInstant(text);
  return t === undefined ? undefined : { from: t, to: t };
}

/** The last moment the evidence is no older than `withinMs`. */
export function freshUntil(t: EvidenceTime, withinMs: number, clock: EvidenceClock): number {
  if (t.date !== undefined && withinMs % DAY_MS === 0) {
    const day = parseLocal(`${t.date}T00:00:00`)!;
    return instantOfLocal(day + DAY_MS + withinMs, clock) - 1;
  }
  return t.to + withinMs;
}

/**
 * The end of the `n`th business day (Monday to Friday) after the day of `instant` on the clock:
 * resolved on a Friday, 5 business days end the next Friday at midnight. Holidays are not known
 * to opsledger, so a team that wants them counted writes a longer deadline.
 */
export function endOfBusinessDays(instant: number, n: number, clock: EvidenceClock): number {
  let day = Math.floor(localOf(instant, clock) / DAY_MS);
  for (let left = n; left > 0; ) {
    day += 1;
    // Day 0 of the epoch (1970-01-01) was a Thursday; 0 is Sunday, 6 Saturday.
    const weekday = (day + 4) % 7;
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return instantOfLocal((day + 1) * DAY_MS, clock) - 1;
}

/** Whole calendar days on the clock from the evidence's day to the day of `at` (0 on the same day). */
export function ageInDays(t: EvidenceTime, at: number, clock: EvidenceClock): number {
  const dayOf = (instant: number) => Math.floor(localOf(instant, clock) / DAY_MS);
  return dayOf(at) - dayOf(t.from);
}

/**
 * The organisation's own clock: where its policy says its peak hours are, else the zone of its
 * first calendar window that names one, else UTC. The catalog shows times in it and readiness
 * reads bare dates on it.
 */
const zones = new WeakMap<Organisation, string>();

export function organisationZone(org: Organisation): string {
  let zone = zones.get(org);
  if (zone === undefined) zones.set(org, (zone = zoneOf(org)));
  return zone;
}

function zoneOf(org: Organisation): string {
  return zoneFrom(
    activePolicy(org)?.doc.spec.likelihood.factors.peakHours?.timeZone,
    [...org.calendars.values()].flatMap(({ doc }) => doc.spec.windows.map((w) => w.timeZone ?? '')),
  );
}

/**
 * The rule behind organisationZone, for callers that hold only the documents' facts (validate):
 * the policy's peak-hours zone, else the first calendar window's zone that is a real one, else UTC.
 */
export function zoneFrom(peakZone: string | undefined, windowZones: Iterable<string>): string {
  if (peakZone && isTimeZone(peakZone)) return peakZone;
  for (const z of windowZones) if (z && isTimeZone(z)) return z;
  return 'UTC';
}
