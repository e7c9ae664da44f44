import { joinPointer } from './diagnostics.js';
import { filledPaths } from './required-fields.js';
import { anyString, obj, strings, type Obj } from './shape.js';

/**
 * What the cross-document checks need to know about one document, extracted once from its value.
 * Records are small plain data: they cross worker threads and sit in the validation cache, so
 * a warm run never has to parse a file that did not change.
 */
/** Every kind of reference, in a fixed order: the cache codec stores a reference's kind as its position here. */
export const REF_KINDS = ['service', 'ci', 'team', 'template', 'slo', 'policy-group', 'service-or-openslo', 'change', 'incident', 'system', 'domain', 'api'] as const;
export type RefKind = (typeof REF_KINDS)[number];

export interface RefUse {
  pointer: string;
  kind: RefKind;
  name: string;
  /** True when written with its kind (`service:ledger`), not bare (`payments`); see writtenRef. */
  typed?: true;
  /** True for edges that form the dependency graph (cycles, blast radius). */
  dependency?: boolean;
}

/** The reference as the author wrote it, for messages. (Not stored: records cross threads and fill the cache.) */
export function writtenRef(ref: RefUse): string {
  return ref.typed ? `${ref.kind}:${ref.name}` : ref.name;
}

export interface DocRecord {
  index: number;
  apiVersion: string;
  kind: string;
  name: string;
  /** Names of this kind compete in one namespace: `SLO` under both apiVersions shares one. */
  namespace: string;
  refs: RefUse[];
  facts: Facts;
}

export type Facts =
  | { kind: 'Service'; tier?: number; exposure?: string; lifecycle?: string; owner?: string }
  | { kind: 'ConfigurationItem'; class?: string; service?: string; environment?: string }
  | { kind: 'ChangeRequest'; type?: string; template?: string; services: string[]; cis: string[]; environment?: string; filled?: string[]; start?: string; implementedAt?: string }
  | IncidentFacts
  | { kind: 'StandardChange'; services?: string[]; ciClasses?: string[]; environments?: string[]; requiredFields?: string[] }
  | { kind: 'ChangeCalendar'; scopes: string[][]; timeZones: string[] }
  | { kind: 'Policy'; groups: string[]; sensitivePaths?: string[]; servicePaths?: Record<string, string[]>; environments?: { name: string; aliases: string[] }[]; environmentPoints?: string[]; incidentSeverities?: Record<string, { reviewWithin?: string }>; peakTimeZone?: string }
  | { kind: 'other' };

/** What the incident checks read: timestamps as written, causes, review and action items. */
export interface IncidentFacts {
  kind: 'Incident';
  severity?: string;
  status?: string;
  startedAt?: string;
  resolvedAt?: string;
  causedBy: string[];
  reviewCompletedAt?: string;
  actionItems: { due?: string; state?: string }[];
}

const TYPED = /^(service|ci|team|slo):(.+)$/;

/** Parses `service:x` / `ci:y` / `team:z` / `slo:n`; undefined for anything else. */
export function parseTypedRef(text: string): { kind: 'service' | 'ci' | 'team' | 'slo'; name: string } | undefined {
  const m = TYPED.exec(text);
  return m ? { kind: m[1] as 'service' | 'ci' | 'team' | 'slo', name: m[2]! } : undefined;
}

/** A list of strings kept by position (a non-string as ''), so a finding's pointer names the entry written. */
function positional(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : undefined;
}

