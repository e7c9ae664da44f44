import type { CalendarWindow } from '../model.js';
import { DAY, formatLocal } from './local-time.js';
import { compileRecurrence, RecurrenceError } from './recurrence.js';
import { formatSpan, type WindowSpan } from './window-duration.js';

// Enough starts to see every gap of a weekly, monthly or yearly pattern, bounded in both count
// and time so the check itself stays cheap for a minutely rule.
const SAMPLE = 2000;
const SAMPLE_YEARS = 8;

/**
 * What validate says about a recurring window's occurrences: why they would overlap one another (it recurs more often than it
 * lasts), or undefined. Overlapping occurrences of one window mean nothing a single longer
 * window does not, and they multiply what every query must expand: a minutely window lasting a
 * year is half a million occurrences in force at any instant. The starts are read from the
 * first years of the rule on floating time, the same wall clock the duration is measured on.
 * `never` is why the rule matches no date, so the window happens only once, at its start.
 */
export function recurringShape(window: CalendarWindow, span: WindowSpan): { overlap?: string; never?: string } {
  let starts: number[];
  let never: string | undefined;
  try {
    const recurrence = compileRecurrence(window);
    never = recurrence.never;
    starts = recurrence.firstStarts(SAMPLE, recurrence.first + SAMPLE_YEARS * 366 * DAY);
  } catch (e) {
    if (e instanceof RecurrenceError) return {};
    throw e;
  }
  const length = span.days * DAY + span.ms;
  for (let i = 1; i < starts.length; i++) {
    const gap = starts[i]! - starts[i - 1]!;
    if (gap < length) {
      return { overlap: `each occurrence lasts ${formatSpan(span)} but the next starts ${formatSpan({ days: 0, ms: gap })} later (${formatLocal(starts[i - 1]!)} and ${formatLocal(starts[i]!)}); a window may not overlap itself` };
    }
  }
  return never ? { never } : {};
}
