import type { WindowOccurrence } from '../calendar/expand.js';
import { windowsInForce } from '../calendar/in-force.js';
import { calendarWindows, subjectForChange } from '../calendar/organisation-calendar.js';
import { environmentsOf } from '../environments.js';
import type { PolicySpec } from '../model.js';
import type { Organisation } from '../organisation.js';
import type { CalendarView } from './context.js';

/** The organisation's change calendars, as the risk engine and the gate ask about them. */
export function calendarView(org: Organisation, policy: Pick<PolicySpec, 'environments'>): CalendarView {
  const windows = calendarWindows(org);
  const envs = environmentsOf(policy);
  return {
    windowsFor(change, start, end): WindowOccurrence[] {
      return windowsInForce(windows, { from: start, to: end }, subjectForChange(org, change, envs));
    },
  };
}
