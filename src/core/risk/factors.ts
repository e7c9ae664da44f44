import type { WindowOccurrence } from '../calendar/expand.js';
import { DAY, instantToLocal } from '../calendar/local-time.js';
import { formatDuration, parseDuration } from '../duration.js';
import { ciId, neighbourIds, serviceId } from '../graph.js';
import type { ChangeRequest, ChangeType, IncidentSeverity, Slo } from '../model.js';
import { MapDraft, ownedLists } from '../layered-map.js';
import { indexOfMap, type MapStep } from '../map-step.js';
import type { Located } from '../organisation.js';
import { instant, SHALLOW_CODE, SHALLOW_HINT, type RiskContext, type Submission } from './context.js';
import { evidenceMoment, evidenceProblem } from './evidence.js';
import { likelihoodOf } from './points.js';
import { RECENT_INCIDENTS_DEFAULTS } from './recent-incidents-defaults.js';
import type { RiskFactor } from './types.js';
import { english, phrase, type Phrase } from '../phrase.js';
import { diffProvenance, scoredDiffSize, type ScoredDiff } from './diff-size.js';
import { holdsItsWindow } from '../change-phase.js';
import { failureRateOf, failuresIn, rateAbove, servicesCountedFor } from '../metrics/failure-rate.js';
import { canonicalEnvironment, environmentPoints } from '../environments.js';
import { organisationZone } from '../evidence-time.js';

/**
 * Likelihood factors. Each one reads the policy's points for itself and returns a factor with
 * its reason, or nothing when it does not apply. Adding a factor can only add points, which is
 * what keeps likelihood monotone.
 */
export interface ChangeFacts {
  change: ChangeRequest;
  type: ChangeType;
  start: number;
  end: number;
  /** Services the change names, plus the owning services of the CIs it names. */
  services: string[];
  /** Window occurrences near the schedule (within the near-freeze margin). */
  nearbyWindows: WindowOccurrence[];
}

type Factor = (ctx: RiskContext, f: ChangeFacts) => RiskFactor | undefined;

/** A factor whose reason is a phrase: English for the commands, any locale for the catalog. */
function factor(code: string, points: number, why: Phrase): RiskFactor {
  return { code, points, reason: english(why), phrase: why };
}

const changeType: Factor = (ctx, f) => {
  const points = ctx.policy.likelihood.factors.changeType[f.type];
  return factor('change-type', points, phrase('factor.changeType', { type: phrase(`changeType.${f.type}`) }));
};

const environment: Factor = (ctx, f) => {
  const points = environmentPoints(ctx.policy, f.change.spec.environment);
  if (points === undefined || points === 0) return undefined;
  return factor('environment', points, phrase('factor.environment', { environment: canonicalEnvironment(ctx.policy, f.change.spec.environment) }));
};

const rollback: Factor = (ctx, f) => {
  const p = ctx.policy.likelihood.factors;
  const rb = f.change.spec.rollback;
  if (!rb || !(rb.steps?.length)) {
    return p.rollbackMissing ? factor('rollback-missing', p.rollbackMissing, phrase('factor.rollbackMissing')) : undefined;
  }
  if (!rb.tested) {
    return p.rollbackUntested ? factor('rollback-untested', p.rollbackUntested, phrase('factor.rollbackUntested')) : undefined;
  }
  // A rehearsal the rollback control refuses (dated in the future, too old, unverifiable) is
  // no rehearsal for the likelihood either.
  const refused = evidenceProblem(rb.tested, ctx.policy, evidenceMoment(ctx.now, f.start, f.change.spec.schedule.start, organisationZone(ctx.org)));
  if (refused) return p.rollbackUntested ? factor('rollback-untested', p.rollbackUntested, phrase('factor.rehearsalRefused', { problem: refused })) : undefined;
  return undefined;
};

