import type { WindowOccurrence } from '../calendar/expand.js';
import type { WindowVerdict } from '../calendar/in-force.js';
import type { ChangeType } from '../model.js';
import type { RiskContext } from './context.js';
import { overlappingChanges, scoredDiffOf, type ChangeFacts } from './factors.js';
import { sharedDependents } from './shared-dependents.js';
import type { Conflict } from './types.js';
import { english, phrase, type Phrase, type PhraseArg } from '../phrase.js';
import { understatedDiff } from './diff-size.js';
import { organisationZone } from '../evidence-time.js';

/**
 * What a change collides with: freezes it runs into (blocked or bypassed), other changes at the
 * same time on the same or adjacent targets, other changes at the same time that reach the same
 * critical service through dependencies, and a standard change outside its template.
 */

/**
 * Occurrences grouped by window, in the order each window first occurs: a window recurring
 * inside the schedule (an hourly deploy-deny window over a long change) is one conflict with its
 * count, not one per hour. `split` keeps apart occurrences the caller treats differently.
 */
function byWindow(occurrences: readonly WindowOccurrence[], split: (o: WindowOccurrence) => string = () => ''): WindowOccurrence[][] {
  const groups = new Map<string, WindowOccurrence[]>();
  for (const o of occurrences) {
    // Two calendars may each name a window "deploy-freeze": they are different windows.
    const key = `${o.calendar ?? ''}\u0000${o.name}\u0000${split(o)}`;
    const group = groups.get(key);
    if (group) group.push(o);
    else groups.set(key, [o]);
  }
  return [...groups.values()];
}

function repeats(group: readonly WindowOccurrence[], zone: string): PhraseArg {
  if (group.length === 1) return '';
  return phrase('conflict.repeats', { n: group.length, from: { instant: group[0]!.startMs, zone }, to: { instant: group[group.length - 1]!.endMs, zone } });
}

function conflict(c: Omit<Conflict, 'message' | 'phrase'>, why: Phrase): Conflict {
  return { ...c, message: english(why), phrase: why };
}

function windowConflicts(f: ChangeFacts, type: ChangeType, verdict: WindowVerdict, zone: string): Conflict[] {
  const blocking = new Set(verdict.blocking);
  const bypassed = new Set(verdict.bypassed);
  const out: Conflict[] = [];
  // In calendar order, bypasses and blocks interleaved, as the freezes first occur.
  const relevant = f.nearbyWindows.filter((w) => blocking.has(w) || bypassed.has(w));
  for (const g of byWindow(relevant, (o) => (bypassed.has(o) ? 'bypass' : 'block'))) {
    const w = g[0]!;
    const occurrences = g.length > 1 ? { occurrences: g.length, first: g[0]!.start, last: g[g.length - 1]!.end } : {};
    if (bypassed.has(w)) {
      out.push(conflict({ code: 'freeze-bypass', severity: 'warning', with: w.name, ...occurrences }, phrase('conflict.freezeBypass', { name: w.name, repeats: repeats(g, zone), type: phrase(`changeType.${type}`) })));
    } else {
      const args = { name: w.name, repeats: repeats(g, zone) };
      out.push(conflict({ code: 'freeze', severity: 'error', with: w.name, ...occurrences }, w.reason ? phrase('conflict.freezeWhy', { ...args, reason: w.reason }) : phrase('conflict.freeze', args)));
    }
  }
  return out;
}

/** The names of the windows among the occurrences, each once, with its count when it repeats. */
export function windowPhrases(occurrences: readonly WindowOccurrence[]): PhraseArg[] {
  return byWindow(occurrences).map((g) => (g.length > 1 ? phrase('control.windowRepeats', { name: g[0]!.name, n: g.length }) : g[0]!.name));
}

export function findConflicts(ctx: RiskContext, f: ChangeFacts, type: ChangeType, verdict: WindowVerdict, demotion: Phrase | undefined): Conflict[] {
  const out = windowConflicts(f, type, verdict, organisationZone(ctx.org));
  const direct = overlappingChanges(ctx, f);
  for (const o of direct) {
    out.push(conflict({ code: 'overlapping-change', severity: 'warning', with: o.id }, phrase('conflict.overlappingChange', { id: o.id, target: o.shared })));
  }
  for (const s of sharedDependents(ctx.org, ctx.graph, f.change, f.start, f.end, new Set(direct.map((o) => o.id)))) {
    const args = { id: s.id, tier: s.tier, service: s.service, path: s.path.join(' → '), otherPath: s.otherPath.join(' → ') };
    const why = s.sharedCount > 1 ? phrase('conflict.sharedDependentMore', { ...args, n: s.sharedCount - 1 }) : phrase('conflict.sharedDependent', args);
    out.push(conflict({ code: 'overlap-through-dependency', severity: 'warning', with: s.id, service: s.service, path: s.path, otherPath: s.otherPath }, why));
  }
  if (demotion) out.push(conflict({ code: 'not-pre-approved', severity: 'warning', with: f.change.spec.template ?? '' }, phrase('conflict.notPreApproved', { why: demotion })));
  const understated = understatedDiff(scoredDiffOf(ctx, f.change));
  if (understated) out.push(understated);
  return out;
}
