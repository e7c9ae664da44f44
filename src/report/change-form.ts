import type { ChangeForm, FormTime } from '../core/change-form/types.js';
import { valueMessage } from '../catalog/messages.js';
import { codeSpan, escapeMarkdown } from './markdown-safe.js';

/**
 * The change form (src/core/change-form) as GitHub markdown, for the pull request's comment and
 * the job summary. The catalog's change page renders the same form as HTML; both show the same
 * fields, in the same order, with the same values (test/report/change-form.test.ts).
 *
 * A form is a verdict line, the header and approvals tables, then one block per section; each
 * block is whole markdown (a `<details>` opened and closed, a table with its rows) so the
 * comment can drop a block without ever cutting one.
 */
export const CLASS_MARK: Record<string, string> = { low: '🟢', medium: '🟡', high: '🟠', critical: '🔴' };
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A block a renderer may fold: its title stays, its body moves elsewhere. */
export interface FormBlock {
  /** Stable key: which section this is (a test and the folding order use it). */
  key: FormSectionKey;
  title: string;
  markdown: string;
}

/** The sections in the order both renderers show them. */
export const FORM_SECTIONS = ['risk', 'implementation', 'verification', 'rollback', 'delivery', 'premortem', 'communication', 'blast-radius', 'conflicts', 'history', 'readiness'] as const;
export type FormSectionKey = (typeof FORM_SECTIONS)[number];

/** Folded first when a comment is too long: what a reviewer needs least to decide. */
export const FOLD_ORDER: readonly FormSectionKey[] = ['history', 'blast-radius', 'readiness', 'communication', 'premortem', 'delivery', 'verification', 'implementation', 'risk', 'rollback', 'conflicts'];

export function timeText(t: FormTime, utc = false): string {
  return utc ? `${WEEKDAYS[t.utcWeekday]} ${t.utc}` : `${WEEKDAYS[t.weekday]} ${t.local}`;
}

/** "Sat 2026-12-05 22:00 – Sun 01:00": the end's date only when it differs. */
export function spanText(a: FormTime, b: FormTime, utc = false): string {
  const [da, db] = utc ? [a.utc, b.utc] : [a.local, b.local];
  const end = da.slice(0, 10) === db.slice(0, 10) ? db.slice(11) : timeText(b, utc);
  return `${timeText(a, utc)} – ${end}`;
}

export function verdictLine(f: ChangeForm): string {
  const title = f.title ? ` ${escapeMarkdown(f.title)}` : '';
  const approvals = f.approvals?.met === undefined ? '' : f.approvals.met ? ' · ✅ approved' : ` · ⏳ ${f.approvals.rows.reduce((n, r) => n + r.stillNeeded, 0)} approval${f.approvals.rows.reduce((n, r) => n + r.stillNeeded, 0) === 1 ? '' : 's'} missing`;
  if (!f.verdict) return `**${escapeMarkdown(f.id)}**${title}: not assessed${approvals}`;
  const v = f.verdict;
  const parts = [`impact ${v.impact} × likelihood ${v.likelihood}`, `${v.controlsMet}/${v.controlsRequired} controls met`];
  if (v.blocking) parts.push(`${v.blocking} blocking conflict${v.blocking > 1 ? 's' : ''}`);
  return `${CLASS_MARK[v.class] ?? ''} **${escapeMarkdown(f.id)}**${title}: **${v.class.toUpperCase()}** risk (${parts.join(' · ')})${approvals}`;
}

const cell = (s: string) => escapeMarkdown(s);
const login = (l: string) => `@${escapeMarkdown(l)}`;

