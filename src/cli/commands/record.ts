import { recordOutcome } from '../../app/record-outcome.js';
import { schemaRegistry } from '../../adapters/fs/schemas.js';
import { RecordGitError } from '../../adapters/git/record-commit.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { parseInstant } from '../../core/calendar/local-time.js';
import type { OutcomeResult } from '../../core/model.js';
import type { OutcomeRequest } from '../../core/outcome/plan.js';
import type { RecordOutput } from '../../core/outcome/record.js';
import { didYouMean } from '../../core/suggest.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';

/**
 * `opsledger record <CR> --result R [--implemented-at T] [--detected-at T] [--restored-at T]
 * [--incident ID]... [--force --reason TEXT] [--commit [--push]] [--format text|json]`: writes
 * the post-implementation outcome into the change file. Exit 0 recorded, 1 refused (the file is
 * untouched; also when another recorder kept the file locked), 2 usage or git failure.
 */
const RESULTS: readonly OutcomeResult[] = ['successful', 'failed', 'rolled-back', 'partial'];
const CHANGE_ID = /^CR-\d{4}-\d{4}$/;

const INSTANT = '2026-12-02T01:10:00+09:00';
const options = defineOptions({
  result: { type: 'string', choices: RESULTS, description: 'the outcome', defaultText: 'none: required', example: 'successful' },
  'implemented-at': { type: 'string', description: 'when the change was implemented (ISO 8601 with an offset)', example: INSTANT },
  'detected-at': { type: 'string', description: 'when the failure was detected', example: '2026-12-02T01:25:00+09:00' },
  'restored-at': { type: 'string', description: 'when service was restored', example: '2026-12-02T02:05:00+09:00' },
  incident: { type: 'string', multiple: true, description: 'an incident the change caused (id or URL)', example: 'INC-2026-0007' },
  force: { type: 'boolean', description: 'replace a recorded failure with a success (needs --reason)' },
  reason: { type: 'string', description: 'why a recorded failure is overridden; kept in the outcome notes', example: 'the failure was another change\'s' },
  commit: { type: 'boolean', description: 'commit the change file with git' },
  push: { type: 'boolean', description: 'push that commit (needs --commit)' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print what was recorded', example: 'json' },
});
type RecordOptions = OptionsOf<typeof options>;

export const recordSpec = defineCommand({
  name: 'record',
  summary: "write a change's outcome (post-implementation review) into its file; --commit --push for pipelines",
  usage: ['opsledger record <CR-id> --result successful|failed|rolled-back|partial [--implemented-at T] [--detected-at T] [--restored-at T] [--incident ID]... [--force --reason TEXT] [--commit [--push]] [--format text|json]'],
  options,
  examples: [
    `opsledger record CR-2026-0042 --result successful --implemented-at ${INSTANT}`,
    'opsledger record CR-2026-0042 --result rolled-back --incident INC-2026-0007 --commit --push',
  ],
  run: recordCommand,
});

function instantFlag(value: unknown, flag: string): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (parseInstant(text) === undefined) throw new UsageError(`--${flag} takes an ISO 8601 time with an offset, e.g. 2026-12-02T01:10:00+09:00`);
  return text;
}

function requestOf(values: RecordOptions): OutcomeRequest {
  const result = values.result;
  if (typeof result !== 'string') throw new UsageError('--result is required: successful, failed, rolled-back or partial');
  const incidents = values.incident;
  if (incidents.some((i) => i.trim() === '')) throw new UsageError('--incident takes an incident id or URL');
  const request: OutcomeRequest = { result };
  const implementedAt = instantFlag(values['implemented-at'], 'implemented-at');
  const failureDetectedAt = instantFlag(values['detected-at'], 'detected-at');
  const restoredAt = instantFlag(values['restored-at'], 'restored-at');
  if (implementedAt) request.implementedAt = implementedAt;
  if (failureDetectedAt) request.failureDetectedAt = failureDetectedAt;
  if (restoredAt) request.restoredAt = restoredAt;
  if (incidents.length) request.incidents = incidents;
  const reason = typeof values.reason === 'string' ? values.reason.trim() : undefined;
  if (values.force && !reason) throw new UsageError('--force needs --reason: why the recorded failure is overridden');
  if (reason !== undefined && !values.force) throw new UsageError('--reason goes with --force');
  if (values.force && reason) request.force = { reason };
  return request;
}

function describeOutcome(out: Extract<RecordOutput, { ok: true }>): string {
  const o = out.outcome;
  const times = [
    o.implementedAt && `implemented ${o.implementedAt}`,
    o.failureDetectedAt && `failure detected ${o.failureDetectedAt}`,
    o.restoredAt && `restored ${o.restoredAt}`,
    o.incidents?.length && `incidents ${o.incidents.join(', ')}`,
  ].filter(Boolean);
  return `${o.result}${times.length ? ` (${times.join('; ')})` : ''}`;
}

export async function recordCommand(ctx: CommandContext, values: RecordOptions, positionals: string[]): Promise<number> {
  const format = values.format;
  if (positionals.length !== 1) throw new UsageError('name exactly one change id (CR-YYYY-NNNN)');
  const id = positionals[0]!;
  if (!CHANGE_ID.test(id)) throw new UsageError(`"${id}" is not a change id of the form CR-YYYY-NNNN`);
  const request = requestOf(values);
  if (values.push && !values.commit) throw new UsageError('--push needs --commit');
  let recorded;
  try {
    recorded = await recordOutcome(openWorkspace(rootOf(ctx, values)), { change: id, request, commit: values.commit, push: values.push, now: Date.now, registry: schemaRegistry() });
  } catch (e) {
    if (!(e instanceof RecordGitError)) throw e;
    ctx.stderr(`opsledger record: ${e.message}\n`);
    return 2;
  }
  const { file, out, git } = recorded;

  if (format === 'json') {
    const body = out.ok
      ? { change: id, file, recorded: true, unchanged: out.unchanged, outcome: out.outcome, ...(out.previous ? { previous: out.previous } : {}), ...(git ? { git } : {}) }
      : { change: id, file, recorded: false, refusals: out.refusals, ...(out.diagnostics ? { diagnostics: out.diagnostics } : {}) };
    ctx.stdout(JSON.stringify(body, null, 2) + '\n');
  } else if (out.ok) {
    const where = git?.pushed ? `; committed ${git.commit?.slice(0, 12) ?? '(nothing new)'} and pushed to ${git.pushed.remote}/${git.pushed.branch}${git.attempts > 1 ? ` after ${git.attempts} attempts` : ''}` : git?.commit ? `; committed ${git.commit.slice(0, 12)}` : '';
    ctx.stdout(`${out.unchanged ? 'already recorded' : 'recorded'} ${id} in ${file}: ${describeOutcome(out)}${where}\n`);
  } else {
    ctx.stderr(`opsledger record: refused to record ${id}; ${file} is unchanged:\n`);
    for (const r of out.refusals) ctx.stderr(`  ${r.code}: ${r.message}\n`);
    for (const d of out.diagnostics ?? []) ctx.stderr(`  ${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}\n`);
  }
  return out.ok ? 0 : 1;
}
