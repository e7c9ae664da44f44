import type { Environments } from '../environments.js';
import type { ChangeCalendar, ChangeRequest, ChangeType } from '../model.js';
import type { Organisation } from '../organisation.js';
import type { WindowInput } from './expand.js';
import type { ScopeSubject, ServiceFacts } from './scope.js';

/**
 * The bridge from the typed organisation to the calendar functions: every window of every
 * calendar, and the scope subject for a change or a service.
 */

// Tagged copies are made once per calendar document, so compiled rules (cached per window
// object in expand.ts) are reused across calls.
const tagged = new WeakMap<ChangeCalendar, WindowInput[]>();

/** Every window of every ChangeCalendar, each tagged with its calendar's name. */
export function calendarWindows(org: Organisation): WindowInput[] {
  const out: WindowInput[] = [];
  for (const { doc } of org.calendars.values()) {
    let windows = tagged.get(doc);
    if (!windows) {
      windows = doc.spec.windows.map((w) => ({ ...w, calendar: doc.metadata.name }));
      tagged.set(doc, windows);
    }
    out.push(...windows);
  }
  return out;
}

export function serviceFacts(org: Organisation, name: string): ServiceFacts {
  const svc = org.services.get(name)?.doc;
  if (!svc) return { name };
  return { name, tier: svc.spec.tier, ...(svc.metadata.labels ? { labels: svc.metadata.labels } : {}) };
}

/**
 * What a window's scope is matched against for a change: the services it names, plus the
 * owning service of each configuration item it names (changing payments-db is a change to
 * payments-api for a freeze on payments-api), its environment and, when the caller gives it,
 * the type it is treated as (changeTypeOf in risk/assess.ts: a standard change outside its
 * template is normal). Without a type no freeze lets it through. Services reached
 * only through dependencies are not included: that is blast radius, which the risk engine
 * weighs; a caller that wants freezes to follow the blast radius can add those services.
 */
export function subjectForChange(org: Organisation, change: ChangeRequest, envs: Environments, type?: ChangeType): ScopeSubject {
  const names = new Set(change.spec.services ?? []);
  for (const ci of change.spec.configurationItems ?? []) {
    const owner = org.cis.get(ci)?.doc.spec.service;
    if (owner) names.add(owner);
  }
  return {
    services: [...names].map((n) => serviceFacts(org, n)),
    // Every spelling, so a freeze scoped to `prod` stops a change written `production` and back.
    environments: envs.spellings(change.spec.environment),
    ...(type ? { type } : {}),
  };
}

/** The subject "a change to these services", optionally in an environment and of a type. */
export function subjectForServices(org: Organisation, names: readonly string[], options: Omit<ScopeSubject, 'services'> = {}): ScopeSubject {
  return { ...options, services: names.map((n) => serviceFacts(org, n)) };
}