/** The header rows, label and value, in order: the catalog's header lists the same labels. */
export function headerRows(f: ChangeForm): [string, string][] {
  const h = f.header;
  const rows: [string, string][] = [
    ['Schedule', `${spanText(h.start, h.end)} ${cell(h.zone)}`],
    ['Schedule (UTC)', `${spanText(h.start, h.end, true)} UTC`],
    ['Duration', h.duration],
    ['Environment', `${cell(h.environment)}${h.production && h.environment !== 'production' ? ' (production)' : ''}`],
    ['Requester', login(h.requester)],
    ['Implementer', h.implementer ? login(h.implementer) : 'not named'],
    ['Type', `${h.type}${h.effectiveType !== h.type ? ` (treated as ${h.effectiveType})` : ''}${h.template ? ` · template ${codeSpan(h.template, { inTable: true })}` : ''}`],
    ['Expected outage', h.outage ? `${h.outage.duration === '0m' ? 'none' : h.outage.duration}${h.outage.description ? `: ${cell(h.outage.description)}` : ''}` : 'not stated'],
    ['Services', h.services.length ? h.services.map((s) => codeSpan(s, { inTable: true })).join(', ') : 'none'],
    ['CIs', h.cis.length ? h.cis.map((s) => codeSpan(s, { inTable: true })).join(', ') : 'none'],
  ];
  if (h.phase) rows.push(['Phase', h.phase]);
  return rows;
}

function approvalsMarkdown(f: ChangeForm): string[] {
  const a = f.approvals;
  if (!a) return [];
  const state = a.met === undefined ? 'decided on the pull request' : a.met ? '✅ complete' : '⏳ missing';
  const lines = [`**Approvals** (${a.class} risk${a.alternative === 'emergency' ? ', emergency path' : a.alternative === 'pre-approved' ? ', pre-approved' : ''}): ${state}`, ''];
  for (const n of a.notes) lines.push(`> ${escapeMarkdown(n)}`, '');
  if (!a.rows.length) lines.push('No approving reviews required.', '');
  else {
    lines.push('| Group | Required | Approved by | Still needed |', '| --- | ---: | --- | --- |');
    for (const r of a.rows) {
      const by = r.approvedBy.length ? r.approvedBy.map((x) => (x.href ? `[${login(x.login)}](${x.href})` : login(x.login))).join(', ') : '—';
      const need = r.stillNeeded ? `${r.stillNeeded}${r.candidates.length ? ` from ${r.candidates.map(login).join(', ')}` : ' (nobody eligible)'}` : '✅';
      lines.push(`| ${codeSpan(r.group, { inTable: true })}${r.teams.length ? ` (${r.teams.map(cell).join(', ')})` : ''} | ${r.required} | ${by} | ${need} |`);
    }
    lines.push('');
  }
  for (const r of a.rejected) lines.push(`- ~~${escapeMarkdown(r.login)}~~ does not count: ${escapeMarkdown(r.detail)}`);
  if (a.rejected.length) lines.push('');
  return lines;
}

function details(title: string, body: string[], open = false): string {
  return [`<details${open ? ' open' : ''}><summary>${title}</summary>`, '', ...body, '', '</details>'].join('\n');
}

function mermaidLabel(text: string): string {
  // Inside a quoted mermaid label only the quote and markup characters need entity escapes.
  return text.replace(/[^\w .:/-]/g, (c) => `#${c.codePointAt(0)};`);
}

