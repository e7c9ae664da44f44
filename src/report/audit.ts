import type { AuditChange, AuditReport } from '../core/audit/reconcile.js';
import { codeSpan, escapeMarkdown } from './markdown-safe.js';
import { inline } from './text.js';

/**
 * The audit report as text, markdown and CSV. Everything in it that a user wrote (paths in an
 * exception, a template's name) is made inert for its sink; nothing depends on the clock or the
 * locale of the machine, so the same facts print the same bytes.
 */
const short = (sha: string | null) => (sha ? sha.slice(0, 7) : '—');

function approvalsLine(c: AuditChange): string {
  if (c.unverified.includes('approvals')) return 'unverified (offline)';
  if (!c.approvals.length) return c.approved ? 'none required' : 'none';
  return c.approvals.map((a) => `${a.login} (review ${a.reviewId} on ${short(a.commit)}${a.submittedAt ? ` at ${a.submittedAt}` : ''}; ${a.groups.join(', ')})`).join('; ');
}

function reviewLine(c: AuditChange): string | undefined {
  if (!c.review) return undefined;
  return `post-implementation review ${c.review.done ? 'done' : c.review.overdue ? `OVERDUE (due ${c.review.due})` : c.review.due ? `due ${c.review.due}` : 'due once implemented'}`;
}

export function renderAuditText(r: AuditReport): string {
  const out = [`audit ${r.period.since} – ${r.period.until}${r.offline ? ' (offline: from git alone)' : ''}`, ''];
  for (const c of r.changes) {
    out.push(`${c.change}: ${c.type ?? 'unscored'}${c.type !== c.declaredType ? ` (declared ${c.declaredType})` : ''}, ${c.class ?? 'unscored'} risk, ${c.pullRequest ? `#${c.pullRequest}` : 'no pull request'} → ${short(c.commit)}`);
    out.push(`  approvals: ${inline(approvalsLine(c))}`);
    out.push(`  gates: ${c.gates.length ? c.gates.map((g) => `${g.allowed ? 'allowed' : 'denied'} ${inline(g.environment ?? '—')} ${g.at} on ${short(g.sha)}`).join('; ') : c.unverified.includes('gates') ? 'unverified (offline)' : 'none'}`);
    out.push(`  outcome: ${c.outcome ?? 'not recorded'}`);
    const review = reviewLine(c);
    if (review) out.push(`  ${review}`);
    if (c.template) out.push(`  template ${inline(c.template.name ?? '—')}: ${c.template.inside ? 'inside' : `outside (${inline(c.template.reason ?? '')})`}`);
  }
  if (r.changes.length) out.push('');
  for (const e of r.exceptions) out.push(`✗ ${e.code}: ${short(e.commit)}${e.pullRequest ? ` #${e.pullRequest}` : ''}${e.change ? ` ${e.change}` : ''}: ${inline(e.detail)}`);
  out.push(`${r.summary.changes} changes, ${r.summary.commits} commits in ${r.summary.units} units, ${r.summary.exceptions} exceptions${r.summary.unverified ? `, ${r.summary.unverified} changes partly unverified` : ''}`);
  return out.join('\n') + '\n';
}

export function renderAuditMarkdown(r: AuditReport): string {
  // escapeMarkdown already escapes `|` and flattens line breaks: a second escape would end the cell.
  const cell = escapeMarkdown;
  const out = [`## opsledger audit ${r.period.since} – ${r.period.until}${r.offline ? ' (offline)' : ''}`, ''];
  out.push(`${r.summary.changes} changes, ${r.summary.commits} commits, **${r.summary.exceptions} exceptions**`, '');
  if (r.exceptions.length) {
    out.push('### Exceptions', '', '| code | commit | pull request | change | reason |', '|---|---|---|---|---|');
    for (const e of r.exceptions) out.push(`| ${codeSpan(e.code, { inTable: true })} | ${codeSpan(short(e.commit), { inTable: true })} | ${e.pullRequest ? `#${e.pullRequest}` : '—'} | ${e.change ? codeSpan(e.change, { inTable: true }) : '—'} | ${cell(e.detail)} |`);
    out.push('');
  }
  if (r.changes.length) {
    out.push('### Changes', '', '| change | type | class | pull request | approvals | gates | outcome | review |', '|---|---|---|---|---|---|---|---|');
    for (const c of r.changes) {
      const gates = c.gates.map((g) => `${g.allowed ? '✅' : '❌'} ${g.environment ?? '—'} ${g.at}`).join(', ') || (c.unverified.includes('gates') ? 'unverified' : 'none');
      out.push(`| ${codeSpan(c.change, { inTable: true })} | ${c.type ?? '—'} | ${c.class ?? '—'} | ${c.pullRequest ? `#${c.pullRequest}` : '—'} | ${cell(approvalsLine(c))} | ${cell(gates)} | ${c.outcome ?? '—'} | ${cell(reviewLine(c) ?? '—')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

const CSV_HEAD = ['row', 'change', 'code', 'commit', 'pullRequest', 'type', 'declaredType', 'class', 'approved', 'approvals', 'gates', 'outcome', 'reviewDue', 'reviewDone', 'detail'];

/** One cell: quoted, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
function csvCell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderAuditCsv(r: AuditReport): string {
  const rows: (string | number | boolean | null)[][] = [CSV_HEAD];
  for (const c of r.changes) {
    rows.push(['change', c.change, null, c.commit, c.pullRequest, c.type, c.declaredType, c.class, c.approved, c.approvals.map((a) => `${a.login}:${a.reviewId}:${a.groups.join('+')}`).join(' '), c.gates.map((g) => `${g.allowed ? 'allowed' : 'denied'}:${g.environment ?? ''}:${g.at}:${g.sha}`).join(' '), c.outcome, c.review?.due ?? null, c.review ? c.review.done : null, c.template && !c.template.inside ? c.template.reason : null]);
  }
  for (const e of r.exceptions) rows.push(['exception', e.change, e.code, e.commit, e.pullRequest, null, null, null, null, null, null, null, null, null, e.detail]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
