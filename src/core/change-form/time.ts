import { formatAt, toLocal } from '../catalog/time.js';
import type { FormTime } from './types.js';

/** Monday = 0, on the clock of a floating (wall-clock) value. */
function weekdayOf(local: number): number {
  return (new Date(local).getUTCDay() + 6) % 7;
}

/** An instant on the display zone's clock and in UTC, each with its weekday. */
export function formTime(instant: number, zone: string): FormTime {
  return { local: formatAt(instant, zone), weekday: weekdayOf(toLocal(instant, zone)), utc: formatAt(instant, 'UTC'), utcWeekday: weekdayOf(instant) };
}
