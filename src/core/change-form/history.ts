import { phaseOf } from '../change-phase.js';
import { formatAt } from '../catalog/time.js';
import type { Organisation } from '../organisation.js';
import { formTime } from './time.js';
import type { FormHistory, FormHistoryChange, FormHistoryIncident } from './types.js';

/** How far back the form looks at the affected services and CIs. */
export const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * Earlier changes and incidents on what this change affects, in the `days` before `until`
 * (the earlier of now and the change's start: what a reviewer can know when deciding), newest
 * first. A change is linked to an incident by either side: its outcome listing the incident, or
 * the incident's causedBy naming it.
 */
export function changeHistory(
  org: Organisation,
  id: string,
  targets: { services: readonly string[]; cis: readonly string[] },
  until: number,
  zone: string,
  days: number,
  /** The changes that may share a target, when the caller has them indexed (the catalog); else every change is looked at. */
  candidates?: Iterable<string>,
): FormHistory {
  const from = until - days * DAY_MS;
  const services = new Set(targets.services);
  const cis = new Set(targets.cis);
  const sharedOf = (svc: readonly string[] | undefined, ci: readonly string[] | undefined): string[] => {
    const out = new Set<string>();
    for (const s of svc ?? []) if (services.has(s)) out.add(`service:${s}`);
    for (const c of ci ?? []) {
      if (cis.has(c)) out.add(`ci:${c}`);
      const owner = org.cis.get(c)?.doc.spec.service;
      if (owner && services.has(owner)) out.add(`service:${owner}`);
    }
    return [...out].sort();
  };

  const incidentsOfChange = new Map<string, Set<string>>();
  const link = (change: string, incident: string) => {
    let set = incidentsOfChange.get(change);
    if (!set) incidentsOfChange.set(change, (set = new Set()));
    set.add(incident);
  };
  const incidents: (FormHistoryIncident & { at: number })[] = [];
  for (const [incId, { doc }] of org.incidents) {
    const causes = Array.isArray(doc.spec.causedBy) ? doc.spec.causedBy : [];
    for (const c of causes) link(c, incId);
    const at = Date.parse(doc.spec.startedAt);
    if (Number.isNaN(at) || at < from || at >= until) continue;
    const shared = sharedOf(doc.spec.services, doc.spec.configurationItems);
    if (!shared.length) continue;
    incidents.push({ id: incId, title: doc.metadata.title, severity: doc.spec.severity, started: formTime(at, zone), shared, causedBy: doc.spec.causedBy === 'none' ? 'none' : [...causes], at });
  }

  const changes: (FormHistoryChange & { at: number })[] = [];
  for (const other of candidates ?? org.changes.keys()) {
    const doc = org.changes.get(other)?.doc;
    if (!doc || other === id) continue;
    const at = Date.parse(doc.spec.schedule.start);
    if (Number.isNaN(at) || at < from || at >= until) continue;
    const shared = sharedOf(doc.spec.services, doc.spec.configurationItems);
    if (!shared.length) continue;
    for (const inc of doc.status?.outcome?.incidents ?? []) link(other, inc);
    const result = doc.status?.outcome?.result;
    changes.push({
      id: other,
      ...(doc.metadata.title ? { title: doc.metadata.title } : {}),
      start: formTime(at, zone),
      environment: doc.spec.environment,
      shared,
      phase: phaseOf(doc),
      ...(result ? { result } : {}),
      incidents: [],
      at,
    });
  }
  for (const c of changes) c.incidents = [...(incidentsOfChange.get(c.id) ?? [])].sort();

  const newest = <T extends { at: number; id: string }>(a: T, b: T) => b.at - a.at || (a.id < b.id ? -1 : 1);
  return {
    days,
    from: formatAt(from, zone).slice(0, 10),
    to: formatAt(until, zone).slice(0, 10),
    changes: changes.sort(newest).map(({ at: _, ...c }) => c),
    incidents: incidents.sort(newest).map(({ at: _, ...i }) => i),
  };
}
