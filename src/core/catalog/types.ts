import type { AuditChange, AuditException, AuditReport } from '../audit/reconcile.js';
import type { ChangeForm } from '../change-form/types.js';
import type { WindowOccurrence } from '../calendar/expand.js';
import type { Graph } from '../graph.js';
import type { ActionItem, ApiType, ChangeType, Exposure, IncidentSeverity, IncidentStatus, Lifecycle, ProblemSpec, ReadinessLevel, RiskClass, Tier } from '../model.js';
import type { Organisation } from '../organisation.js';
import type { RiskReport } from '../risk/types.js';
import type { MonthView } from './calendar-month.js';
import type { LinkView } from './links.js';
import type { Neighbourhood } from './neighbourhood.js';
import type { RuleResult, ServiceLevel } from '../readiness/types.js';
import type { SloView } from './slo.js';
import type { Phrase } from '../phrase.js';
import type { CatalogIncidentFigures } from '../metrics/catalog-view.js';

/**
 * The catalog's view model: everything a page shows, already decided (what is a link, what is
 * shown in which order, which numbers), so templates only lay it out and escape it.
 */

/** One commit that touched a file, from `git log`. */
export interface FileCommit {
  hash: string;
  /** ISO 8601 author date. */
  date: string;
  author: string;
  subject: string;
}

/** Commits per repo-relative file path, newest first; undefined when there is no git history. */
export type FileHistory = ReadonlyMap<string, readonly FileCommit[]>;

/** The operations metrics page: the same numbers as `opsledger metrics`, and charts of them. */
export interface MetricsView {
  since?: string;
  until?: string;
  overall: MetricsFigures;
  services?: ({ name: string; href: string } & MetricsFigures)[];
  teams?: ({ name: string; href: string } & MetricsFigures)[];
  /** Inline SVG charts; every text inside is escaped by the renderer (src/core/metrics/svg.ts). */
  charts?: { id: string; title: string; description: string; svg: string }[];
}
export interface MetricsFigures {
  deploymentFrequency?: { perWeek: number };
  leadTime?: { medianHours: number };
  changeFailureRate?: { rate: number };
  timeToRestore?: { medianMinutes: number };
  incidents?: CatalogIncidentFigures;
}

export interface CatalogInput {
  org: Organisation;
  graph: Graph;
  /** Build time: what "recent", "today" and the default calendar month mean. */
  now: number;
  /** IANA zone the site shows times in. */
  timeZone: string;
  /**
   * A change's risk report, or undefined when the change is not assessed (a closed one).
   * Called once per change, lazily, so reports need not all be held. Absent: no risk policy.
   */
  risk?: (changeId: string) => RiskReport | undefined;
  /** The months the calendar shows (see calendarMonths) and the window occurrences within them. */
  months: string[];
  occurrences: readonly WindowOccurrence[];
  /** Site-relative path of the calendar download, when one is written. */
  icsPath?: string;
  history?: FileHistory;
  metrics?: MetricsView;
  /** A saved audit report (opsledger audit --report): the site gets an audit page. */
  audit?: AuditReport;
}

export interface RefView {
  kind: 'service' | 'ci' | 'team' | 'change' | 'incident' | 'problem' | 'system' | 'domain' | 'api';
  name: string;
  title?: string;
  /** Absent when the target has no page (a reference to a document that does not exist). */
  href?: string;
}

export interface LabelView {
  key: string;
  value: string;
}

export interface ChangeRow {
  id: string;
  title?: string;
  href: string;
  start: string;
  type: ChangeType;
  environment: string;
  phase?: string;
  riskClass?: RiskClass;
  outcome?: string;
  services: RefView[];
}

export interface ContactView {
  kind: 'slack' | 'email' | 'chat' | 'pager' | 'schedule';
  text: string;
  href?: string;
}

export interface OwnerView {
  team: RefView;
  /** "owner" for the primary owner, otherwise the role written in the service. */
  role: string;
  primary: boolean;
  oncall?: LinkView;
  escalation: string[];
  contacts: ContactView[];
}

export interface CommitView extends FileCommit {
  short: string;
  day: string;
}

export interface HistoryView {
  available: boolean;
  commits: CommitView[];
}

interface PageBase {
  path: string;
  /** The page's own name, for the window title and the main heading; empty for pages the interface names (index, lists, calendar, metrics). */
  heading: string;
  /** Navigation section the page belongs to. */
  section: 'services' | 'teams' | 'cis' | 'changes' | 'calendar' | 'metrics' | 'readiness' | 'incidents' | 'systems' | 'apis' | 'audit';
}

