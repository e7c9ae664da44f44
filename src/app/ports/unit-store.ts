import type { Unit } from '../../core/audit/reconcile.js';
import type { ChangeRequest, PolicySpec } from '../../core/model.js';

/**
 * What the audit found about one unit of work, kept between runs by a key made of everything
 * it was derived from (the commits, and GitHub's answers about its pull request): a commit's
 * content never changes, so a second audit over the same year reads these instead of walking
 * the history again. The policies are kept once each, by digest.
 */
export interface StoredUnit {
  unit: Unit;
  /** The digest of GitHub's answers about its pull request the unit was derived from; null: none were asked. */
  facts: string | null;
  /** Each GitHub team the review asked about, with the members GitHub named (sorted). */
  teams: [string, string, string[]][];
  /** Digests of the policy before and after the unit (null: none). */
  basePolicy: string | null;
  afterPolicy: string | null;
  /** The change requests of the unit's files after it, by id; null for one it removed. */
  docs: [string, ChangeRequest | null][];
}

export interface UnitStore {
  get(key: string): StoredUnit | undefined;
  set(key: string, unit: StoredUnit): void;
  policy(digest: string): PolicySpec | undefined;
  setPolicy(digest: string, policy: PolicySpec): void;
  /** A digest of a value's JSON, for keys. */
  digest(value: unknown): string;
  /** Writes what this run added; a failure to write leaves the run's report as it is. */
  flush(): Promise<void>;
}
