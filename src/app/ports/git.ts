import type { LineCommit } from '../../core/merge-base.js';
import type { FileCommit } from '../../core/catalog/types.js';
import type { DiffSize } from '../../core/risk/diff-size.js';
import type { OrganisationSource } from './source.js';

/**
 * The git questions the use cases ask, as an interface we own (adapters/git/repository.ts
 * answers them with one git process per question, never one per file). Missing commits throw
 * an ExpectedFailure with code `git.missing`.
 */
export interface GitRepository {
  readonly root: string;
  /** The organisation as it is in a commit, read through the same policy as the working tree. */
  at(ref: string): OrganisationSource;
  resolveCommit(ref: string): Promise<string>;
  /** Files changed since the merge base of `ref` and HEAD, plus uncommitted and untracked ones. */
  changedFilesSince(ref: string): Promise<{ files: Set<string>; base: string }>;
  /** Every path a pull request touches, against the merge base of `base` and `head`. */
  changedPathsBetween(base: string, head: string): Promise<string[]>;
  /** The size of a pull request's diff (`git diff --numstat`), against the merge base of `base` and `head`. */
  diffSizeBetween(base: string, head: string): Promise<DiffSize>;
  /** The size of the work since `ref`: the working tree, untracked files included, against the merge base of `ref` and HEAD. */
  diffSizeSince(ref: string): Promise<DiffSize>;
  lastCommitTouching(ref: string, file: string): Promise<string | undefined>;
  /** The commit and its first-parent ancestors (`count` in all), newest first. */
  firstParentLine(commit: string, count: number): Promise<LineCommit[]>;
  /** When each file was first committed (repo-relative path → ms); empty outside git. */
  firstAddedTimes(): Promise<ReadonlyMap<string, number>>;
  /** When work on each file began, for lead time (repo-relative path → ms). */
  leadTimeStarts(): Promise<ReadonlyMap<string, number>>;
  /** The commits that touched each data file, newest first (at most a few per file); undefined outside git. */
  fileHistory(): Promise<Map<string, FileCommit[]> | undefined>;
  /** Where root sits in its repository (`''` at the top, else `sub/dir/`). */
  repoPrefix(): Promise<string>;
}
