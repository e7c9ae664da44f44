import { organisationZone } from '../evidence-time.js';
import { ownerRequirements, planApprovals, teamsOfGroup } from '../approval-plan.js';
import { isOnCalendar, isOpen, phaseOf } from '../change-phase.js';
import { publicOccurrence, type Occurrence, type WindowOccurrence } from '../calendar/expand.js';
import { formatInZone, formatInstant } from '../calendar/local-time.js';
import { parseDuration } from '../duration.js';
import { RISK_CLASSES, type ChangePhase, type ChangeRequest, type ChangeType, type RiskClass } from '../model.js';
import type { Organisation } from '../organisation.js';
import { english, phrase, type Phrase } from '../phrase.js';
import { verdictOver } from '../risk/calendar-view.js';
import { instant, type RiskContext } from '../risk/context.js';
import type { RiskReport } from '../risk/types.js';
import { agendaSettings } from './policy.js';
import { openQuestions } from './questions.js';

/**
 * The CAB meeting's agenda for a period, as data: the JSON contract of `opsledger cab agenda`
 * (docs/cab-agenda.md), which the text, markdown and .ics forms render.
 *
 * - On it: the open changes (change-phase.ts) scheduled in the period whose approvals, for the
 *   class risk gives them, name a group the meeting stands for (policy `agenda.groups`),
 *   grouped by class (most severe first) and by the local date of their start.
 * - Each with the risk verdict in one line, the approvals its class requires by group with the
 *   people who can give them, the conflicts risk found, and the policy's open questions.
 * - The freezes and maintenance windows in force over the period (windowsInForce).
 * - Emergency changes that ran before the period and have no post-implementation review
 *   recorded (`status.outcome.review`): due `emergency.reviewWithin` after they were
 *   implemented, overdue once that has passed at the start of the period. A change reviewed at
 *   an earlier meeting has its review recorded, so this is what arrived since the last one.
 *
 * The agenda reads no pull-request reviews. An approval is missing unless the change records
 * itself as approved or later; the gate counts the reviews themselves.
 */

export interface AgendaPeriod {
  from: number;
  to: number;
}

export interface AgendaApproval {
  group: string;
  count: number;
  /** The teams the group stands for (for `owner`, the owning teams of what `owns` names). */
  teams: string[];
  /** Their members, as the teams list them. */
  members: string[];
  owns?: string;
  text: string;
}

export interface AgendaVerdict {
  class: RiskClass;
  impact: number;
  likelihood: number;
  controlsMet: number;
  controlsRequired: number;
  blockingConflicts: number;
  text: string;
}

export interface AgendaItem {
  id: string;
  title?: string;
  type: ChangeType;
  effectiveType: ChangeType;
  phase: ChangePhase;
  requester: string;
  environment: string;
  services: string[];
  configurationItems: string[];
  schedule: { start: string; end: string; localStart: string; localEnd: string };
  verdict: AgendaVerdict;
  approvals: AgendaApproval[];
  missingApprovals: AgendaApproval[];
  /** Set when the missing approvals are none because of the phase the change records. */
  approvalsNote?: string;
  /** An emergency change may have one approver of this group instead. */
  emergencyAlternative?: { group: string; teams: string[]; members: string[]; text: string };
  conflicts: { code: string; severity: 'error' | 'warning'; with: string; message: string }[];
  questions: { id: string; check: string; text: string }[];
}

export interface AgendaEmergency {
  id: string;
  title?: string;
  environment: string;
  services: string[];
  phase: ChangePhase;
  implementedAt: string;
  due: string;
  overdue: boolean;
  text: string;
}

export interface AgendaReport {
  generatedAt: string;
  /** The zone dates are grouped and local times shown in: the organisation's own clock. */
  zone: string;
  period: { from: string; to: string; localFrom: string; localTo: string };
  groups: string[];
  classes: { class: RiskClass; days: { date: string; changes: AgendaItem[] }[] }[];
  windows: Occurrence[];
  emergencies: AgendaEmergency[];
}

const RECORDED_APPROVED: readonly ChangePhase[] = ['approved', 'scheduled', 'implementing', 'completed'];

function overlaps(change: ChangeRequest, period: AgendaPeriod): boolean {
  const start = instant(change.spec.schedule.start);
  const end = instant(change.spec.schedule.end);
  return start !== undefined && end !== undefined && start < period.to && end > period.from;
}