/** The audit report of a period as `opsledger audit` gave it, with links to the change pages. */
export interface AuditPage extends PageBase {
  template: 'audit';
  report: AuditReport;
  changes: (AuditChange & { href: string | undefined; shortCommit: string })[];
  exceptions: (AuditException & { href: string | undefined; shortCommit: string | null })[];
}

/**
 * A service's readiness scorecard: the rules of the policy's `spec.readiness`, evaluated as
 * `opsledger readiness` evaluates them (src/core/readiness), so the catalog and the command
 * never disagree.
 */
export interface ScorecardView {
  level: ServiceLevel;
  /** In the policy's order within each level, bronze first. */
  rules: RuleResult[];
  counts: { passed: number; failed: number; notApplicable: number };
  /** The next level up and the failing rules that stand in its way; undefined at the top or when not rated. */
  next: { level: ReadinessLevel; failing: { id: string; description: string }[] } | undefined;
}

export interface ServicePage extends PageBase {
  template: 'service';
  name: string;
  title?: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
  tier: Tier;
  exposure: Exposure;
  lifecycle: Lifecycle;
  /** Undefined when the organisation's policy has no readiness rules: nothing is scored then. */
  readiness: ScorecardView | undefined;
  owners: OwnerView[];
  /** The system it is part of, and that system's domain. */
  system?: RefView;
  domain?: RefView;
  providesApis: RefView[];
  consumesApis: RefView[];
  runbooks: LinkView[];
  playbooks: LinkView[];
  dashboards: LinkView[];
  repository?: LinkView;
  continuity?: { rto?: string; rpo?: string; redundancy?: string; drTestedAt?: string };
  slos: SloView[];
  graph: Neighbourhood;
  /** Direct neighbours; `via` names the relations other than a plain dependsOn. */
  upstream: (RefView & { via: string[] })[];
  downstream: (RefView & { via: string[] })[];
  /** Services that stop working when this one fails, nearest first (CIs never depend on services). */
  impact: { services: (RefView & { via: string[] })[]; servicesTotal: number; servicesMore: number; capped: boolean };
  cis: CiRow[];
  changes: ChangeRow[];
  changesTotal: number;
  /** The incidents that touched the service, newest first (see incidentsOf). */
  incidents: IncidentRow[];
  incidentsTotal: number;
  history: HistoryView;
  file: string;
}

export interface CiRow {
  name: string;
  title?: string;
  href: string;
  class: string;
  environment?: string;
  service?: RefView;
}

export interface TeamPage extends PageBase {
  template: 'team';
  name: string;
  title?: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
  members: string[];
  github?: string;
  oncall?: LinkView;
  escalation: string[];
  contacts: ContactView[];
  services: (RefView & { role: string; tier: Tier; exposure: Exposure; lifecycle: Lifecycle })[];
  cis: CiRow[];
}

export interface CiPage extends PageBase {
  template: 'ci';
  name: string;
  title?: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
  class: string;
  environment?: string;
  service?: RefView;
  owner?: RefView;
  relations: (RefView & { types: string[] })[];
  usedBy: (RefView & { types: string[] })[];
  attributes: { key: string; text: string; href?: string }[];
  changes: ChangeRow[];
  changesTotal: number;
}

export interface RiskView {
  class: RiskClass;
  type: ChangeType;
  effectiveType: ChangeType;
  impact: { level: number; scope: string; severity: number; decidedBy?: RefView };
  likelihood: { level: number; points: number };
}

/**
 * A change's page: its change form (src/core/change-form, the same value the pull request's
 * comment renders) and what only the catalog shows (description, links, outcome).
 */
export interface ChangePage extends PageBase {
  template: 'change';
  id: string;
  title?: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
  services: RefView[];
  cis: RefView[];
  justification: string[];
  diff?: { files?: number; additions?: number; deletions?: number };
  outcome?: {
    result: string;
    implementedAt?: string;
    failureDetectedAt?: string;
    restoredAt?: string;
    completedAt?: string;
    incidents: string[];
    notes?: string;
    review?: LinkView;
  };
  form: ChangeForm;
  /** The page of every `service:x` / `ci:y` / change id the form names, site-relative; absent when it has none. */
  hrefs: Record<string, string>;
  /** Evidence links of the form, checked as every link on the site is (safeHref). */
  evidence: Record<string, LinkView>;
  risk?: RiskView;
  /** Incidents whose causedBy names this change, newest first. */
  incidents: IncidentRow[];
  /** assessed: `risk` is set; closed: the change is not open, so it was not assessed; no-policy: nothing is assessed. */
  riskStatus: 'assessed' | 'closed' | 'no-policy';
}

