import { exitCodeFor } from '../../core/diagnostics.js';
import { maxClass } from '../../core/approval-plan.js';
import { labelChanges } from '../../core/pull-labels.js';
import type { RiskClass } from '../../core/model.js';
import { STICKY_MARKER, type GitHubApi } from '../../app/ports/github.js';
import { annotations } from '../github/annotations.js';
import { readEventPayload } from '../../adapters/github/env.js';
import { GitHubRejected } from '../../adapters/github/errors.js';
import { pullRequestFromEvent } from '../../adapters/github/events.js';
import { worktreeSource } from '../../adapters/fs/worktree-source.js';
import { openGitRepository } from '../../adapters/git/repository.js';
import { OrganisationsAtRefs } from '../../app/load-organisation.js';
import { validate } from '../../app/validate.js';
import { pullRequestComment } from '../../report/pull-request.js';
import { changeFormMarkdown } from '../../report/change-form.js';
import { changeForms } from '../../app/change-forms.js';
import { readinessDelta } from '../../core/readiness/delta.js';
import { renderReadinessDeltaMarkdown } from '../../report/readiness/markdown.js';
import { riskVerdict } from '../../report/risk/markdown.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { publishCabStatus, reviewJson } from '../github/cab-status.js';
import { appendJobSummary, catalogUrlFromEnv, eventPath, FORK_EXPLANATION, isConfigError, knownFailure, openGitHub, runUrl, writeReport } from '../github/session.js';
import { approvalSummary, reviewPullRequest, type PullReview } from '../../app/review-pull-request.js';
import { escapeMarkdown } from '../../report/markdown-safe.js';

/**
 * `opsledger pr`: the pull_request run of the Action. Validates the files the pull request
 * changes (a check run with line annotations), scores each change request it adds or changes
 * (one sticky comment), labels it `risk:<class>` and `change:<type>`, asks the groups the class
 * needs for reviews, publishes `opsledger/cab` (linked to the run) and writes the job summary.
 * On a fork's pull request the token is read-only: nothing is written to the pull request, the
 * summary (and report) says why and carries the risk comment. Exit 1 when the changed files
 * have errors or GitHub could not be told; 2 for usage.
 */
async function requestReviews(api: GitHubApi, number: number, author: string, review: PullReview): Promise<string | undefined> {
  const users = new Set<string>();
  const teams = new Set<string>();
  for (const s of review.subjects) {
    if (s.decision.met) continue;
    for (const [group, names] of Object.entries(s.teams)) {
      if (!s.plan.alternatives.some((a) => a.requirements.some((r) => r.group === group))) continue;
      for (const name of names) {
        const spec = review.base.org.teams.get(name)?.doc.spec;
        const [org, slug] = spec?.github?.team?.split('/') ?? [];
        if (org && slug && org.toLowerCase() === api.repoRef.owner.toLowerCase()) teams.add(slug);
        else for (const m of spec?.members ?? []) users.add(m);
      }
    }
  }
  // Nobody is asked twice: not the author, not who has already given a valid approval.
  const skip = new Set([author, ...review.subjects.flatMap((s) => s.decision.approvers)].map((l) => l.toLowerCase()));
  for (const u of [...users]) if (skip.has(u.toLowerCase())) users.delete(u);
  try {
    await api.requestReviewers(number, { users: [...users].sort(), teams: [...teams].sort() });
    return undefined;
  } catch (e) {
    // A login that is not a collaborator makes GitHub refuse the whole request; the rest of
    // the run is still worth finishing.
    if (e instanceof GitHubRejected) return `review requests were refused: ${e.message}`;
    throw e;
  }
}

/** Puts on exactly the owned labels wanted, taking off the stale ones (a class that changed). */
async function replaceLabels(api: GitHubApi, number: number, wanted: readonly string[]): Promise<void> {
  const { remove, add } = labelChanges(await api.listLabels(number), wanted);
  for (const label of remove) await api.removeLabel(number, label);
  await api.addLabels(number, add);
}

const options = defineOptions({
  event: { type: 'string', description: 'the pull_request event payload file', defaultText: 'GITHUB_EVENT_PATH', example: 'event.json' },
  report: { type: 'string', description: 'also write the run (validation, risk, approvals) as JSON to this file', example: 'pr.json' },
});

export const prSpec = defineCommand({
  name: 'pr',
  summary: 'the pull_request run of the GitHub Action: validation check, risk comment, labels, reviewers, CAB status',
  usage: ['opsledger pr [--event FILE] [--report FILE]'],
  options,
  examples: ['opsledger pr', 'opsledger pr --event event.json --report pr.json'],
  run: prCommand,
});

