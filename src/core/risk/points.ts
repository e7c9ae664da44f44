import { joinPointer } from '../diagnostics.js';
import type { PolicySpec } from '../model.js';

/**
 * Likelihood points are counted exactly, in whole thousandths: in binary floating point
 * 0.7 + 0.1 is 0.7999999999999999 and falls short of a 0.8 threshold. Every sum of points and
 * every comparison with a threshold goes through here. validate refuses a number with more
 * than three decimals (policy.points-precision), so the scaling never rounds a written value.
 */
const SCALE = 1000;

export function toThousandths(points: number): number {
  return Math.round(points * SCALE);
}

/** True when the number is a whole count of thousandths (what validate accepts). */
export function isExactPoints(points: number): boolean {
  return Math.abs(points * SCALE - Math.round(points * SCALE)) < 1e-6;
}

/** The exact total of some points and the likelihood level (1..4) it reaches. */
export function likelihoodOf(points: readonly number[], thresholds: readonly number[]): { points: number; level: number } {
  const total = points.reduce((n, p) => n + toThousandths(p), 0);
  return { points: total / SCALE, level: 1 + thresholds.filter((t) => total >= toThousandths(t)).length };
}

/** Every number in the policy that is a likelihood point or threshold, with its pointer. */
export function policyPoints(spec: PolicySpec): [string, number][] {
  const out: [string, number][] = [];
  const f = spec.likelihood.factors;
  spec.likelihood.thresholds.forEach((t, i) => out.push([`/spec/likelihood/thresholds/${i}`, t]));
  for (const [type, p] of Object.entries(f.changeType)) out.push([`/spec/likelihood/factors/changeType/${type}`, p]);
  for (const [env, p] of Object.entries(f.environment ?? {})) out.push([joinPointer('/spec/likelihood/factors/environment', env), p]);
  for (const key of ['rollbackMissing', 'rollbackUntested', 'errorBudgetExhausted', 'overlappingChanges'] as const) {
    const p = f[key];
    if (p !== undefined) out.push([`/spec/likelihood/factors/${key}`, p]);
  }
  for (const key of ['noProgressiveDelivery', 'peakHours', 'nearFreeze', 'shortNotice', 'recentFailureRate', 'recentIncidents', 'largeDiff'] as const) {
    const p = f[key]?.points;
    if (p !== undefined) out.push([`/spec/likelihood/factors/${key}/points`, p]);
  }
  return out;
}
