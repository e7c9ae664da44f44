import type { FileAnalysis } from '../../core/analyze.js';
import type { LineCommit } from '../../core/merge-base.js';
import type { FileCommit } from '../../core/catalog/types.js';
import type { DiffSize } from '../../core/risk/diff-size.js';
import type { OrganisationSource } from './source.js';
import type { LoadedOrganisation } from '../load-organisation.js';

/**
 * Organisations already read, by repository and commit (`${root}\0${commit}`), kept by whoever
 * opened the repository: the App keeps them across deliveries, so the base every pull request
 * shares is read once. A commit's content never changes, so an entry never goes stale.
 */
export interface CommitStore {
  get(key: string): Promise<LoadedOrganisation> | undefined;
  set(key: string, loaded: Promise<LoadedOrganisation>): void;
  delete(key: string): void;
}

/** The commit in which a document with a given id first appeared. */
export interface DocumentOrigin {
  commit: string;
  /** Its author time (ms): author dates survive rebases and amends. */
  at: number;
  /**
   * When the work that brought it in began (ms): the first commit of the pull request whose
   * merge brought the commit onto the first-parent line, else the commit's own time.
   */
  workStartedAt: number;
}

/** A document first seen in a shallow clone's boundary commit: its real origin lies beyond it. */
export interface UnknownOrigin {
  unknown: 'shallow-clone';
}

export interface DocumentOrigins {
  /** `git rev-parse --is-shallow-repository` said true. */
  shallow: boolean;
  /** Change id → where it first appeared; an id absent here was never committed. */
  byId: ReadonlyMap<string, DocumentOrigin | UnknownOrigin>;
}

/** A commit on a branch's first-parent line, with the paths it changed against its first parent. */
export interface MainlineCommit {
  sha: string;
  parents: string[];
  committedAt: number;
  authoredAt: number;
  authorEmail: string;
  /** The subject line, as the author wrote it: only ever shown, or read for a claimed `#N`. */
  subject: string;
  changed: string[];
  /** Each changed path's blob after the commit; null when it was deleted or is not a regular file. */
  blobs: ChangedBlob[];
  /** The commit's diff against its first parent, as `git diff --numstat` counts it. */
  size: DiffSize;
}

export interface ChangedBlob {
  path: string;
  oid: string | null;
}

/**
 * The git questions the use cases ask, as an interface we own (adapters/git/repository.ts
 * answers them with one git process per question, never one per file). Missing commits throw
 * an ExpectedFailure with code `git.missing`.
 */
export interface GitRepository {
  readonly root: string;
  /** Where organisations read at commits are kept beyond one run, when the opener keeps them. */
  readonly organisations?: CommitStore;
  /** The organisation as it is in a commit, read through the same policy as the working tree. */
  at(ref: string): OrganisationSource;
  resolveCommit(ref: string): Promise<string>;
  /**
   * The commit the first of these full ref names that exists points at, in one question; null
   * when none exists; undefined when the adapter cannot tell (ask resolveCommit for each).
   */
  firstCommitOf?(refs: readonly string[]): Promise<string | null | undefined>;
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
  /**
   * Where each change request's document first appeared in the history of `ref` (default HEAD),
   * by its id, whatever file it sits in now. Empty outside git. Only `submissionTimes`
   * (app/assess-risk.ts) reads it: every command takes submission and lead-time starts from there.
   */
  documentOrigins(ref?: string): Promise<DocumentOrigins>;
  /** The commits that touched each data file, newest first (at most a few per file); undefined outside git. */
  fileHistory(): Promise<Map<string, FileCommit[]> | undefined>;
  /** The first-parent line of `ref` committed within [since, until] (ms), oldest first. */
  mainlineHistory(ref: string, since: number, until: number): Promise<MainlineCommit[]>;
  /**
   * The analyses (with values) of some blobs, each as the file at its path: the data files among
   * them (YAML under the data folders, within the size cap); undefined for any other.
   */
  analyseBlobs(blobs: readonly { path: string; oid: string }[], maxFileBytes?: number): Promise<(FileAnalysis | undefined)[]>;
  /** Where root sits in its repository (`''` at the top, else `sub/dir/`). */
  repoPrefix(): Promise<string>;
}