export interface ListPage<Row> extends PageBase {
  template: 'services-list' | 'teams-list' | 'cis-list' | 'changes-list' | 'apis-list';
  rows: Row[];
  page: number;
  pages: number;
  total: number;
  prev?: string;
  next?: string;
}

export interface CalendarPage extends PageBase {
  template: 'calendar';
  month: MonthView;
  months: { key: string; path: string; current: boolean }[];
  icsPath?: string;
}

export interface MetricsPage extends PageBase {
  template: 'metrics';
  metrics?: MetricsView;
}

/** A service named by a coverage gap, with what decides who fixes it first: its tier and owner. */
export interface GapService {
  service: RefView;
  tier: Tier;
  owner: RefView;
}

/**
 * The organisation-wide readiness report: the numbers of `opsledger readiness`'s coverage
 * report (src/core/readiness/coverage.ts), with every service and CI as a link.
 */
export interface ReadinessPage extends PageBase {
  template: 'readiness';
  /**
   * False when the policy has no readiness rules: there are no levels or rules to count then,
   * but the gaps, read from the data rather than from rules, are still shown.
   */
  configured: boolean;
  services: number;
  /** Every level, best first, with how many services are at it. */
  levels: { level: ServiceLevel; count: number }[];
  rules: { id: string; description: string; level: ReadinessLevel; passed: number; failed: number; notApplicable: number }[];
  gaps: {
    servicesWithoutSlo: GapService[];
    tier1WithoutRunbooks: GapService[];
    servicesWithoutOncall: GapService[];
    cisWithoutOwner: CiRow[];
    deprecatedDependencies: (GapService & { dependsOn: RefView[] })[];
  };
}

export interface IndexPage extends PageBase {
  template: 'index';
  /** The first services by name, rendered into the page so it reads without script. */
  services: ServiceSummary[];
  total: number;
  teams: RefView[];
  counts: { services: number; teams: number; cis: number; changes: number };
  upcoming: ChangeRow[];
  activeWindows: { name: string; kind: string; to: string }[];
  /** The levels the readiness filter offers; empty when the organisation has no readiness rules. */
  readinessLevels: readonly ServiceLevel[];
  /** The systems the system filter offers; empty when the organisation defines none. */
  systems: RefView[];
}

export interface ServiceSummary {
  name: string;
  title?: string;
  href: string;
  tier: Tier;
  exposure: Exposure;
  lifecycle: Lifecycle;
  /** Undefined when the organisation has no readiness rules. */
  readiness: ServiceLevel | undefined;
  owners: RefView[];
  labels: LabelView[];
  system?: RefView;
}

// ---------------------------------------------------------------- incidents and problems

export interface IncidentRow {
  id: string;
  title: string;
  href: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** Formatted start, in the site's zone. */
  start: string;
  /** "2026-11" in the site's zone: what the month filter matches. */
  month: string;
  services: RefView[];
  /** Service names joined by spaces, for the index's filter script. */
  serviceKeys: string;
  /** Something is overdue at the build's time: the review, or an action item. */
  overdue: boolean;
}

export interface ActionItemView {
  title: string;
  owner: RefView;
  due: string;
  state: ActionItem['state'];
  /** Open or in progress past its due date at the build's time (src/core/incidents/follow-up.ts). */
  overdue: boolean;
  change?: RefView;
  link?: LinkView;
}

export interface IncidentPage extends PageBase {
  template: 'incident';
  id: string;
  title: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
  severity: IncidentSeverity;
  /** What the policy says the severity means; undefined when it does not say. */
  severityMeaning?: string;
  status: IncidentStatus;
  /** The lifecycle's instants in order, those written only. */
  times: { key: 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'mitigatedAt' | 'resolvedAt'; at: string }[];
  services: RefView[];
  cis: RefView[];
  impact?: { summary: string; users?: number; minutes?: number; errorBudget: { slo: string; minutes: number }[] };
  /** changes: causedBy names them; none: known that no change caused it; unknown: not said yet. */
  cause: 'changes' | 'none' | 'unknown';
  causedBy: RefView[];
  commander?: string;
  responders: string[];
  /** In time order, as written when two entries share a time. */
  timeline: { at: string; author?: string; kind?: string; text: string }[];
  review?: { summary: string; completedAt?: string; contributingFactors: string[]; wentWell: string[]; actionItems: ActionItemView[] };
  /** The review the policy wanted by a time now past and that is not completed; undefined when none is overdue. */
  reviewOverdue?: { due: string; within: string };
  problems: RefView[];
  file: string;
}

