import { agendaCandidates, buildAgenda, type AgendaReport } from '../core/cab-agenda/build.js';
import { calendarToIcs, icsChangeOf, type IcsChange } from '../core/calendar/ics.js';
import { windowsInForce } from '../core/calendar/in-force.js';
import { calendarWindows } from '../core/calendar/organisation-calendar.js';
import { organisationZone } from '../core/evidence-time.js';
import { assessRisk, riskContext } from './assess-risk.js';
import { calendarFailure } from './calendar-failure.js';
import type { LoadedOrganisation } from './load-organisation.js';
import type { DocumentOrigins } from './ports/git.js';

export interface CabAgendaOptions {
  /** The assessment time: risk scores every change as of it (notice, evidence age). */
  now: number;
  from: number;
  to: number;
}

/**
 * `opsledger cab agenda`: the CAB meeting's agenda for [from, to). The candidates are the open
 * changes in the period; each is scored by `assessRisk`, the one risk function (`risk` gives the
 * same class), and the agenda (src/core/cab-agenda) keeps those whose approvals need the
 * meeting. A calendar too dense to expand is an ExpectedFailure, never a partial agenda.
 */
export function cabAgenda(loaded: LoadedOrganisation, origins: DocumentOrigins, options: CabAgendaOptions): AgendaReport {
  const period = { from: options.from, to: options.to };
  const ctx = riskContext(loaded, options.now, origins);
  const ids = agendaCandidates(loaded.org, period);
  try {
    const reports = ids.length ? assessRisk(loaded, origins, { ids, now: options.now, blastRadiusRows: 0 }) : [];
    const windows = windowsInForce(calendarWindows(loaded.org), period);
    return buildAgenda({ ctx, period, reports, windows, zone: organisationZone(loaded.org) });
  } catch (e) {
    return calendarFailure(e);
  }
}

/**
 * The agenda as iCalendar: its changes (with their class) and the windows in force over the
 * period, narrowed to it as `calendar --from/--to --ics` narrows (calendarToIcs with a range).
 */
export function cabAgendaIcs(loaded: LoadedOrganisation, report: AgendaReport, options: Pick<CabAgendaOptions, 'from' | 'to'> & { stamp: number }): string {
  const changes: IcsChange[] = report.classes.flatMap((c) => c.days.flatMap((d) => d.changes.map((item) => ({ ...icsChangeOf(loaded.org.changes.get(item.id)!.doc), riskClass: item.verdict.class }))));
  const names = [...loaded.org.calendars.keys()];
  try {
    return calendarToIcs(calendarWindows(loaded.org), { name: names.length === 1 ? names[0]! : 'opsledger', stamp: options.stamp, changes, range: { from: options.from, to: options.to } });
  } catch (e) {
    return calendarFailure(e);
  }
}
