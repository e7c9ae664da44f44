import type { ChangeType, OutcomeResult } from '../model.js';

/**
 * The operations metrics as `opsledger metrics --format json` prints them. Key names are a
 * contract (DESIGN.md: deploymentFrequency, leadTime, changeFailureRate, timeToRestore, overall
 * and per service); docs/metrics.md defines every number. Durations are whole seconds; ratios
 * are 0..1 with four decimals; null means "no data", never zero.
 */
export interface DeploymentFrequency {
  deployments: number;
  /** Length of the period in days (a month cut by the window counts only its part inside). */
  days: number;
  perDay: number;
  perWeek: number;
}

export interface LeadTime {
  /** Deployments whose lead time is known. */
  count: number;
  /** Deployments without a known start (no git history, or recorded after the fact). */
  unknown: number;
  medianSeconds: number | null;
  meanSeconds: number | null;
}

export interface ChangeFailureRate {
  deployments: number;
  failed: number;
  rolledBack: number;
  /** Counted as deployments that did not fail (unless an incident names them); shown so nobody has to guess. */
  partial: number;
  /** Deployments an incident names as its cause (`causedBy`) whose outcome is not failed or rolled back. */
  incidentOnly: number;
  /** Deployments any incident names as its cause, whatever their outcome. */
  causedIncidents: number;
  /** (failed + rolledBack + incidentOnly) / deployments. */
  rate: number | null;
}

export interface TimeToRestore {
  /** Failures with both failureDetectedAt and restoredAt. */
  count: number;
  /** Failures whose restoration cannot be measured: a time missing from the outcome, or a failure only an incident records. */
  unmeasured: number;
  medianSeconds: number | null;
  meanSeconds: number | null;
}

export interface TimeToDetect {
  /** Failures with failureDetectedAt. */
  count: number;
  /** MTTD: mean of implementedAt → failureDetectedAt. */
  meanSeconds: number | null;
  medianSeconds: number | null;
}

export interface EmergencyChangeRatio {
  emergency: number;
  deployments: number;
  ratio: number | null;
}

export interface MetricSet {
  deploymentFrequency: DeploymentFrequency;
  leadTime: LeadTime;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
  timeToDetect: TimeToDetect;
  emergencyChangeRatio: EmergencyChangeRatio;
}

/** One deployment: a change with an outcome implemented inside the window. */
export interface Deployment {
  change: string;
  type: ChangeType;
  result: OutcomeResult;
  /** Counted as a failure: its outcome is failed or rolled back, or an incident names it as its cause. */
  failed: boolean;
  /** The incidents naming this change in `causedBy`. */
  causedIncidents: string[];
  implementedAt: string;
  month: string;
  services: string[];
  teams: string[];
  leadTimeSeconds: number | null;
  timeToDetectSeconds: number | null;
  timeToRestoreSeconds: number | null;
}

export interface MetricsWindow {
  from: string;
  to: string;
  days: number;
  environments: string[];
  timeZone: string;
}

export interface MetricsReport extends MetricSet {
  window: MetricsWindow;
  services: ({ service: string; team: string | null } & MetricSet)[];
  teams: ({ team: string } & MetricSet)[];
  months: ({ month: string } & MetricSet)[];
  deployments: Deployment[];
  /** Changes left out and why: outcome without implementedAt, cancelled with an outcome. */
  excluded: { change: string; reason: 'no-implemented-at' | 'cancelled' }[];
  /** The incidents that started inside the window (every environment: incidents name none). */
  incidents: IncidentsReport;
}

/** A duration over incidents: how many had both times, and their mean and median in seconds. */
export interface DurationFigures {
  count: number;
  meanSeconds: number | null;
  medianSeconds: number | null;
}

/**
 * The incident figures of a group of incidents (docs/metrics.md, "Incidents"). The window's
 * incidents are those whose startedAt lies inside it.
 */
export interface IncidentMetricSet {
  incidents: number;
  bySeverity: Record<'sev1' | 'sev2' | 'sev3' | 'sev4', number>;
  /** Incidents that name at least one change in `causedBy`. */
  causedByChange: number;
  /** Incidents without a resolvedAt (still open, or not written down). */
  unresolved: number;
  /** MTTD: startedAt → detectedAt. */
  timeToDetect: DurationFigures;
  /** MTTA: detectedAt → acknowledgedAt. */
  timeToAcknowledge: DurationFigures;
  /** startedAt → mitigatedAt. */
  timeToMitigate: DurationFigures;
  /** MTTR: startedAt → resolvedAt. */
  timeToResolve: DurationFigures;
  /** Error-budget minutes the incidents consumed, per SLO, from impact.errorBudget. */
  errorBudget: { slo: string; minutes: number; incidents: string[] }[];
}

/** One incident of the window, with its own durations (null when a time is missing). */
export interface IncidentRow {
  incident: string;
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  status: string;
  startedAt: string;
  month: string;
  services: string[];
  teams: string[];
  causedBy: string[];
  timeToDetectSeconds: number | null;
  timeToAcknowledgeSeconds: number | null;
  timeToMitigateSeconds: number | null;
  timeToResolveSeconds: number | null;
}

export interface IncidentsReport extends IncidentMetricSet {
  services: ({ service: string; team: string | null; perMonth: { month: string; incidents: number }[] } & IncidentMetricSet)[];
  teams: ({ team: string; perMonth: { month: string; incidents: number }[] } & IncidentMetricSet)[];
  severities: ({ severity: 'sev1' | 'sev2' | 'sev3' | 'sev4' } & IncidentMetricSet)[];
  months: ({ month: string } & IncidentMetricSet)[];
  list: IncidentRow[];
}
