import { CalendarError } from '../core/calendar/expand.js';
import { ExpectedFailure } from './ports/failure.js';

/**
 * The calendar could not be expanded within its budget (a window so dense, over so long a
 * schedule, that listing its occurrences would not end in reasonable time). The answer would be
 * incomplete, so there is none: the command fails with the reason instead of skipping windows.
 */
export function calendarFailure(e: unknown): never {
  if (e instanceof CalendarError) throw new ExpectedFailure('calendar.expansion-budget', e.message);
  throw e;
}
