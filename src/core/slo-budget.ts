import type { Slo, SloObjective } from './model.js';

/**
 * Error budgets and multi-window, multi-burn-rate alerts for an SLO (Google SRE workbook,
 * "Alerting on SLOs", table 5-8). The workbook's table is for a 30-day window: page at 14.4x
 * over 1h (checked over 5m), 6x over 6h (30m), ticket at 3x over 1d (2h) and 1x over 3d (6h),
 * which is 2%, 5%, 10% and 10% of the budget spent in the long window. For another window the
 * windows stay and the budget shares stay, and the burn rate is scaled:
 *   burnRate = budgetShare x sloWindow / longWindow
 * (Sloth derives its 28-day and custom windows the same way.)
 */
export const OPENSLO_DURATION = /^([1-9]\d*)([mhdwMQY])$/;

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE, d: 1440 * MINUTE, w: 7 * 1440 * MINUTE, M: 30 * 1440 * MINUTE, Q: 91 * 1440 * MINUTE, Y: 365 * 1440 * MINUTE };

/** OpenSLO duration shorthand in ms. Months, quarters and years are averages (30, 91, 365 days). */
export function openSloDurationMs(text: string): { ms: number; approximate: boolean } | undefined {
  const m = OPENSLO_DURATION.exec(text);
  if (!m) return undefined;
  return { ms: Number(m[1]) * UNIT_MS[m[2]!]!, approximate: ['M', 'Q', 'Y'].includes(m[2]!) };
}