/** The open changes scheduled (at least partly) in the period: who the agenda may list, sorted. */
export function agendaCandidates(org: Organisation, period: AgendaPeriod): string[] {
  return [...org.changes]
    .filter(([, l]) => isOpen(l.doc) && overlaps(l.doc, period))
    .map(([id]) => id)
    .sort();
}

/** The changes on the calendar (change-phase.ts) scheduled in the period, sorted by start then id. */
export function scheduledInPeriod(org: Organisation, period: AgendaPeriod): ChangeRequest[] {
  return [...org.changes.values()]
    .map((l) => l.doc)
    .filter((d) => isOnCalendar(d) && overlaps(d, period))
    .sort((a, b) => instant(a.spec.schedule.start)! - instant(b.spec.schedule.start)! || (a.metadata.name < b.metadata.name ? -1 : 1));
}

function membersOf(org: Organisation, teams: readonly string[]): string[] {
  return [...new Set(teams.flatMap((t) => org.teams.get(t)?.doc.spec.members ?? []))];
}

function approvalText(count: number, group: string, members: readonly string[]): string {
  return english(members.length ? phrase('agenda.approvalNeeded', { n: count, group, members: [...members] }) : phrase('agenda.approvalNeededNobody', { n: count, group }));
}

function approvalsFor(ctx: RiskContext, change: ChangeRequest, report: RiskReport): { approvals: AgendaApproval[]; emergency?: AgendaItem['emergencyAlternative']; needs: Set<string> } {
  const plan = planApprovals(ctx.policy, report, []);
  const approvals: AgendaApproval[] = [];
  const needs = new Set<string>();
  let emergency: AgendaItem['emergencyAlternative'];
  for (const alt of plan.alternatives) {
    if (alt.name === 'emergency') {
      const group = alt.requirements[0]!.group;
      const teams = teamsOfGroup(ctx.policy, group);
      emergency = { group, teams, members: membersOf(ctx.org, teams), text: english(phrase('agenda.emergencyAlternative', { group })) };
      continue;
    }
    if (alt.name !== 'class') continue;
    for (const r of alt.requirements) {
      needs.add(r.group);
      if (r.group === 'owner') {
        for (const o of ownerRequirements(change, ctx.org, r.count)) {
          const members = membersOf(ctx.org, o.teams);
          approvals.push({ group: o.group, count: o.count, teams: o.teams, members, owns: o.owns, text: approvalText(o.count, o.group, members) });
        }
      } else {
        const teams = teamsOfGroup(ctx.policy, r.group);
        const members = membersOf(ctx.org, teams);
        approvals.push({ group: r.group, count: r.count, teams, members, text: approvalText(r.count, r.group, members) });
      }
    }
  }
  return { approvals, needs, ...(emergency ? { emergency } : {}) };
}

function verdictOf(r: RiskReport): AgendaVerdict {
  const controlsRequired = r.controls.filter((c) => c.required).length;
  const controlsMet = r.controls.filter((c) => c.required && c.met).length;
  const blockingConflicts = r.conflicts.filter((c) => c.severity === 'error').length;
  const args = { class: phrase(`riskClass.${r.class}`), impact: r.impact.level, likelihood: r.likelihood.level, met: controlsMet, required: controlsRequired };
  const p: Phrase = blockingConflicts ? phrase('agenda.verdictBlocked', { ...args, n: blockingConflicts }) : phrase('agenda.verdict', args);
  return { class: r.class, impact: r.impact.level, likelihood: r.likelihood.level, controlsMet, controlsRequired, blockingConflicts, text: english(p) };
}

