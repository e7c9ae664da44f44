import type { WindowOccurrence } from '../calendar/expand.js';
import { windowsInForce, windowVerdict, type WindowVerdict } from '../calendar/in-force.js';
import { calendarWindows, subjectForChange } from '../calendar/organisation-calendar.js';
import { environmentsOf } from '../environments.js';
import type { ChangeRequest, ChangeType, PolicySpec } from '../model.js';
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

/**
 * What the freezes and maintenance windows in force over [from, to) mean for a change of the
 * given (effective) type: the one judgement of "may this change run over this interval". Risk
 * asks it over the schedule, the gate over what is left of it from the moment of the deploy,
 * so a freeze later in the window denies the deploy exactly as it is a conflict in the report.
 * `known` are occurrences already expanded for a wider interval (risk's near-freeze margin).
 */
export function verdictOver(calendar: CalendarView, change: ChangeRequest, type: ChangeType, interval: { from: number; to: number }, known?: readonly WindowOccurrence[]): WindowVerdict {
  const { from, to } = interval;
  const end = to > from ? to : from + 1;
  const occurrences = (known ?? calendar.windowsFor(change, from, end)).filter((w) => w.startMs < end && w.endMs > from);
  // The occurrences are already matched to the change's scope; its type decides which freezes it may pass.
  return windowVerdict(occurrences, { from, to: end }, { type });
}
