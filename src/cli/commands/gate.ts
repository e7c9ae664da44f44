import { decideDeploy } from '../../app/decide-deploy.js';
import { recordCommitFor, recordGateDecision } from '../../app/record-gate.js';
import type { GateDecision } from '../../core/gate.js';
import { openGitRepository } from '../../adapters/git/repository.js';
import { readEventPayload } from '../../adapters/github/env.js';
import { protectionRuleFromEvent } from '../../adapters/github/events.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { appendJobSummary, eventPath, knownFailure, openGitHub, writeReport } from '../github/session.js';
import { parseInstant } from '../instant-flag.js';
import { codeSpan, escapeMarkdown } from '../../report/markdown-safe.js';
import { gateComment } from '../../report/gate-comment.js';
import { inline } from '../../report/text.js';

/**
 * `opsledger gate <CR> [--at T] [--env E] [--format text|json]`: may this change be deployed
 * now? Exit 0 allowed, 1 denied. Every failure on the way (GitHub down, rate-limited or
 * answering nonsense, a missing token, a shallow clone) denies with exit 1 and its reason in
 * the checks: a pipeline must never read "could not decide" as anything but "no". Exit 2 is
 * kept for wrong arguments only.
 *
 * With --protection-rule it answers GitHub's custom deployment protection rule: it reads the
 * deployment_protection_rule event, decides, and approves or rejects the waiting run.
 */
const CHANGE_ID = /^CR-\d{4}-\d{4,}$/;

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the decision', example: 'json' },
  at: { type: 'string', description: 'decide as of this instant (ISO 8601 with an offset)', defaultText: 'now', example: '2026-12-02T01:00:00+09:00' },
  env: { type: 'string', description: 'the environment being deployed to', defaultText: "the change's", example: 'production' },
  report: { type: 'string', description: 'also write the decision as JSON to this file', example: 'gate.json' },
  'protection-rule': { type: 'boolean', description: "answer GitHub's custom deployment protection rule for the waiting run" },
  event: { type: 'string', description: 'the deployment_protection_rule event payload file', defaultText: 'GITHUB_EVENT_PATH', example: 'event.json' },
  'dry-run': { type: 'boolean', description: 'decide without leaving the opsledger/gate check run (an audit finds a deploy after a dry run ungated)' },
});

export const gateSpec = defineCommand({
  name: 'gate',
  summary: 'may this change deploy now? every check with its reason; exit 0 allowed, 1 denied (any error denies)',
  usage: ['opsledger gate <CR-id> [--at T] [--env E] [--format text|json] [--report FILE] [--dry-run]', 'opsledger gate [CR-id] --protection-rule [--event FILE]'],
  options,
  examples: ['opsledger gate CR-2026-0042', 'opsledger gate CR-2026-0042 --env production --format json --report gate.json', 'opsledger gate --protection-rule'],
  run: gateCommand,
});

export function renderGateText(d: GateDecision): string {
  const lines = [`${d.allowed ? 'ALLOWED' : 'DENIED'}: ${d.change} at ${d.at}`];
  // Details carry file names from the diff and reasons written in YAML: neither may drive the terminal.
  for (const c of d.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${inline(c.code)}: ${inline(c.detail)}`);
  return lines.join('\n') + '\n';
}

export { gateComment };

export async function gateCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const format = values.format;
  if (positionals.length > 1) throw new UsageError('name one change id');
  const at = parseInstant(values.at, 'at') ?? Date.now();
  const root = rootOf(ctx, values);
  let changeId = positionals[0];
  let environment = typeof values.env === 'string' ? values.env : undefined;

  let rule: ReturnType<typeof protectionRuleFromEvent> | undefined;
  if (values['protection-rule']) {
    try {
      rule = protectionRuleFromEvent(readEventPayload(ctx.env, eventPath(ctx, values)));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    changeId ??= rule.change;
    environment ??= rule.environment;
  }
  if (!changeId) throw new UsageError(rule ? 'name the change id, or deploy with a payload {"change": "CR-YYYY-NNNN"}' : 'name the change id (CR-YYYY-NNNN)');
  if (!CHANGE_ID.test(changeId)) throw new UsageError(`"${changeId}" is not a change id (CR-YYYY-NNNN)`);

  // Analyses kept on disk between runs, except in CI: a fresh runner has none to reuse, and a
  // runner's folder may have held another job's files (a pull request's) before this one.
  const onDisk = !ctx.env.CI && !ctx.env.GITHUB_ACTIONS;
  const decided = await decideDeploy({ git: openGitRepository(root, { onDisk }), github: () => openGitHub(ctx), changeId, at, ...(environment !== undefined ? { environment } : {}), ...(rule?.sha ? { deployedSha: rule.sha } : {}) });
  const decision = values['dry-run'] ? { ...decided, record: { written: false, sha: null, reason: 'dry run' } } : await recordGateDecision(() => openGitHub(ctx), decided, recordCommitFor(decided, rule?.sha, ctx.env.GITHUB_SHA));

  if (format === 'json') ctx.stdout(JSON.stringify(decision, null, 2) + '\n');
  else ctx.stdout(renderGateText(decision));
  writeReport(ctx, values, decision);
  appendJobSummary(ctx, `### opsledger gate: ${decision.allowed ? '✅ allowed' : '⛔ denied'} (${escapeMarkdown(decision.change)})\n\n${decision.checks.map((c) => `- ${c.ok ? '✅' : '❌'} ${codeSpan(c.code)} ${escapeMarkdown(c.detail)}`).join('\n')}\n`);

  if (rule) {
    try {
      await openGitHub(ctx).reviewDeploymentProtectionRule({ runId: rule.runId, environment: rule.environment, state: decision.allowed ? 'approved' : 'rejected', comment: gateComment(decision) });
    } catch (e) {
      const f = knownFailure(e);
      ctx.stderr(`opsledger gate: could not answer the deployment protection rule: ${f?.detail ?? (e as Error).message}\n`);
      return 1;
    }
  }
  return decision.allowed ? 0 : 1;
}