export async function prCommand(ctx: CommandContext, values: OptionsOf<typeof options>): Promise<number> {
  const root = rootOf(ctx, values);
  let api: GitHubApi;
  let event: ReturnType<typeof pullRequestFromEvent>;
  try {
    api = openGitHub(ctx);
    event = pullRequestFromEvent(readEventPayload(ctx.env, eventPath(ctx, values)));
  } catch (e) {
    if (isConfigError(e)) throw new UsageError((e as Error).message);
    throw e;
  }

  // A fork's pull request runs with a read-only token: everything is decided and reported in
  // the job summary, nothing is written to the pull request, and the run ends neutral.
  const readOnly = event.fromFork;
  const details = runUrl(ctx.env);
  const catalogUrl = catalogUrlFromEnv(ctx.env);
  try {
    const pull = await api.getPullRequest(event.number);
    const git = openGitRepository(root);
    const prefix = await git.repoPrefix();
    const run = await validate(worktreeSource(root), git, { changedSince: pull.baseSha, cache: false, at: Date.now() });
    const diagnostics = run.result.diagnostics;
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
    if (!readOnly) {
      await api.publishCheckRun({
        name: 'opsledger/validate',
        headSha: pull.headSha,
        conclusion: errors ? 'failure' : 'success',
        title: errors ? `${errors} error${errors > 1 ? 's' : ''}, ${warnings} warning${warnings === 1 ? '' : 's'}` : `valid${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`,
        summary: `${run.result.summary.files} changed file${run.result.summary.files === 1 ? '' : 's'} checked.`,
        annotations: annotations(diagnostics, prefix),
        ...(details ? { detailsUrl: details } : {}),
      });
    }

    const [reviews, commits] = [await api.listReviews(pull.number), await api.listPullCommits(pull.number)];
    // The head may be missing from a clone of the merge ref; the merge (GITHUB_SHA, checked
    // out) has the same change-request files.
    const headRef = await git.resolveCommit(pull.headSha).catch(() => git.resolveCommit(ctx.env.GITHUB_SHA || 'HEAD'));
    const origins = await git.documentOrigins(headRef);
    const review = await reviewPullRequest({
      refs: new OrganisationsAtRefs(git),
      api,
      baseRef: pull.baseSha,
      headRef,
      author: pull.author,
      headSha: pull.headSha,
      reviews,
      commits,
      now: Date.now(),
      origins,
    });

    const scored = review.subjects.filter((s) => s.report);
    let riskClass: RiskClass | undefined;
    for (const s of review.subjects) riskClass = riskClass ? maxClass(riskClass, s.plan.class) : s.plan.class;
    const now = Date.now();
    const forms = changeForms(review, { now, pullUrl: pull.url, author: pull.author, ...(catalogUrl ? { catalogUrl } : {}) });
    const rendered =
      review.subjects.length || review.invalid.length || review.diagnostics.length
        ? pullRequestComment(STICKY_MARKER, review.subjects, review.sensitive, review.invalid, {
            forms,
            servicePaths: review.servicePaths,
            readiness: renderReadinessDeltaMarkdown(readinessDelta(review.base.org, review.head.org, { now }).filter((c) => c.direction !== 'same' || c.rules.length > 0)),
            ...(details ? { jobSummaryUrl: details } : {}),
          })
        : undefined;
    const comment = rendered?.body;
    const labels = [...(riskClass ? [`risk:${riskClass}`] : []), ...new Set(scored.map((s) => `change:${s.report!.type}`))];
    let reviewWarning: string | undefined;
    if (!readOnly) {
      if (comment) await api.upsertStickyComment(pull.number, STICKY_MARKER, comment);
      await replaceLabels(api, pull.number, labels);
      reviewWarning = await requestReviews(api, pull.number, pull.author, review);
      await publishCabStatus(api, pull.headSha, review, details);
    }

    const summary = [
      `### opsledger: #${pull.number}`,
      '',
      ...(readOnly ? [`> ${escapeMarkdown(FORK_EXPLANATION)}`, ''] : []),
      `**Validation**: ${errors ? `❌ ${errors} errors` : '✅ valid'}${warnings ? `, ${warnings} warnings` : ''} in ${run.result.summary.files} changed files`,
      '',
      ...scored.map((s) => `- ${riskVerdict(s.report!)}`),
      '',
      '**Approvals**',
      '',
      ...approvalSummary(review).map((l) => `- ${escapeMarkdown(l)}`),
      ...(reviewWarning ? ['', `⚠️ ${escapeMarkdown(reviewWarning)}`] : []),
      // The comment the pull request would have carried, so a fork's author still reads it.
      ...(readOnly && comment ? ['', comment.replace(STICKY_MARKER, '').trim()] : []),
      // What the comment folded to stay under GitHub's limit, whole: the comment says it is here.
      ...(rendered?.folded.length ? ['', '### Change forms', '', ...[...forms.values()].map(changeFormMarkdown)] : []),
      '',
    ].join('\n');
    appendJobSummary(ctx, summary);
    writeReport(ctx, values, { pullRequest: pull.number, riskClass: riskClass ?? null, labels, ...(readOnly ? { readOnly: FORK_EXPLANATION } : {}), validation: run.result.summary, changes: scored.map((s) => s.report), approvals: reviewJson(review) });
    ctx.stdout(`opsledger pr #${pull.number}: ${errors} errors, ${warnings} warnings; risk ${riskClass ?? 'none'}; ${review.met ? 'approved' : 'awaiting approvals'}${readOnly ? '; nothing written (pull request from a fork, read-only token)' : ''}\n`);
    if (reviewWarning) ctx.stderr(`opsledger pr: ${reviewWarning}\n`);
    // A tied path no change request covers is for the author to fix, as a file that does not validate is.
    return exitCodeFor([...diagnostics, ...review.diagnostics]);
  } catch (e) {
    const failure = knownFailure(e);
    if (!failure) throw e;
    ctx.stderr(`opsledger pr: ${failure.detail}\n`);
    return 1;
  }
}
