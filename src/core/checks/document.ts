import { parseInstant } from '../calendar/local-time.js';
import { checkRrule, isTimeZone } from '../calendar/rrule-syntax.js';
import { tooDense } from '../calendar/rrule-density.js';
import { recurringShape } from '../calendar/self-overlap.js';
import { joinPointer } from '../diagnostics.js';
import { globProblem } from '../glob.js';
import { isLocalDateTime } from '../schema/formats.js';
import { parseWindowDuration } from '../calendar/window-duration.js';
import type { SchemaFinding } from '../schema/errors.js';
import { didYouMean } from '../suggest.js';
import type { CalendarWindow, ChangeRequest, Incident, Policy, Problem, RiskClass } from '../model.js';
import { isExactPoints, policyPoints } from '../risk/points.js';
import { RECENT_INCIDENTS_DEFAULTS } from '../risk/recent-incidents-defaults.js';

/**
 * Rules that one document can break on its own, run after its schema passed (so the types
 * hold). Cross-document rules live in references.ts.
 */
export type Finding = SchemaFinding;

// The same reader as the schema's date-time format and every later command.
function instant(text: string | undefined): number | undefined {
  return typeof text === 'string' ? parseInstant(text) : undefined;
}

function err(code: string, pointer: string, message: string, extra: Partial<Finding> = {}): Finding {
  return { severity: 'error', code, pointer, message, target: 'value', ...extra };
}
function warn(code: string, pointer: string, message: string, extra: Partial<Finding> = {}): Finding {
  return { severity: 'warning', code, pointer, message, target: 'value', ...extra };
}

export function checkDocument(kind: string, value: unknown, context: { fileStem: string; documentsInFile: number }): Finding[] {
  switch (kind) {
    case 'ChangeRequest':
      return checkChange(value as ChangeRequest, context);
    case 'ChangeCalendar':
      return checkCalendar(value as { spec: { windows: CalendarWindow[] } });
    case 'Policy':
      return checkPolicy(value as Policy);
    case 'Incident':
      return checkIncident(value as Incident);
    case 'Problem':
      return checkProblem(value as Problem);
    default:
      return [];
  }
}

function checkChange(cr: ChangeRequest, context: { fileStem: string; documentsInFile: number }): Finding[] {
  const out: Finding[] = [];
  const s = cr.spec;
  const start = instant(s.schedule?.start);
  const end = instant(s.schedule?.end);
  if (start !== undefined && end !== undefined && end <= start) {
    out.push(err('change.schedule-order', '/spec/schedule/end', 'the schedule must end after it starts'));
  }
  if (s.type === 'emergency' && !(typeof s.justification === 'string' && s.justification.trim() !== '')) {
    out.push(err('change.justification-required', '/spec', 'an emergency change needs spec.justification: why it cannot wait for the CAB'));
  }
  if (s.type === 'standard' && !s.template) {
    out.push(err('change.template-required', '/spec/type', 'a standard change must name the pre-approved template it follows in spec.template'));
  }
  if (s.type !== 'standard' && s.template) {
    out.push(warn('change.template-unused', '/spec/template', `a template only applies to standard changes; this one is ${s.type}`));
  }
  if ((s.services?.length ?? 0) + (s.configurationItems?.length ?? 0) === 0) {
    out.push(err('change.no-target', '/spec', 'a change must name at least one affected service or configuration item'));
  }
  if (context.documentsInFile === 1 && context.fileStem !== cr.metadata.name && /^CR-\d{4}-\d{4}$/.test(context.fileStem)) {
    out.push(warn('change.id-mismatch', '/metadata/name', `the file is named ${context.fileStem} but the change is ${cr.metadata.name}`));
  }
  const outcome = cr.status?.outcome;
  if (outcome) {
    const steps: [string, number | undefined][] = [
      ['implementedAt', instant(outcome.implementedAt)],
      ['failureDetectedAt', instant(outcome.failureDetectedAt)],
      ['restoredAt', instant(outcome.restoredAt)],
    ];
    let previous: [string, number] | undefined;
    for (const [key, t] of steps) {
      if (t === undefined) continue;
      if (previous && t < previous[1]) {
        out.push(err('change.outcome-order', joinPointer('/status/outcome', key), `${key} comes before ${previous[0]}`));
      }
      previous = [key, t];
    }
    if ((outcome.result === 'failed' || outcome.result === 'rolled-back') && outcome.restoredAt && !outcome.failureDetectedAt) {
      out.push(warn('change.outcome-incomplete', '/status/outcome', 'a failed change with restoredAt also needs failureDetectedAt, or time to restore cannot be measured'));
    }
    const phase = cr.status?.phase;
    if (phase && phase !== 'completed') {
      out.push(warn('change.outcome-phase', '/status/phase', `an outcome is recorded but the phase is ${phase}, not completed`));
    }
  }
  return out;
}

