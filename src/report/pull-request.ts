import type { ApprovalDecision } from '../core/approvals.js';
import type { ApprovalPlan } from '../core/approval-plan.js';
import type { ChangeForm } from '../core/change-form/types.js';
import type { RiskReport } from '../core/risk/types.js';
import { english, phrase } from '../core/phrase.js';
import { SERVICE_PATH_UNCOVERED, type TiedService } from '../core/service-paths.js';
import { FOLD_ORDER, renderChangeForm, type RenderedForm } from './change-form.js';
import { codeSpan, escapeMarkdown } from './markdown-safe.js';
import { riskVerdict } from './risk/markdown.js';

/**
 * The pull request's one opsledger comment: each change request's change form (verdict,
 * schedule, approvals, the plans, blast radius, conflicts, history), rebuilt whole on every run
 * so it always describes the head commit.
 *
 * GitHub refuses a comment over 65,536 characters. A comment that would be longer folds whole
 * sections, least needed first (history, blast radius, … conflicts last), each replaced by a
 * closed line that says where it can be read; it is never cut inside a table, a code fence or a
 * `<details>`. Where the rest is depends on the run: the change's catalog page when the catalog
 * URL is configured, the job summary when the run writes one, else nowhere, and then it says so.
 */
export interface CommentSubject {
  subject: string;
  report?: RiskReport;
  plan: ApprovalPlan;
  alternative: string;
  decision: ApprovalDecision;
}

export interface CommentOptions {
  /** The change form of each subject that is a change, by id. */
  forms?: ReadonlyMap<string, ChangeForm>;
  /** The markdown of the pull request's readiness level changes, empty when none moved. */
  readiness?: string;
  /** The run whose job summary carries the whole forms, when there is one. */
  jobSummaryUrl?: string;
  /** Characters the comment may use; GitHub's limit less a margin. */
  limit?: number;
  /** The services the pull request's tied paths belong to (the base's spec.servicePaths), with the changes covering each. */
  servicePaths?: readonly TiedService[];
}

export interface RenderedComment {
  body: string;
  /** "CR-…: history" for every section folded out of the comment. */
  folded: string[];
}

/** GitHub refuses comments over 65,536 characters; the margin covers the marker and counting in UTF-16 units both ways. */
export const MAX_COMMENT = 65_000;

function approvalsMarkdown(s: CommentSubject): string[] {
  const lines = [`**Approvals** (${escapeMarkdown(s.plan.class)} risk${s.alternative === 'emergency' ? ', emergency path' : ''}): ${s.decision.met ? '✅ complete' : '⏳ missing'}`, ''];
  for (const n of s.plan.notes) lines.push(`> ${escapeMarkdown(n)}`, '');
  if (!s.decision.requirements.length) lines.push('- no approving reviews required');
  for (const r of s.decision.requirements) {
    lines.push(`- [${r.met ? 'x' : ' '}] ${r.count} from ${codeSpan(r.group)}${r.approvers.length ? `: ${r.approvers.map((a) => `@${escapeMarkdown(a)}`).join(', ')}` : ''}`);
  }
  for (const r of s.decision.rejected) lines.push(`- ~~${escapeMarkdown(r.login)}~~ does not count: ${escapeMarkdown(r.detail)}`);
  return lines;
}

/** Where a folded section of this form can be read, truly. */
function elsewhere(form: ChangeForm, jobSummaryUrl: string | undefined): string {
  if (form.catalogHref) return `in the [catalog's change page](${form.catalogHref})`;
  if (jobSummaryUrl) return `in the [job summary of this run](${jobSummaryUrl})`;
  return `not published by this run (set OPSLEDGER_CATALOG_URL to link the catalog's page; \`opsledger risk ${form.id}\` prints the risk)`;
}

interface Piece {
  subject: CommentSubject;
  form?: { form: ChangeForm; rendered: RenderedForm; folded: Set<number> };
  /** The whole block was dropped: only its verdict line is left. */
  dropped: boolean;
}

function foldedBlock(title: string, form: ChangeForm, jobSummaryUrl: string | undefined): string {
  return `<details><summary>${title} (folded)</summary>\n\nFolded to keep this comment under GitHub's size limit: it is ${elsewhere(form, jobSummaryUrl)}.\n\n</details>`;
}

function pieceMarkdown(p: Piece, jobSummaryUrl: string | undefined): string {
  const s = p.subject;
  if (!p.form) return [`#### ${escapeMarkdown(s.subject)}`, '', ...approvalsMarkdown(s)].join('\n');
  const { form, rendered, folded } = p.form;
  if (p.dropped) return `#### ${escapeMarkdown(form.id)}\n\nThe form is folded to keep this comment under GitHub's size limit: it is ${elsewhere(form, jobSummaryUrl)}.`;
  const parts = [rendered.head, ''];
  rendered.blocks.forEach((b, i) => parts.push(folded.has(i) ? foldedBlock(b.title, form, jobSummaryUrl) : b.markdown, ''));
  if (rendered.foot) parts.push(rendered.foot);
  return parts.join('\n').trimEnd();
}

