import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { CAB_CONTEXT, publishCabStatus, reviewJson } from '../github/cab-status.js';
import { appendJobSummary, FORK_EXPLANATION, isConfigError, knownFailure, openGitHub, pullTarget, runUrl } from '../github/session.js';
import { escapeMarkdown } from '../../report/markdown-safe.js';
import { inline } from '../../report/text.js';
import { OrganisationsAtRefs } from '../../app/load-organisation.js';
import { approvalSummary, reviewPullRequestOnGitHub } from '../../app/review-pull-request.js';
import { openGitRepository } from '../../adapters/git/repository.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { cabAgenda, cabAgendaIcs } from '../../app/cab-agenda.js';
import { DAY } from '../../core/calendar/local-time.js';
import { renderAgendaMarkdown, renderAgendaText } from '../../report/cab-agenda.js';
import { parseInstant } from '../instant-flag.js';
import { loadValidOrganisation } from '../org-session.js';

// The agenda covers the two weeks ahead unless asked otherwise: this meeting's changes and the next one's.
const AGENDA_DAYS = 14;
// An agenda is for a meeting; a year is already more than any CAB reads.
const MAX_AGENDA_DAYS = 366;

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json', 'markdown', 'ics'], description: 'how to print the decision (text|json) or the agenda (text|json|markdown|ics)', example: 'json' },
  from: { type: 'string', description: 'agenda: start of the period (ISO 8601 with an offset)', defaultText: 'now', example: '2026-12-03T14:00:00+09:00' },
  to: { type: 'string', description: 'agenda: end of the period', defaultText: `--from + ${AGENDA_DAYS} days`, example: '2026-12-17T14:00:00+09:00' },
  at: { type: 'string', description: 'agenda: score the changes as of this instant', defaultText: 'now', example: '2026-12-03T14:00:00+09:00' },
  pr: { type: 'string', description: 'the pull request number', defaultText: "the event payload's", example: '128' },
  event: { type: 'string', description: 'the GitHub event payload file', defaultText: 'GITHUB_EVENT_PATH', example: 'event.json' },
});

export const cabSpec = defineCommand({
  name: 'cab',
  summary: "decide a pull request's approvals from its reviews and publish the opsledger/cab status; cab agenda: the CAB meeting's agenda",
  usage: ['opsledger cab [--pr N] [--event FILE] [--format text|json]', 'opsledger cab agenda [--from T --to T] [--at T] [--format text|markdown|json|ics]'],
  options,
  examples: ['opsledger cab', 'GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/org opsledger cab --pr 128 --format json', 'opsledger cab agenda --format markdown > agenda.md', 'opsledger cab agenda --from 2026-12-03T14:00:00+09:00 --to 2026-12-10T14:00:00+09:00 --format json'],
  run: cabCommand,
});

/**
 * `opsledger cab`: on pull_request_review and on pushes, decides the pull request's approvals
 * from its reviews and publishes the `opsledger/cab` commit status on its head commit, linked
 * to the run. Exit 0 approved, 1 not approved or not decidable (the status then says why), 2
 * usage. On a fork's pull request the run's token is read-only: the decision goes to the job
 * summary with the reason nothing was published, and the exit is 0 (neutral, not red).
 */
export async function cabCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[] = []): Promise<number> {
  if (positionals[0] === 'agenda') return agendaCommand(ctx, values, positionals.slice(1));
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; the only subcommand is agenda`);
  for (const flag of ['from', 'to', 'at'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to \`opsledger cab agenda\``);
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format ${format} belongs to \`opsledger cab agenda\`; the decision prints as text or json`);
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
    else ctx.stdout(`${CAB_CONTEXT} #${number}: ${review.met ? 'approved' : 'not approved'}${readOnly ? ' (not published: pull request from a fork, read-only token)' : ''}\n${approvalSummary(review).map((l) => `  ${inline(l)}\n`).join('')}`);
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

/**
 * `opsledger cab agenda`: the agenda of the CAB meeting for a period (default: the next 14 days
 * from now), read from the working tree; exit 0 with the agenda, 1 when the organisation does
 * not validate, 2 on usage errors. It asks GitHub nothing (docs/cab-agenda.md).
 */
async function agendaCommand(ctx: CommandContext, values: OptionsOf<typeof options>, rest: string[]): Promise<number> {
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const flag of ['pr', 'event'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} belongs to \`opsledger cab\`, not the agenda`);
  const now = parseInstant(values.at, 'at') ?? Date.now();
  const from = parseInstant(values.from, 'from') ?? now;
  const to = parseInstant(values.to, 'to') ?? from + AGENDA_DAYS * DAY;
  if (to <= from) throw new UsageError('--to must come after --from');
  if (to - from > MAX_AGENDA_DAYS * DAY) throw new UsageError(`an agenda may span at most ${MAX_AGENDA_DAYS} days`);
  const ws = openWorkspace(rootOf(ctx, values));
  const loaded = await loadValidOrganisation(ctx, ws.source);
  if (!loaded) return 1;
  const report = cabAgenda(loaded, await ws.git.documentOrigins(), { now, from, to });
  switch (values.format) {
    case 'json':
      ctx.stdout(JSON.stringify(report, null, 2) + '\n');
      break;
    case 'markdown':
      ctx.stdout(renderAgendaMarkdown(report));
      break;
    case 'ics':
      ctx.stdout(cabAgendaIcs(loaded, report, { from, to, stamp: now }));
      break;
    default:
      ctx.stdout(renderAgendaText(report));
  }
  return 0;
}
