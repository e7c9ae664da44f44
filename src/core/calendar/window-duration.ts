import { isDuration } from '../duration.js';
import { DAY, localToInstant } from './local-time.js';

/**
 * How long a recurring window lasts, split the way RFC 5545 (3.3.6) splits a DURATION: days and
 * weeks are nominal (calendar days in the window's zone, so "2d" from Friday 18:00 ends Sunday
 * 18:00 even across a daylight-saving change), hours, minutes and seconds are exact elapsed
 * time. Keeping the RFC's meaning is what lets an exported .ics expand to the same instants.
 */
export interface WindowSpan {
  days: number;
  ms: number;
}

const UNIT = /(\d+)([smhdw])/g;
const EXACT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

export function parseWindowDuration(text: string): WindowSpan | undefined {
  if (!isDuration(text)) return undefined;
  let days = 0;
  let ms = 0;
  for (const m of text.matchAll(UNIT)) {
    const n = Number(m[1]);
    if (m[2] === 'w') days += 7 * n;
    else if (m[2] === 'd') days += n;
    else ms += n * EXACT_MS[m[2]!]!;
  }
  return { days, ms };
}

/**
 * The end instant of an occurrence that starts at wall-clock `local` (instant `start`):
 * the nominal days move the wall clock, the exact part moves the instant (Temporal's order).
 */
export function occurrenceEnd(local: number, start: number, span: WindowSpan, zone: string): number {
  const dayShifted = span.days === 0 ? start : localToInstant(local + span.days * DAY, zone);
  return dayShifted + span.ms;
}

/** RFC 5545 dur-value: P3D, PT3H, P2DT8H30M; weeks are written as days (P1W cannot carry hours). */
export function icsDuration(span: WindowSpan): string {
  let seconds = Math.round(span.ms / 1000);
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  if (span.days === 0) return `PT${time || '0S'}`;
  return `P${span.days}D${time ? `T${time}` : ''}`;
}

/** An opsledger duration for a span: "2d8h", "90m" stays "1h30m". */
export function formatSpan(span: WindowSpan): string {
  let seconds = Math.round(span.ms / 1000);
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const text = `${span.days ? `${span.days}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}