export function pullRequestComment(marker: string, subjects: readonly CommentSubject[], sensitive: readonly string[], invalid: readonly string[], options: CommentOptions = {}): RenderedComment {
  const limit = options.limit ?? MAX_COMMENT;
  const pieces: Piece[] = subjects.map((subject) => {
    const form = options.forms?.get(subject.subject);
    return { subject, dropped: false, ...(form ? { form: { form, rendered: renderChangeForm(form), folded: new Set<number>() } } : {}) };
  });
  const verdicts = pieces.map((p) => (p.form ? p.form.rendered.verdict : p.subject.report ? riskVerdict(p.subject.report) : `**${escapeMarkdown(p.subject.subject)}**: ${p.subject.decision.met ? '✅ approved' : '⏳ approvals missing'}`));
  const notices: string[] = [];
  if (invalid.length) notices.push(`⛔ These files do not validate, so nothing in them can be approved: ${invalid.map((f) => codeSpan(f)).join(', ')}`, '');
  const uncovered = new Map<string, string[]>();
  for (const t of options.servicePaths ?? []) if (!t.changes.length) for (const p of t.paths) uncovered.set(p, [...(uncovered.get(p) ?? []), escapeMarkdown(t.service)]);
  for (const [path, services] of [...uncovered].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) notices.push(`⛔ ${english(phrase('servicePath.uncovered', { path: codeSpan(path), services }))} (${codeSpan(SERVICE_PATH_UNCOVERED)}).`, '');
  if (sensitive.length) notices.push(`⚠️ This pull request changes sensitive files (${sensitive.map((f) => codeSpan(f)).join(', ')}); the base branch's rules apply, and at least high-risk approvals.`, '');
  const footer = "<sub>Approvals are GitHub reviews on the head commit by members of the base branch's teams; nothing written in the YAML counts.</sub>";

  let readiness = options.readiness?.trimEnd() ?? '';
  const compose = (shownVerdicts: number): string => {
    const parts = [marker, ...verdicts.slice(0, shownVerdicts).map((v) => `${v}  `)];
    if (shownVerdicts < verdicts.length) parts.push(`… and ${verdicts.length - shownVerdicts} more change${verdicts.length - shownVerdicts === 1 ? '' : 's'}, not shown: GitHub's comment size limit.`);
    parts.push('', ...notices);
    for (const p of pieces.slice(0, shownVerdicts)) parts.push(pieceMarkdown(p, options.jobSummaryUrl), '', '---', '');
    if (readiness) parts.push(readiness, '');
    parts.push(footer);
    return parts.join('\n') + '\n';
  };

  const folded: string[] = [];
  let body = compose(verdicts.length);
  // The length is kept as sections fold (each fold swaps one block for its folded line), so a
  // pull request with hundreds of changes is not recomposed once per fold.
  let length = body.length;
  for (const key of FOLD_ORDER) {
    if (length <= limit) break;
    const candidates = pieces
      .flatMap((p) => (p.form ? p.form.rendered.blocks.map((b, i) => ({ p, f: p.form!, b, i })).filter((x) => x.b.key === key) : []))
      .sort((a, b) => b.b.markdown.length - a.b.markdown.length);
    for (const c of candidates) {
      if (length <= limit) break;
      c.f.folded.add(c.i);
      length += foldedBlock(c.b.title, c.f.form, options.jobSummaryUrl).length - c.b.markdown.length;
      folded.push(`${c.f.form.id}: ${key}`);
    }
  }
  if (length > limit && readiness) {
    readiness = `**Readiness**: folded to keep this comment under GitHub's size limit${options.jobSummaryUrl ? `; it is in the [job summary of this run](${options.jobSummaryUrl})` : ''}.`;
    folded.push('readiness');
  }
  body = compose(verdicts.length);
  length = body.length;
  // Then whole forms, largest first, leaving their verdict lines.
  const sized = pieces.filter((p) => p.form).map((p) => ({ p, size: pieceMarkdown(p, options.jobSummaryUrl).length }));
  for (const { p, size } of sized.sort((a, b) => b.size - a.size)) {
    if (length <= limit) break;
    p.dropped = true;
    length += pieceMarkdown(p, options.jobSummaryUrl).length - size;
    folded.push(`${p.form!.form.id}: form`);
  }
  body = compose(verdicts.length);
  // Hundreds of changes in one pull request: as many verdict lines as fit, each whole.
  if (body.length > limit) {
    let [lo, hi] = [0, verdicts.length];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (compose(mid).length <= limit) lo = mid;
      else hi = mid - 1;
    }
    body = compose(lo);
  }
  return { body, folded };
}

/** The comment's markdown (see pullRequestComment). */
export function renderPullRequestComment(marker: string, subjects: readonly CommentSubject[], sensitive: readonly string[], invalid: readonly string[], options: CommentOptions = {}): string {
  return pullRequestComment(marker, subjects, sensitive, invalid, options).body;
}
