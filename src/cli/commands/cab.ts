import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { CAB_CONTEXT, publishCabStatus, reviewJson } from '../github/cab-status.js';
import { isConfigError, knownFailure, openGitHub, pullNumber } from '../github/session.js';
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
 * from its reviews and publishes the `opsledger/cab` commit status on its head commit. Exit 0
 * approved, 1 not approved or not decidable (the status then says why), 2 usage.
 */
export async function cabCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  const format = values.format;
  const root = rootOf(ctx, values);
  let api;
  let number;
  try {
    api = openGitHub(ctx);
    number = pullNumber(ctx, values);
  } catch (e) {
    if (isConfigError(e)) throw new UsageError((e as Error).message);
    throw e;
  }
  let headSha: string | undefined;
  try {
    const pull = await api.getPullRequest(number);
    headSha = pull.headSha;
    const review = await reviewPullRequestOnGitHub({ refs: new OrganisationsAtRefs(openGitRepository(root)), api, pull, now: Date.now() });
    await publishCabStatus(api, pull.headSha, review);
    if (format === 'json') ctx.stdout(JSON.stringify({ pullRequest: number, headSha: pull.headSha, status: review.met ? 'success' : 'failure', ...reviewJson(review) }, null, 2) + '\n');
    else ctx.stdout(`${CAB_CONTEXT} #${number}: ${review.met ? 'approved' : 'not approved'}\n${approvalSummary(review).map((l) => `  ${l}\n`).join('')}`);
    return review.met ? 0 : 1;
  } catch (e) {
    const failure = knownFailure(e);
    if (!failure) throw e;
    // Tell the pull request why it cannot be approved, if GitHub still listens.
    if (headSha) await api.createCommitStatus({ sha: headSha, context: CAB_CONTEXT, state: 'error', description: failure.detail }).catch(() => undefined);
    if (format === 'json') ctx.stdout(JSON.stringify({ pullRequest: number, status: 'error', met: false, error: failure }, null, 2) + '\n');
    ctx.stderr(`opsledger cab: ${failure.detail}\n`);
    return 1;
  }
}
