import { formatAt } from './catalog/time.js';

/**
 * Sentences opsledger composes itself (a risk factor's reason, a control's detail, a readiness
 * rule's finding) kept as data: a key and its arguments. The English text the commands print is
 * this table filled in; the catalog fills in the same key from its locale's table
 * (src/catalog/messages.ts, which takes its English from here), so a Korean page never shows a
 * sentence English-only code wrote.
 *
 * `{name}` is replaced by the argument of that name; a key with a `.one` variant uses it when
 * the count (`n` or `total`) is 1. An argument may itself be a phrase, a list (joined with
 * ", ", or with `by`), or a number of days ago (in the locale's own words, through Intl.RelativeTimeFormat).
 * Times are never written into a sentence as text: an `instant` is shown on the zone's clock with
 * an ISO date and the locale's weekday ("2026-12-05 22:00 (Sat, Asia/Seoul)"), and RFC 5545 day
 * codes (`weekdays`: ["MO", "FR"]) as the locale's day names, so no reader meets "SA 22:00".
 */
export type PhraseArg =
  | string
  | number
  | Phrase
  | { daysAgo: number }
  | { instant: number; zone: string }
  | { weekdays: readonly string[] }
  | readonly PhraseArg[]
  | { joined: readonly PhraseArg[]; by: string };

export interface Phrase {
  key: PhraseKey;
  args?: Readonly<Record<string, PhraseArg>>;
}

