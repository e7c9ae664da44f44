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
  /** Counted as deployments that did not fail; shown so nobody has to guess. */
  partial: number;
  /** (failed + rolledBack) / deployments. */
  rate: number | null;
}

export interface TimeToRestore {
  /** Failures with both failureDetectedAt and restoredAt. */
  count: number;
  /** Failures (failed or rolled back) whose restoration cannot be measured (a time missing). */
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
}
