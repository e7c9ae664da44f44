import type { Organisation } from './organisation.js';

/**
 * The organisation a pull request's change requests are judged in. Everything that decides who
 * approves and how strictly (policy, teams, calendar, standard-change templates) comes from the
 * base branch; the change requests come from the pull request. Services, CIs and SLOs exist in
 * both: `prefer` says whose copy wins where both have one (callers score with each and keep
 * the stricter result, so neither lowering a tier nor adding a dependency escapes review).
 */
export function reviewOrganisation(base: Organisation, head: Organisation, prefer: 'base' | 'head'): Organisation {
  // The same Map on both sides (a history that changed none of its documents) is itself the
  // merge: kept as it is, so what is built from it once (the graph) is found again by identity.
  // Two Maps of the same names in the same order (a history that edited some of them) merge
  // into the winner itself, for the same reason.
  const merge = <T>(b: Map<string, T>, h: Map<string, T>, wins = prefer) => (b === h ? b : sameNames(b, h) ? (wins === 'base' ? b : h) : wins === 'base' ? new Map([...h, ...b]) : new Map([...b, ...h]));
  return {
    teams: base.teams,
    policies: base.policies,
    calendars: base.calendars,
    templates: base.templates,
    services: merge(base.services, head.services),
    cis: merge(base.cis, head.cis),
    slos: merge(base.slos, head.slos),
    // Grouping decides no approval and no risk: read like services.
    systems: merge(base.systems, head.systems),
    domains: merge(base.domains, head.domains),
    apis: merge(base.apis, head.apis),
    changes: head.changes,
    // History a pull request cannot erase: deleting or rewriting an incident on the branch must
    // not lower the risk of the change it carries, so the base's copy always wins.
    incidents: merge(base.incidents, head.incidents, 'base'),
    problems: merge(base.problems, head.problems, 'base'),
  };
}

function sameNames(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  const other = b.keys();
  for (const name of a.keys()) if (other.next().value !== name) return false;
  return true;
}