/** Every section of the form as a block, in FORM_SECTIONS order; a section with nothing to show says so. */
export function formBlocks(f: ChangeForm): FormBlock[] {
  const s = f.sections;
  const blocks: FormBlock[] = [];
  const add = (key: FormSectionKey, title: string, body: string[], open = false) => blocks.push({ key, title, markdown: details(title, body, open) });

  if (f.risk) {
    const body = ['| Factor | Points | Reason |', '| --- | ---: | --- |'];
    for (const x of f.risk.factors) body.push(`| ${codeSpan(x.code, { inTable: true })} | ${x.points} | ${cell(x.text)} |`);
    body.push('', '| Control | Required | Met | Detail |', '| --- | --- | --- | --- |');
    for (const c of f.risk.controls) body.push(`| ${codeSpan(c.code, { inTable: true })} | ${c.required ? 'yes' : 'no'} | ${c.met ? '✅' : '❌'} | ${cell(c.text)} |`);
    const i = f.risk.impact;
    body.push('', `Impact ${i.level}: ${cell(i.scope)} exposure, tier ${i.severity}${i.decidedBy ? ` (${cell(i.decidedBy)})` : ''}.`);
    add('risk', `Risk: ${f.risk.factors.length} factors, ${f.risk.controls.filter((c) => c.required && !c.met).length} required controls unmet`, body);
  }
  add('implementation', `Implementation (${s.implementation.length} step${s.implementation.length === 1 ? '' : 's'})`, s.implementation.length ? s.implementation.map((x, i) => `${i + 1}. ${escapeMarkdown(x)}`) : ['Not written.']);
  add('verification', `Verification and test plan (${s.verification.length})`, s.verification.length ? s.verification.map((v) => `- ${escapeMarkdown(v.description)}${v.at ? ` (${escapeMarkdown(v.at)})` : ''}${v.evidence ? `: evidence ${codeSpan(v.evidence)}` : ''}`) : ['Not written.']);
  {
    const r = s.rollback;
    const body: string[] = [];
    if (!r || !r.steps.length) body.push('⛔ No rollback steps.');
    if (r) {
      if (r.steps.length) body.push(...r.steps.map((x, i) => `${i + 1}. ${escapeMarkdown(x)}`), '');
      if (r.triggers.length) body.push(`Triggers: ${r.triggers.map(escapeMarkdown).join('; ')}`, '');
      if (r.expectedDuration) body.push(`Expected duration: ${escapeMarkdown(r.expectedDuration)}`, '');
      body.push(
        r.rehearsal
          ? `Rehearsed ${escapeMarkdown(r.rehearsal.at)}${r.rehearsal.evidence ? `, evidence ${codeSpan(r.rehearsal.evidence)}` : ''}: ${r.rehearsal.accepted ? '✅ accepted' : `❌ not accepted (${escapeMarkdown(r.rehearsal.problem?.text ?? '')})`}`
          : 'Rehearsal: ❌ never rehearsed',
      );
    }
    // A summary is raw HTML to GitHub, where a markdown escape would show: titles carry no YAML text.
    const rehearsed = r?.rehearsal ? (r.rehearsal.accepted ? 'rehearsed' : 'rehearsal not accepted') : 'not rehearsed';
    add('rollback', `Rollback and backout (${r?.steps.length ?? 0} step${r?.steps.length === 1 ? '' : 's'}, ${rehearsed})`, body);
  }
  {
    const d = s.delivery;
    const body = !d
      ? ['All at once: no delivery strategy.']
      : [
          `${valueMessage('en', 'strategy', d.strategy)}${d.autoRollback ? ', automatic rollback' : ''}`,
          ...(d.stages.length ? ['', '| Traffic | Duration | Metrics |', '| ---: | --- | --- |', ...d.stages.map((st) => `| ${st.traffic}% | ${st.duration ? cell(st.duration) : ''} | ${st.metrics.map((m) => codeSpan(m, { inTable: true })).join(' ')} |`)] : []),
        ];
    add('delivery', `Progressive delivery (${d ? `${d.strategy}, ${d.stages.length} stage${d.stages.length === 1 ? '' : 's'}` : 'none'})`, body);
  }
  add('premortem', `Pre-mortem (${s.premortem.length})`, s.premortem.length ? ['| Risk | Mitigation |', '| --- | --- |', ...s.premortem.map((p) => `| ${cell(p.risk)} | ${cell(p.mitigation)} |`)] : ['None written.']);
  add(
    'communication',
    `Communication (${s.communication.length})`,
    s.communication.length ? ['| When | Audience | Channel | Message |', '| --- | --- | --- | --- |', ...s.communication.map((c) => `| ${cell(c.when ?? '')} | ${cell(c.audience ?? '')} | ${c.channel ? codeSpan(c.channel, { inTable: true }) : ''} | ${cell(c.message ?? '')} |`)] : ['None planned.'],
  );
  if (f.blastRadius) {
    const b = f.blastRadius;
    const body = ['```mermaid', 'graph LR'];
    const ids = new Map<string, string>();
    const id = (ref: string) => {
      let x = ids.get(ref);
      if (!x) ids.set(ref, (x = `n${ids.size}`));
      return x;
    };
    for (const n of b.nodes) body.push(`  ${id(n.ref)}${n.direct ? '[["' : '["'}${mermaidLabel(`${n.ref}${n.tier ? ` · tier ${n.tier}` : ''}`)}${n.direct ? '"]]' : '"]'}`);
    for (const [from, to] of b.edges) body.push(`  ${id(from)} --> ${id(to)}`);
    body.push('```', '', '| Affected | Tier | Exposure | Path |', '| --- | --- | --- | --- |');
    for (const r of b.rows) body.push(`| ${codeSpan(r.ref, { inTable: true })}${r.direct ? ' (named)' : ''} | ${r.tier ?? ''} | ${cell(r.exposure ?? '')} | ${r.path.map(cell).join(' → ')} |`);
    if (b.total > b.rows.length) body.push('', `The top ${b.rows.length} of ${b.total}.`);
    add('blast-radius', `Blast radius: ${b.total} service${b.total === 1 ? '' : 's'} and items`, body);
  }
  {
    const blocking = f.conflicts.some((c) => c.severity === 'error');
    const body = f.conflicts.length
      ? f.conflicts.map((c) => `- ${c.severity === 'error' ? '⛔' : '⚠️'} ${codeSpan(c.code)} ${escapeMarkdown(c.text)}${c.service ? ` (through ${codeSpan(c.service)})` : ''}`)
      : ['None.'];
    add('conflicts', `Conflicts (${f.conflicts.length}${blocking ? ', blocking' : ''})`, body, blocking);
  }
  {
    const h = f.history;
    const body: string[] = [`From ${h.from} to ${h.to}, on the services and CIs this change affects.`, ''];
    if (h.changes.length) {
      body.push('| Change | Start | Shared | Outcome | Incidents |', '| --- | --- | --- | --- | --- |');
      for (const c of h.changes) body.push(`| ${codeSpan(c.id, { inTable: true })}${c.title ? ` ${cell(c.title)}` : ''} | ${timeText(c.start)} | ${c.shared.map(cell).join(', ')} | ${c.result ?? c.phase} | ${c.incidents.map(cell).join(', ')} |`);
    } else body.push('No changes.');
    body.push('');
    if (h.incidents.length) {
      body.push('| Incident | Severity | Started | Shared | Caused by |', '| --- | --- | --- | --- | --- |');
      for (const i of h.incidents) body.push(`| ${codeSpan(i.id, { inTable: true })} ${cell(i.title)} | ${i.severity} | ${timeText(i.started)} | ${i.shared.map(cell).join(', ')} | ${i.causedBy === 'none' ? 'no change' : i.causedBy.length ? i.causedBy.map(cell).join(', ') : 'unknown'} |`);
    } else body.push('No incidents.');
    const failed = h.changes.filter((c) => c.result && c.result !== 'successful').length;
    add('history', `History, last ${h.days} days: ${h.changes.length} change${h.changes.length === 1 ? '' : 's'} (${failed} not successful), ${h.incidents.length} incident${h.incidents.length === 1 ? '' : 's'}`, body);
  }
  add(
    'readiness',
    `Readiness (${f.readiness.length})`,
    f.readiness.length ? ['| Service | From | To |', '| --- | --- | --- |', ...f.readiness.map((r) => `| ${cell(r.service)} | ${r.from ?? '—'} | ${r.to ?? '—'} |`)] : ['No readiness level of the affected services moves.'],
  );
  return blocks;
}

export interface RenderedForm {
  verdict: string;
  /** Everything before the sections: heading, header table, approvals. */
  head: string;
  blocks: FormBlock[];
  /** The catalog link line, when configured. */
  foot: string;
}

export function renderChangeForm(f: ChangeForm): RenderedForm {
  const head = [`#### ${escapeMarkdown(f.id)}${f.title ? `: ${escapeMarkdown(f.title)}` : ''}`, '', '| | |', '| --- | --- |', ...headerRows(f).map(([k, v]) => `| **${k}** | ${v} |`), '', ...approvalsMarkdown(f)];
  return { verdict: verdictLine(f), head: head.join('\n').trimEnd(), blocks: formBlocks(f), foot: f.catalogHref ? `📄 [${escapeMarkdown(f.id)} in the catalog](${f.catalogHref})` : '' };
}

/** The whole form as one piece of markdown, nothing folded (the job summary's copy). */
export function changeFormMarkdown(f: ChangeForm): string {
  const r = renderChangeForm(f);
  return [r.verdict, '', r.head, '', ...r.blocks.flatMap((b) => [b.markdown, '']), ...(r.foot ? [r.foot, ''] : [])].join('\n');
}
