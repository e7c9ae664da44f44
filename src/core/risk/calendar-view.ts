import { calendarWindows, subjectForChange } from '../calendar/organisation-calendar.js';
import { windowsOverlapping } from '../calendar/overlap.js';
import type { Organisation } from '../organisation.js';
import type { CalendarView, WindowHit } from './context.js';

/** The organisation's change calendars, as the risk engine and the gate ask about them. */
export function calendarView(org: Organisation): CalendarView {
  const windows = calendarWindows(org);
  return {
    windowsFor(change, start, end): WindowHit[] {
      return windowsOverlapping(windows, { start, end }, subjectForChange(org, change)).map((o) => ({
        name: o.name,
        kind: o.kind,
        start: o.startMs,
        end: o.endMs,
        allow: o.allow,
        ...(o.reason ? { reason: o.reason } : {}),
      }));
    },
  };
}
