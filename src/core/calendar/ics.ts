import type { ChangeRequest, ChangeType, RiskClass } from '../model.js';
import { CalendarError, isRecurring, type Range, type WindowInput, type WindowOccurrence } from './expand.js';
import { windowsInForce } from './in-force.js';
import { localToInstant, parseInstant, parseLocal } from './local-time.js';
import { compileRecurrence } from './recurrence.js';
import { icsDuration, parseWindowDuration } from './window-duration.js';
import { icsLocal, vtimezoneLines } from './vtimezone.js';

/**
 * RFC 5545 export of the change calendar, for Outlook, Google Calendar, Thunderbird and the
 * catalog's .ics link.
 *
 * - A recurring window is one VEVENT with DTSTART;TZID=<zone> (its local start), DURATION, the
 *   RRULE as written (UNTIL rewritten in UTC, which the RFC requires next to a TZID) and
 *   EXDATE;TZID=<zone>; a VTIMEZONE for every zone used is included, so readers need no zone
 *   database of their own.
 * - A one-off window is a VEVENT with UTC DTSTART/DTEND.
 * - UIDs are "<window>.<calendar>@opsledger" (and "<change id>@opsledger"): stable across
 *   exports, so a subscribed calendar updates events instead of duplicating them.
 * - CATEGORIES is freeze or maintenance; X-OPSLEDGER-* properties carry what a calendar app has
 *   no field for (window name, scope, allowed types), so the export can be read back.
 * - Narrowed to a range (`--from/--to`), each window is written as its occurrences in the range,
 *   one-off VEVENTs in UTC (a recurring window's UID gains the occurrence's start), so the file
 *   holds exactly what the range holds and needs no VTIMEZONE; changes outside it are left out.
 * Lines end with CRLF and are folded at 75 octets without splitting a UTF-8 character.
 */

export interface IcsChange {
  id: string;
  title?: string;
  start: string;
  end: string;
  type?: ChangeType;
  services?: string[];
  environment?: string;
  phase?: string;
  /** The class risk gives it (the one risk function), when the exporter scored it. */
  riskClass?: RiskClass;
}

/** A change request as the calendar export shows it. */
export function icsChangeOf(doc: ChangeRequest): IcsChange {
  const phase = doc.status?.phase;
  return {
    id: doc.metadata.name,
    ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
    start: doc.spec.schedule.start,
    end: doc.spec.schedule.end,
    type: doc.spec.type,
    ...(doc.spec.services ? { services: doc.spec.services } : {}),
    environment: doc.spec.environment,
    ...(phase ? { phase } : {}),
  };
}

export interface IcsOptions {
  /** The calendar's name, used in UIDs of untagged windows and as X-WR-CALNAME. */
  name: string;
  /** DTSTAMP, the instant the export was made (passed in: the core does not read the clock). */
  stamp: number;
  /** Scheduled changes to add as events. */
  changes?: readonly IcsChange[];
  /** Only what overlaps [from, to): windows as their occurrences in it, changes scheduled in it. */
  range?: Range;
}

