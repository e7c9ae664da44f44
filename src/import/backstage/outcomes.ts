import type { DanglingRef } from '../report.js';
import type { Context } from './context.js';

const MAPPED_KINDS = ['component', 'resource', 'group', 'user', 'system', 'domain', 'api'];

/**
 * The last word on every entity: whatever no stage used is dropped with a reason, kinds with no
 * counterpart are dropped whole, and each outcome gets its final used, dropped and changed
 * lists. Run after every other stage.
 */
export function finishOutcomes(ctx: Context): void {
  for (const e of ctx.entities) {
    if (MAPPED_KINDS.includes(e.k)) {
      e.usage.finish(e.value, 'field.unmapped', 'opsledger has no place for this field');
      continue;
    }
    e.outcome.result = 'dropped';
    if (e.k === 'location') {
      e.outcome.code = 'entity.location';
      e.outcome.reason = 'a Location only points at other files; pass those files (or their folder) to the import instead';
    } else {
      e.outcome.code = 'entity.unsupported-kind';
      e.outcome.reason = `opsledger has no counterpart for a ${e.kind}`;
    }
    e.usage.finish(e.value, e.outcome.code, e.outcome.reason);
  }
  for (const e of ctx.entities) {
    e.outcome.used = [...e.usage.used].sort();
    e.outcome.dropped = e.usage.dropped;
    e.outcome.changed = e.usage.changed;
  }
}

/** A dangling reference is reported once per place it is written. */
export function uniqueDangling(dangling: readonly DanglingRef[]): DanglingRef[] {
  const seen = new Set<string>();
  return dangling.filter((d) => {
    const k = `${d.target} ${d.ref}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