export const PHRASES_EN = {
  'changeType.standard': 'standard',
  'changeType.normal': 'normal',
  'changeType.emergency': 'emergency',

  'riskClass.low': 'low',
  'riskClass.medium': 'medium',
  'riskClass.high': 'high',
  'riskClass.critical': 'critical',

  'delivery.canary': 'canary',
  'delivery.blue-green': 'blue-green',
  'delivery.rolling': 'rolling',
  'delivery.one-box': 'one-box',

  'factor.changeType': '{type} change',
  'factor.environment': 'deploys to {environment}',
  'factor.rollbackMissing': 'no rollback steps: a failure cannot be undone by plan',
  'factor.rollbackUntested': 'the rollback has never been rehearsed',
  'factor.rehearsalRefused': 'the rehearsal does not count: {problem}',
  'factor.noProgressiveDelivery': 'all at once on tier {tiers} services {services}',
  'factor.noProgressiveDelivery.one': 'all at once on tier {tiers} service {services}',
  'factor.peakHours': 'runs into peak hours ({days} {from}–{to} {zone}), first at {first}',
  'factor.nearFreeze': 'within {within} of the {name} freeze',
  'factor.nearFreezeBefore': 'ends {gap} before the {name} freeze starts (within {within})',
  'template.requiredFields': 'template {name} requires {fields}',
  'factor.shortNotice': '{notice} of notice, less than {within}',
  'factor.shortNoticeFromNow': '{notice} of notice, less than {within} (measured from now)',
  'factor.shortNoticeShallow': 'submission time unknown (shallow clone); {hint}',
  'factor.errorBudget': 'error budget spent: {slos}',
  'factor.errorBudgetSlo': '{slo} ({percent}% left)',
  'factor.recentFailures': '{failed} of {implemented} recent changes to these services failed (over {percent}% in {window})',
  // #20: incidents on what the change touches (src/core/risk/factors.ts, recentIncidents).
  'factor.recentIncidents': '{n} {severities} incidents within {within} on what this change touches: {incidents}',
  'factor.recentIncidents.one': 'a {severities} incident within {within} on what this change touches: {incidents}',
  'factor.recentIncident': '{id} ({severity} on {on}, started {date})',
  'factor.overlapping': 'overlaps {changes}',
  'factor.overlappingChange': '{id} on {target}',
  'factor.largeDiff': '{lines} changed lines, over {limit} ({provenance})',
  'diff.declaredOnly': 'declared only, not measured',
  'diff.measured': 'measured',
  'diff.both': 'declared {declared}, measured {measured}',

  'conflict.repeats': ' ({n} times, {from} to {to})',
  'conflict.freeze': 'runs during the {name} freeze{repeats}',
  'conflict.freezeWhy': 'runs during the {name} freeze{repeats} ({reason})',
  'conflict.freezeBypass': 'runs during the {name} freeze{repeats}, which allows {type} changes; the bypass is recorded and needs a post-implementation review',
  'conflict.overlappingChange': '{id} is scheduled at the same time on {target}',
  'conflict.sharedDependent': '{id} is scheduled at the same time and also reaches tier-{tier} {service}: this change through {path}, {id} through {otherPath}',
  'conflict.sharedDependentMore': '{id} is scheduled at the same time and also reaches tier-{tier} {service} (and {n} more tier-1/2 services): this change through {path}, {id} through {otherPath}',
  'conflict.sharedDependentMore.one': '{id} is scheduled at the same time and also reaches tier-{tier} {service} (and 1 more tier-1/2 service): this change through {path}, {id} through {otherPath}',
  'conflict.notPreApproved': 'treated as a normal change: {why}',
  'conflict.diffUnderstated': 'spec.diff declares {declared} changed lines but git measured {measured}; the measured size is scored',
  'template.missing': 'template {name} does not exist',
  'template.none': 'no template named',
  'template.service': 'template {name} does not cover service {service}',
  'template.ci': 'template {name} does not cover {ci} ({class})',
  'template.environment': 'template {name} does not cover {environment}',
  'template.tooRisky': "risk {class} exceeds template {name}'s maximum {max}",
  'template.noPolicy': "without a Policy the risk cannot be shown within template {name}'s maximum {max}",

  'control.preApproved': 'pre-approved by template {template}',
  'control.approvalsOwner': '{n} approving reviews from the owning team on the pull request',
  'control.approvalsOwner.one': '1 approving review from the owning team on the pull request',
  'control.approvals': '{n} approving reviews from {group} ({members}) on the pull request',
  'control.approvals.one': '1 approving review from {group} ({members}) on the pull request',
  'control.approvalsUnknownGroup': '{n} approving reviews from {group} (unknown group) on the pull request',
  'control.approvalsUnknownGroup.one': '1 approving review from {group} (unknown group) on the pull request',
  'control.emergency': 'an emergency approver ({approvers}) may approve in place of the CAB; a post-implementation review is due within {within}',
  'control.rollbackWritten': 'rollback steps written',
  'control.rollbackMissing': 'rollback steps missing',
  'control.rollbackUntested': 'rollback not rehearsed',
  'control.rollbackRehearsed': 'rollback rehearsed {at}',
  'control.noStagedRollout': 'no staged rollout',
  'control.strategy': '{strategy}',
  'control.strategyStages': '{strategy} in {n} stages',
  'control.notice': '{notice} of notice; {need} required',
  'control.noticeUnknown': 'submission time unknown; {need} required',
  'control.noticeShallow': 'unknown: shallow clone; {need} required ({hint})',
  'control.inMaintenance': 'inside a maintenance window',
  'control.notInMaintenance': 'not inside a maintenance window',
  'control.premortem': '{n} risks with mitigations',
  'control.premortem.one': '1 risk with mitigations',
  'control.noPremortem': 'no pre-mortem',
  'control.budgetSpent': 'blocked: error budget spent on {slos}',
  'control.budgetsHold': 'error budgets hold',
  'control.inFreeze': 'inside {windows}',
  'control.noFreeze': 'no freeze applies',
  'control.windowRepeats': '{name} ({n} times)',
  'control.noVerification': 'no verification evidence',
  'control.verified': '{n} pieces of evidence',
  'control.verified.one': '1 piece of evidence',
  'control.noneHolds': 'no verification evidence holds: {why}',
  'control.someHold': '{held} of {n} pieces of evidence hold; not counted: {why}',
  'control.someHold.one': '{held} of 1 piece of evidence hold; not counted: {why}',
  'control.refusedPiece': '"{description}": {problem}',
  'evidence.noEvidence': 'no evidence given',

  'evidence.notDate': 'dated {at}, which is not a date',
  'evidence.future': 'dated {at}, after the assessment time {now}: evidence cannot come from the future',
  'evidence.afterStart': 'dated {at}, after the change started at {start}: it says nothing about the change before it ran',
  'evidence.tooOld': 'dated {at}, {days} days before the change starts; the policy accepts evidence up to {maxAge} old',
  'evidence.noLink': 'no evidence link; the policy accepts links to {hosts}',
  'evidence.notLink': 'evidence "{evidence}" is not a link; the policy accepts links to {hosts}',
  'evidence.scheme': 'evidence is a {scheme} link; the policy accepts web links to {hosts}',
  'evidence.host': 'evidence is on {host}, which the policy does not list ({hosts})',

  'readiness.notRated': '{lifecycle} services are not rated',
  'readiness.tiers': 'applies to tier {tiers}',
  'readiness.runbooks': '{n} runbooks',
  'readiness.runbooks.one': '1 runbook',
  'readiness.noRunbook': 'no runbook',
  'readiness.playbooks': '{n} playbooks',
  'readiness.playbooks.one': '1 playbook',
  'readiness.noPlaybook': 'no playbook',
  'readiness.dashboards': '{n} dashboards',
  'readiness.dashboards.one': '1 dashboard',
  'readiness.noDashboard': 'no dashboard',
  'readiness.repository': '{repository}',
  'readiness.noRepository': 'no repository',
  'readiness.oncall': 'team {team}: {schedule}',
  'readiness.noOncall': 'team {team} has no on-call schedule',
  'readiness.escalation': 'escalation {path}',
  'readiness.noEscalation': 'team {team} has no escalation path',
  'readiness.contact': '{channels}',
  'readiness.noContact': 'team {team} has no contact channel',
  'readiness.slos': '{n} SLOs',
  'readiness.slos.one': '1 SLO',
  'readiness.noSlo': 'no SLO',
  'readiness.noSloForStatus': 'no SLO to report a status for',
  'readiness.staleStatus': 'no error-budget status within {within}: {slos}',
  'readiness.freshStatus': '{n} SLOs with a status within {within}',
  'readiness.freshStatus.one': '1 SLO with a status within {within}',
  'readiness.noDrTest': 'no DR test recorded (continuity.drTestedAt)',
  'readiness.drTest': 'last DR test {date}, {ago}',
  'readiness.drTestStale': 'last DR test {date}, {ago} (max {within})',
  'readiness.noRtoRpo': 'no RTO or RPO',
  'readiness.noRto': 'no RTO',
  'readiness.noRpo': 'no RPO',
  'readiness.rtoRpo': 'RTO {rto}, RPO {rpo}',
  'readiness.deprecatedDeps': 'depends on deprecated {services}',
  'readiness.noDeprecatedDeps': 'no deprecated dependency',
  'readiness.reviewsOverdue': 'post-incident review overdue: {incidents}',
  'readiness.reviewsOnTime': 'no post-incident review overdue',
  'readiness.actionsOverdue': '{n} incident action items overdue ({incidents})',
  'readiness.actionsOverdue.one': '{n} incident action item overdue ({incidents})',
  'readiness.actionsOnTime': 'no incident action item overdue',

  'agenda.title': 'CAB agenda, {from} to {to} ({zone})',
  'agenda.changes': 'Changes for approval',
  'agenda.noChanges': 'No change in this period needs the approval of {groups}.',
  'agenda.windows': 'Freezes and maintenance windows',
  'agenda.noWindows': 'No freeze or maintenance window in this period.',
  'agenda.emergencies': 'Emergency changes for retrospective review',
  'agenda.noEmergencies': 'No emergency change is waiting for its post-implementation review.',
  'agenda.verdict': '{class} risk: impact {impact} × likelihood {likelihood}, {met} of {required} controls met',
  'agenda.verdictBlocked': '{class} risk: impact {impact} × likelihood {likelihood}, {met} of {required} controls met, {n} blocking conflicts',
  'agenda.verdictBlocked.one': '{class} risk: impact {impact} × likelihood {likelihood}, {met} of {required} controls met, 1 blocking conflict',
  'agenda.approvalNeeded': '{n} from {group}: {members}',
  'agenda.approvalNeededNobody': '{n} from {group}: nobody is listed',
  'agenda.approvalsRecorded': 'none: the change records itself as {phase} (the gate still checks the reviews)',
  'agenda.emergencyAlternative': 'or one {group} approver in place of these, as an emergency',
  'agenda.question.rollback-rehearsed': 'no rollback rehearsal in the {within} before it starts',
  'agenda.question.premortem': 'no pre-mortem',
  'agenda.question.verification': 'no verification evidence',
  'agenda.question.communication': 'no communication plan',
  'agenda.question.maintenance-window': 'not inside a maintenance window',
  'agenda.reviewDue': 'post-implementation review due {due}',
  'agenda.reviewOverdue': 'post-implementation review overdue since {due}',
  'audit.unauthorised.pull': 'the pull request changed {paths} without an approved change request that covers them',
  'audit.unauthorised.push': 'pushed to the default branch without a pull request, changing {paths}',
  'audit.merged.early': '#{number} was merged before the approvals it needed; they arrived after the merge',
  'audit.merged.never': '#{number} was merged without the approvals it needed',
  'audit.review.overdue': 'the post-implementation review was due {due} and is not recorded',
  'audit.standard.outside': 'declared standard but approved as normal: {why}',
  'audit.implemented.ungated': 'implemented with no gate record allowing it',
  'audit.implemented.denied': 'implemented although every gate record denied it',
  'audit.deployment.ungated': 'deployment {id} to {environment} succeeded with no gate record allowing it',
  'audit.deployment.denied': 'deployment {id} to {environment} succeeded after the gate denied it',
  // #19.3: paths the policy ties to a service (spec.servicePaths), in the CAB and the gate (src/core/service-paths.ts).
  'servicePath.uncovered': '{path} is tied to {services} by the base branch\'s policy, and no change request in this pull request covers it',
  'servicePath.plan': 'changes {paths}, tied to {service}: the approval of this change request is what lets them change',
  'servicePath.gateCovered': 'the pull request changed paths tied to {services}, all covered by this change',
  'servicePath.gateNone': 'the pull request changed no path tied to a service',
  'servicePath.gateUncovered': 'the pull request changed {paths}, tied to {services}, which this change does not cover: deploy it under a change that covers them',
} as const;

