import { canonicalEnvironment } from '../environments.js';
import type { ChangeRequest, Metadata, ReadinessPolicy, Service, Slo, Team } from '../model.js';
import { activePolicy } from '../organisation.js';
import { readinessCoverage, type CoverageReport } from '../readiness/coverage.js';
import { evaluateReadiness, evaluateService, readinessPolicyOf } from '../readiness/evaluate.js';
import type { ServiceLevel, ServiceReadiness } from '../readiness/types.js';
import type { RiskReport } from '../risk/types.js';
import { indexIncidents, type IncidentIndex } from './incidents.js';
import { linkViews, pagePath, safeHref, type LinkView } from './links.js';
import { formatAt, instantOf } from './time.js';
import type { CatalogInput, ChangeRow, CiRow, ContactView, LabelView, RefView, ServiceSummary } from './types.js';

/**
 * What every page builder shares: the input, indexes over the organisation built once, and the
 * small views (references, rows) that many pages repeat.
 *
 * Views are built with every property present, undefined when there is nothing to show, never
 * with conditional spreads: objects of one shape are what keeps 80k pages fast and their
 * garbage short-lived (varying shapes made V8 keep hidden classes and promote short-lived
 * objects, which at that scale cost hundreds of megabytes).
 */
export interface CatalogContext {
  input: CatalogInput;
  zone: string;
  slosByService: Map<string, Slo[]>;
  sloFiles: Map<string, Set<string>>;
  cisByService: Map<string, string[]>;
  cisByTeam: Map<string, string[]>;
  servicesByTeam: Map<string, { service: string; role: string }[]>;
  changesByService: Map<string, string[]>;
  changesByCi: Map<string, string[]>;
  startOf: Map<string, number>;
  /** The policy's readiness rules; undefined when it has none, and then nothing is scored. */
  readinessPolicy: ReadinessPolicy | undefined;
  /** Each service's level as `opsledger readiness` grades it; empty without readiness rules. */
  readinessOf: Map<string, ServiceLevel>;
  /** One service's full scorecard, at the build's time; undefined without readiness rules. */
  scorecard(name: string): ServiceReadiness | undefined;
  /** The organisation-wide report; its gaps are read from the data, so they exist even without rules. */
  coverage: CoverageReport;
  tierOf: Map<string, number>;
  teamRef(name: string): RefView;
  serviceRef(name: string): RefView;
  ciRef(name: string): RefView;
  systemRef(name: string): RefView;
  domainRef(name: string): RefView;
  apiRef(name: string): RefView;
  /** A graph id or typed reference (`service:x`, `ci:y`) as a reference. */
  nodeRef(id: string): RefView;
  titleOf(id: string): string | undefined;
  /** The change's report, assessed at most once; undefined when it is not assessed. */
  riskReport(id: string): RiskReport | undefined;
  changeRow(id: string): ChangeRow;
  ciRow(name: string): CiRow;
  summary(name: string): ServiceSummary;
  contacts(team: Team | undefined): ContactView[];
  /** Newest first, by scheduled start. */
  newestFirst(a: string, b: string): number;
  /** An environment as written, under the canonical name the policy gives it. */
  environmentName(name: string): string;
  /** Incidents and problems, indexed by service and change. */
  incidents: IncidentIndex;
}

export const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `service:x` / `ci:y` as the bare name a path of hops shows. */
export function nameOf(ref: string): string {
  return ref.startsWith('service:') ? ref.slice(8) : ref.startsWith('ci:') ? ref.slice(3) : ref;
}

