import type { FollowUpDeadline, PlacedDeadline } from '../../core/checks/incident-follow-ups.js';
import type { CrossFinding } from '../../core/checks/references.js';
import type { FileAnalysis } from '../../core/analyze.js';
import type { CrossGather } from '../../core/cross-gather.js';
import type { DocRecord } from '../../core/facts.js';
import type { KeyIndex } from '../../core/incremental-cross.js';
import type { Diagnostic, Summary } from '../../core/diagnostics.js';
import type { ProgressReport } from './progress.js';

/** A whole validation result as the cache keeps it. */
export interface FullValidation {
  diagnostics: Diagnostic[];
  summary: Summary;
  /** Documents per analysed file, for narrowing the report to some paths. */
  documentsByFile: Record<string, number>;
  /**
   * What the incidents owe and by when (reviews, action items), placed: the same on any day, so
   * it is cached with the rest; each run turns the ones past due into warnings (overdueAt).
   */
  deadlines?: PlacedDeadline[];
}

/**
 * What the cross-document stage found, before anything is placed: a pure function of every
 * file's records (in order) and the repository's file list, so a cache may keep it for as long
 * as neither changes.
 */
export interface CrossFindings {
  /** The cross-document rules' findings and the unmatched path patterns. */
  findings: CrossFinding[];
  /** What the incidents owe and by when. */
  deadlines: FollowUpDeadline[];
  /**
   * Where each finding and then each deadline was placed (line, column, end line, end column,
   * four numbers apiece): a position depends only on the file's bytes and the finding's
   * document, pointer and target, so a later run re-places only what falls in files whose
   * bytes changed (placing parses the file with the precise parser).
   */
  placed?: number[];
  /**
   * How this run came by them: 'everything' (the rules over every record), 'again' (only the
   * documents an edit could reach checked again, `documents` of them), 'kept' (no record
   * changed). Kept in the cache so a test can tell an incremental run from a full one.
   */
  run?: { how: 'everything' | 'again' | 'kept'; documents: number; why?: string };
}

/** The last run's cross-document stage, and which files hold the bytes it placed its findings in. */
export interface PreviousCross {
  cross: CrossFindings;
  unchanged(file: string): boolean;
}

/** The last run's answer, for a run in which some files changed but not their records. */
export interface SameRecords {
  validation: FullValidation;
  cross: CrossFindings;
}

/**
 * The last run's answer and what lets its cross-document stage be done again only where an edit
 * reaches, for a run in which some files' records changed but not the file list. The analyses
 * of the changed files are the ReadFiles' `analyses`, in the order of `changed`.
 */
export interface RecordsChanged {
  previous: SameRecords;
  /** What every document gave the rules and read, as the last run left them. */
  keys: KeyIndex;
  /** Positions in `keys.files` of the changed files. */
  changed: readonly number[];
  /** A record of a file that did not change; throws when the cache cannot give it. */
  record(file: number, document: number): DocRecord;
  /** Every file read after all, for when the rules must run over everything. */
  everything(): Promise<ReadFiles>;
}

export interface ReadRequest {
  /** Repo-relative files or folders to read besides the data folders. */
  paths?: readonly string[];
  /** Reuse the validation cache (working tree only; never with keepValues). */
  cache?: boolean;
  threads?: number;
  maxFileBytes?: number;
  /** Keep every document's value, for use cases that build the model. */
  keepValues?: boolean;
  /** Told how many of the files have been read ('read'), as the reading goes. */
  progress?: ProgressReport;
}

/**
 * The files of an organisation as one source read them, every byte through the read policy
 * (size cap, regular files inside the repository, no link out, no blocking).
 */
export interface ReadFiles {
  /** The commit read, for a source at a git ref. */
  commit?: string;
  analyses: FileAnalysis[];
  /** Files refused before or while reading (links out, FIFOs, oversized), as diagnostics. */
  discoveryDiagnostics: Diagnostic[];
  /** The bytes of a file for code frames and snippets: the same policy, so a refused file shows nothing. */
  source(file: string): Uint8Array | undefined;
  /** Set when nothing changed since the cached run: its result stands and `analyses` is empty. */
  unchanged?: FullValidation;
  /**
   * Set when the files that changed since the cached run (only they are in `analyses`) still
   * hold the same records, under the same file list and repository paths: every cross-document
   * finding stands, and only those files' own diagnostics and positions need doing again.
   */
  sameRecords?: SameRecords;
  /** Set when records changed in some files and the cache can say what the rest give and read. */
  recordsChanged?: RecordsChanged;
  /** Set when the cross-document rules must run again but a cached run placed their findings. */
  previous?: PreviousCross;
  /**
   * For a read that keeps values (every file in `analyses`): what the last validate run's cache
   * says of these files, when it still holds. Its result stands as it is, or, when the files that
   * changed since (`changed`, positions in `analyses`) hold the same records, it stands but for
   * their own diagnostics and positions.
   */
  judged?: { result: FullValidation } | { sameRecords: SameRecords; changed: readonly number[] };
  /**
   * Every file of the repository under root (tracked and untracked, not only YAML), for checks
   * that ask whether a pattern names anything; undefined when the source could not list them.
   */
  repositoryPaths?: readonly string[];
  /**
   * The cross-document stage gathered while the files were read: it answers for `analyses` as
   * they are, and for nothing else (CrossGather.finish says so).
   */
  gathered?: CrossGather;
  /** Records this run's result, and what the cross-document stage found, in the cache (a no-op without one). */
  remember(result: FullValidation, cross: CrossFindings): Promise<void>;
}

/** Where an organisation is read from: the working tree, or a commit. */
export interface OrganisationSource {
  readonly root: string;
  /** The git ref read, for a source at a commit; none for the working tree. */
  readonly ref?: string;
  read(request: ReadRequest): Promise<ReadFiles>;
}
