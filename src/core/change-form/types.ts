import type { ChangePhase, ChangeType, IncidentSeverity, OutcomeResult, RiskClass } from '../model.js';
import type { Phrase } from '../phrase.js';
import type { ServiceLevel } from '../readiness/types.js';

/**
 * The change form: everything a CAB reviewer decides from, as data. The pull request comment
 * (src/report/change-form.ts) and the catalog's change page (templates/catalog/pages/change.hbs)
 * are two renderings of this one value, so they cannot disagree about a fact; a test compares
 * them field by field.
 *
 * Only data lives here: words are the renderers' (English markdown, the catalog's locale).
 * Sentences the risk engine composed travel as `text` (their English) with their `phrase`.
 */
export interface FormTime {
  /** Wall clock in the display zone, "2026-12-05 22:00". */
  local: string;
  /** 0 = Monday … 6 = Sunday, on the display zone's clock. */
  weekday: number;
  /** The same instant in UTC, "2026-12-05 13:00". */
  utc: string;
  utcWeekday: number;
}

export interface FormSentence {
  text: string;
  phrase?: Phrase;
}

export interface FormVerdict {
  class: RiskClass;
  impact: number;
  likelihood: number;
  points: number;
  controlsMet: number;
  controlsRequired: number;
  blocking: number;
}

export interface FormHeader {
  type: ChangeType;
  /** The type the change is treated as: a standard change outside its template is normal. */
  effectiveType: ChangeType;
  template?: string;
  environment: string;
  production: boolean;
  requester: string;
  implementer?: string;
  /** The display zone the local times are on. */
  zone: string;
  start: FormTime;
  end: FormTime;
  /** "1h30m". */
  duration: string;
  /** A duration ("0m" when none is expected), and what users will see. */
  outage?: { duration: string; description?: string };
  phase?: ChangePhase;
  services: string[];
  cis: string[];
}

export interface FormApprover {
  login: string;
  /** The GitHub review that approved, when the form is built from a pull request. */
  href?: string;
}

export interface FormApprovalRow {
  group: string;
  /** The teams the group stands for. */
  teams: string[];
  required: number;
  approvedBy: FormApprover[];
  /** Approvals still missing (0 when met). */
  stillNeeded: number;
  /** Who could still give them (empty once none are missing): the group's members who have not approved, never the author. */
  candidates: string[];
}

export interface FormApprovals {
  /** reviews: decided from the pull request's reviews; plan: what the class needs, nothing decided (the catalog). */
  source: 'reviews' | 'plan';
  class: RiskClass;
  alternative: 'class' | 'emergency' | 'pre-approved';
  /** Undefined for a plan: nothing was decided. */
  met?: boolean;
  /**
   * Why the plan is what it is, in English (ApprovalPlan.notes are not phrases yet): the comment
   * shows them; the catalog page shows the same facts through the alternative and the rows.
   */
  notes: string[];
  rows: FormApprovalRow[];
  rejected: { login: string; detail: string }[];
}

export interface FormSections {
  implementation: string[];
  verification: { description: string; at?: string; evidence?: string }[];
  rollback?: {
    steps: string[];
    triggers: string[];
    expectedDuration?: string;
    /** The rehearsal as written, and whether the policy accepts it as evidence (and why not). */
    rehearsal?: { at: string; evidence?: string; accepted: boolean; problem?: FormSentence };
  };
  delivery?: { strategy: string; autoRollback: boolean; stages: { traffic: number; duration?: string; metrics: string[] }[] };
  premortem: { risk: string; mitigation: string }[];
  communication: { audience?: string; channel?: string; message?: string; when?: string }[];
}

export interface FormBlastRow {
  /** `service:x` or `ci:y`. */
  ref: string;
  kind: 'service' | 'ci';
  name: string;
  tier?: number;
  exposure?: string;
  direct: boolean;
  /** Bare names, from what the change names to this node. */
  path: string[];
}

export interface FormBlastRadius {
  /** Every node reached. */
  total: number;
  /** The top rows: named first, then by tier, then by distance. */
  rows: FormBlastRow[];
  /** The graph as drawn (the nodes the assessment listed), for a mermaid diagram. */
  nodes: { ref: string; tier?: number; direct: boolean }[];
  edges: [string, string][];
}

export interface FormConflict extends FormSentence {
  code: string;
  severity: 'error' | 'warning';
  with: string;
  /** Through the dependency graph: the service both reach, and each change's path to it. */
  service?: string;
  path?: string[];
  otherPath?: string[];
}

export interface FormHistoryChange {
  id: string;
  title?: string;
  start: FormTime;
  environment: string;
  /** The affected services and CIs this change shares with the form's change. */
  shared: string[];
  phase: ChangePhase;
  result?: OutcomeResult;
  incidents: string[];
}

export interface FormHistoryIncident {
  id: string;
  title: string;
  severity: IncidentSeverity;
  started: FormTime;
  shared: string[];
  /** Change ids; 'none' when known not to be change-caused; empty while unknown. */
  causedBy: string[] | 'none';
}

export interface FormHistory {
  days: number;
  /** Local dates bounding the period, inclusive start, exclusive end. */
  from: string;
  to: string;
  changes: FormHistoryChange[];
  incidents: FormHistoryIncident[];
}

export interface FormReadiness {
  service: string;
  from: ServiceLevel | null;
  to: ServiceLevel | null;
  direction: 'up' | 'down' | 'same' | 'added' | 'removed';
}

export interface FormRisk {
  impact: { level: number; scope: string; severity: number; decidedBy?: string };
  factors: (FormSentence & { code: string; points: number })[];
  controls: (FormSentence & { code: string; required: boolean; met: boolean })[];
}

export interface ChangeForm {
  id: string;
  title?: string;
  /** Undefined when the change was not assessed (closed, or no Policy). */
  verdict?: FormVerdict;
  header: FormHeader;
  approvals?: FormApprovals;
  risk?: FormRisk;
  sections: FormSections;
  blastRadius?: FormBlastRadius;
  conflicts: FormConflict[];
  history: FormHistory;
  readiness: FormReadiness[];
  /** The change's page in the catalog, when its URL is configured. */
  catalogHref?: string;
}