export function extractRecord(index: number, apiVersion: string, kind: string, value: Obj): DocRecord {
  const name = anyString(obj(value.metadata)?.name) ?? '';
  const spec = obj(value.spec) ?? {};
  const refs: RefUse[] = [];
  const bare = (pointer: string, kind: RefKind, v: unknown, dependency = false) => {
    if (typeof v === 'string' && v !== '') refs.push({ pointer, kind, name: v, ...(dependency ? { dependency } : {}) });
  };
  const typed = (pointer: string, v: unknown, allowed: RefKind[], dependency = false) => {
    if (typeof v !== 'string') return;
    const r = parseTypedRef(v);
    if (r && allowed.includes(r.kind)) refs.push({ pointer, kind: r.kind, name: r.name, typed: true, ...(dependency ? { dependency } : {}) });
  };
  let facts: Facts = { kind: 'other' };
  const namespace = kind;

  if (apiVersion === 'openslo/v1') {
    if (kind === 'SLO') bare('/spec/service', 'service-or-openslo', spec.service);
    return { index, apiVersion, kind, name, namespace: kind === 'Service' ? 'openslo:Service' : namespace, refs, facts };
  }

  switch (kind) {
    case 'Service': {
      bare('/spec/owner', 'team', spec.owner);
      (Array.isArray(spec.owners) ? spec.owners : []).forEach((o, i) => bare(joinPointer('/spec/owners', i, 'team'), 'team', obj(o)?.team));
      (Array.isArray(spec.dependsOn) ? spec.dependsOn : []).forEach((d, i) => typed(joinPointer('/spec/dependsOn', i), d, ['service', 'ci'], true));
      bare('/spec/system', 'system', spec.system);
      strings(spec.providesApis).forEach((a, i) => bare(joinPointer('/spec/providesApis', i), 'api', a));
      strings(spec.consumesApis).forEach((a, i) => bare(joinPointer('/spec/consumesApis', i), 'api', a));
      facts = {
        kind: 'Service',
        ...(typeof spec.tier === 'number' ? { tier: spec.tier } : {}),
        ...(anyString(spec.exposure) ? { exposure: anyString(spec.exposure) } : {}),
        ...(anyString(spec.lifecycle) ? { lifecycle: anyString(spec.lifecycle) } : {}),
        ...(anyString(spec.owner) ? { owner: anyString(spec.owner) } : {}),
      };
      break;
    }
    case 'SLO':
      bare('/spec/service', 'service', spec.service);
      break;
    case 'Domain':
      bare('/spec/owner', 'team', spec.owner);
      break;
    case 'System':
      bare('/spec/owner', 'team', spec.owner);
      bare('/spec/domain', 'domain', spec.domain);
      break;
    case 'API':
      bare('/spec/owner', 'team', spec.owner);
      bare('/spec/system', 'system', spec.system);
      break;
    case 'ConfigurationItem': {
      bare('/spec/service', 'service', spec.service);
      bare('/spec/owner', 'team', spec.owner);
      (Array.isArray(spec.relations) ? spec.relations : []).forEach((r, i) => {
        const rel = obj(r);
        // connectsTo is a peer link, not a dependency: a cycle through it is normal.
        typed(joinPointer('/spec/relations', i, 'target'), rel?.target, ['service', 'ci'], rel?.type !== 'connectsTo');
      });
      facts = {
        kind: 'ConfigurationItem',
        ...(anyString(spec.class) ? { class: anyString(spec.class) } : {}),
        ...(anyString(spec.service) ? { service: anyString(spec.service) } : {}),
        ...(anyString(spec.environment) ? { environment: anyString(spec.environment) } : {}),
      };
      break;
    }
    case 'ChangeRequest': {
      strings(spec.services).forEach((s, i) => bare(joinPointer('/spec/services', i), 'service', s));
      strings(spec.configurationItems).forEach((c, i) => bare(joinPointer('/spec/configurationItems', i), 'ci', c));
      bare('/spec/template', 'template', spec.template);
      const stages = obj(spec.delivery)?.stages;
      (Array.isArray(stages) ? stages : []).forEach((st, i) =>
        strings(obj(st)?.metrics).forEach((m, j) => typed(joinPointer('/spec/delivery/stages', i, 'metrics', j), m, ['slo'])),
      );
      facts = {
        kind: 'ChangeRequest',
        ...(anyString(spec.type) ? { type: anyString(spec.type) } : {}),
        ...(anyString(spec.template) ? { template: anyString(spec.template) } : {}),
        services: strings(spec.services),
        cis: strings(spec.configurationItems),
        ...(anyString(spec.environment) ? { environment: anyString(spec.environment) } : {}),
        ...(anyString(obj(spec.schedule)?.start) ? { start: anyString(obj(spec.schedule)?.start) } : {}),
        ...(anyString(obj(spec.outcome)?.implementedAt) ? { implementedAt: anyString(obj(spec.outcome)?.implementedAt) } : {}),
        // Only a change that follows a template is held to its required fields.
        ...(anyString(spec.template) ? { filled: filledPaths(spec) } : {}),
      };
      break;
    }
    case 'Incident': {
      strings(spec.services).forEach((s, i) => bare(joinPointer('/spec/services', i), 'service', s));
      strings(spec.configurationItems).forEach((c, i) => bare(joinPointer('/spec/configurationItems', i), 'ci', c));
      const causes = Array.isArray(spec.causedBy) ? strings(spec.causedBy) : [];
      causes.forEach((c, i) => bare(joinPointer('/spec/causedBy', i), 'change', c));
      const budget = obj(spec.impact)?.errorBudget;
      (Array.isArray(budget) ? budget : []).forEach((b, i) => bare(joinPointer('/spec/impact/errorBudget', i, 'slo'), 'slo', obj(b)?.slo));
      const review = obj(spec.review);
      const items = Array.isArray(review?.actionItems) ? review.actionItems : [];
      items.forEach((item, i) => {
        bare(joinPointer('/spec/review/actionItems', i, 'owner'), 'team', obj(item)?.owner);
        bare(joinPointer('/spec/review/actionItems', i, 'change'), 'change', obj(item)?.change);
      });
      facts = {
        kind: 'Incident',
        ...(anyString(spec.severity) ? { severity: anyString(spec.severity) } : {}),
        ...(anyString(spec.status) ? { status: anyString(spec.status) } : {}),
        ...(anyString(spec.startedAt) ? { startedAt: anyString(spec.startedAt) } : {}),
        ...(anyString(spec.resolvedAt) ? { resolvedAt: anyString(spec.resolvedAt) } : {}),
        causedBy: causes,
        ...(anyString(review?.completedAt) ? { reviewCompletedAt: anyString(review?.completedAt) } : {}),
        actionItems: items.map((item) => ({ ...(anyString(obj(item)?.due) ? { due: anyString(obj(item)?.due) } : {}), ...(anyString(obj(item)?.state) ? { state: anyString(obj(item)?.state) } : {}) })),
      };
      break;
    }
    case 'Problem': {
      strings(spec.incidents).forEach((n, i) => bare(joinPointer('/spec/incidents', i), 'incident', n));
      strings(spec.services).forEach((s, i) => bare(joinPointer('/spec/services', i), 'service', s));
      strings(spec.fixes).forEach((c, i) => bare(joinPointer('/spec/fixes', i), 'change', c));
      break;
    }
    case 'ChangeCalendar': {
      const windows = Array.isArray(spec.windows) ? spec.windows : [];
      windows.forEach((w, i) => strings(obj(obj(w)?.scope)?.services).forEach((s, j) => bare(joinPointer('/spec/windows', i, 'scope', 'services', j), 'service', s)));
      facts = {
        kind: 'ChangeCalendar',
        scopes: windows.map((w) => positional(obj(obj(w)?.scope)?.environments) ?? []),
        // Kept for the organisation's clock (zoneFrom in src/core/evidence-time.ts), in window order.
        timeZones: windows.map((w) => anyString(obj(w)?.timeZone) ?? ''),
      };
      break;
    }
    case 'StandardChange': {
      const covers = obj(spec.covers) ?? {};
      strings(covers.services).forEach((s, i) => bare(joinPointer('/spec/covers/services', i), 'service', s));
      facts = {
        kind: 'StandardChange',
        ...(Array.isArray(covers.services) ? { services: strings(covers.services) } : {}),
        ...(Array.isArray(covers.ciClasses) ? { ciClasses: strings(covers.ciClasses) } : {}),
        ...(Array.isArray(covers.environments) ? { environments: positional(covers.environments)! } : {}),
        ...(Array.isArray(spec.requiredFields) ? { requiredFields: strings(spec.requiredFields) } : {}),
      };
      break;
    }
    case 'Policy': {
      const groups = obj(spec.groups) ?? {};
      for (const [key, v] of Object.entries(groups)) typed(joinPointer('/spec/groups', key), v, ['team']);
      // Kept by position (a non-string as ''), so a finding's pointer names the entry written.
      const sensitive = Array.isArray(spec.sensitivePaths) ? spec.sensitivePaths.map((p) => (typeof p === 'string' ? p : '')) : undefined;
      const tied = obj(spec.servicePaths);
      // Each key names a service: resolved like any reference, so a misspelt one is ref.unresolved.
      for (const key of Object.keys(tied ?? {})) bare(joinPointer('/spec/servicePaths', key), 'service', key);
      const servicePaths = tied ? Object.fromEntries(Object.entries(tied).map(([k, v]) => [k, Array.isArray(v) ? v.map((p) => (typeof p === 'string' ? p : '')) : []])) : undefined;
      const severities = obj(obj(spec.incidents)?.severities);
      const incidentSeverities = severities
        ? Object.fromEntries(Object.entries(severities).map(([k, v]) => [k, anyString(obj(v)?.reviewWithin) ? { reviewWithin: anyString(obj(v)?.reviewWithin)! } : {}]))
        : undefined;
      const environments = Array.isArray(spec.environments) ? spec.environments.map((e) => ({ name: anyString(obj(e)?.name) ?? '', aliases: positional(obj(e)?.aliases) ?? [] })) : undefined;
      const points = obj(obj(obj(spec.likelihood)?.factors)?.environment);
      const peakTimeZone = anyString(obj(obj(obj(spec.likelihood)?.factors)?.peakHours)?.timeZone);
      facts = {
        kind: 'Policy',
        groups: Object.keys(groups),
        ...(sensitive ? { sensitivePaths: sensitive } : {}),
        ...(servicePaths ? { servicePaths } : {}),
        ...(environments ? { environments } : {}),
        ...(points ? { environmentPoints: Object.keys(points) } : {}),
        ...(incidentSeverities ? { incidentSeverities } : {}),
        ...(peakTimeZone ? { peakTimeZone } : {}),
      };
      break;
    }
    default:
      break;
  }
  return { index, apiVersion, kind, name, namespace, refs, facts };
}