function checkCalendar(cal: { spec: { windows: CalendarWindow[] } }): Finding[] {
  const out: Finding[] = [];
  const names = new Map<string, number>();
  cal.spec.windows.forEach((w, i) => {
    const at = (...k: (string | number)[]) => joinPointer('/spec/windows', i, ...k);
    const first = names.get(w.name);
    if (first !== undefined) out.push(err('calendar.duplicate-window', at('name'), `window "${w.name}" is already defined as window ${first + 1}`));
    else names.set(w.name, i);

    if (w.timeZone !== undefined && !isTimeZone(w.timeZone)) {
      out.push(err('calendar.timezone', at('timeZone'), `"${w.timeZone}" is not an IANA time zone such as Asia/Seoul or Europe/Berlin`));
    }
    if (w.rrule !== undefined) {
      const problems = checkRrule(w.rrule);
      const dense = problems.length ? undefined : tooDense(w.rrule);
      if (problems.length) out.push(err('calendar.rrule', at('rrule'), `the recurrence rule is not valid RFC 5545: ${problems.join('; ')}`));
      else if (dense) out.push(err('calendar.rrule-too-dense', at('rrule'), `the rule recurs too often: ${dense}`));
      const span = w.duration === undefined ? undefined : parseWindowDuration(w.duration);
      if (span && span.days === 0 && span.ms === 0) out.push(err('calendar.window-order', at('duration'), 'the window must last longer than zero'));
      else if (span && !problems.length && !dense && w.timeZone !== undefined && isTimeZone(w.timeZone) && isLocalDateTime(w.start)) {
        const shape = recurringShape(w, span);
        if (shape.overlap) out.push(err('calendar.window-overlap', at('duration'), shape.overlap));
        if (shape.never) out.push(warn('calendar.rrule-never', at('rrule'), `the window happens only once, at its start: ${shape.never}`));
      }
      if (!isLocalDateTime(w.start)) {
        out.push(err('calendar.window-shape', at('start'), 'a recurring window starts at a local time without offset (e.g. 2026-01-06T01:00:00), read in its timeZone'));
      }
      if (w.duration === undefined) out.push(err('calendar.window-shape', at(), 'a recurring window needs a duration'));
      if (w.timeZone === undefined) out.push(err('calendar.window-shape', at(), 'a recurring window needs a timeZone'));
      if (w.end !== undefined) out.push(err('calendar.window-shape', at('end'), 'a recurring window has a duration, not an end'));
      (w.exdates ?? []).forEach((x, j) => {
        if (!isLocalDateTime(x)) out.push(err('calendar.window-shape', at('exdates', j), 'an exdate is a local time without offset, like the start'));
      });
    } else {
      const start = instant(w.start);
      const end = instant(w.end);
      if (start === undefined) out.push(err('calendar.window-shape', at('start'), 'a one-off window starts at a time with an offset, between 1970 and 2999 (e.g. 2026-12-20T00:00:00+09:00)'));
      if (w.end === undefined) out.push(err('calendar.window-shape', at(), 'a one-off window needs an end (or an rrule to make it recurring)'));
      else if (end === undefined) out.push(err('calendar.window-shape', at('end'), 'a one-off window ends at a time with an offset'));
      if (start !== undefined && end !== undefined && end <= start) out.push(err('calendar.window-order', at('end'), 'the window must end after it starts'));
      if (w.exdates !== undefined) out.push(err('calendar.window-shape', at('exdates'), 'exdates only apply to a recurring window'));
    }
  });
  return out;
}

const CLASSES: RiskClass[] = ['low', 'medium', 'high', 'critical'];

