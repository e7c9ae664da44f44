import type { ApprovalDecision } from '../core/approvals.js';
import type { ApprovalPlan } from '../core/approval-plan.js';
import type { RiskReport } from '../core/risk/types.js';
import { codeSpan, escapeMarkdown } from './markdown-safe.js';
import { renderRiskMarkdown } from './risk/markdown.js';

/**
 * The pull request's one opsledger comment: each change request's risk report followed by the
 * approvals its class needs and who has given them. Rebuilt whole on every run, so the comment
 * always describes the head commit.
 */
export interface CommentSubject {
  subject: string;
  report?: RiskReport;
  plan: ApprovalPlan;
  alternative: string;
  decision: ApprovalDecision;
}

/** GitHub refuses comments over 65,536 characters. */
const MAX_COMMENT = 65_000;

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

/** `readiness` is the markdown of the services' readiness level changes, empty when none moved. */
export function renderPullRequestComment(marker: string, subjects: readonly CommentSubject[], sensitive: readonly string[], invalid: readonly string[], readiness = ''): string {
  const parts: string[] = [marker, '### opsledger: change review', ''];
  if (invalid.length) parts.push(`⛔ These files do not validate, so nothing in them can be approved: ${invalid.map((f) => codeSpan(f)).join(', ')}`, '');
  if (sensitive.length) parts.push(`⚠️ This pull request changes sensitive files (${sensitive.map((f) => codeSpan(f)).join(', ')}); the base branch's rules apply, and at least high-risk approvals.`, '');
  for (const s of subjects) {
    if (s.report) parts.push(renderRiskMarkdown(s.report).trimEnd(), '');
    else parts.push(`**${escapeMarkdown(s.subject)}**`, '');
    parts.push(...approvalsMarkdown(s), '', '---', '');
  }
  if (readiness) parts.push(readiness.trimEnd(), '');
  parts.push('<sub>Approvals are GitHub reviews on the head commit by members of the base branch\'s teams; nothing written in the YAML counts.</sub>');
  const body = parts.join('\n') + '\n';
  return body.length > MAX_COMMENT ? body.slice(0, MAX_COMMENT) + '\n\n… (cut: the full report is in the job summary)\n' : body;
}
