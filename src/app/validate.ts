import { compareDiagnostics, summarize, type Diagnostic } from '../core/diagnostics.js';
import { pathKey } from '../core/path-key.js';
import { overdueAt } from '../core/checks/incident-follow-ups.js';
import { checkOrganisation, EMPTY_CODE, loadOrganisation } from './load-organisation.js';
import type { GitRepository } from './ports/git.js';
import type { ProgressReport } from './ports/progress.js';
import type { FullValidation, OrganisationSource, ReadFiles } from './ports/source.js';

export interface ValidateOptions {
  /** Repo-relative files or folders: reporting is narrowed to them, references still resolve everywhere. */
  paths?: readonly string[];
  /** Report only files changed since this ref, plus what the change broke elsewhere (needs `git`). */
  changedSince?: string;
  cache?: boolean;
  threads?: number;
  maxFileBytes?: number;
  progress?: ProgressReport;
  /**
   * The instant to judge incident follow-ups at (overdue reviews and action items, as warnings);
   * none judges nothing that depends on the day.
   */
  at?: number;
}

export interface ValidationRun {
  repo: ReadFiles;
  result: { diagnostics: Diagnostic[]; summary: FullValidation['summary'] };
}

/** Validates the whole organisation; `paths` and `changedSince` narrow reporting only. */
export async function validate(source: OrganisationSource, git: GitRepository | undefined, options: ValidateOptions = {}): Promise<ValidationRun> {
  const explicit = options.paths ?? [];
  const { repo, validation: checked } = await checkOrganisation(source, {
    paths: explicit,
    cache: options.cache ?? true,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });

  const full = withFollowUps(checked, options.at);
  let only: Set<string> | undefined;
  // Every file, only when reporting is narrowed: a whole run at 45k files need not list them.
  const known = () => [...Object.keys(full.documentsByFile), ...repo.discoveryDiagnostics.map((d) => d.file)];
  if (explicit.length) {
    const prefixes = explicit.map((p) => p.replace(/\/+$/, ''));
    only = new Set(known().filter((rel) => prefixes.some((p) => p === '.' || rel === p || rel.startsWith(p + '/'))));
  }
  let caused: Diagnostic[] = [];
  if (options.changedSince) {
    if (!git) throw new Error('validate: --changed-since needs a git repository');
    const changed = await git.changedFilesSince(options.changedSince);
    const changedKeys = new Set([...changed.files].map(pathKey));
    only = new Set([...(only ?? known())].filter((f) => changedKeys.has(pathKey(f))));
    caused = await causedElsewhere(git, changed.base, full.diagnostics, only);
  }
  if (!only) return { repo, result: { diagnostics: full.diagnostics, summary: full.summary } };
  const kept = only;
  // Narrowing must not turn "read nothing" into "found nothing wrong".
  const diagnostics = [...full.diagnostics.filter((d) => kept.has(d.file) || d.code === EMPTY_CODE), ...caused].sort(compareDiagnostics);
  const documents = [...kept].reduce((n, f) => n + (full.documentsByFile[f] ?? 0), 0);
  return { repo, result: { diagnostics, summary: summarize(diagnostics, kept.size, documents) } };
}

/** The cached, day-independent result plus the follow-ups past due at `at`. */
export function withFollowUps(validation: FullValidation, at: number | undefined): FullValidation {
  const late = at === undefined || !Array.isArray(validation.deadlines) ? [] : overdueAt(validation.deadlines, at);
  if (!late.length) return validation;
  const diagnostics = [...validation.diagnostics, ...late].sort(compareDiagnostics);
  return { ...validation, diagnostics, summary: summarize(diagnostics, validation.summary.files, validation.summary.documents) };
}

// Findings about how documents fit together: a change to one file can cause them in another.
const CROSS_DOCUMENT = new Set(['name.duplicate', 'ref.unresolved', 'ref.deprecated', 'graph.cycle', 'change.template-coverage']);

/**
 * Cross-document findings in files the change did not touch but that the change caused (a
 * deleted team leaves owners dangling elsewhere): those absent at the base commit. The base is
 * only read when such findings exist, which on a healthy repository is never.
 */
async function causedElsewhere(git: GitRepository, base: string, diagnostics: readonly Diagnostic[], changed: ReadonlySet<string>): Promise<Diagnostic[]> {
  const candidates = diagnostics.filter((d) => CROSS_DOCUMENT.has(d.code) && !changed.has(d.file));
  if (!candidates.length) return [];
  const before = await loadOrganisation(git.at(base), { deadlines: false });
  const key = (d: Diagnostic) => `${d.code}\0${d.file}\0${d.pointer}\0${d.message}`;
  const existed = new Set(before.validation.diagnostics.map(key));
  return candidates.filter((d) => !existed.has(key(d)));
}
