import { parseInstant } from '../../core/calendar/local-time.js';
import { API_VERSION, INCIDENT_SEVERITIES, type IncidentSeverity, type IncidentStatus, type TimelineEntry } from '../../core/model.js';
import { isObj, list, nonBlank, obj, type Obj } from '../../core/shape.js';
import type { YamlDoc } from '../../core/yaml-write.js';
import { sourceLabel, type SourceDocument } from '../parse.js';
import { Usage, type EntityOutcome, type ImportReport, type ReviewItem } from '../report.js';

/**
 * Atlassian Statuspage incidents (the public `/api/v2/incidents.json` shape: `incidents[]` with
 * `incident_updates[]` and `components[]`) to opsledger Incidents. Pure: the caller reads the
 * organisation and the files and writes the result.
 *
 * What maps: the name is the title; the status is the status (`postmortem` is resolved: the
 * postmortem text stays on Statuspage); the impact becomes a severity through a table the
 * caller gives; each component becomes the service it names (through the mapping, else a
 * service of that name or title); every update becomes a communication entry on the timeline,
 * oldest first; the times become the incident's times. Scheduled maintenances are not
 * incidents and are dropped whole. Anything else is reported as dropped with its reason.
 */
export const STATUSPAGE_ANNOTATION = 'statuspage.io/incident-id';
export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

/** The table used when neither the flag nor the mapping file gives one; each use is listed for review. */
export const DEFAULT_SEVERITIES: Record<Impact, IncidentSeverity> = { critical: 'sev1', major: 'sev2', minor: 'sev3', none: 'sev4' };

const STATUS: Record<string, IncidentStatus> = { investigating: 'investigating', identified: 'identified', monitoring: 'monitoring', resolved: 'resolved', postmortem: 'resolved' };
const MAINTENANCE = new Set(['scheduled', 'in_progress', 'verifying', 'completed']);

export interface StatuspageContext {
  /** impact -> severity, and whether each entry came from the user (else it is a default to review). */
  severities: Record<Impact, IncidentSeverity>;
  /** The impacts whose severity the user gave; the others are defaults a person should check. */
  severitiesGiven: ReadonlySet<Impact>;
  /** The severities the policy defines (spec.incidents.severities); undefined when it defines none, and then any is accepted. */
  defined?: readonly IncidentSeverity[];
  /** Component name -> service, from the mapping file. */
  components: ReadonlyMap<string, string>;
  /** The organisation's services: name -> title. */
  services: ReadonlyMap<string, string | undefined>;
  /** Incident ids the organisation already uses (files included). */
  incidentIds: ReadonlySet<string>;
  /** Statuspage incident ids already imported (the annotation), with the incident that holds each. */
  imported: ReadonlyMap<string, string>;
}

export interface StatuspageFile {
  path: string;
  source: string;
  apiVersion: string;
  kind: string;
  name: string;
  doc: YamlDoc;
}

/** The defined severity closest to `wanted` on the scale, the less severe one on a tie. */
function nearest(wanted: IncidentSeverity, defined: readonly IncidentSeverity[]): IncidentSeverity {
  const rank = (s: IncidentSeverity) => INCIDENT_SEVERITIES.indexOf(s);
  return [...defined].sort((a, b) => Math.abs(rank(a) - rank(wanted)) - Math.abs(rank(b) - rank(wanted)) || rank(b) - rank(a))[0]!;
}

/** Next free INC-YYYY-NNNN for a year, after the ids taken so far (the organisation's and this run's). */
function nextId(taken: Set<string>, year: number): string | undefined {
  let highest = 0;
  for (const id of taken) {
    const m = /^INC-(\d{4})-(\d{4})$/.exec(id);
    if (m && Number(m[1]) === year) highest = Math.max(highest, Number(m[2]));
  }
  if (highest >= 9999) return undefined;
  const id = `INC-${year}-${String(highest + 1).padStart(4, '0')}`;
  taken.add(id);
  return id;
}

/** A component name resolved to a service: the mapping first, then a service of that name, then one whose title is that name. */
function serviceFor(ctx: StatuspageContext, component: string): string | undefined {
  const mapped = ctx.components.get(component);
  if (mapped !== undefined) return ctx.services.has(mapped) ? mapped : undefined;
  if (ctx.services.has(component)) return component;
  const lower = component.trim().toLowerCase();
  const byTitle = [...ctx.services].filter(([, title]) => title?.trim().toLowerCase() === lower);
  return byTitle.length === 1 ? byTitle[0]![0] : undefined;
}