const progressiveDelivery: Factor = (ctx, f) => {
  const rule = ctx.policy.likelihood.factors.noProgressiveDelivery;
  if (!rule) return undefined;
  const strategy = f.change.spec.delivery?.strategy ?? 'none';
  if (strategy !== 'none') return undefined;
  const critical = f.services.filter((s) => {
    const tier = ctx.org.services.get(s)?.doc.spec.tier;
    return tier !== undefined && (rule.tiers as number[]).includes(tier);
  });
  if (!critical.length) return undefined;
  return factor('no-progressive-delivery', rule.points, phrase('factor.noProgressiveDelivery', { n: critical.length, tiers: rule.tiers.join('/'), services: critical }));
};

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * The weekday and minute of the day on a zone's wall clock. Read off the floating value
 * (instantToLocal), not formatted by Intl: overlapsPeak asks for every minute of up to two
 * weeks, and an Intl call per minute was half a second of a catalog build at L.
 */
function localClock(ms: number, timeZone: string): { day: string; minutes: number } {
  const local = instantToLocal(ms, timeZone);
  const days = Math.floor(local / DAY);
  // 1 January 1970 was a Thursday.
  return { day: WEEKDAYS[(((days + 4) % 7) + 7) % 7]!, minutes: Math.floor((local - days * DAY) / 60_000) };
}

function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The first minute of [start, end) that falls in the peak hours (checked minute by minute, capped at two weeks). */
export function overlapsPeak(start: number, end: number, peak: { timeZone: string; days: string[]; from: string; to: string }): number | undefined {
  const from = clockMinutes(peak.from);
  const to = clockMinutes(peak.to);
  const limit = Math.min(end, start + 14 * 86_400_000);
  for (let t = start; t < limit; t += 60_000) {
    const { day, minutes } = localClock(t, peak.timeZone);
    if (!peak.days.includes(day)) continue;
    const inside = from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
    if (inside) return t;
  }
  return undefined;
}

const peakHours: Factor = (ctx, f) => {
  const peak = ctx.policy.likelihood.factors.peakHours;
  if (!peak) return undefined;
  const hit = overlapsPeak(f.start, f.end, peak);
  if (hit === undefined) return undefined;
  // The first minute on the organisation's clock (the zone everything is shown in), with its date.
  const first = { instant: hit, zone: organisationZone(ctx.org) };
  return factor('peak-hours', peak.points, phrase('factor.peakHours', { days: { weekdays: peak.days }, from: peak.from, to: peak.to, zone: peak.timeZone, first }));
};

const nearFreeze: Factor = (ctx, f) => {
  const rule = ctx.policy.likelihood.factors.nearFreeze;
  const margin = rule ? parseDuration(rule.within) : undefined;
  if (!rule || margin === undefined) return undefined;
  // Overlap is a conflict, not a likelihood factor; this is the approach to a freeze, when
  // teams rush work in, a fix forward would be blocked and on-call is thin. Only the approach:
  // a change after a freeze ends has the whole open calendar to be fixed in.
  const near = f.nearbyWindows.find((w) => w.kind === 'freeze' && w.startMs >= f.end && w.startMs - f.end <= margin);
  if (!near) return undefined;
  return factor('near-freeze', rule.points, phrase('factor.nearFreezeBefore', { gap: formatDuration(near.startMs - f.end), name: near.name, within: rule.within }));
};

/**
 * When the change was proposed: the first commit of its document. A first commit after the
 * change started means the history does not know (an import, a rewritten history), not negative
 * notice. Unknown (a shallow clone) stays unknown: the callers fail closed on it.
 */
export function submissionTime(ctx: RiskContext, f: { change: ChangeRequest; start: number }): Submission | undefined {
  const s = ctx.submittedAt?.(f.change.metadata.name);
  if (!s || 'unknown' in s) return s;
  return s.at <= f.start ? s : undefined;
}

