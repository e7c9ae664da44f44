import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { compareDiagnostics, exitCodeFor, summarize, type Diagnostic } from '../../core/diagnostics.js';
import { validateRepository, type ValidationResult } from '../../core/validate.js';
import { DATA_FOLDERS, DEFAULT_MAX_FILE_BYTES } from '../../adapters/fs/discover.js';
import { loadRepository, type LoadedRepository } from '../../adapters/fs/load-repository.js';
import type { CachedResult } from '../../adapters/fs/cache.js';
import { changedFilesSince, GitRefError } from '../../adapters/git/changed-files.js';
import { loadOrganisationAtRef } from '../../adapters/git/org-at-ref.js';
import { getReporter, REPORTER_NAMES } from '../../report/index.js';
import { renderValidation } from '../render.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { positiveInt, rootOf, UsageError, type CommandContext } from '../context.js';

export interface ValidationRun {
  repo: LoadedRepository;
  result: ValidationResult;
}

/** Loads the whole organisation and validates it; `paths` and `changedSince` narrow reporting only. */
export async function runValidation(
  root: string,
  options: { paths?: string[]; changedSince?: string; cache?: boolean; threads?: number; maxFileBytes?: number } = {},
): Promise<ValidationRun> {
  const explicit = options.paths ?? [];
  const folders = DATA_FOLDERS.filter((d) => existsSync(join(root, d)));
  const repo = await loadRepository(root, {
    paths: [...folders, ...explicit],
    cache: options.cache ?? true,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  let full: CachedResult | undefined = repo.unchanged;
  if (!full) {
    const result = validateRepository(repo.analyses, { source: repo.source });
    const diagnostics = [...result.diagnostics, ...repo.discoveryDiagnostics].sort(compareDiagnostics);
    const documentsByFile = Object.fromEntries(repo.analyses.map((a) => [a.file, a.documents.length]));
    const files = repo.analyses.length + new Set(repo.discoveryDiagnostics.map((d) => d.file)).size;
    full = { diagnostics, summary: summarize(diagnostics, files, result.summary.documents), documentsByFile };
    await repo.remember(full);
  }

  let only: Set<string> | undefined;
  const known = [...Object.keys(full.documentsByFile), ...repo.discoveryDiagnostics.map((d) => d.file)];
  if (explicit.length) {
    const prefixes = explicit.map((p) => p.replace(/\/+$/, ''));
    only = new Set(known.filter((rel) => prefixes.some((p) => p === '.' || rel === p || rel.startsWith(p + '/'))));
  }
  let caused: Diagnostic[] = [];
  if (options.changedSince) {
    const changed = await changedFilesSince(root, options.changedSince);
    only = new Set([...(only ?? known)].filter((f) => changed.files.has(f)));
    caused = await causedElsewhere(root, changed.base, full.diagnostics, only);
  }
  if (!only) return { repo, result: { diagnostics: full.diagnostics, summary: full.summary } };
  const kept = only;
  const diagnostics = [...full.diagnostics.filter((d) => kept.has(d.file)), ...caused].sort(compareDiagnostics);
  const documents = [...kept].reduce((n, f) => n + (full.documentsByFile[f] ?? 0), 0);
  return { repo, result: { diagnostics, summary: summarize(diagnostics, kept.size, documents) } };
}

// Findings about how documents fit together: a change to one file can cause them in another.
const CROSS_DOCUMENT = new Set(['name.duplicate', 'ref.unresolved', 'ref.deprecated', 'graph.cycle', 'change.template-coverage']);

/**
 * Cross-document findings in files the change did not touch but that the change caused (a
 * deleted team leaves owners dangling elsewhere): those absent at the base commit. The base is
 * only read when such findings exist, which on a healthy repository is never.
 */
async function causedElsewhere(root: string, base: string, diagnostics: readonly Diagnostic[], changed: ReadonlySet<string>): Promise<Diagnostic[]> {
  const candidates = diagnostics.filter((d) => CROSS_DOCUMENT.has(d.code) && !changed.has(d.file));
  if (!candidates.length) return [];
  const before = await loadOrganisationAtRef(root, base);
  const key = (d: Diagnostic) => `${d.code}\0${d.file}\0${d.pointer}\0${d.message}`;
  const existed = new Set(before.validation.diagnostics.map(key));
  return candidates.filter((d) => !existed.has(key(d)));
}

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: REPORTER_NAMES, description: 'how to report findings (github: workflow annotations; sarif: code scanning)', example: 'json' },
  'changed-since': { type: 'string', description: 'report only on files changed since this git ref (and what they broke elsewhere)', example: 'origin/main' },
  'no-cache': { type: 'boolean', description: 'ignore and do not write .opsledger-cache' },
  threads: { type: 'string', description: 'worker threads for parsing', defaultText: 'chosen from the number of files and CPUs', example: '2' },
  'max-file-size': { type: 'string', description: 'refuse files over this many bytes', defaultText: `${DEFAULT_MAX_FILE_BYTES} (1 MiB)`, example: '4194304' },
});

export const validateSpec = defineCommand({
  name: 'validate',
  summary: 'check every document: syntax, schema, references, cycles and semantic rules',
  usage: ['opsledger validate [paths...] [--format text|json|github|sarif|markdown] [--changed-since REF] [--no-cache]'],
  options,
  examples: ['opsledger validate', 'opsledger validate services/checkout --format json', 'opsledger validate --changed-since origin/main --format github'],
  run: validateCommand,
});

export async function validateCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const root = rootOf(ctx, values);
  if (!existsSync(root)) throw new UsageError(`no such folder: ${root}`);
  const reporter = getReporter(values.format)!;
  const paths = positionals.map((p) => relative(root, resolve(ctx.cwd, p)).split(sep).join('/') || '.');
  const threads = positiveInt(values.threads, 'threads');
  const maxFileBytes = positiveInt(values['max-file-size'], 'max-file-size');
  let run: ValidationRun;
  try {
    run = await runValidation(root, {
      paths,
      ...(typeof values['changed-since'] === 'string' ? { changedSince: values['changed-since'] } : {}),
      cache: !values['no-cache'],
      ...(threads ? { threads } : {}),
      ...(maxFileBytes ? { maxFileBytes } : {}),
    });
  } catch (e) {
    if (e instanceof GitRefError) throw new UsageError(e.message);
    throw e;
  }
  const output = renderValidation(ctx, reporter, run.result, run.repo.source);
  ctx.stdout(output);
  return exitCodeFor(run.result.diagnostics);
}
