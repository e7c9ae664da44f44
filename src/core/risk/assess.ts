import { windowVerdict, type WindowVerdict } from '../calendar/in-force.js';
import { formatDuration, parseDuration } from '../duration.js';
import { canonicalEnvironment } from '../environments.js';
import { filledPaths, missingFields } from '../required-fields.js';
import { RISK_CLASSES, type ChangeRequest, type ChangeType, type RiskClass } from '../model.js';
import { instant, type RiskContext } from './context.js';
import { exhaustedBudgets, FACTORS, overlappingChanges, submissionTime, targetsOf, type ChangeFacts } from './factors.js';
import { findConflicts, windowNames } from './conflicts.js';
import { evidenceMoment, evidenceProblem, type EvidenceMoment } from './evidence.js';
import { assessImpact } from './impact.js';
import { likelihoodOf } from './points.js';
import type { ControlResult, RiskReport } from './types.js';

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

/** Does a standard change's template cover it? The reason when it does not. */
function templateGap(ctx: RiskContext, change: ChangeRequest): string | undefined {
  const name = change.spec.template;
  const template = name ? ctx.org.templates.get(name)?.doc : undefined;
  if (!template) return name ? `template ${name} does not exist` : 'no template named';
  const covers = template.spec.covers;
  const service = (change.spec.services ?? []).find((s) => covers.services && !covers.services.includes(s));
  if (service) return `template ${name} does not cover service ${service}`;
  for (const c of change.spec.configurationItems ?? []) {
    const cls = ctx.org.cis.get(c)?.doc.spec.class;
    if (covers.ciClasses && cls && !covers.ciClasses.includes(cls)) return `template ${name} does not cover ${c} (${cls})`;
  }
  const missing = missingFields(filledPaths(change.spec), template.spec.requiredFields);
  if (missing.length) return `template ${name} requires ${missing.join(', ')}`;
  const environment = canonicalEnvironment(ctx.policy, change.spec.environment);
  if (covers.environments && !covers.environments.some((e) => canonicalEnvironment(ctx.policy, e) === environment)) return `template ${name} does not cover ${environment}`;
  return undefined;
}

function score(ctx: RiskContext, facts: ChangeFacts, impactLevel: number) {
  const factors = FACTORS.map((f) => f(ctx, facts)).filter((f): f is NonNullable<typeof f> => f !== undefined);
  const { points, level } = likelihoodOf(factors.map((f) => f.points), ctx.policy.likelihood.thresholds);
  return { factors, points, level, cls: classFor(ctx, impactLevel, level) };
}

export interface AssessOptions {
  /**
   * Blast-radius rows to build, nearest first (default: all). The catalog shows 200; a change
   * to shared infrastructure reaches thousands, each row with its own path.
   */
  blastRadiusRows?: number;
}