function checkPolicy(policy: Policy): Finding[] {
  const out: Finding[] = [];
  const spec = policy.spec;
  for (const [pointer, value] of policyPoints(spec)) {
    if (!isExactPoints(value)) out.push(err('policy.points-precision', pointer, `${value} has more than three decimals; points are counted in thousandths`));
  }
  const t = spec.likelihood.thresholds;
  for (let i = 1; i < t.length; i++) {
    if (!(t[i]! > t[i - 1]!)) {
      out.push(err('policy.thresholds-order', joinPointer('/spec/likelihood/thresholds', i), 'likelihood thresholds must rise strictly'));
      break;
    }
  }
  // Monotone matrices are what make a score defensible: a wider or more critical blast
  // radius must never score lower.
  const impact = spec.impact.matrix;
  const scopes = ['team', 'department', 'company', 'external'] as const;
  for (let s = 0; s < scopes.length; s++) {
    const row = impact[scopes[s]!];
    for (let tier = 1; tier < 4; tier++) {
      if (row[tier]! > row[tier - 1]!) {
        out.push(warn('policy.matrix-monotone', joinPointer('/spec/impact/matrix', scopes[s]!, tier), `tier ${tier + 1} scores higher impact than tier ${tier} for ${scopes[s]} exposure`));
      }
    }
    if (s > 0) {
      const narrower = impact[scopes[s - 1]!];
      for (let tier = 0; tier < 4; tier++) {
        if (row[tier]! < narrower[tier]!) {
          out.push(warn('policy.matrix-monotone', joinPointer('/spec/impact/matrix', scopes[s]!, tier), `${scopes[s]} exposure scores lower than ${scopes[s - 1]} for tier ${tier + 1}`));
        }
      }
    }
  }
  const risk = spec.risk.matrix;
  for (let i = 0; i < 4; i++) {
    for (let l = 0; l < 4; l++) {
      const here = CLASSES.indexOf(risk[i]![l]!);
      const left = l > 0 ? CLASSES.indexOf(risk[i]![l - 1]!) : -1;
      const up = i > 0 ? CLASSES.indexOf(risk[i - 1]![l]!) : -1;
      if (here < left || here < up) {
        out.push(warn('policy.matrix-monotone', joinPointer('/spec/risk/matrix', i, l), `risk class falls as impact or likelihood rises (impact ${i + 1}, likelihood ${l + 1})`));
      }
    }
  }
  const peak = spec.likelihood.factors.peakHours;
  if (peak && !isTimeZone(peak.timeZone)) {
    out.push(err('calendar.timezone', '/spec/likelihood/factors/peakHours/timeZone', `"${peak.timeZone}" is not an IANA time zone`));
  }
  const groups = Object.keys(spec.groups);
  const known = ['owner', ...groups];
  for (const cls of CLASSES) {
    (spec.controls[cls]?.approvals ?? []).forEach((a, i) => {
      if (!known.includes(a.group)) {
        const hint = didYouMean(a.group, known);
        out.push(err('policy.unknown-group', joinPointer('/spec/controls', cls, 'approvals', i, 'group'), `approval group "${a.group}" is neither "owner" nor a key of spec.groups`, hint ? { hint } : {}));
      }
    });
  }
  if (spec.emergency && !known.includes(spec.emergency.approvers)) {
    const hint = didYouMean(spec.emergency.approvers, known);
    out.push(err('policy.unknown-group', '/spec/emergency/approvers', `emergency approvers "${spec.emergency.approvers}" is not a key of spec.groups`, hint ? { hint } : {}));
  }
  (spec.agenda?.groups ?? []).forEach((g, i) => {
    if (!groups.includes(g)) {
      const hint = didYouMean(g, groups);
      out.push(err('policy.unknown-group', joinPointer('/spec/agenda/groups', i), `agenda group "${g}" is not a key of spec.groups`, hint ? { hint } : {}));
    }
  });
  const asked = new Map<string, number>();
  (spec.agenda?.questions ?? []).forEach((q, i) => {
    const seen = asked.get(q.id);
    if (seen !== undefined) out.push(err('policy.agenda-duplicate-question', joinPointer('/spec/agenda/questions', i, 'id'), `agenda question "${q.id}" is already defined as question ${seen + 1}`));
    else asked.set(q.id, i);
  });
  // A severity the scale does not define can match no incident (each must be on the scale), so
  // the factor would never add its points: refused like an unknown group.
  const recent = spec.likelihood.factors.recentIncidents;
  if (recent) {
    const scale = Object.keys(spec.incidents?.severities ?? {});
    const named = recent.severities ?? RECENT_INCIDENTS_DEFAULTS.severities;
    named.forEach((sev, i) => {
      if (scale.includes(sev)) return;
      const pointer = recent.severities ? joinPointer('/spec/likelihood/factors/recentIncidents/severities', i) : '/spec/likelihood/factors/recentIncidents';
      out.push(err('policy.unknown-severity', pointer, `recentIncidents counts ${sev} incidents${recent.severities ? '' : ' (its default severities)'}, but spec.incidents.severities ${scale.length ? `defines only ${scale.join(', ')}` : 'defines none'}`));
    });
  }
  out.push(...checkReadinessRules(spec.readiness?.rules ?? []));
  (spec.sensitivePaths ?? []).forEach((glob, i) => {
    const problem = globProblem(glob);
    if (problem) out.push(warn('policy.sensitive-path-invalid', joinPointer('/spec/sensitivePaths', i), `sensitive path "${glob}" is not a usable glob: ${problem.reason}`));
  });
  for (const [service, globs] of Object.entries(spec.servicePaths ?? {})) {
    globs.forEach((glob, i) => {
      const problem = globProblem(glob);
      if (problem) out.push(warn('policy.service-path-invalid', joinPointer('/spec/servicePaths', service, i), `path "${glob}" of service ${service} is not a usable glob: ${problem.reason}`));
    });
  }
  return out;
}