export function paragraphs(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export function labels(map: Record<string, string> | undefined): LabelView[] {
  return Object.entries(map ?? {})
    .map(([key, value]) => ({ key, value: String(value) }))
    .sort((a, b) => byName(a.key, b.key));
}

/** A document's own header on its page: title, description as paragraphs, labels by key, links. */
export function metadataView<M extends Pick<Metadata, 'title' | 'description' | 'labels' | 'links'>>(metadata: M): { title: M['title']; description: string[]; labels: LabelView[]; links: LinkView[] } {
  return { title: metadata.title, description: paragraphs(metadata.description), labels: labels(metadata.labels), links: linkViews(metadata.links) };
}

export function ownerEntries(doc: Service): { team: string; role: string; primary: boolean }[] {
  const out = [{ team: doc.spec.owner, role: 'owner', primary: true }];
  for (const o of doc.spec.owners ?? []) if (o.team !== doc.spec.owner) out.push({ team: o.team, role: o.role, primary: false });
  return out;
}

export function ownerNames(doc: Service): string[] {
  return [...new Set(ownerEntries(doc).map((o) => o.team))];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function changeServices(ctxCis: CatalogInput['org']['cis'], doc: ChangeRequest): Set<string> {
  const services = new Set(doc.spec.services ?? []);
  for (const ci of doc.spec.configurationItems ?? []) {
    const owner = ctxCis.get(ci)?.doc.spec.service;
    if (owner) services.add(owner);
  }
  return services;
}

export function createContext(input: CatalogInput): CatalogContext {
  const { org, now } = input;
  const zone = input.timeZone;

  const slosByService = new Map<string, Slo[]>();
  const sloFiles = new Map<string, Set<string>>();
  for (const { doc, file } of org.slos.values()) {
    push(slosByService, doc.spec.service, doc);
    let files = sloFiles.get(doc.spec.service);
    if (!files) sloFiles.set(doc.spec.service, (files = new Set()));
    files.add(file);
  }
  const cisByService = new Map<string, string[]>();
  const cisByTeam = new Map<string, string[]>();
  for (const [name, { doc }] of org.cis) {
    if (doc.spec.service) push(cisByService, doc.spec.service, name);
    if (doc.spec.owner) push(cisByTeam, doc.spec.owner, name);
  }
  const servicesByTeam = new Map<string, { service: string; role: string }[]>();
  const tierOf = new Map<string, number>();
  for (const [name, { doc }] of org.services) {
    for (const o of ownerEntries(doc)) push(servicesByTeam, o.team, { service: name, role: o.role });
    tierOf.set(name, doc.spec.tier);
  }
  // The same evaluation as `opsledger readiness`, at the build's time. Only the levels and the
  // coverage totals are kept: every list needs the levels, but a rule-by-rule scorecard is
  // wanted by one page, so it is evaluated again there rather than held for 10k services.
  const readinessPolicy = readinessPolicyOf(org);
  const policy = activePolicy(org)?.doc.spec;
  const environmentName = (name: string) => (policy ? canonicalEnvironment(policy, name) : name);
  const results = readinessPolicy ? evaluateReadiness(org, readinessPolicy, now) : [];
  const readinessOf = new Map<string, ServiceLevel>(results.map((r) => [r.service, r.level]));
  const coverage = readinessCoverage(org, results);
  const scorecard = (name: string) => (readinessPolicy ? evaluateService(org, name, readinessPolicy, now, slosByService) : undefined);
  const startOf = new Map<string, number>();
  for (const [id, { doc }] of org.changes) startOf.set(id, instantOf(doc.spec.schedule.start) ?? 0);
  const newestFirst = (a: string, b: string) => startOf.get(b)! - startOf.get(a)! || byName(b, a);
  const changesByService = new Map<string, string[]>();
  const changesByCi = new Map<string, string[]>();
  for (const [id, { doc }] of org.changes) {
    for (const ci of doc.spec.configurationItems ?? []) push(changesByCi, ci, id);
    // A change to a service's CI is a change to the service.
    for (const s of changeServices(org.cis, doc)) push(changesByService, s, id);
  }
  for (const list of changesByService.values()) list.sort(newestFirst);
  for (const list of changesByCi.values()) list.sort(newestFirst);

  // A reference is made once per name and shared by every page that shows it (views are never
  // changed once built): impact lists alone ask for half a million at 10k services.
  const refs = (kind: RefView['kind'], docs: ReadonlyMap<string, { doc: { metadata: { title?: string } } }>, path: (name: string) => string) => {
    const made = new Map<string, RefView>();
    return (name: string): RefView => {
      let ref = made.get(name);
      if (!ref) {
        const doc = docs.get(name)?.doc;
        made.set(name, (ref = { kind, name, title: doc?.metadata.title, href: doc ? path(name) : undefined }));
      }
      return ref;
    };
  };
  const teamRef = refs('team', org.teams, pagePath.team);
  const serviceRef = refs('service', org.services, pagePath.service);
  const ciRef = refs('ci', org.cis, pagePath.ci);
  const systemRef = refs('system', org.systems, pagePath.system);
  const domainRef = refs('domain', org.domains, pagePath.domain);
  const apiRef = refs('api', org.apis, pagePath.api);
  // A graph node's name is a string the organisation's maps already hashed; a name sliced out
  // of its id is a new string hashed again on every lookup, and the catalog looks up millions.
  const nodeRef = (id: string): RefView => {
    const node = input.graph.nodes.get(id);
    if (node) return node.kind === 'service' ? serviceRef(node.name) : ciRef(node.name);
    return id.startsWith('service:') ? serviceRef(id.slice(8)) : ciRef(id.startsWith('ci:') ? id.slice(3) : id);
  };
  const titleOf = (id: string) => nodeRef(id).title;

  // Risk is assessed once per change: the change page shows the report, every list its class.
  const riskClass = new Map<string, RiskReport['class'] | undefined>();
  // The type a list shows is the one risk treats the change as (a standard change outside its
  // template is normal); a change the site does not assess shows what it declares.
  const riskType = new Map<string, RiskReport['effectiveType']>();
  const riskReport = (id: string): RiskReport | undefined => {
    let report: RiskReport | undefined;
    try {
      report = input.risk?.(id);
    } catch {
      // A change the engine cannot score is shown without a risk class rather than failing the site.
      report = undefined;
    }
    riskClass.set(id, report?.class);
    if (report) riskType.set(id, report.effectiveType);
    return report;
  };
  const riskClassOf = (id: string) => {
    if (!riskClass.has(id)) riskReport(id);
    return riskClass.get(id);
  };

  const typeOf = (id: string) => {
    if (!riskClass.has(id)) riskReport(id);
    return riskType.get(id) ?? org.changes.get(id)!.doc.spec.type;
  };

  // A change appears in several lists; its start is formatted once (Intl is not cheap).
  const startText = new Map<string, string>();
  const changeRow = (id: string): ChangeRow => {
    const doc = org.changes.get(id)!.doc;
    let start = startText.get(id);
    if (start === undefined) startText.set(id, (start = formatAt(startOf.get(id)!, zone)));
    return {
      id,
      title: doc.metadata.title,
      href: pagePath.change(id),
      start,
      type: typeOf(id),
      environment: environmentName(doc.spec.environment),
      phase: doc.status?.phase,
      riskClass: riskClassOf(id),
      outcome: doc.status?.outcome?.result,
      services: (doc.spec.services ?? []).map(serviceRef),
    };
  };

  const ciRow = (name: string): CiRow => {
    const doc = org.cis.get(name)!.doc;
    return {
      name,
      title: doc.metadata.title,
      href: pagePath.ci(name),
      class: doc.spec.class,
      environment: doc.spec.environment === undefined ? undefined : environmentName(doc.spec.environment),
      service: doc.spec.service ? serviceRef(doc.spec.service) : undefined,
    };
  };

  const summary = (name: string): ServiceSummary => {
    const doc = org.services.get(name)!.doc;
    return {
      name,
      title: doc.metadata.title,
      href: pagePath.service(name),
      tier: doc.spec.tier,
      exposure: doc.spec.exposure,
      lifecycle: doc.spec.lifecycle,
      readiness: readinessOf.get(name),
      owners: ownerNames(doc).map(teamRef),
      labels: labels(doc.metadata.labels),
      ...(doc.spec.system ? { system: systemRef(doc.spec.system) } : {}),
    };
  };

  const contacts = (team: Team | undefined): ContactView[] => {
    const c = team?.spec.contact;
    if (!c) return [];
    const out: ContactView[] = [];
    const add = (kind: ContactView['kind'], text: string | undefined, href: string | undefined) => {
      if (text) out.push({ kind, text, href });
    };
    add('slack', c.slack, safeHref(c.slack));
    add('email', c.email, c.email ? safeHref(`mailto:${c.email}`) : undefined);
    add('chat', c.chat, safeHref(c.chat));
    add('pager', c.pager, safeHref(c.pager));
    return out;
  };

  const incidents = indexIncidents({ input, zone, serviceRef });

  return {
    input,
    zone,
    incidents,
    slosByService,
    sloFiles,
    cisByService,
    cisByTeam,
    servicesByTeam,
    changesByService,
    changesByCi,
    startOf,
    readinessPolicy,
    readinessOf,
    scorecard,
    coverage,
    tierOf,
    teamRef,
    serviceRef,
    ciRef,
    systemRef,
    domainRef,
    apiRef,
    nodeRef,
    titleOf,
    riskReport,
    changeRow,
    ciRow,
    summary,
    contacts,
    newestFirst,
    environmentName,
  };
}