export function assessChange(ctx: RiskContext, id: string, options: AssessOptions = {}): RiskReport {
  const located = ctx.org.changes.get(id);
  if (!located) throw new UnknownChangeError(id);
  const change = located.doc;
  const start = instant(change.spec.schedule.start)!;
  const end = instant(change.spec.schedule.end)!;
  const services = directServices(ctx, change);
  const nearMargin = parseDuration(ctx.policy.likelihood.factors.nearFreeze?.within ?? '0m') ?? 0;
  const nearbyWindows = ctx.calendar.windowsFor(change, start - nearMargin, end + nearMargin);
  const impact = assessImpact(ctx.org, ctx.graph, ctx.policy, targetsOf(change), options.blastRadiusRows);

  const declared = change.spec.type;
  let facts: ChangeFacts = { change, type: declared, start, end, services, nearbyWindows };
  let result = score(ctx, facts, impact.level);
  let effectiveType: ChangeType = declared;
  let demotion: string | undefined;
  if (declared === 'standard') {
    const gap = templateGap(ctx, change);
    const max = ctx.org.templates.get(change.spec.template ?? '')?.doc.spec.maxRisk;
    const tooRisky = max !== undefined && RISK_CLASSES.indexOf(result.cls) > RISK_CLASSES.indexOf(max);
    if (gap || tooRisky) {
      // Outside its pre-approved model a standard change is an ordinary normal change.
      demotion = gap ?? `risk ${result.cls} exceeds template ${change.spec.template}'s maximum ${max}`;
      effectiveType = 'normal';
      facts = { ...facts, type: 'normal' };
      result = score(ctx, facts, impact.level);
    }
  }

  // The nearby occurrences are already matched to the change's scope; its effective type
  // decides which freezes it may pass.
  const overlapping = nearbyWindows.filter((w) => w.startMs < end && w.endMs > start);
  const verdict = windowVerdict(overlapping, { from: start, to: end }, { type: effectiveType });
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

function evaluateControls(ctx: RiskContext, f: ChangeFacts, cls: RiskClass, type: ChangeType, verdict: WindowVerdict): ControlResult[] {
  const rules = ctx.policy.controls[cls] ?? {};
  const spec = f.change.spec;
  const out: ControlResult[] = [];
  const preApproved = type === 'standard';
  for (const a of rules.approvals ?? []) {
    if (a.count <= 0) continue;
    const who = a.group === 'owner' ? 'the owning team' : `${a.group} (${ctx.policy.groups[a.group] ?? 'unknown group'})`;
    out.push({
      code: `approval:${a.group}`,
      required: !preApproved,
      met: preApproved,
      detail: preApproved ? `pre-approved by template ${spec.template}` : `${a.count} approving review${a.count > 1 ? 's' : ''} from ${who} on the pull request`,
    });
  }
  if (type === 'emergency' && ctx.policy.emergency) {
    out.push({ code: `approval:${ctx.policy.emergency.approvers}`, required: true, met: false, detail: `an emergency approver (${ctx.policy.groups[ctx.policy.emergency.approvers] ?? ctx.policy.emergency.approvers}) may approve in place of the CAB; a post-implementation review is due within ${ctx.policy.emergency.reviewWithin}` });
  }
  const moment = evidenceMoment(ctx.now, f.start, spec.schedule.start);
  if (rules.rollback && rules.rollback !== 'none') {
    const steps = Boolean(spec.rollback?.steps?.length);
    if (rules.rollback === 'plan') out.push({ code: 'rollback', required: true, met: steps, detail: steps ? 'rollback steps written' : 'rollback steps missing' });
    else {
      const tested = spec.rollback?.tested;
      const refused = tested ? evidenceProblem(tested, ctx.policy, moment) : undefined;
      const detail = !steps ? 'rollback steps missing' : !tested ? 'rollback not rehearsed' : refused ? `the rehearsal does not count: ${refused}` : `rollback rehearsed ${tested.at}`;
      out.push({ code: 'rollback', required: true, met: steps && Boolean(tested) && !refused, detail });
    }
  }
  if (rules.progressiveDelivery) {
    const strategy = spec.delivery?.strategy ?? 'none';
    out.push({ code: 'progressive-delivery', required: true, met: strategy !== 'none', detail: strategy === 'none' ? 'no staged rollout' : `${strategy}${spec.delivery?.stages?.length ? ` in ${spec.delivery.stages.length} stages` : ''}` });
  }
  if (rules.leadTime) {
    const need = parseDuration(rules.leadTime) ?? 0;
    const submitted = submissionTime(ctx, f);
    const from = submitted ?? ctx.now;
    const notice = f.start - from;
    const known = submitted !== undefined || f.start > ctx.now;
    out.push({
      code: 'lead-time',
      required: type !== 'emergency',
      met: known ? notice >= need : false,
      detail: known ? `${formatDuration(Math.max(0, notice))} of notice; ${rules.leadTime} required` : `submission time unknown; ${rules.leadTime} required`,
    });
  }
  if (rules.maintenanceWindow) {
    const inside = verdict.maintenance;
    out.push({ code: 'maintenance-window', required: type !== 'emergency', met: inside, detail: inside ? 'inside a maintenance window' : 'not inside a maintenance window' });
  }
  if (rules.premortem) out.push({ code: 'premortem', required: true, met: Boolean(spec.premortem?.length), detail: spec.premortem?.length ? `${plural(spec.premortem.length, 'risk')} with mitigations` : 'no pre-mortem' });
  if (rules.verification) out.push(verificationControl(ctx, spec.verification ?? [], moment));

  const blocks = ctx.policy.errorBudget?.blocks ?? [];
  if (blocks.includes(type)) {
    const spent = exhaustedBudgets(ctx, f.services);
    out.push({ code: 'error-budget', required: true, met: spent.length === 0, detail: spent.length ? `blocked: error budget spent on ${spent.map((s) => s.slo).join(', ')}` : 'error budgets hold' });
  }
  const blocking = verdict.blocking;
  out.push({ code: 'freeze', required: true, met: blocking.length === 0, detail: blocking.length ? `inside ${windowNames(blocking).join(', ')}` : 'no freeze applies' });
  return out;
}

/**
 * Met by one piece of verification that holds: it links to its evidence (on a host the policy
 * trusts, when it lists some) and is dated, if at all, before the change and within the
 * policy's maximum age. A description alone is the requester's word.
 */
function verificationControl(ctx: RiskContext, pieces: NonNullable<ChangeRequest['spec']['verification']>, moment: EvidenceMoment): ControlResult {
  if (!pieces.length) return { code: 'verification', required: true, met: false, detail: 'no verification evidence' };
  const refused: string[] = [];
  for (const p of pieces) {
    const problem = p.evidence ? evidenceProblem(p, ctx.policy, moment) : 'no evidence given';
    if (problem) refused.push(`"${p.description}": ${problem}`);
  }
  const held = pieces.length - refused.length;
  if (!refused.length) return { code: 'verification', required: true, met: true, detail: `${plural(pieces.length, 'piece')} of evidence` };
  const why = refused.join('; ');
  if (!held) return { code: 'verification', required: true, met: false, detail: `no verification evidence holds: ${why}` };
  return { code: 'verification', required: true, met: true, detail: `${held} of ${plural(pieces.length, 'piece')} of evidence hold; not counted: ${why}` };
}
