/**
 * The typed model of every opsledger kind. The JSON Schemas in schemas/ are the contract for
 * files on disk; these types mirror them for code that reads already-validated documents.
 * Field names follow docs/DESIGN (shared/DESIGN.md "Reference documents").
 */

export const API_VERSION = 'opsledger/v1';
export const OPENSLO_API_VERSION = 'openslo/v1';

export const KINDS = [
  'Team',
  'Service',
  'SLO',
  'ConfigurationItem',
  'ChangeRequest',
  'ChangeCalendar',
  'StandardChange',
  'Policy',
  'Incident',
  'Problem',
  'System',
  'Domain',
  'API',
] as const;
export type Kind = (typeof KINDS)[number];

/** OpenSLO v1 kinds read as they are (apiVersion openslo/v1). */
export const OPENSLO_KINDS = ['SLO', 'SLI', 'Service', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'] as const;
export type OpenSloKind = (typeof OPENSLO_KINDS)[number];

export interface Link {
  title: string;
  url: string;
  type?: string;
}

export interface Metadata {
  name: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  links?: Link[];
}

export interface Doc<K extends string, S, St = never> {
  apiVersion: string;
  kind: K;
  metadata: Metadata;
  spec: S;
  status?: St;
}

// ---------------------------------------------------------------- Team
export interface TeamSpec {
  members?: string[];
  github?: { team: string };
  oncall?: { schedule?: string; escalation?: string[] };
  contact?: { slack?: string; email?: string; chat?: string; pager?: string };
}
export type Team = Doc<'Team', TeamSpec>;

// ---------------------------------------------------------------- Service
export type Tier = 1 | 2 | 3 | 4;
export type Exposure = 'external' | 'company' | 'department' | 'team';
export const EXPOSURES: readonly Exposure[] = ['external', 'company', 'department', 'team'];
export type Lifecycle = 'experimental' | 'production' | 'deprecated';

export interface ServiceSpec {
  owner: string;
  owners?: { team: string; role: string }[];
  tier: Tier;
  exposure: Exposure;
  lifecycle: Lifecycle;
  dependsOn?: string[];
  runbooks?: Link[];
  playbooks?: Link[];
  dashboards?: Link[];
  repository?: string;
  continuity?: { rto?: string; rpo?: string; redundancy?: string; drTestedAt?: string };
  /** The one System this service is part of. */
  system?: string;
  providesApis?: string[];
  consumesApis?: string[];
}
export type Service = Doc<'Service', ServiceSpec>;

// ---------------------------------------------------------------- System, Domain, API
export interface DomainSpec {
  owner: string;
}
export type Domain = Doc<'Domain', DomainSpec>;
export interface SystemSpec {
  owner: string;
  domain?: string;
}
export type System = Doc<'System', SystemSpec>;
export const API_TYPES = ['openapi', 'asyncapi', 'graphql', 'grpc', 'other'] as const;
export type ApiType = (typeof API_TYPES)[number];
export interface ApiSpec {
  type: ApiType;
  owner: string;
  lifecycle: Lifecycle;
  system?: string;
  /** Where the definition is maintained: opsledger links to it and does not keep it. */
  definition?: string;
}
export type Api = Doc<'API', ApiSpec>;

// ---------------------------------------------------------------- SLO (OpenSLO v1 shape)
export interface SloObjective {
  displayName?: string;
  op?: 'lte' | 'gte' | 'lt' | 'gt';
  value?: number;
  target?: number;
  targetPercent?: number;
  timeSliceTarget?: number;
  timeSliceWindow?: string;
  indicator?: unknown;
  indicatorRef?: string;
  compositeWeight?: number;
}
export interface SloSpec {
  description?: string;
  service: string;
  indicator?: unknown;
  indicatorRef?: string;
  timeWindow: { duration: string; isRolling?: boolean; calendar?: { startTime: string; timeZone: string } }[];
  budgetingMethod: 'Occurrences' | 'Timeslices' | 'RatioTimeslices';
  objectives: SloObjective[];
  alertPolicies?: unknown[];
}
export interface SloStatus {
  errorBudgetRemaining?: number;
  measuredAt?: string;
  source?: string;
}
export type Slo = Doc<'SLO', SloSpec, SloStatus>;

// ---------------------------------------------------------------- ConfigurationItem
export const RELATION_TYPES = ['dependsOn', 'runsOn', 'hostedOn', 'connectsTo'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];
export interface CiSpec {
  class: string;
  service?: string;
  owner?: string;
  environment?: string;
  relations?: { type: RelationType; target: string }[];
  attributes?: Record<string, unknown>;
}
export type ConfigurationItem = Doc<'ConfigurationItem', CiSpec>;

// ---------------------------------------------------------------- ChangeRequest
export type ChangeType = 'standard' | 'normal' | 'emergency';
export type ChangePhase = 'draft' | 'submitted' | 'approved' | 'scheduled' | 'implementing' | 'completed' | 'cancelled';
export type OutcomeResult = 'successful' | 'failed' | 'rolled-back' | 'partial';
export type DeliveryStrategy = 'canary' | 'blue-green' | 'rolling' | 'one-box' | 'none';

export interface ChangeSpec {
  type: ChangeType;
  template?: string | null;
  requester: string;
  /** GitHub login of who carries the change out, when not the requester. */
  implementer?: string;
  services?: string[];
  configurationItems?: string[];
  environment: string;
  schedule: { start: string; end: string };
  description?: string;
  justification?: string;
  implementation?: string[];
  /** `at`: when the verification was done, a date or a date-time with offset. */
  verification?: { description: string; at?: string; evidence?: string }[];
  delivery?: {
    strategy: DeliveryStrategy;
    stages?: { traffic: number; duration?: string; metrics?: string[] }[];
    autoRollback?: boolean;
  };
  rollback?: {
    steps?: string[];
    triggers?: string[];
    expectedDuration?: string;
    tested?: { at: string; evidence?: string };
  };
  premortem?: { risk: string; mitigation: string }[];
  communication?: { audience?: string; channel?: string; message?: string; when?: string }[];
  /** The downtime users should expect ("0m": none) and what they will see. */
  expectedOutage?: { duration: string; description?: string };
  diff?: { files?: number; additions?: number; deletions?: number };
}
export interface ChangeStatus {
  phase?: ChangePhase;
  outcome?: {
    result: OutcomeResult;
    implementedAt?: string;
    failureDetectedAt?: string;
    restoredAt?: string;
    completedAt?: string;
    incidents?: string[];
    notes?: string;
    review?: string;
  };
}
export type ChangeRequest = Doc<'ChangeRequest', ChangeSpec, ChangeStatus>;

// ---------------------------------------------------------------- ChangeCalendar
export interface WindowScope {
  services?: string[];
  tiers?: Tier[];
  labels?: Record<string, string>;
  environments?: string[];
}
export interface CalendarWindow {
  name: string;
  kind: 'freeze' | 'maintenance';
  /** One-off: start and end with offsets. Recurring: start is the first occurrence, local time. */
  start: string;
  end?: string;
  rrule?: string;
  exdates?: string[];
  duration?: string;
  timeZone?: string;
  scope?: WindowScope;
  allow?: ChangeType[];
  reason?: string;
}
export type ChangeCalendar = Doc<'ChangeCalendar', { windows: CalendarWindow[] }>;

// ---------------------------------------------------------------- StandardChange
export type RiskClass = 'low' | 'medium' | 'high' | 'critical';
export const RISK_CLASSES: readonly RiskClass[] = ['low', 'medium', 'high', 'critical'];
export interface StandardChangeSpec {
  covers: { services?: string[]; ciClasses?: string[]; environments?: string[] };
  maxRisk: RiskClass;
  requiredFields?: string[];
  implementation?: string[];
  rollback?: { steps?: string[] };
}
export type StandardChange = Doc<'StandardChange', StandardChangeSpec>;

// ---------------------------------------------------------------- Policy
export interface ApprovalRequirement {
  /** A key of `groups`, or `owner` for the owning teams of the affected services. */
  group: string;
  count: number;
}
export interface ClassControls {
  approvals?: ApprovalRequirement[];
  rollback?: 'none' | 'plan' | 'tested';
  progressiveDelivery?: boolean;
  leadTime?: string;
  maintenanceWindow?: boolean;
  premortem?: boolean;
  verification?: boolean;
}
export interface EvidencePolicy {
  /** The oldest evidence still accepted, measured back from the change's start, e.g. 90d. */
  maxAge?: string;
  /** Hosts evidence links must point at, e.g. [ci.example.com]; any link (or none) when absent. */
  hosts?: string[];
}
/** One environment the policy declares: the canonical name, production or not, other spellings. */
export interface EnvironmentDeclaration {
  name: string;
  production?: boolean;
  aliases?: string[];
}
export interface PolicySpec {
  /** The environments changes may name; see src/core/environments.ts. */
  environments: EnvironmentDeclaration[];
  /** Severity is the tier (1..4); impact = impact.matrix[exposure][tier - 1]. */
  impact: {
    matrix: Record<Exposure, [number, number, number, number]>;
    /** What a blast radius without any service is scored as; unknown (the worst cell, explained) when absent. */
    unowned?: { exposure: Exposure; tier: Tier };
  };
  likelihood: {
    /** Points at which likelihood levels 2, 3 and 4 begin (level 1 below the first). */
    thresholds: [number, number, number];
    factors: {
      changeType: Record<ChangeType, number>;
      environment?: Record<string, number>;
      rollbackMissing?: number;
      rollbackUntested?: number;
      noProgressiveDelivery?: { points: number; tiers: Tier[] };
      peakHours?: { points: number; timeZone: string; days: string[]; from: string; to: string };
      nearFreeze?: { points: number; within: string };
      shortNotice?: { points: number; within: string };
      errorBudgetExhausted?: number;
      recentFailureRate?: { points: number; above: number; window: string };
      /** Defaults: within 30d, severities [sev1, sev2] (RECENT_INCIDENTS_DEFAULTS in src/core/risk/factors.ts). */
      recentIncidents?: { points: number; within?: string; severities?: IncidentSeverity[] };
      overlappingChanges?: number;
      largeDiff?: { points: number; lines: number };
    };
  };
  /** risk.matrix[impact - 1][likelihood - 1] = class. */
  risk: { matrix: [RiskClass[], RiskClass[], RiskClass[], RiskClass[]] };
  controls: Record<RiskClass, ClassControls>;
  groups: Record<string, string>;
  errorBudget?: { blocks: ChangeType[]; exhaustedAt?: number };
  emergency?: { approvers: string; reviewWithin: string };
  /** What requester-typed evidence (rehearsal dates, verification links) must be to count. */
  evidence?: EvidencePolicy;
  /** Files whose change is itself high risk (policy, calendar, teams). */
  sensitivePaths?: string[];
  /** Paths (globs) tied to a service, by service name: a change to one is a change to that service (the audit). */
  servicePaths?: Record<string, string[]>;
  /** Readiness scorecard rules (see src/core/readiness). */
  readiness?: ReadinessPolicy;
  /** Incident severities and their review deadlines. */
  incidents?: IncidentPolicy;
  /** What the CAB meeting's agenda lists and asks (`opsledger cab agenda`; defaults in src/core/cab-agenda/policy.ts). */
  agenda?: AgendaPolicy;
}

/** The fixed set of open questions an agenda can ask of a change (src/core/cab-agenda/questions.ts). */
export const AGENDA_CHECKS = ['rollback-rehearsed', 'premortem', 'verification', 'communication', 'maintenance-window'] as const;
export type AgendaCheck = (typeof AGENDA_CHECKS)[number];
export interface AgendaQuestion {
  id: string;
  check: AgendaCheck;
  /** rollback-rehearsed: the rehearsal must be no older than this before the change starts. */
  within?: string;
  /** Ask only of changes of these classes; every class on the agenda when absent. */
  classes?: RiskClass[];
}
export interface AgendaPolicy {
  /** Keys of `groups` the meeting approves for: a change whose approvals need one of them is on the agenda. */
  groups?: string[];
  questions?: AgendaQuestion[];
}

export const READINESS_LEVELS = ['bronze', 'silver', 'gold'] as const;
export type ReadinessLevel = (typeof READINESS_LEVELS)[number];
export const READINESS_CHECKS = [
  'runbook',
  'playbook',
  'dashboard',
  'repository',
  'oncall',
  'escalation',
  'contact',
  'slo',
  'slo-status',
  'dr-test',
  'continuity',
  'no-deprecated-dependencies',
  'incident-reviews',
  'incident-actions',
] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];
export interface ReadinessRule {
  id: string;
  description: string;
  check: ReadinessCheck;
  level: ReadinessLevel;
  tiers?: Tier[];
  within?: string;
}
export interface ReadinessPolicy {
  lifecycles?: Lifecycle[];
  rules: ReadinessRule[];
}
export type Policy = Doc<'Policy', PolicySpec>;

