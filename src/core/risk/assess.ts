import type { WindowVerdict } from '../calendar/in-force.js';
import { verdictOver } from './calendar-view.js';
import { decideType, type TypeDecision } from './effective-type.js';
import type { WindowOccurrence } from '../calendar/expand.js';
import { formatDuration, parseDuration } from '../duration.js';
import { canonicalEnvironment } from '../environments.js';
import { filledPaths, missingFields } from '../required-fields.js';
import { RISK_CLASSES, type ChangeRequest, type ChangeType, type RiskClass } from '../model.js';
import { instant, SHALLOW_CODE, SHALLOW_HINT, type RiskContext } from './context.js';
import type { Organisation } from '../organisation.js';
import { exhaustedBudgets, FACTORS, overlappingChanges, submissionTime, targetsOf, type ChangeFacts } from './factors.js';
import { findConflicts, windowPhrases } from './conflicts.js';
import { organisationZone } from '../evidence-time.js';
import { evidenceMoment, evidenceProblem, type EvidenceMoment } from './evidence.js';
import { assessImpact } from './impact.js';
import { likelihoodOf } from './points.js';
import type { ControlResult, RiskReport } from './types.js';
import { english, phrase, type Phrase } from '../phrase.js';

/**
 * Scores one change: impact from its blast radius, likelihood from explained factor points,
 * class from the policy's matrix; then conflicts and the controls the class requires.
 */
