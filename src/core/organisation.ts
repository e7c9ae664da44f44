import type { FileAnalysis } from './analyze.js';
import type {
  Api,
  ChangeCalendar,
  ChangeRequest,
  ConfigurationItem,
  Incident,
  Policy,
  Problem,
  Service,
  System,
  Domain,
  Slo,
  StandardChange,
  Team,
} from './model.js';

/**
 * The organisation as typed documents, built from analysed files that kept their values. Only
 * documents that passed their schema are included, so code reading it may trust the types;
 * the first definition of a duplicated name wins, as in validation.
 */
export interface Located<T> {
  doc: T;
  file: string;
  index: number;
}

export interface Organisation {
  teams: Map<string, Located<Team>>;
  services: Map<string, Located<Service>>;
  slos: Map<string, Located<Slo>>;
  cis: Map<string, Located<ConfigurationItem>>;
  changes: Map<string, Located<ChangeRequest>>;
  calendars: Map<string, Located<ChangeCalendar>>;
  templates: Map<string, Located<StandardChange>>;
  policies: Map<string, Located<Policy>>;
  incidents: Map<string, Located<Incident>>;
  problems: Map<string, Located<Problem>>;
  systems: Map<string, Located<System>>;
  domains: Map<string, Located<Domain>>;
  apis: Map<string, Located<Api>>;
}

export function emptyOrganisation(): Organisation {
  return {
    teams: new Map(),
    services: new Map(),
    slos: new Map(),
    cis: new Map(),
    changes: new Map(),
    calendars: new Map(),
    templates: new Map(),
    policies: new Map(),
    incidents: new Map(),
    problems: new Map(),
    systems: new Map(),
    domains: new Map(),
    apis: new Map(),
  };
}

const BUCKET: Record<string, keyof Organisation> = {
  Team: 'teams',
  Service: 'services',
  SLO: 'slos',
  ConfigurationItem: 'cis',
  ChangeRequest: 'changes',
  ChangeCalendar: 'calendars',
  StandardChange: 'templates',
  Policy: 'policies',
  Incident: 'incidents',
  Problem: 'problems',
  System: 'systems',
  Domain: 'domains',
  API: 'apis',
};

/**
 * The documents of a file that stay out of the organisation: those with an error of their own
 * (schema, shape). Errors between documents (a dangling reference) leave both in.
 */
export function invalidDocuments(a: Pick<FileAnalysis, 'diagnostics'>): Set<number | undefined> {
  return new Set(a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.document));
}

/** A document of a file as the model holds it: its bucket, its name and where it sits. */
export interface ModelEntry {
  bucket: keyof Organisation;
  name: string;
  located: Located<unknown>;
}

/** The documents of one analysed file that enter the model, in document order. */
export function modelEntries(a: FileAnalysis): ModelEntry[] {
  const out: ModelEntry[] = [];
  if (!a.values) return out;
  const invalid = invalidDocuments(a);
  for (const record of a.documents) {
    if (invalid.has(record.index)) continue;
    // OpenSLO documents other than SLOs have no place in the model (yet); an openslo/v1 SLO
    // has the same shape as ours and joins the SLO map.
    if (record.apiVersion !== 'opsledger/v1' && !(record.apiVersion === 'openslo/v1' && record.kind === 'SLO')) continue;
    const bucket = BUCKET[record.kind];
    if (!bucket) continue;
    out.push({ bucket, name: record.name, located: { doc: a.values[record.index], file: a.file, index: record.index } });
  }
  return out;
}

export function buildOrganisation(analyses: readonly FileAnalysis[]): Organisation {
  const org = emptyOrganisation();
  for (const a of analyses) {
    for (const { bucket, name, located } of modelEntries(a)) {
      const map = org[bucket] as Map<string, Located<unknown>>;
      if (!map.has(name)) map.set(name, located);
    }
  }
  return org;
}

/**
 * The policy in force. There is exactly one: a second is a validate error (policy.duplicate)
 * that every command refuses to work past, so no file order ever picks the rules.
 */
export function activePolicy(org: Organisation): Located<Policy> | undefined {
  return org.policies.values().next().value;
}