const shortNotice: Factor = (ctx, f) => {
  const rule = ctx.policy.likelihood.factors.shortNotice;
  const within = rule ? parseDuration(rule.within) : undefined;
  if (!rule || within === undefined) return undefined;
  const submitted = submissionTime(ctx, f);
  // History that was not fetched may hide a late submission: counted as short, with the reason.
  if (submitted && 'unknown' in submitted) return { ...factor('short-notice', rule.points, phrase('factor.shortNoticeShallow', { hint: SHALLOW_HINT })), unknown: SHALLOW_CODE };
  // Never committed: the notice is measured from now, which only says something about changes
  // that have not started yet.
  const from = submitted?.at ?? (f.start > ctx.now ? ctx.now : undefined);
  if (from === undefined) return undefined;
  const notice = f.start - from;
  if (notice >= within) return undefined;
  return factor('short-notice', rule.points, phrase(submitted === undefined ? 'factor.shortNoticeFromNow' : 'factor.shortNotice', { notice: formatDuration(Math.max(0, notice)), within: rule.within }));
};

/** Services whose latest SLO snapshot shows the error budget spent. */
export function exhaustedBudgets(ctx: RiskContext, services: readonly string[]): { service: string; slo: string; remaining: number }[] {
  const at = ctx.policy.errorBudget?.exhaustedAt ?? 0;
  const out: { service: string; slo: string; remaining: number }[] = [];
  const index = indexOf(ctx);
  for (const service of services) {
    for (const [name, doc] of index.slosByService.get(service) ?? []) {
      const remaining = doc.status?.errorBudgetRemaining;
      if (remaining !== undefined && remaining <= at) out.push({ service, slo: name, remaining });
    }
  }
  return out;
}

const errorBudget: Factor = (ctx, f) => {
  const points = ctx.policy.likelihood.factors.errorBudgetExhausted;
  if (!points) return undefined;
  const spent = exhaustedBudgets(ctx, f.services);
  if (!spent.length) return undefined;
  return factor('error-budget-exhausted', points, phrase('factor.errorBudget', { slos: spent.map((s) => phrase('factor.errorBudgetSlo', { slo: s.slo, percent: Math.round(s.remaining * 100) })) }));
};

/**
 * The change failure rate `opsledger metrics` prints for the affected services in the change's
 * environment, over the policy's window up to the change's start (failureRateOf: one
 * definition of what counts, for both).
 */
const recentFailures: Factor = (ctx, f) => {
  const rule = ctx.policy.likelihood.factors.recentFailureRate;
  const window = rule ? parseDuration(rule.window) : undefined;
  if (!rule || window === undefined) return undefined;
  const rate = failureRateOf(ctx.org, { services: f.services, environment: canonicalEnvironment(ctx.policy, f.change.spec.environment), from: f.start - window, to: f.start });
  if (!rateAbove(rate, rule.above)) return undefined;
  return factor('recent-failure-rate', rule.points, phrase('factor.recentFailures', { failed: failuresIn(rate), implemented: rate.deployments, percent: Math.round(rule.above * 100), window: rule.window }));
};

export { RECENT_INCIDENTS_DEFAULTS };

export interface RecentIncident {
  id: string;
  severity: IncidentSeverity;
  startedAt: string;
  /** What the incident and the change both touch: services, or CIs named by both. */
  shared: string[];
}

/**
 * The incidents of the policy's severities on what a change touches, in the lookback. The
 * lookback runs from `within` before the earlier of the change's start and now to the later of
 * the two: a requester who moves the schedule (into the future, or back into the past while the
 * window is still open) cannot move an incident out of it, and a change is judged on incidents
 * up to the moment it is assessed. An incident counts when any part of it (startedAt to
 * resolvedAt, to now while it is still open) lies in the lookback. Incidents come from the
 * organisation the change is judged in; in a pull request that is the base's copy of every
 * incident (review-org.ts), so a branch cannot delete, downgrade or re-attribute one. The one
 * exception: an incident that names this very change in causedBy is its own failure, not a
 * condition it was planned under.
 */