export class UnknownChangeError extends Error {
  constructor(readonly id: string) {
    super(`no change request ${id}`);
    this.name = 'UnknownChangeError';
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function classFor(ctx: RiskContext, impact: number, likelihood: number): RiskClass {
  return ctx.policy.risk.matrix[impact - 1]![likelihood - 1]!;
}

/** Services the change affects directly: those it names and the owners of the CIs it names. */
function directServices(ctx: RiskContext, change: ChangeRequest): string[] {
  const out = new Set(change.spec.services ?? []);
  for (const c of change.spec.configurationItems ?? []) {
    const owner = ctx.org.cis.get(c)?.doc.spec.service;
    if (owner) out.add(owner);
  }
  return [...out];
}

function score(ctx: RiskContext, facts: ChangeFacts, impactLevel: number) {
  const factors = FACTORS.map((f) => f(ctx, facts)).filter((f): f is NonNullable<typeof f> => f !== undefined);
  const { points, level } = likelihoodOf(factors.map((f) => f.points), ctx.policy.likelihood.thresholds);
  return { factors, points, level, cls: classFor(ctx, impactLevel, level) };
}

/**
 * The type a change is treated as wherever its type matters (risk, the gate, the CAB, the
 * calendar for one change, the catalog): the declared type, except that a standard change
 * outside its template, or riskier than the template allows, is a normal change. Without a
 * context (no Policy) the template's maximum risk cannot be checked, which decideType answers.
 */
export function changeTypeOf(ctx: RiskContext | undefined, org: Organisation, id: string): TypeDecision {
  const located = org.changes.get(id);
  if (!located) throw new UnknownChangeError(id);
  const change = located.doc;
  if (change.spec.type !== 'standard') return { type: change.spec.type };
  if (!ctx) return decideType(org, change, undefined);
  // The class under its declared type is the one the template's maximum is about.
  return decideType(org, change, () => {
    const start = instant(change.spec.schedule.start)!;
    const end = instant(change.spec.schedule.end)!;
    const nearMargin = parseDuration(ctx.policy.likelihood.factors.nearFreeze?.within ?? '0m') ?? 0;
    const facts: ChangeFacts = { change, type: 'standard', start, end, services: directServices(ctx, change), nearbyWindows: ctx.calendar.windowsFor(change, start - nearMargin, end + nearMargin) };
    return score(ctx, facts, assessImpact(ctx.org, ctx.graph, ctx.policy, targetsOf(change), 0).level).cls;
  });
}

export interface AssessOptions {
  /**
   * Blast-radius rows to build, nearest first (default: all). The catalog shows 200; a change
   * to shared infrastructure reaches thousands, each row with its own path.
   */
  blastRadiusRows?: number;
}

/**
 * The windows in force around a change's schedule (widened by the near-freeze margin): the one
 * calendar question scoring asks, and the only part of it that can fail on valid input (a
 * calendar past its expansion budget), so a caller can ask it of every change first.
 */
export function nearbyWindows(ctx: RiskContext, change: ChangeRequest): WindowOccurrence[] {
  const start = instant(change.spec.schedule.start)!;
  const end = instant(change.spec.schedule.end)!;
  const nearMargin = parseDuration(ctx.policy.likelihood.factors.nearFreeze?.within ?? '0m') ?? 0;
  return ctx.calendar.windowsFor(change, start - nearMargin, end + nearMargin);
}

export function assessChange(ctx: RiskContext, id: string, options: AssessOptions = {}): RiskReport {
  const located = ctx.org.changes.get(id);
  if (!located) throw new UnknownChangeError(id);
  const change = located.doc;
  const start = instant(change.spec.schedule.start)!;
  const end = instant(change.spec.schedule.end)!;
  const services = directServices(ctx, change);
  const nearby = nearbyWindows(ctx, change);
  const impact = assessImpact(ctx.org, ctx.graph, ctx.policy, targetsOf(change), options.blastRadiusRows);

  const declared = change.spec.type;
  let facts: ChangeFacts = { change, type: declared, start, end, services, nearbyWindows: nearby };
  let result = score(ctx, facts, impact.level);
  // Outside its pre-approved model a standard change is an ordinary normal change.
  const { type: effectiveType, demotion } = decideType(ctx.org, change, () => result.cls);
  if (effectiveType !== declared) {
    facts = { ...facts, type: effectiveType };
    result = score(ctx, facts, impact.level);
  }

  const verdict = verdictOver(ctx.calendar, change, effectiveType, { from: start, to: end }, nearby);
  const conflicts = findConflicts(ctx, facts, effectiveType, verdict, demotion);
  const controls = evaluateControls(ctx, facts, result.cls, effectiveType, verdict);

  return {
    change: id,
    ...(change.metadata.title ? { title: change.metadata.title } : {}),
    type: declared,
    effectiveType,
    class: result.cls,
    impact: { level: impact.level, scope: impact.scope, severity: impact.severity, ...(impact.decidedBy ? { decidedBy: impact.decidedBy } : {}), ...(impact.reason ? { reason: impact.reason } : {}) },
    likelihood: { level: result.level, points: result.points },
    factors: result.factors,
    blastRadius: impact.blastRadius,
    ...(impact.blastRadiusTotal > impact.blastRadius.length ? { blastRadiusTotal: impact.blastRadiusTotal } : {}),
    conflicts,
    controls,
    matrices: {
      impact: Object.fromEntries(Object.entries(ctx.policy.impact.matrix).map(([k, v]) => [k, [...v]])),
      risk: ctx.policy.risk.matrix.map((row) => [...row]),
      thresholds: [...ctx.policy.likelihood.thresholds],
    },
    schedule: { start: change.spec.schedule.start, end: change.spec.schedule.end },
  };
}

/** A control whose detail is a phrase: English for the commands, any locale for the catalog. */
function control(code: string, required: boolean, met: boolean, why: Phrase): ControlResult {
  return { code, required, met, detail: english(why), phrase: why };
}

function evaluateControls(ctx: RiskContext, f: ChangeFacts, cls: RiskClass, type: ChangeType, verdict: WindowVerdict): ControlResult[] {
  const rules = ctx.policy.controls[cls] ?? {};
  const spec = f.change.spec;
  const out: ControlResult[] = [];
  const preApproved = type === 'standard';
  for (const a of rules.approvals ?? []) {
    if (a.count <= 0) continue;
    const members = ctx.policy.groups[a.group];
    const why = preApproved
      ? phrase('control.preApproved', { template: spec.template ?? '' })
      : a.group === 'owner'
        ? phrase('control.approvalsOwner', { n: a.count })
        : members === undefined
          ? phrase('control.approvalsUnknownGroup', { n: a.count, group: a.group })
          : phrase('control.approvals', { n: a.count, group: a.group, members });
    out.push(control(`approval:${a.group}`, !preApproved, preApproved, why));
  }
  if (type === 'emergency' && ctx.policy.emergency) {
    const approvers = ctx.policy.emergency.approvers;
    out.push(control(`approval:${approvers}`, true, false, phrase('control.emergency', { approvers: ctx.policy.groups[approvers] ?? approvers, within: ctx.policy.emergency.reviewWithin })));
  }
  const moment = evidenceMoment(ctx.now, f.start, spec.schedule.start, organisationZone(ctx.org));
  if (rules.rollback && rules.rollback !== 'none') {
    const steps = Boolean(spec.rollback?.steps?.length);
    if (rules.rollback === 'plan') out.push(control('rollback', true, steps, phrase(steps ? 'control.rollbackWritten' : 'control.rollbackMissing')));
    else {
      const tested = spec.rollback?.tested;
      const refused = tested ? evidenceProblem(tested, ctx.policy, moment) : undefined;
      const why = !steps ? phrase('control.rollbackMissing') : !tested ? phrase('control.rollbackUntested') : refused ? phrase('factor.rehearsalRefused', { problem: refused }) : phrase('control.rollbackRehearsed', { at: String(tested.at) });
      out.push(control('rollback', true, steps && Boolean(tested) && !refused, why));
    }
  }
  if (rules.progressiveDelivery) {
    const strategy = spec.delivery?.strategy ?? 'none';
    const stages = spec.delivery?.stages?.length;
    out.push(control('progressive-delivery', true, strategy !== 'none', strategy === 'none' ? phrase('control.noStagedRollout') : stages ? phrase('control.strategyStages', { strategy: phrase(`delivery.${strategy}`), n: stages }) : phrase('control.strategy', { strategy: phrase(`delivery.${strategy}`) })));
  }
  if (rules.leadTime) {
    const need = parseDuration(rules.leadTime) ?? 0;
    const submitted = submissionTime(ctx, f);
    if (submitted && 'unknown' in submitted) {
      // The gate must not let a change through on a notice nobody could measure.
      out.push({ ...control('lead-time', type !== 'emergency', false, phrase('control.noticeShallow', { need: rules.leadTime, hint: SHALLOW_HINT })), unknown: SHALLOW_CODE });
    } else {
      const from = submitted?.at ?? ctx.now;
      const notice = f.start - from;
      const known = submitted !== undefined || f.start > ctx.now;
      const why = known ? phrase('control.notice', { notice: formatDuration(Math.max(0, notice)), need: rules.leadTime }) : phrase('control.noticeUnknown', { need: rules.leadTime });
      out.push(control('lead-time', type !== 'emergency', known ? notice >= need : false, why));
    }
  }
  if (rules.maintenanceWindow) {
    const inside = verdict.maintenance;
    out.push(control('maintenance-window', type !== 'emergency', inside, phrase(inside ? 'control.inMaintenance' : 'control.notInMaintenance')));
  }
  if (rules.premortem) out.push(control('premortem', true, Boolean(spec.premortem?.length), spec.premortem?.length ? phrase('control.premortem', { n: spec.premortem.length }) : phrase('control.noPremortem')));
  if (rules.verification) out.push(verificationControl(ctx, spec.verification ?? [], moment));

  const blocks = ctx.policy.errorBudget?.blocks ?? [];
  if (blocks.includes(type)) {
    const spent = exhaustedBudgets(ctx, f.services);
    out.push(control('error-budget', true, spent.length === 0, spent.length ? phrase('control.budgetSpent', { slos: spent.map((s) => s.slo) }) : phrase('control.budgetsHold')));
  }
  const blocking = verdict.blocking;
  out.push(control('freeze', true, blocking.length === 0, blocking.length ? phrase('control.inFreeze', { windows: windowPhrases(blocking) }) : phrase('control.noFreeze')));
  return out;
}

/**
 * Met by one piece of verification that holds: it links to its evidence (on a host the policy
 * trusts, when it lists some) and is dated, if at all, before the change and within the
 * policy's maximum age. A description alone is the requester's word.
 */
function verificationControl(ctx: RiskContext, pieces: NonNullable<ChangeRequest['spec']['verification']>, moment: EvidenceMoment): ControlResult {
  if (!pieces.length) return control('verification', true, false, phrase('control.noVerification'));
  const refused: Phrase[] = [];
  for (const p of pieces) {
    const problem = p.evidence ? evidenceProblem(p, ctx.policy, moment) : phrase('evidence.noEvidence');
    if (problem) refused.push(phrase('control.refusedPiece', { description: p.description, problem }));
  }
  const held = pieces.length - refused.length;
  if (!refused.length) return control('verification', true, true, phrase('control.verified', { n: pieces.length }));
  // Refusals are joined with "; ": each may hold commas of its own.
  const whyPhrase = { joined: refused, by: '; ' };
  if (!held) return control('verification', true, false, phrase('control.noneHolds', { why: whyPhrase }));
  return control('verification', true, true, phrase('control.someHold', { held, n: pieces.length, why: whyPhrase }));
}
