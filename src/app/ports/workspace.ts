import type { GitRepository } from './git.js';
import type { OrganisationSource } from './source.js';

/** What record hands to git: one run of the write on the working tree. */
export type RecordStep<R> = () => Promise<{ ok: true; changed: boolean; value: R } | { ok: false; value: R }>;

export type CommitResult<R> =
  | { status: 'refused'; value: R; attempts: number }
  | { status: 'dirty'; value?: undefined; attempts: 0 }
  | { status: 'done'; value: R; commit?: string; pushed?: { remote: string; branch: string }; attempts: number };

/**
 * The working tree a front hands to the use cases that read or write single files in it.
 * Reads go through the read policy; writes replace a file whole (temporary file, fsync,
 * rename) and never replace a link, FIFO or device.
 */
export interface Workspace {
  readonly root: string;
  readonly source: OrganisationSource;
  readonly git: GitRepository;
  /** A repository file's text, or undefined when it is missing or refused by the read policy. */
  readText(rel: string): string | undefined;
  writeText(rel: string, text: string): void;
  /**
   * Runs `fn` holding an exclusive lock on a file shared with every other opsledger process,
   * so their read-decide-write cycles on it never interleave. ok false: another holder kept it
   * past the wait.
   */
  withFileLock<T>(rel: string, fn: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; holder: string }>;
  /** The file that holds change `id`, confirmed by `holds`. */
  findChangeFile(id: string, holds: (file: string, text: string) => boolean): string | undefined;
  /** The file that holds incident `id` (`incidents/<id>.yaml` by convention), confirmed by `holds`. */
  findIncidentFile(id: string, holds: (file: string, text: string) => boolean): string | undefined;
  /** Runs `step`, commits what it wrote and, when asked, pushes, retrying on a moved remote. */
  commitRecord<R>(step: RecordStep<R>, options: { file: string; message: string; push: boolean }): Promise<CommitResult<R>>;
}
