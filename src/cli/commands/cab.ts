import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { CAB_CONTEXT, publishCabStatus, reviewJson } from '../github/cab-status.js';
import { appendJobSummary, FORK_EXPLANATION, isConfigError, knownFailure, openGitHub, pullTarget, runUrl } from '../github/session.js';
import { escapeMarkdown } from '../../report/markdown-safe.js';
import { OrganisationsAtRefs } from '../../app/load-organisation.js';
import { approvalSummary, reviewPullRequestOnGitHub } from '../../app/review-pull-request.js';
import { openGitRepository } from '../../adapters/git/repository.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print the decision', example: 'json' },
  pr: { type: 'string', description: 'the pull request number', defaultText: "the event payload's", example: '128' },
  event: { type: 'string', description: 'the GitHub event payload file', defaultText: 'GITHUB_EVENT_PATH', example: 'event.json' },
});

export const cabSpec = defineCommand({
  name: 'cab',
  summary: "decide a pull request's approvals from its reviews and publish the opsledger/cab status",
  usage: ['opsledger cab [--pr N] [--event FILE] [--format text|json]'],
  options,
  examples: ['opsledger cab', 'GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/org opsledger cab --pr 128 --format json'],
  run: cabCommand,
});

/**
 * `opsledger cab`: on pull_request_review and on pushes, decides the pull request's approvals
 * from its reviews and publishes the `opsledger/cab` commit status on its head commit, linked
 * to the run. Exit 0 approved, 1 not approved or not decidable (the status then says why), 2
 * usage. On a fork's pull request the run's token is read-only: the decision goes to the job
 * summary with the reason nothing was published, and the exit is 0 (neutral, not red).
 */
export async function cabCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  const format = values.format;
  const root = rootOf(ctx, values);
  let api;
  let number;
  let readOnly;
  try {
    api = openGitHub(ctx);
    ({ number, readOnly } = pullTarget(ctx, values));
  } catch (e) {
    if (isConfigError(e)) throw new UsageError((e as Error).message);
    throw e;
  }
  let headSha: string | undefined;
  const details = runUrl(ctx.env);
  try {
    const pull = await api.getPullRequest(number);
    headSha = pull.headSha;
    const review = await reviewPullRequestOnGitHub({ refs: new OrganisationsAtRefs(openGitRepository(root)), api, pull, now: Date.now() });
    const status = review.met ? 'success' : 'failure';
    if (readOnly) {
      appendJobSummary(ctx, [`### ${CAB_CONTEXT}: #${number} ${review.met ? 'approved' : 'not approved'} (not published)`, '', `> ${escapeMarkdown(FORK_EXPLANATION)}`, '', ...approvalSummary(review).map((l) => `- ${escapeMarkdown(l)}`), ''].join('\n'));
    } else {
      await publishCabStatus(api, pull.headSha, review, details);
    }
    if (format === 'json') ctx.stdout(JSON.stringify({ pullRequest: number, headSha: pull.headSha, status: readOnly ? 'neutral' : status, ...(readOnly ? { readOnly: FORK_EXPLANATION } : {}), ...reviewJson(review) }, null, 2) + '\n');
    else ctx.stdout(`${CAB_CONTEXT} #${number}: ${review.met ? 'approved' : 'not approved'}${readOnly ? ' (not published: pull request from a fork, read-only token)' : ''}\n${approvalSummary(review).map((l) => `  ${l}\n`).join('')}`);
    if (readOnly) return 0;
    return review.met ? 0 : 1;
  } catch (e) {
    const failure = knownFailure(e);
    if (!failure) throw e;
    // Tell the pull request why it cannot be approved, if GitHub still listens.
    if (headSha && !readOnly) await api.createCommitStatus({ sha: headSha, context: CAB_CONTEXT, state: 'error', description: failure.detail, ...(details ? { targetUrl: details } : {}) }).catch(() => undefined);
    if (format === 'json') ctx.stdout(JSON.stringify({ pullRequest: number, status: 'error', met: false, error: failure }, null, 2) + '\n');
    ctx.stderr(`opsledger cab: ${failure.detail}\n`);
    return 1;
  }
}