export function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60 * 10) / 10}s`;
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = Math.round((minutes % 60) * 10) / 10;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m || (!d && !h) ? `${m}m` : ''].filter(Boolean).join(' ');
}

export const ALERT_WINDOWS = [
  { severity: 'page', longWindow: '1h', shortWindow: '5m', budgetShare: 0.02 },
  { severity: 'page', longWindow: '6h', shortWindow: '30m', budgetShare: 0.05 },
  { severity: 'ticket', longWindow: '1d', shortWindow: '2h', budgetShare: 0.1 },
  { severity: 'ticket', longWindow: '3d', shortWindow: '6h', budgetShare: 0.1 },
] as const;

export interface BurnRateAlert {
  severity: 'page' | 'ticket';
  longWindow: string;
  shortWindow: string;
  /** Share of the whole error budget spent in the long window when the alert fires. */
  budgetShare: number;
  burnRate: number;
  /** The error rate (bad / all) both windows must exceed: burnRate x (1 - target). */
  errorRate: number;
  /** How long the whole budget lasts at this burn rate, in minutes. */
  exhaustsBudgetInMinutes: number;
  /** False when the long window is not shorter than the SLO window or the error rate would exceed 100%. */
  applicable: boolean;
  note?: string;
}

export interface ObjectiveBudget {
  displayName?: string;
  target: number;
  budgetFraction: number;
  budgetMinutes: number;
  /** Bad requests allowed in the window, when a request rate is known and the SLO counts events. */
  budgetRequests: number | null;
  alerts: BurnRateAlert[];
}

export interface SloExplanation {
  slo: string;
  service: string;
  budgetingMethod: string;
  window: { duration: string; minutes: number; rolling: boolean; approximate: boolean };
  requestsPerSecond: number | null;
  requestRateSource: 'flag' | 'annotation' | null;
  objectives: ObjectiveBudget[];
  status: { errorBudgetRemaining?: number; measuredAt?: string; source?: string } | null;
  notes: string[];
}

/** The annotation that records an SLO's typical request rate, for budgets in requests. */
export const RPS_ANNOTATION = 'opsledger.dev/requests-per-second';

export function objectiveTarget(o: SloObjective): number | undefined {
  if (typeof o.target === 'number') return o.target;
  if (typeof o.targetPercent === 'number') return o.targetPercent / 100;
  return undefined;
}

const round = (n: number, digits = 6) => Number(n.toPrecision(digits));

export function explainSlo(slo: Slo, options: { rps?: number } = {}): SloExplanation {
  const notes: string[] = [];
  const tw = slo.spec.timeWindow?.[0];
  const duration = tw?.duration ?? '30d';
  if (!tw) notes.push('the SLO has no time window; 30d is assumed');
  const parsed = openSloDurationMs(duration);
  const windowMinutes = parsed ? parsed.ms / MINUTE : 30 * 1440;
  if (parsed?.approximate) notes.push(`${duration} is counted as ${formatMinutes(windowMinutes)}; calendar months, quarters and years vary in length`);
  if (windowMinutes < 1440) notes.push(`a ${duration} window is shorter than a day: OpenSLO's m is a minute and M a month; check the unit`);
  const rolling = tw?.isRolling ?? !tw?.calendar;
  if (!rolling) notes.push('a calendar window resets at its start; the budget below is for a whole window');

  let rps: number | null = null;
  let rateSource: SloExplanation['requestRateSource'] = null;
  if (options.rps !== undefined) {
    rps = options.rps;
    rateSource = 'flag';
  } else {
    const a = slo.metadata.annotations?.[RPS_ANNOTATION];
    const n = a === undefined ? NaN : Number(a);
    if (Number.isFinite(n) && n >= 0) {
      rps = n;
      rateSource = 'annotation';
    }
  }
  // Requests only make sense when the SLO counts events; a timeslice SLO counts minutes.
  const countsEvents = slo.spec.budgetingMethod !== 'Timeslices';
  if (rps !== null && !countsEvents) notes.push('a Timeslices SLO counts good time slices, not requests, so its budget is given in minutes only');
  if (rps === null && countsEvents) notes.push(`no request rate: pass --rps or set the ${RPS_ANNOTATION} annotation for a budget in requests`);

  const objectives: ObjectiveBudget[] = [];
  for (const o of slo.spec.objectives) {
    const target = objectiveTarget(o);
    if (target === undefined) continue;
    const fraction = round(1 - target, 12);
    const budgetMinutes = windowMinutes * fraction;
    const alerts: BurnRateAlert[] = ALERT_WINDOWS.map((w) => {
      const longMinutes = openSloDurationMs(w.longWindow)!.ms / MINUTE;
      const burnRate = (w.budgetShare * windowMinutes) / longMinutes;
      const errorRate = burnRate * fraction;
      const alert: BurnRateAlert = {
        severity: w.severity,
        longWindow: w.longWindow,
        shortWindow: w.shortWindow,
        budgetShare: w.budgetShare,
        burnRate: round(burnRate, 4),
        errorRate: round(errorRate, 6),
        exhaustsBudgetInMinutes: round(windowMinutes / burnRate, 6),
        applicable: true,
      };
      if (longMinutes >= windowMinutes) {
        alert.applicable = false;
        alert.note = `the ${w.longWindow} window is not shorter than the ${duration} SLO window`;
      } else if (errorRate > 1) {
        alert.applicable = false;
        alert.note = 'it would need an error rate above 100%; the target leaves too much budget for this window';
      } else if (burnRate < 1) {
        alert.note = 'below 1x the budget outlasts the window: this row only catches a slow, steady leak';
      }
      return alert;
    });
    objectives.push({
      ...(o.displayName ? { displayName: o.displayName } : {}),
      target,
      budgetFraction: fraction,
      budgetMinutes: round(budgetMinutes, 8),
      budgetRequests: rps !== null && countsEvents ? Math.floor(rps * windowMinutes * 60 * fraction) : null,
      alerts,
    });
  }
  if (objectives.length === 0) notes.push('no objective has a target, so there is no budget to explain');
  return {
    slo: slo.metadata.name,
    service: slo.spec.service,
    budgetingMethod: slo.spec.budgetingMethod,
    window: { duration, minutes: windowMinutes, rolling, approximate: Boolean(parsed?.approximate) },
    requestsPerSecond: rps,
    requestRateSource: rateSource,
    objectives,
    status: slo.status ? { ...slo.status } : null,
    notes,
  };
}
