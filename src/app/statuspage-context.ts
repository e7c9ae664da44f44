import { STATUSPAGE_ANNOTATION, type Impact, type StatuspageContext } from '../import/statuspage/convert.js';
import { INCIDENT_SEVERITIES, type IncidentSeverity } from '../core/model.js';
import { activePolicy } from '../core/organisation.js';
import { loadOrganisation } from './load-organisation.js';
import type { OrganisationSource } from './ports/source.js';

export interface StatuspageOptions {
  severities: Record<Impact, IncidentSeverity>;
  given: ReadonlySet<Impact>;
  components: ReadonlyMap<string, string>;
}

/**
 * What a Statuspage import needs from the organisation it joins: the services components map
 * to, the incident ids taken (files that do not validate included, as `new incident` counts
 * them) and the Statuspage incidents imported before, so a second run adds only new ones.
 */
export async function statuspageContext(into: OrganisationSource, options: StatuspageOptions): Promise<StatuspageContext> {
  const { org, repo } = await loadOrganisation(into);
  const incidentIds = new Set(org.incidents.keys());
  for (const f of repo.analyses) {
    const m = /(?:^|\/)(INC-\d{4}-\d{4})\.ya?ml$/.exec(f.file);
    if (m) incidentIds.add(m[1]!);
  }
  const imported = new Map<string, string>();
  for (const [id, { doc }] of org.incidents) {
    const sp = doc.metadata.annotations?.[STATUSPAGE_ANNOTATION];
    if (sp) imported.set(sp, id);
  }
  const defined = activePolicy(org)?.doc.spec.incidents?.severities;
  return {
    ...(defined ? { defined: INCIDENT_SEVERITIES.filter((s) => defined[s]) } : {}),
    severities: options.severities,
    severitiesGiven: options.given,
    components: options.components,
    services: new Map([...org.services].map(([name, { doc }]) => [name, doc.metadata.title])),
    incidentIds,
    imported,
  };
}