export interface ProblemPage extends PageBase {
  template: 'problem';
  id: string;
  title: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
  state: ProblemSpec['state'];
  rootCause: string[];
  workaround: string[];
  services: RefView[];
  incidents: IncidentRow[];
  fixes: RefView[];
  file: string;
}

export interface IncidentsIndexPage extends PageBase {
  template: 'incidents-list';
  rows: IncidentRow[];
  problems: { ref: RefView; state: ProblemSpec['state']; incidents: number }[];
  /** The values the filters offer: only those some incident has. */
  filters: { severities: IncidentSeverity[]; statuses: IncidentStatus[]; services: RefView[]; months: string[] };
  overdue: number;
}

// ---------------------------------------------------------------- systems, domains, APIs

export interface SystemRow extends RefView {
  owner: RefView;
  domain?: RefView;
  services: number;
  apis: number;
}

export interface ApiRow extends RefView {
  type: ApiType;
  lifecycle: Lifecycle;
  owner: RefView;
  system?: RefView;
  providers: number;
  consumers: number;
  /** Consumed, and provided by no service (validate's api.unprovided). */
  unprovided: boolean;
}

/** Service dependencies drawn in boxes per system (laid out by the renderer). */
export interface GroupGraph {
  /** One per drawn system; label '' and no href for the services that have no system. */
  groups: { id: string; label: string; href?: string; focus: boolean; nodes: { id: string; label: string; href?: string }[]; more: number }[];
  /** Between node ids, or a group's "+N more" box (`<group id>:more`). */
  edges: { from: string; to: string }[];
  /** Systems left out of the drawing. */
  hiddenSystems: number;
  focus?: string;
}

/** What the system, domain and API pages open with: the document's name, words, labels and links. */
export interface GroupingHead {
  name: string;
  title?: string;
  description: string[];
  labels: LabelView[];
  links: LinkView[];
}

export interface SystemPage extends PageBase, GroupingHead {
  template: 'system';
  owner: RefView;
  domain?: RefView;
  services: ServiceSummary[];
  apis: ApiRow[];
  graph: GroupGraph;
}

export interface DomainPage extends PageBase, GroupingHead {
  template: 'domain';
  owner: RefView;
  systems: SystemRow[];
}

export interface ApiPage extends PageBase, GroupingHead {
  template: 'api';
  type: ApiType;
  lifecycle: Lifecycle;
  owner: RefView;
  system?: RefView;
  definition?: LinkView;
  providers: ServiceSummary[];
  consumers: ServiceSummary[];
  unprovided: boolean;
}

export interface SystemsListPage extends PageBase {
  template: 'systems-list';
  rows: SystemRow[];
  total: number;
  domains: (RefView & { systems: RefView[]; owner: RefView })[];
  /** Services that are in no system. */
  ungrouped: number;
  graph: GroupGraph;
}

export type Page =
  | SystemPage
  | DomainPage
  | ApiPage
  | SystemsListPage
  | ListPage<ApiRow>
  | IndexPage
  | IncidentsIndexPage
  | IncidentPage
  | ProblemPage
  | ServicePage
  | TeamPage
  | CiPage
  | ChangePage
  | CalendarPage
  | MetricsPage
  | ReadinessPage
  | AuditPage
  | ListPage<ServiceSummary>
  | ListPage<RefView & { members: number; services: number }>
  | ListPage<CiRow>
  | ListPage<ChangeRow>;

/**
 * The search index shipped with the site. Rows are arrays to keep it small at 10k services:
 * [name, title, tier, exposure, lifecycle, readiness level ('' when the organisation has no
 * readiness rules), owner team indexes, labels as "k=v" joined by spaces, system ('' for none)].
 */
export type SearchRow = [string, string, Tier, Exposure, Lifecycle, ServiceLevel | '', number[], string, string];
export interface SearchIndex {
  v: 1;
  teams: [string, string][];
  services: SearchRow[];
}

export interface CatalogSite {
  zone: string;
  builtAt: string;
  searchIndex: SearchIndex;
  /** Every page, built one at a time as the renderer asks for it. */
  pages(): Iterable<Page>;
  /**
   * The same pages in three lanes, for a renderer with threads. `first` must be used up before
   * the others (change pages: each change is assessed once, and later lists reuse its risk
   * class). After it, `heavy` and `light` may be drawn from in any interleaving: `heavy` holds
   * the service pages, whose view models are the largest (~17 KB each at L, against ~1 KB for
   * a CI), so copying them to another thread costs more than rendering them where they are built.
   */
  lanes(): { first: IterableIterator<Page>; heavy: IterableIterator<Page>; light: IterableIterator<Page> };
  pageCount: number;
  /** The site has an audit page (the navigation links to it). */
  audit: boolean;
}
