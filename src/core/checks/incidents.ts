import { parseInstant } from '../calendar/local-time.js';
import { joinPointer } from '../diagnostics.js';
import type { IncidentFacts } from '../facts.js';
import { policies, type PolicyEntry } from './environments.js';
import type { CrossFinding, FileRecords, RepositoryIndex } from './references.js';

/**
 * Rules an incident breaks against other documents: its severity is one the policy defines, each
 * change it blames went live before the incident started. What only time makes wrong (a review
 * or an action item past due) is not here: validate answers for the files alone, so the same
 * commit gets the same verdict whenever it is checked; readiness and the catalog judge those
 * at their instant (src/core/incidents/follow-up.ts).
 */
export function checkIncidents(files: readonly FileRecords[], index: RepositoryIndex, first: PolicyEntry | undefined = policies(files)[0]): CrossFinding[] {
  const out: CrossFinding[] = [];
  // The policy in force is the first, as for every other rule (a second is policy.duplicate).
  const policy = first?.record;
  const severities = policy?.facts.incidentSeverities;
  const changes = index.byNamespace.get('ChangeRequest');
  for (const f of files) {
    for (const record of f.documents) {
      if (record.kind !== 'Incident' || record.facts.kind !== 'Incident') continue;
      const inc: IncidentFacts = record.facts;
      const at = (pointer: string, severity: 'error' | 'warning', code: string, message: string) =>
        out.push({ file: f.file, document: record.index, pointer, target: 'value', severity, code, message });

      if (policy && inc.severity && !severities?.[inc.severity]) {
        const known = Object.keys(severities ?? {});
        at('/spec/severity', 'error', 'incident.unknown-severity', `the policy does not define ${inc.severity}${known.length ? ` (it defines ${known.join(', ')})` : ' (it has no spec.incidents.severities)'}`);
      }

      const started = inc.startedAt ? parseInstant(inc.startedAt) : undefined;
      inc.causedBy.forEach((id, i) => {
        const change = changes?.get(id)?.record.facts;
        if (started === undefined || change?.kind !== 'ChangeRequest') return;
        const live = change.implementedAt ?? change.start;
        const liveAt = live ? parseInstant(live) : undefined;
        if (liveAt !== undefined && liveAt > started) {
          at(joinPointer('/spec/causedBy', i), 'error', 'incident.cause-after-start', `${id} went live at ${live} (${change.implementedAt ? 'outcome.implementedAt' : 'its scheduled start'}), after the incident started at ${inc.startedAt}; a change cannot cause what happened before it`);
        }
      });

    }
  }
  return out;
}