/** Rule ids are how reports, the catalog and pull-request comments name a rule: one rule each. */
function checkReadinessRules(rules: readonly { id: string; check: string; within?: string }[]): Finding[] {
  const out: Finding[] = [];
  const first = new Map<string, number>();
  rules.forEach((rule, i) => {
    const seen = first.get(rule.id);
    if (seen !== undefined) out.push(err('policy.readiness-duplicate-rule', joinPointer('/spec/readiness/rules', i, 'id'), `readiness rule "${rule.id}" is already defined as rule ${seen + 1}`));
    else first.set(rule.id, i);
    if (rule.within !== undefined && rule.check !== 'dr-test' && rule.check !== 'slo-status') {
      out.push(warn('policy.readiness-within-unused', joinPointer('/spec/readiness/rules', i, 'within'), `within only applies to dr-test and slo-status checks; this rule checks ${rule.check}`));
    }
  });
  return out;
}

// The order an incident's timestamps must keep, and the status from which each is required.
const INCIDENT_TIMES = [
  ['startedAt', 'investigating'],
  ['detectedAt', 'identified'],
  ['acknowledgedAt', undefined],
  ['mitigatedAt', 'monitoring'],
  ['resolvedAt', 'resolved'],
] as const;
const STATUS_ORDER = ['investigating', 'identified', 'monitoring', 'resolved', 'reviewed'];

function checkIncident(inc: Incident): Finding[] {
  const out: Finding[] = [];
  const s = inc.spec;
  const reached = STATUS_ORDER.indexOf(s.status);
  let previous: { field: string; at: number } | undefined;
  for (const [field, from] of INCIDENT_TIMES) {
    const text = s[field];
    if (text === undefined) {
      if (from !== undefined && reached >= STATUS_ORDER.indexOf(from)) {
        out.push(err('incident.status-incomplete', '/spec/status', `an incident that is ${s.status} needs spec.${field}`));
      }
      continue;
    }
    const t = instant(text);
    if (t === undefined) continue;
    if (previous && t < previous.at) out.push(err('incident.time-order', `/spec/${field}`, `${field} is before ${previous.field}; the timestamps run startedAt, detectedAt, acknowledgedAt, mitigatedAt, resolvedAt`));
    else previous = { field, at: t };
  }
  if (s.status === 'reviewed' && !s.review?.completedAt) {
    out.push(err('incident.status-incomplete', '/spec/status', 'an incident that is reviewed needs spec.review.completedAt'));
  }
  const resolved = instant(s.resolvedAt);
  const reviewed = instant(s.review?.completedAt);
  if (resolved !== undefined && reviewed !== undefined && reviewed < resolved) {
    out.push(err('incident.time-order', '/spec/review/completedAt', 'the review is completed before the incident was resolved'));
  }
  let last: number | undefined;
  (s.timeline ?? []).forEach((entry, i) => {
    const t = instant(entry.at);
    if (t === undefined) return;
    if (last !== undefined && t < last) out.push(err('incident.time-order', joinPointer('/spec/timeline', i, 'at'), 'timeline entries are in time order; this one is earlier than the one before it'));
    else last = t;
  });
  return out;
}

function checkProblem(p: Problem): Finding[] {
  const out: Finding[] = [];
  const s = p.spec;
  if (s.state === 'known-error' || s.state === 'resolved') {
    if (!s.rootCause) out.push(err('problem.state-incomplete', '/spec/state', `a problem that is ${s.state} needs spec.rootCause`));
  }
  if (s.state === 'known-error' && !s.workaround) out.push(err('problem.state-incomplete', '/spec/state', 'a known error needs spec.workaround: what responders do until the fix lands'));
  if (s.state === 'resolved' && !s.fixes?.length) out.push(err('problem.state-incomplete', '/spec/state', 'a resolved problem names the change requests that fixed it in spec.fixes'));
  return out;
}
