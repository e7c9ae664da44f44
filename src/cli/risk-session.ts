import { buildGraph } from '../core/graph.js';
import { activePolicy } from '../core/organisation.js';
import { calendarView } from '../core/risk/calendar-view.js';
import type { RiskContext } from '../core/risk/context.js';
import type { LoadedOrganisation } from '../adapters/fs/load-organisation.js';
import { firstAddedTimes } from '../adapters/git/history.js';
import { UsageError } from './context.js';

/** Everything the risk engine needs, from a loaded organisation and the git history. */
export async function riskContext(root: string, loaded: LoadedOrganisation, now: number): Promise<RiskContext> {
  const policy = activePolicy(loaded.org)?.doc.spec;
  if (!policy) throw new UsageError('the organisation has no Policy document (kind: Policy); add changes/policy.yaml');
  const added = await firstAddedTimes(root, '.');
  const fileOf = new Map([...loaded.org.changes].map(([id, l]) => [id, l.file]));
  return {
    org: loaded.org,
    graph: buildGraph(loaded.org),
    policy,
    calendar: calendarView(loaded.org),
    now,
    submittedAt: (id) => {
      const file = fileOf.get(id);
      return file ? added.get(file) : undefined;
    },
  };
}

export function parseInstant(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--${flag} takes an ISO 8601 time with an offset, e.g. 2026-12-02T01:00:00+09:00`);
  return t;
}