/** The incidents of one input document: `{incidents: [...]}` (the API's answer), a list, or `{incident: {...}}`. */
function incidentsOf(value: unknown): { list: unknown[]; base: string; page?: Obj } | undefined {
  if (Array.isArray(value)) return { list: value, base: '' };
  const o = obj(value);
  if (!o) return undefined;
  if (Array.isArray(o.incidents)) return { list: o.incidents, base: '/incidents', ...(isObj(o.page) ? { page: o.page } : {}) };
  if (isObj(o.incident)) return { list: [o.incident], base: '/incident', ...(isObj(o.page) ? { page: o.page } : {}) };
  return undefined;
}

export function convertStatuspage(inputs: readonly SourceDocument[], ctx: StatuspageContext): { files: StatuspageFile[]; report: Omit<ImportReport, 'problems' | 'files'> } {
  const entities: EntityOutcome[] = [];
  const review: ReviewItem[] = [];
  const files: StatuspageFile[] = [];
  const taken = new Set(ctx.incidentIds);
  const seen = new Map<string, string>(ctx.imported);

  for (const input of inputs) {
    const label = sourceLabel(input);
    const found = incidentsOf(input.value);
    if (!found) {
      const usage = new Usage();
      usage.finish(input.value, 'entity.not-statuspage', 'not a Statuspage incidents document');
      entities.push({ source: label, ref: 'statuspage ?', result: 'dropped', code: 'entity.not-statuspage', reason: 'not a Statuspage incidents document (no incidents list)', to: [], used: [], dropped: usage.dropped, changed: [] });
      continue;
    }
    if (found.page) {
      // The page is the status site itself; its incidents are what is read.
      const usage = new Usage();
      usage.finish(found.page, 'statuspage.page', 'the status page itself (its name, address and time zone) has no place in opsledger');
      entities.push({ source: `${label}/page`, ref: `statuspage page ${nonBlank(found.page.name) ?? '?'}`, result: 'dropped', code: 'statuspage.page', reason: 'the page is not an incident; its incidents are read', to: [], used: [], dropped: usage.dropped.map((d) => ({ ...d, pointer: `/page${d.pointer}` })), changed: [] });
    }
    found.list.forEach((raw, i) => {
      const source = `${label}${found.base}/${i}`;
      const value = obj(raw);
      const usage = new Usage();
      const spId = nonBlank(value?.id);
      const ref = `statuspage incident ${spId ?? '?'}`;
      const drop = (code: string, reason: string) => {
        usage.finish(raw, code, reason);
        entities.push({ source, ref, result: 'dropped', code, reason, to: [], used: [], dropped: usage.dropped, changed: [] });
      };
      if (!value || !spId) return drop('entity.invalid', 'not an incident (no id)');
      const spStatus = nonBlank(value.status) ?? '';
      if (MAINTENANCE.has(spStatus) || value.scheduled_for !== undefined && value.scheduled_for !== null) return drop('statuspage.maintenance', 'a scheduled maintenance is planned work, not an incident; plan it as a change request');
      const status = STATUS[spStatus];
      if (!status) return drop('entity.invalid', `status "${spStatus}" is not a Statuspage incident status`);
      const again = seen.get(spId);
      if (again) return drop('entity.exists', `Statuspage incident ${spId} is already imported as ${again}; it is not imported again`);
      const title = nonBlank(value.name);
      if (!title) return drop('entity.invalid', 'the incident has no name');
      const created = nonBlank(value.created_at);
      const started = nonBlank(value.started_at) ?? created;
      const startMs = started ? parseInstant(started) : undefined;
      if (!started || startMs === undefined) return drop('entity.invalid', 'the incident has no created_at (or started_at) time with an offset');
      const id = nextId(taken, new Date(startMs).getUTCFullYear());
      if (!id) return drop('new.incident-ids-used-up', `incident ids for ${new Date(startMs).getUTCFullYear()} are used up`);
      seen.set(spId, id);
      const typed = `incident:${id}`;

      usage.use('/id', '/name', '/status');
      if (spStatus === 'postmortem') usage.change('/status', 'statuspage.postmortem', 'postmortem (a postmortem was published on Statuspage) is written as resolved; write the review here, and set reviewed once it is');
      // A field Statuspage sends empty (null) carries nothing, so nothing of it is lost.
      for (const [k, v] of Object.entries(value)) if (v === null) usage.use(`/${k}`);
      for (const k of ['postmortem_body', 'postmortem_body_last_updated_at', 'postmortem_published_at', 'postmortem_notified_subscribers', 'postmortem_notified_twitter', 'postmortem_ignored']) if (k in value) usage.drop(`/${k}`, 'statuspage.postmortem', 'the postmortem stays on Statuspage; an opsledger review is written by the team (spec.review)');

      // Severity from the impact.
      const impact = nonBlank(value.impact) as Impact | undefined;
      const table = impact && (IMPACTS as readonly string[]).includes(impact) ? ctx.severities[impact] : undefined;
      if (!table) return drop('entity.invalid', `impact "${String(value.impact)}" is not one of ${IMPACTS.join(', ')}`);
      const given = ctx.severitiesGiven.has(impact!);
      if (given && ctx.defined && !ctx.defined.includes(table)) return drop('incident.unknown-severity', `impact ${impact} is mapped to ${table}, which the policy does not define (it defines ${ctx.defined.join(', ')})`);
      // A default the policy's scale lacks becomes the nearest severity it has: the table is a guess, the policy is not.
      const severity = given || !ctx.defined?.length || ctx.defined.includes(table) ? table : nearest(table, ctx.defined);
      usage.use('/impact');
      if (!given) review.push({ target: typed, pointer: '/spec/severity', value: severity, code: 'review.severity-default', reason: `impact ${impact} read as ${severity} by the default table${severity !== table ? ` (${table}, which the policy does not define, taken as its nearest)` : ''}; give --severity or an impact table in --map to say what your scale means`, source });
      if ('impact_override' in value) usage.drop('/impact_override', 'field.unmapped', 'the override is already in impact');

      // Times. created_at is when the page was opened, which is when someone noticed.
      const spec: Obj = { severity, status, startedAt: started };
      const times: Partial<Record<'detectedAt' | 'mitigatedAt' | 'resolvedAt', string>> = {};
      if (value.started_at !== undefined && value.started_at !== null) usage.use('/started_at');
      else review.push({ target: typed, pointer: '/spec/startedAt', value: started, code: 'review.start-is-opened', reason: 'Statuspage says when the incident was opened, not when the impact began; set startedAt earlier if the graphs say so', source });
      if (created) {
        times.detectedAt = created;
        usage.use('/created_at');
      }
      const updates = list(value.incident_updates)
        .map((u, k) => ({ u: obj(u), k }))
        .filter((x): x is { u: Obj; k: number } => x.u !== undefined);
      const byTime = updates
        .map((x) => ({ ...x, at: nonBlank(x.u.display_at) ?? nonBlank(x.u.created_at), ms: parseInstant(nonBlank(x.u.display_at) ?? nonBlank(x.u.created_at) ?? '') }))
        .sort((a, b) => (a.ms ?? 0) - (b.ms ?? 0) || b.k - a.k);
      const monitoring = nonBlank(value.monitoring_at) ?? byTime.find((x) => x.u.status === 'monitoring')?.at;
      if (value.monitoring_at !== undefined && value.monitoring_at !== null) usage.use('/monitoring_at');
      const resolved = nonBlank(value.resolved_at);
      if (resolved) {
        times.resolvedAt = resolved;
        usage.use('/resolved_at');
      }
      if (monitoring) times.mitigatedAt = monitoring;
      else if (resolved && (status === 'resolved' || status === 'monitoring')) {
        times.mitigatedAt = resolved;
        review.push({ target: typed, pointer: '/spec/mitigatedAt', value: resolved, code: 'review.mitigated-is-resolved', reason: 'Statuspage never showed it monitoring, so mitigation is taken to be the resolution; set it earlier if users were unaffected before', source });
      }
      // In the lifecycle's order, as people write them.
      for (const k of ['detectedAt', 'mitigatedAt', 'resolvedAt'] as const) if (times[k]) spec[k] = times[k];

      // Components to services.
      const services: string[] = [];
      list(value.components).forEach((c, k) => {
        const name = nonBlank(obj(c)?.name);
        const service = name ? serviceFor(ctx, name) : undefined;
        if (service) {
          if (!services.includes(service)) services.push(service);
          usage.use(`/components/${k}/name`);
          for (const key of Object.keys(obj(c)!)) if (key !== 'name') usage.drop(`/components/${k}/${key}`, 'statuspage.component-detail', 'the component becomes its service; its Statuspage id, state, group and position are not kept');
        } else {
          usage.drop(`/components/${k}`, 'statuspage.component-unmapped', `component "${name ?? '?'}" names no service; map it in the --map file (components: {"${name ?? '?'}": <service>})`);
        }
      });
      if (services.length) spec.services = services;

      // Updates to the timeline, oldest first: each was a message to customers.
      const timeline: TimelineEntry[] = [];
      for (const x of byTime) {
        const body = nonBlank(x.u.body);
        if (!x.at || x.ms === undefined || !body) {
          usage.drop(`/incident_updates/${x.k}`, 'statuspage.update-empty', 'the update has no text or no time, so it makes no timeline entry');
          continue;
        }
        timeline.push({ at: x.at, kind: 'communication', text: `[${nonBlank(x.u.status) ?? 'update'}] ${body}` });
        const used = ['body', 'status', x.u.display_at ? 'display_at' : 'created_at'];
        usage.use(...used.map((key) => `/incident_updates/${x.k}/${key}`));
        for (const key of Object.keys(x.u)) if (!used.includes(key)) usage.drop(`/incident_updates/${x.k}/${key}`, 'statuspage.update-detail', 'ids, delivery settings, tweet text and per-update component states stay on Statuspage');
      }
      if (timeline.length) spec.timeline = timeline;

      const metadata: Obj = { name: id, title, annotations: { [STATUSPAGE_ANNOTATION]: spId } };
      const shortlink = nonBlank(value.shortlink);
      if (shortlink && /^https?:\/\//.test(shortlink)) {
        metadata.links = [{ title: 'Statuspage', url: shortlink, type: 'status' }];
        usage.use('/shortlink');
      }
      usage.finish(raw, 'field.unmapped', 'an opsledger Incident has no place for this field');
      const header = [`Imported from Statuspage incident ${spId} (${input.file}) by opsledger import statuspage.`, ...usage.changed.map((c) => `${c.pointer}: ${c.reason}`)];
      files.push({ path: `incidents/${id}.yaml`, source, apiVersion: API_VERSION, kind: 'Incident', name: id, doc: { value: { apiVersion: API_VERSION, kind: 'Incident', metadata, spec }, comment: header } });
      const to = [typed, ...services.map((s) => `service:${s}`)];
      entities.push({ source, ref, result: 'mapped', to, used: [...usage.used].sort(), dropped: usage.dropped, changed: usage.changed });
    });
  }
  return { files, report: { from: 'statuspage', entities, review, dangling: [] } };
}

