import type { CalendarWindow, ChangeType, Tier, WindowScope } from '../model.js';

/**
 * Which changes a window applies to.
 *
 * A window's scope has up to four selectors. Every selector present must hold (AND across
 * selectors); within a selector any listed value will do (OR), except `labels`, whose pairs
 * must all be carried (the schema's "labels that must all match"). No scope, or an empty one,
 * means every change.
 *
 * `services`, `tiers` and `labels` describe one service: they must all hold for the SAME
 * affected service. A window scoped {tiers: [1], labels: {domain: finance}} is about tier-1
 * finance services; a change touching a tier-1 shop service and a tier-3 finance report is not
 * in it. `environments` is about the change itself.
 *
 * A subject leaves out what it does not know: without `services` the service selectors are not
 * a reason to exclude the window, without `environments` the environment selector is not. So
 * "the calendar for service X" still shows the production-scoped freezes that would stop X.
 */
export interface ServiceFacts {
  name: string;
  tier?: Tier;
  labels?: Record<string, string>;
}

export interface ScopeSubject {
  /** The services the change touches: named ones and the owning services of its CIs. */
  services?: readonly ServiceFacts[];
  /**
   * The change's environment, every spelling the policy declares for it (Environments.spellings),
   * so a scope written with an alias matches; a list, so a caller can ask about several at once.
   */
  environments?: readonly string[];
  /** The change's type, which a freeze's `allow` may let through. */
  type?: ChangeType;
}

function hasServiceSelectors(scope: WindowScope): boolean {
  return scope.services !== undefined || scope.tiers !== undefined || (scope.labels !== undefined && Object.keys(scope.labels).length > 0);
}

/** True when one service meets every service selector of the scope. */
export function serviceMatches(scope: WindowScope, service: ServiceFacts): boolean {
  if (scope.services && !scope.services.includes(service.name)) return false;
  if (scope.tiers && (service.tier === undefined || !scope.tiers.includes(service.tier))) return false;
  for (const [key, value] of Object.entries(scope.labels ?? {})) {
    if (service.labels?.[key] !== value) return false;
  }
  return true;
}

/** Does a window with this scope apply to the subject? No subject: every window applies. */
export function scopeApplies(scope: WindowScope | undefined, subject: ScopeSubject = {}): boolean {
  if (!scope) return true;
  if (scope.environments && subject.environments && !subject.environments.some((e) => scope.environments!.includes(e))) return false;
  if (hasServiceSelectors(scope) && subject.services && !subject.services.some((s) => serviceMatches(scope, s))) return false;
  return true;
}

export function windowApplies(window: Pick<CalendarWindow, 'scope'>, subject?: ScopeSubject): boolean {
  return scopeApplies(window.scope, subject);
}

/** A freeze lets a change type through when the window's `allow` lists it. */
export function windowAllows(window: Pick<CalendarWindow, 'allow'>, type: ChangeType | undefined): boolean {
  return type !== undefined && (window.allow ?? []).includes(type);
}

/**
 * A window that stops the subject: a freeze that applies to it and does not allow its type.
 * Without a type nothing is let through, which is the safe reading for "is the calendar closed".
 * This is the only freeze rule; windowVerdict (in-force.ts) applies it to occurrences for
 * every caller, so a window or one of its occurrences is judged alike.
 */
export function windowBlocks(window: Pick<CalendarWindow, 'kind' | 'scope' | 'allow'>, subject?: ScopeSubject): boolean {
  return window.kind === 'freeze' && windowApplies(window, subject) && !windowAllows(window, subject?.type);
}