/** RFC 5545 3.3.11 TEXT escaping. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/** RFC 5545 3.1: lines longer than 75 octets continue on lines that start with a space. */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74; // the leading space of a continuation line is one of its 75 octets
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function utc(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function describeWindow(w: WindowInput): string {
  const lines: string[] = [];
  if (w.reason) lines.push(w.reason);
  const scope = w.scope ?? {};
  const parts: string[] = [];
  if (scope.environments) parts.push(`environments ${scope.environments.join(', ')}`);
  if (scope.tiers) parts.push(`tiers ${scope.tiers.join(', ')}`);
  if (scope.services) parts.push(`services ${scope.services.join(', ')}`);
  if (scope.labels && Object.keys(scope.labels).length) parts.push(`labels ${Object.entries(scope.labels).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  lines.push(`Applies to: ${parts.length ? parts.join('; ') : 'every change'}`);
  if (w.kind === 'freeze') lines.push(`Still allowed: ${w.allow?.length ? w.allow.join(', ') : 'nothing'}`);
  return lines.join('\n');
}

/** The rule with UNTIL as a UTC instant; everything else as the author wrote it. */
function exportRule(w: WindowInput): string {
  const rule = w.rrule!.replace(/^RRULE:/, '');
  if (!/(^|;)UNTIL=/.test(rule)) return rule;
  const until = compileRecurrence(w).until!;
  return rule.replace(/(^|;)UNTIL=[^;]*/, `$1UNTIL=${utc(localToInstant(until, w.timeZone!))}`);
}

function windowEvent(w: WindowInput, options: IcsOptions): string[] {
  const calendar = w.calendar ?? options.name;
  const lines = ['BEGIN:VEVENT', `UID:${w.name}.${calendar}@opsledger`, `DTSTAMP:${utc(options.stamp)}`];
  lines.push(`SUMMARY:${escapeText(`${w.kind === 'freeze' ? 'Freeze' : 'Maintenance'}: ${w.name}`)}`);
  if (isRecurring(w)) {
    const start = parseLocal(w.start);
    const span = w.duration === undefined ? undefined : parseWindowDuration(w.duration);
    if (start === undefined || !span || !w.timeZone) throw new CalendarError(`window "${w.name}" is not a valid recurring window`);
    lines.push(`DTSTART;TZID=${w.timeZone}:${icsLocal(start)}`, `DURATION:${icsDuration(span)}`, `RRULE:${exportRule(w)}`);
    const exdates = (w.exdates ?? []).map(parseLocal).filter((x): x is number => x !== undefined);
    if (exdates.length) lines.push(`EXDATE;TZID=${w.timeZone}:${exdates.map(icsLocal).join(',')}`);
  } else {
    const start = parseInstant(w.start);
    const end = w.end === undefined ? undefined : parseInstant(w.end);
    if (start === undefined || end === undefined) throw new CalendarError(`window "${w.name}" is not a valid one-off window`);
    lines.push(`DTSTART:${utc(start)}`, `DTEND:${utc(end)}`);
  }
  lines.push(`CATEGORIES:${w.kind}`, `DESCRIPTION:${escapeText(describeWindow(w))}`, 'TRANSP:TRANSPARENT');
  lines.push(`X-OPSLEDGER-WINDOW:${escapeText(w.name)}`, `X-OPSLEDGER-CALENDAR:${escapeText(calendar)}`, `X-OPSLEDGER-KIND:${w.kind}`);
  // VALUE=TEXT spells out the RFC's default for X- properties; readers such as ical.js
  // otherwise keep the value raw and leave its escapes in.
  if (w.scope) lines.push(`X-OPSLEDGER-SCOPE;VALUE=TEXT:${escapeText(JSON.stringify(w.scope))}`);
  if (w.allow?.length) lines.push(`X-OPSLEDGER-ALLOW;VALUE=TEXT:${escapeText(w.allow.join(','))}`);
  lines.push('END:VEVENT');
  return lines;
}

function occurrenceEvent(o: WindowOccurrence, options: IcsOptions): string[] {
  const calendar = o.calendar ?? options.name;
  const uid = o.recurring ? `${o.name}.${calendar}.${utc(o.startMs)}@opsledger` : `${o.name}.${calendar}@opsledger`;
  const lines = ['BEGIN:VEVENT', `UID:${uid}`, `DTSTAMP:${utc(options.stamp)}`, `SUMMARY:${escapeText(`${o.kind === 'freeze' ? 'Freeze' : 'Maintenance'}: ${o.name}`)}`];
  lines.push(`DTSTART:${utc(o.startMs)}`, `DTEND:${utc(o.endMs)}`);
  lines.push(`CATEGORIES:${o.kind}`, `DESCRIPTION:${escapeText(describeWindow({ name: o.name, kind: o.kind, start: o.start, ...(o.scope ? { scope: o.scope } : {}), allow: o.allow, ...(o.reason !== undefined ? { reason: o.reason } : {}) }))}`, 'TRANSP:TRANSPARENT');
  lines.push(`X-OPSLEDGER-WINDOW:${escapeText(o.name)}`, `X-OPSLEDGER-CALENDAR:${escapeText(calendar)}`, `X-OPSLEDGER-KIND:${o.kind}`);
  if (o.scope) lines.push(`X-OPSLEDGER-SCOPE;VALUE=TEXT:${escapeText(JSON.stringify(o.scope))}`);
  if (o.allow.length) lines.push(`X-OPSLEDGER-ALLOW;VALUE=TEXT:${escapeText(o.allow.join(','))}`);
  lines.push('END:VEVENT');
  return lines;
}

function changeInRange(c: IcsChange, range: Range | undefined): boolean {
  if (!range) return true;
  const start = parseInstant(c.start);
  const end = parseInstant(c.end);
  return start !== undefined && end !== undefined && start < range.to && end > range.from;
}

function changeEvent(c: IcsChange, options: IcsOptions): string[] {
  const start = parseInstant(c.start);
  const end = parseInstant(c.end);
  if (start === undefined || end === undefined) throw new CalendarError(`change ${c.id} has no valid schedule`);
  const description = [c.riskClass ? `Risk: ${c.riskClass}` : '', c.services?.length ? `Services: ${c.services.join(', ')}` : '', c.environment ? `Environment: ${c.environment}` : '', c.phase ? `Phase: ${c.phase}` : ''].filter(Boolean).join('\n');
  return [
    'BEGIN:VEVENT',
    `UID:${c.id}@opsledger`,
    `DTSTAMP:${utc(options.stamp)}`,
    `SUMMARY:${escapeText(c.title ? `${c.id}: ${c.title}` : c.id)}`,
    `DTSTART:${utc(start)}`,
    `DTEND:${utc(end)}`,
    `CATEGORIES:change${c.type ? `,${c.type}` : ''}${c.riskClass ? `,${c.riskClass}` : ''}`,
    ...(description ? [`DESCRIPTION:${escapeText(description)}`] : []),
    ...(c.riskClass ? [`X-OPSLEDGER-RISK:${c.riskClass}`] : []),
    'END:VEVENT',
  ];
}

/** The earliest year a zone is needed for: its windows' first starts and exdates. */
function zonesNeeded(windows: readonly WindowInput[]): Map<string, number> {
  const zones = new Map<string, number>();
  for (const w of windows) {
    if (!isRecurring(w) || !w.timeZone) continue;
    const starts = [w.start, ...(w.exdates ?? [])].map(parseLocal).filter((x): x is number => x !== undefined);
    const year = Math.min(...starts.map((t) => new Date(t).getUTCFullYear()));
    zones.set(w.timeZone, Math.min(zones.get(w.timeZone) ?? year, year));
  }
  return zones;
}

export function calendarToIcs(windows: readonly WindowInput[], options: IcsOptions): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//opsledger//change calendar//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(options.name)}`];
  if (options.range) {
    for (const o of windowsInForce(windows, options.range)) lines.push(...occurrenceEvent(o, options));
  } else {
    const zones = [...zonesNeeded(windows)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // A year of margin before the first start: readers look the offset up just before it too.
    for (const [zone, year] of zones) lines.push(...vtimezoneLines(zone, year - 1));
    for (const w of windows) lines.push(...windowEvent(w, options));
  }
  for (const c of options.changes ?? []) if (changeInRange(c, options.range)) lines.push(...changeEvent(c, options));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
