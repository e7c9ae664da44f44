import type { ChangeType, RiskClass } from '../model.js';
import type { Phrase } from '../phrase.js';

/**
 * A change's risk assessment: the JSON contract of `opsledger risk` (DESIGN.md). Every number
 * is explained: each factor carries its points and reason, the blast radius its paths.
 */
export interface RiskFactor {
  code: string;
  points: number;
  reason: string;
  /** Set when the factor counts because a fact was unknown (e.g. `git.shallow`), not measured. */
  unknown?: string;
  /** The reason as data (src/core/phrase.ts): `reason` is its English, the catalog shows it in its locale. */
  phrase?: Phrase;
}

export interface BlastRadiusEntry {
  /** `service:x` or `ci:y`. */
  ref: string;
  tier?: number;
  exposure?: string;
  /** From a node the change touches to this one, e.g. ["ci:payments-db", "service:payments-api"]. */
  path: string[];
  /** True for the services and CIs the change names itself. */
  direct: boolean;
}

export interface Conflict {
  code: string;
  message: string;
  /** What it conflicts with: a window name or a change id. */
  with: string;
  severity: 'error' | 'warning';
  /** The message as data: `message` is its English. */
  phrase?: Phrase;
  /** A window met more than once during the change: how many times. */
  occurrences?: number;
  /** With occurrences: the start of the first and the end of the last, as instants. */
  first?: string;
  last?: string;
  /** overlap-through-dependency: the critical service both changes reach. */
  service?: string;
  /** overlap-through-dependency: how this change reaches `service`, from what it names. */
  path?: string[];
  /** overlap-through-dependency: how the other change (`with`) reaches `service`. */
  otherPath?: string[];
}

export interface ControlResult {
  code: string;
  required: boolean;
  met: boolean;
  detail: string;
  /** Set when the control is not met because a fact was unknown (e.g. `git.shallow`): it fails closed. */
  unknown?: string;
  /** The detail as data: `detail` is its English. */
  phrase?: Phrase;
}

export interface RiskReport {
  change: string;
  title?: string;
  type: ChangeType;
  /** The type the change is treated as (a standard change outside its template is normal). */
  effectiveType: ChangeType;
  class: RiskClass;
  /** `reason`: why no service set the level (see impact.ts withoutService). */
  impact: { level: number; scope: string; severity: number; decidedBy?: string; reason?: string };
  likelihood: { level: number; points: number };
  factors: RiskFactor[];
  blastRadius: BlastRadiusEntry[];
  /** Present when the rows were capped (AssessOptions.blastRadiusRows): every node reached. */
  blastRadiusTotal?: number;
  conflicts: Conflict[];
  controls: ControlResult[];
  matrices: {
    impact: Record<string, number[]>;
    risk: string[][];
    thresholds: number[];
  };
  schedule: { start: string; end: string };
}
