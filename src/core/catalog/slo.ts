import type { Slo } from '../model.js';
import { linkView, type LinkView } from './links.js';

/**
 * An SLO as the catalog shows it: each objective's target and its error budget in minutes
 * over the window, and how much of the budget is left according to the status snapshot.
 */
export interface SloObjectiveView {
  name?: string;
  /** Target as a percentage, e.g. 99.95. */
  targetPercent: number;
  /** Minutes of total unavailability the window allows: (1 - target) x window. */
  budgetMinutes?: number;
  /** Minutes left of that budget, when a snapshot says how much remains. */
  remainingMinutes?: number;
}

export interface SloView {
  name: string;
  title?: string;
  description?: string;
  window?: string;
  rolling: boolean;
  budgetingMethod: string;
  objectives: SloObjectiveView[];
  /** Fraction 0..1 of the error budget left (below 0 when overspent). */
  remaining?: number;
  /** Remaining, as a whole percentage for display. */
  remainingPercent?: number;
  exhausted: boolean;
  measuredAt?: string;
  source?: LinkView;
}

// OpenSLO window units: m minute, h hour, d day, w week, M month, Q quarter, Y year. Calendar
// units are taken at their average length: the budget in minutes is an order of magnitude
// people plan with, not an accounting figure.
const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10_080, M: 43_830, Q: 131_490, Y: 525_960 };

export function windowMinutes(duration: string | undefined): number | undefined {
  const m = duration ? /^([1-9]\d*)([mhdwMQY])$/.exec(duration) : null;
  return m ? Number(m[1]) * UNIT_MINUTES[m[2]!]! : undefined;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** `at` formats the snapshot's instant for display. */
export function sloView(slo: Slo, at: (instant: number) => string = (t) => new Date(t).toISOString()): SloView {
  const window = slo.spec.timeWindow[0];
  const minutes = windowMinutes(window?.duration);
  const measured = slo.status?.measuredAt;
  const remaining = typeof slo.status?.errorBudgetRemaining === 'number' ? slo.status.errorBudgetRemaining : undefined;
  const objectives = slo.spec.objectives.flatMap((o): SloObjectiveView[] => {
    const fraction = typeof o.target === 'number' ? o.target : typeof o.targetPercent === 'number' ? o.targetPercent / 100 : undefined;
    if (fraction === undefined) return [];
    const budget = minutes === undefined ? undefined : (1 - fraction) * minutes;
    return [
      {
        name: o.displayName,
        targetPercent: round(fraction * 100, 4),
        budgetMinutes: budget === undefined ? undefined : round(budget, 1),
        remainingMinutes: budget === undefined || remaining === undefined ? undefined : round(budget * remaining, 1),
      },
    ];
  });
  return {
    name: slo.metadata.name,
    title: slo.metadata.title,
    description: slo.spec.description,
    window: window?.duration,
    rolling: window?.isRolling ?? false,
    budgetingMethod: slo.spec.budgetingMethod,
    objectives,
    remaining,
    remainingPercent: remaining === undefined ? undefined : Math.round(remaining * 100),
    exhausted: remaining !== undefined && remaining <= 0,
    measuredAt: measured === undefined || Number.isNaN(Date.parse(measured)) ? measured : at(Date.parse(measured)),
    source: slo.status?.source ? linkView(slo.status.source, slo.status.source) : undefined,
  };
}