// ---------------------------------------------------------------- Incident, Problem
export const INCIDENT_SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'reviewed';
export interface IncidentPolicy {
  severities: Partial<Record<IncidentSeverity, { description: string; reviewWithin?: string }>>;
}
export interface ActionItem {
  title: string;
  owner: string;
  due: string;
  state: 'open' | 'in-progress' | 'done' | 'wont-do';
  change?: string;
  url?: string;
}
export interface TimelineEntry {
  at: string;
  author?: string;
  kind?: 'detection' | 'escalation' | 'action' | 'communication' | 'mitigation' | 'resolution' | 'note';
  text: string;
}
export interface IncidentSpec {
  severity: IncidentSeverity;
  status: IncidentStatus;
  startedAt: string;
  detectedAt?: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  services?: string[];
  configurationItems?: string[];
  impact?: { summary: string; users?: number; minutes?: number; errorBudget?: { slo: string; minutes: number }[] };
  /** Change ids, or 'none' when it is known that no change caused it; absent while unknown. */
  causedBy?: string[] | 'none';
  commander?: string;
  responders?: string[];
  timeline?: TimelineEntry[];
  review?: { summary: string; completedAt?: string; contributingFactors?: string[]; wentWell?: string[]; actionItems?: ActionItem[] };
}
export type Incident = Doc<'Incident', IncidentSpec> & { metadata: Metadata & { title: string } };
export interface ProblemSpec {
  state: 'open' | 'known-error' | 'resolved' | 'closed';
  incidents: string[];
  services?: string[];
  rootCause?: string;
  workaround?: string;
  fixes?: string[];
}
export type Problem = Doc<'Problem', ProblemSpec> & { metadata: Metadata & { title: string } };

export type AnyDoc = Team | Service | Slo | ConfigurationItem | ChangeRequest | ChangeCalendar | StandardChange | Policy | Incident | Problem | System | Domain | Api;