export function recentIncidents(ctx: RiskContext, f: Pick<ChangeFacts, 'change' | 'start' | 'services'>): RecentIncident[] | undefined {
  const rule = ctx.policy.likelihood.factors.recentIncidents;
  if (!rule) return undefined;
  const within = parseDuration(rule.within ?? RECENT_INCIDENTS_DEFAULTS.within);
  if (within === undefined) return undefined;
  const severities = new Set<string>(rule.severities ?? RECENT_INCIDENTS_DEFAULTS.severities);
  const from = Math.min(f.start, ctx.now) - within;
  const to = Math.max(f.start, ctx.now);
  const services = new Set(f.services);
  const cis = new Set(f.change.spec.configurationItems ?? []);
  const id = f.change.metadata.name;
  const out: RecentIncident[] = [];
  for (const { doc } of ctx.org.incidents.values()) {
    if (!severities.has(doc.spec.severity)) continue;
    if (Array.isArray(doc.spec.causedBy) && doc.spec.causedBy.includes(id)) continue;
    const started = instant(doc.spec.startedAt);
    if (started === undefined || started >= to) continue;
    const resolved = instant(doc.spec.resolvedAt);
    if (resolved !== undefined && resolved < from) continue;
    const shared = [...servicesCountedFor(ctx.org, doc).filter((s) => services.has(s)), ...(doc.spec.configurationItems ?? []).filter((c) => cis.has(c))];
    if (shared.length) out.push({ id: doc.metadata.name, severity: doc.spec.severity, startedAt: doc.spec.startedAt, shared: [...new Set(shared)] });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

const incidentsFactor: Factor = (ctx, f) => {
  const rule = ctx.policy.likelihood.factors.recentIncidents;
  const found = recentIncidents(ctx, f);
  if (!rule || !found?.length) return undefined;
  const severities = rule.severities ?? RECENT_INCIDENTS_DEFAULTS.severities;
  return factor(
    'recent-incidents',
    rule.points,
    phrase('factor.recentIncidents', {
      n: found.length,
      severities: { joined: severities, by: '/' },
      within: rule.within ?? RECENT_INCIDENTS_DEFAULTS.within,
      incidents: found.map((i) => phrase('factor.recentIncident', { id: i.id, severity: i.severity, on: i.shared, date: i.startedAt.slice(0, 10) })),
    }),
  );
};

/** Other open changes whose schedules overlap this one on the same or directly related targets. */
export function overlappingChanges(ctx: RiskContext, f: ChangeFacts): { id: string; shared: string }[] {
  const mine = targetsOf(f.change);
  const near = new Set(mine);
  for (const t of mine) {
    for (const to of neighbourIds(ctx.graph, t, 'out')) near.add(to);
    for (const from of neighbourIds(ctx.graph, t, 'in')) near.add(from);
  }
  const out: { id: string; shared: string }[] = [];
  for (const doc of changesTouching(ctx, [...near])) {
    if (doc.metadata.name === f.change.metadata.name) continue;
    if (!holdsItsWindow(doc)) continue;
    const s = instant(doc.spec.schedule.start);
    const e = instant(doc.spec.schedule.end);
    if (s === undefined || e === undefined || !(s < f.end && e > f.start)) continue;
    const shared = targetsOf(doc).find((t) => near.has(t));
    if (shared) out.push({ id: doc.metadata.name, shared });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Changes by the services and CIs they name, and SLOs by service, built once per organisation:
 * without it every assessment scans every change, which grows with the square of the history.
 */
interface RiskIndex {
  changesByTarget: Map<string, ChangeRequest[]>;
  slosByService: Map<string, [string, Slo][]>;
}
// Keyed by the Maps they are built from, not the organisation: the two organisations a pull
// request is scored in (reviewOrganisation) share their changes, and so do the organisations
// of a history that changed no SLO.
const changeIndexes = new WeakMap<object, RiskIndex['changesByTarget']>();
const sloIndexes = new WeakMap<object, RiskIndex['slosByService']>();
const targetsByDoc = new WeakMap<ChangeRequest, string[]>();

function targetsOfDoc(doc: ChangeRequest): string[] {
  let targets = targetsByDoc.get(doc);
  if (!targets) targetsByDoc.set(doc, (targets = targetsOf(doc)));
  return targets;
}

function indexOf(ctx: RiskContext): RiskIndex {
  const build = () => {
    const index: RiskIndex['changesByTarget'] = new Map();
    for (const { doc } of ctx.org.changes.values()) {
      for (const t of targetsOfDoc(doc)) {
        const list = index.get(t);
        if (list) list.push(doc);
        else index.set(t, [doc]);
      }
    }
    return index;
  };
  // A step of the changes Map (the audit's walk) copies only the lists of the targets it touches;
  // each list may then hold its documents in another order, which no reader depends on.
  const derive = (prev: RiskIndex['changesByTarget'], step: MapStep<Located<ChangeRequest>>) => {
    const index = new MapDraft(prev);
    const listOf = ownedLists(index);
    for (const [, { doc }] of step.removed) {
      for (const t of targetsOfDoc(doc)) {
        const list = listOf(t);
        const at = list.indexOf(doc);
        if (at >= 0) list.splice(at, 1);
      }
    }
    for (const [, { doc }] of step.added) for (const t of targetsOfDoc(doc)) listOf(t).push(doc);
    return index.done();
  };
  const changesByTarget = indexOfMap(changeIndexes, ctx.org.changes, build, derive);
  let slosByService = sloIndexes.get(ctx.org.slos);
  if (!slosByService) {
    slosByService = new Map();
    for (const [name, { doc }] of ctx.org.slos) {
      const list = slosByService.get(doc.spec.service);
      if (list) list.push([name, doc]);
      else slosByService.set(doc.spec.service, [[name, doc]]);
    }
    sloIndexes.set(ctx.org.slos, slosByService);
  }
  return { changesByTarget, slosByService };
}

/** Each change naming any of the targets, once. */
function changesTouching(ctx: RiskContext, targets: readonly string[]): ChangeRequest[] {
  const index = indexOf(ctx);
  const seen = new Set<ChangeRequest>();
  for (const t of targets) for (const c of index.changesByTarget.get(t) ?? []) seen.add(c);
  return [...seen];
}

export function targetsOf(change: ChangeRequest): string[] {
  return [...(change.spec.services ?? []).map(serviceId), ...(change.spec.configurationItems ?? []).map(ciId)];
}

const overlapping: Factor = (ctx, f) => {
  const points = ctx.policy.likelihood.factors.overlappingChanges;
  if (!points) return undefined;
  const others = overlappingChanges(ctx, f);
  if (!others.length) return undefined;
  return factor('overlapping-changes', points, phrase('factor.overlapping', { changes: others.map((o) => phrase('factor.overlappingChange', { id: o.id, target: o.shared })) }));
};

/** The diff size a change is scored with: the same answer for the factor and the conflict. */
export function scoredDiffOf(ctx: RiskContext, change: ChangeRequest): ScoredDiff | undefined {
  return scoredDiffSize(change, ctx.measuredDiff?.(change.metadata.name));
}

const largeDiff: Factor = (ctx, f) => {
  const rule = ctx.policy.likelihood.factors.largeDiff;
  const diff = rule ? scoredDiffOf(ctx, f.change) : undefined;
  if (!rule || !diff || diff.lines <= rule.lines) return undefined;
  return factor('large-diff', rule.points, phrase('factor.largeDiff', { lines: diff.lines, limit: rule.lines, provenance: diffProvenance(diff) }));
};

export const FACTORS: readonly Factor[] = [changeType, environment, rollback, progressiveDelivery, peakHours, nearFreeze, shortNotice, errorBudget, recentFailures, incidentsFactor, overlapping, largeDiff];

/** The level a total reaches, compared exactly (see points.ts). */
export function likelihoodLevel(points: number, thresholds: readonly number[]): number {
  return likelihoodOf([points], thresholds).level;
}