/** Reads `critical=sev1,major=sev2` (the flag) or a mapping's `impact:` table; undefined entries keep the default. */
export function severityTable(pairs: Readonly<Record<string, string>>): { table: Record<Impact, IncidentSeverity>; given: Set<Impact>; problems: string[] } {
  const table = { ...DEFAULT_SEVERITIES };
  const given = new Set<Impact>();
  const problems: string[] = [];
  for (const [impact, severity] of Object.entries(pairs)) {
    if (!(IMPACTS as readonly string[]).includes(impact)) problems.push(`"${impact}" is not a Statuspage impact (${IMPACTS.join(', ')})`);
    else if (!(INCIDENT_SEVERITIES as readonly string[]).includes(severity)) problems.push(`"${severity}" is not a severity (${INCIDENT_SEVERITIES.join(', ')})`);
    else {
      table[impact as Impact] = severity as IncidentSeverity;
      given.add(impact as Impact);
    }
  }
  return { table, given, problems };
}

/**
 * The mapping file: which service each Statuspage component is, and optionally what each impact
 * means on the policy's scale.
 *
 *   components: {"Card payments": payments-api, "Website": storefront-web}
 *   impact: {critical: sev1, major: sev2, minor: sev3, none: sev4}
 */
export function readStatuspageMapping(value: unknown): { components: Map<string, string>; impact: Record<string, string>; problems: string[] } {
  const components = new Map<string, string>();
  const impact: Record<string, string> = {};
  const problems: string[] = [];
  const o = obj(value);
  if (!o) return { components, impact, problems: ['the mapping is not a mapping with components: and impact:'] };
  for (const key of Object.keys(o)) if (key !== 'components' && key !== 'impact') problems.push(`"${key}" is not a mapping section (components, impact)`);
  for (const [section, target] of [['components', components], ['impact', impact]] as const) {
    if (o[section] === undefined) continue;
    const m = obj(o[section]);
    if (!m) {
      problems.push(`${section}: must map names to names`);
      continue;
    }
    for (const [k, v] of Object.entries(m)) {
      const to = nonBlank(v);
      if (!to) problems.push(`${section}: "${k}" maps to nothing`);
      else if (target instanceof Map) target.set(k, to);
      else target[k] = to;
    }
  }
  return { components, impact, problems };
}