export type PhraseKey = keyof typeof PHRASES_EN;

export function phrase(key: PhraseKey, args?: Record<string, PhraseArg>): Phrase {
  return args ? { key, args } : { key };
}

const relative = new Map<string, Intl.RelativeTimeFormat>();
const weekdayNames = new Map<string, Intl.DateTimeFormat>();
const RFC_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
/** 2024-01-01 was a Monday: day i of the week is that date plus i days. */
const A_MONDAY = Date.UTC(2024, 0, 1, 12);

function weekdayName(locale: string, instant: number, timeZone: string): string {
  const key = `${locale}\u0000${timeZone}`;
  let format = weekdayNames.get(key);
  if (!format) weekdayNames.set(key, (format = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone })));
  return format.format(instant);
}

function argText(arg: PhraseArg, table: Readonly<Record<string, string>>, locale: string): string {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'number') return String(arg);
  if (Array.isArray(arg)) return arg.map((a: PhraseArg) => argText(a, table, locale)).join(', ');
  if ('instant' in arg) return `${formatAt(arg.instant, arg.zone)} (${weekdayName(locale, arg.instant, arg.zone)}, ${arg.zone})`;
  if ('weekdays' in arg) return arg.weekdays.map((d) => (RFC_DAYS.includes(d) ? weekdayName(locale, A_MONDAY + RFC_DAYS.indexOf(d) * 86_400_000, 'UTC') : d)).join(', ');
  if ('joined' in arg) return arg.joined.map((a) => argText(a, table, locale)).join(arg.by);
  if ('daysAgo' in arg) {
    let format = relative.get(locale);
    if (!format) relative.set(locale, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' })));
    // -0 reads as "0 days ago" (+0 would be "in 0 days"); a later date is shown as today.
    return format.format(-Math.max(0, arg.daysAgo), 'day');
  }
  return fillPhrase(arg as Phrase, table, locale);
}

/** The phrase in a locale's table (the catalog's), with every argument filled in the same locale. */
export function fillPhrase(p: { key: string; args?: Readonly<Record<string, PhraseArg>> }, table: Readonly<Record<string, string>>, locale: string): string {
  const args = p.args ?? {};
  const count = args.n ?? args.total;
  const text = (count === 1 ? table[`${p.key}.one`] : undefined) ?? table[p.key];
  if (text === undefined) throw new Error(`no message "${p.key}"`);
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? argText(args[name]!, table, locale) : whole));
}

/** The English the commands print. */
export function english(p: Phrase): string {
  return fillPhrase(p, PHRASES_EN, 'en');
}
