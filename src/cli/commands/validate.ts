import { relative, resolve, sep } from 'node:path';
import { validate, type ValidationRun } from '../../app/validate.js';
import { exitCodeFor } from '../../core/diagnostics.js';
import { DEFAULT_MAX_FILE_BYTES } from '../../adapters/fs/read-policy.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { GitRefError } from '../../adapters/git/ref-error.js';
import { openGitRepository } from '../../adapters/git/repository.js';
import { getReporter, REPORTER_NAMES } from '../../report/index.js';
import { renderValidation } from '../render.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { positiveInt, rootOf, UsageError, type CommandContext } from '../context.js';
import { terminalProgress } from '../progress.js';
import { parseInstant } from '../instant-flag.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: REPORTER_NAMES, description: 'how to report findings (github: workflow annotations; sarif: code scanning)', example: 'json' },
  'changed-since': { type: 'string', description: 'report only on files changed since this git ref (and what they broke elsewhere)', example: 'origin/main' },
  'no-cache': { type: 'boolean', description: 'ignore and do not write .opsledger-cache' },
  threads: { type: 'string', description: 'worker threads for parsing', defaultText: 'chosen from the number of files and CPUs', example: '2' },
  'max-file-size': { type: 'string', description: 'refuse files over this many bytes', defaultText: `${DEFAULT_MAX_FILE_BYTES} (1 MiB)`, example: '4194304' },
  quiet: { type: 'boolean', short: 'q', description: 'show no progress line on the terminal' },
  at: { type: 'string', description: 'judge incident follow-ups (overdue reviews and action items, warnings only) as of this instant', defaultText: 'now', example: '2026-12-02T01:00:00+09:00' },
});

export const validateSpec = defineCommand({
  name: 'validate',
  summary: 'check every document: syntax, schema, references, cycles and semantic rules',
  usage: ['opsledger validate [paths...] [--format text|json|github|sarif|markdown] [--changed-since REF] [--at T] [--no-cache]'],
  options,
  examples: ['opsledger validate', 'opsledger validate services/checkout --format json', 'opsledger validate --changed-since origin/main --format github'],
  run: validateCommand,
});

export async function validateCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const root = rootOf(ctx, values);
  const reporter = getReporter(values.format)!;
  const paths = positionals.map((p) => relative(root, resolve(ctx.cwd, p)).split(sep).join('/') || '.');
  const threads = positiveInt(values.threads, 'threads');
  const maxFileBytes = positiveInt(values['max-file-size'], 'max-file-size');
  const at = parseInstant(values.at, 'at') ?? Date.now();
  let run: ValidationRun;
  const progress = terminalProgress(ctx, 'validate', values.quiet);
  try {
    run = await validate(worktreeSource(root), openGitRepository(root), {
      paths,
      ...(typeof values['changed-since'] === 'string' ? { changedSince: values['changed-since'] } : {}),
      cache: !values['no-cache'],
      at,
      ...(threads ? { threads } : {}),
      ...(maxFileBytes ? { maxFileBytes } : {}),
      ...(progress.report ? { progress: progress.report } : {}),
    });
  } catch (e) {
    if (e instanceof GitRefError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.end();
  }
  const output = renderValidation(ctx, reporter, run.result, run.repo.source);
  ctx.stdout(output);
  return exitCodeFor(run.result.diagnostics);
}