function agendaItem(ctx: RiskContext, report: RiskReport, zone: string, groups: readonly string[]): AgendaItem | undefined {
  const change = ctx.org.changes.get(report.change)!.doc;
  const { approvals, emergency, needs } = approvalsFor(ctx, change, report);
  if (!groups.some((g) => needs.has(g))) return undefined;
  const start = instant(change.spec.schedule.start)!;
  const end = instant(change.spec.schedule.end)!;
  const phase = phaseOf(change);
  const recorded = RECORDED_APPROVED.includes(phase);
  // The one judgement of the calendar over the schedule, as risk's maintenance-window control asks it.
  const inMaintenance = verdictOver(ctx.calendar, change, report.effectiveType, { from: start, to: end }).maintenance;
  return {
    id: report.change,
    ...(report.title ? { title: report.title } : {}),
    type: report.type,
    effectiveType: report.effectiveType,
    phase,
    requester: change.spec.requester,
    environment: change.spec.environment,
    services: [...(change.spec.services ?? [])],
    configurationItems: [...(change.spec.configurationItems ?? [])],
    schedule: { start: formatInstant(start), end: formatInstant(end), localStart: formatInZone(start, zone), localEnd: formatInZone(end, zone) },
    verdict: verdictOf(report),
    approvals,
    missingApprovals: recorded ? [] : approvals,
    ...(recorded ? { approvalsNote: english(phrase('agenda.approvalsRecorded', { phase })) } : {}),
    ...(emergency ? { emergencyAlternative: emergency } : {}),
    conflicts: report.conflicts.map((c) => ({ code: c.code, severity: c.severity, with: c.with, message: c.message })),
    questions: openQuestions(agendaSettings(ctx.policy).questions, change, { class: report.class, inMaintenance, zone: organisationZone(ctx.org) }, ctx.policy, ctx.now).map((q) => ({ id: q.id, check: q.check, text: english(q.phrase) })),
  };
}

/** Emergency changes implemented before the period without a recorded post-implementation review, oldest first. */
export function emergenciesForReview(ctx: RiskContext, period: AgendaPeriod): AgendaEmergency[] {
  const within = parseDuration(ctx.policy.emergency?.reviewWithin ?? '') ?? 0;
  const out: (AgendaEmergency & { at: number })[] = [];
  for (const { doc } of ctx.org.changes.values()) {
    if (doc.spec.type !== 'emergency' || !isOnCalendar(doc) || doc.status?.outcome?.review) continue;
    const at = instant(doc.status?.outcome?.implementedAt) ?? instant(doc.spec.schedule.start);
    if (at === undefined || at >= period.from) continue;
    const due = at + within;
    const overdue = due < period.from;
    const dueText = formatInstant(due);
    out.push({
      id: doc.metadata.name,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      environment: doc.spec.environment,
      services: [...(doc.spec.services ?? [])],
      phase: phaseOf(doc),
      implementedAt: formatInstant(at),
      due: dueText,
      overdue,
      text: english(phrase(overdue ? 'agenda.reviewOverdue' : 'agenda.reviewDue', { due: dueText })),
      at,
    });
  }
  return out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).map(({ at: _at, ...rest }) => rest);
}

export interface AgendaInput {
  ctx: RiskContext;
  period: AgendaPeriod;
  /** Risk's reports of the candidates (agendaCandidates), made by the one risk function. */
  reports: readonly RiskReport[];
  /** The windows in force over the period (windowsInForce over every window). */
  windows: readonly WindowOccurrence[];
  zone: string;
}

export function buildAgenda(input: AgendaInput): AgendaReport {
  const { ctx, period, zone } = input;
  const groups = [...agendaSettings(ctx.policy).groups];
  const byClass = new Map<RiskClass, Map<string, AgendaItem[]>>();
  const items = input.reports
    .map((r) => agendaItem(ctx, r, zone, groups))
    .filter((x): x is AgendaItem => x !== undefined)
    .sort((a, b) => (a.schedule.start < b.schedule.start ? -1 : a.schedule.start > b.schedule.start ? 1 : a.id < b.id ? -1 : 1));
  for (const item of items) {
    let days = byClass.get(item.verdict.class);
    if (!days) byClass.set(item.verdict.class, (days = new Map()));
    const date = item.schedule.localStart.slice(0, 10);
    days.set(date, [...(days.get(date) ?? []), item]);
  }
  const classes = [...RISK_CLASSES]
    .reverse()
    .filter((c) => byClass.has(c))
    .map((c) => ({ class: c, days: [...byClass.get(c)!].map(([date, changes]) => ({ date, changes })) }));
  return {
    generatedAt: formatInstant(ctx.now),
    zone,
    period: { from: formatInstant(period.from), to: formatInstant(period.to), localFrom: formatInZone(period.from, zone), localTo: formatInZone(period.to, zone) },
    groups,
    classes,
    windows: input.windows.map(publicOccurrence),
    emergencies: emergenciesForReview(ctx, period),
  };
}
