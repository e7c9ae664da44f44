import type { AgendaApproval, AgendaItem, AgendaReport } from '../core/cab-agenda/build.js';
import type { Occurrence } from '../core/calendar/expand.js';
import { english, phrase } from '../core/phrase.js';
import { codeSpan, escapeMarkdown } from './markdown-safe.js';

/**
 * The CAB agenda as text for the terminal and as markdown to post as a GitHub issue or
 * discussion body. Both render the one AgendaReport; every word from YAML (titles, names,
 * reasons, conflict messages quoting them) goes through escapeMarkdown in the markdown form.
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const CLASS_MARK: Record<string, string> = { low: '🟢', medium: '🟡', high: '🟠', critical: '🔴' };

function weekday(date: string): string {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

function heading(r: AgendaReport): string {
  return english(phrase('agenda.title', { from: r.period.localFrom, to: r.period.localTo, zone: r.zone }));
}

function approvalsLine(item: AgendaItem, text: (s: string) => string): string | undefined {
  if (item.approvalsNote) return text(item.approvalsNote);
  const parts = item.missingApprovals.map((a: AgendaApproval) => text(a.text));
  if (item.emergencyAlternative) parts.push(text(item.emergencyAlternative.text));
  return parts.length ? parts.join('; ') : undefined;
}

function facts(item: AgendaItem): string {
  const what = [...item.services, ...item.configurationItems.map((c) => `ci:${c}`)];
  const type = item.effectiveType === item.type ? item.type : `${item.type}, treated as ${item.effectiveType}`;
  return `${type} · ${item.environment}${what.length ? ` · ${what.join(', ')}` : ''} · ${item.phase} · requested by ${item.requester}`;
}

function windowText(o: Occurrence): string {
  const allow = o.kind === 'freeze' ? `  [allows ${o.allow.length ? o.allow.join(', ') : 'nothing'}]` : '';
  return `  ${o.kind.padEnd(11)} ${o.name}  ${o.localStart} – ${o.localEnd}${allow}${o.reason ? `\n${' '.repeat(14)}${o.reason}` : ''}\n`;
}

export function renderAgendaText(r: AgendaReport): string {
  let out = `${heading(r)}\n\n${english(phrase('agenda.changes'))}\n`;
  if (!r.classes.length) out += `  ${english(phrase('agenda.noChanges', { groups: r.groups }))}\n`;
  for (const c of r.classes) {
    out += `\n  ${c.class.toUpperCase()}\n`;
    for (const d of c.days) {
      out += `    ${d.date} ${weekday(d.date)}\n`;
      for (const item of d.changes) {
        out += `      ${item.id}${item.title ? `  ${item.title}` : ''}\n`;
        out += `        ${item.verdict.text}\n`;
        out += `        ${item.schedule.localStart} – ${item.schedule.localEnd}\n`;
        out += `        ${facts(item)}\n`;
        const approvals = approvalsLine(item, (s) => s);
        if (approvals) out += `        approvals still needed: ${approvals}\n`;
        for (const k of item.conflicts) out += `        ${k.severity === 'error' ? 'conflict' : 'warning'} ${k.code}: ${k.message}\n`;
        for (const q of item.questions) out += `        question ${q.id}: ${q.text}\n`;
      }
    }
  }
  out += `\n${english(phrase('agenda.windows'))}\n`;
  out += r.windows.length ? r.windows.map(windowText).join('') : `  ${english(phrase('agenda.noWindows'))}\n`;
  out += `\n${english(phrase('agenda.emergencies'))}\n`;
  if (!r.emergencies.length) out += `  ${english(phrase('agenda.noEmergencies'))}\n`;
  for (const e of r.emergencies) out += `  ${e.id}${e.title ? `  ${e.title}` : ''}\n    implemented ${e.implementedAt} · ${e.environment}${e.services.length ? ` · ${e.services.join(', ')}` : ''} · ${e.text}\n`;
  return out;
}

const md = escapeMarkdown;

function itemMarkdown(item: AgendaItem): string[] {
  const lines = [`- **${md(item.id)}**${item.title ? ` ${md(item.title)}` : ''}: ${md(item.verdict.text)}`];
  lines.push(`  - Schedule: ${md(item.schedule.localStart)} – ${md(item.schedule.localEnd)} (UTC ${md(item.schedule.start)} – ${md(item.schedule.end)})`);
  lines.push(`  - ${md(facts(item))}`);
  const approvals = approvalsLine(item, md);
  if (approvals) lines.push(`  - Approvals still needed: ${approvals}`);
  for (const k of item.conflicts) lines.push(`  - ${k.severity === 'error' ? '⛔' : '⚠️'} ${codeSpan(k.code)} ${md(k.message)}`);
  for (const q of item.questions) lines.push(`  - [ ] ${codeSpan(q.id)} ${md(q.text)}`);
  return lines;
}

export function renderAgendaMarkdown(r: AgendaReport): string {
  const lines = [`## ${md(heading(r))}`, '', `### ${md(english(phrase('agenda.changes')))}`, ''];
  if (!r.classes.length) lines.push(md(english(phrase('agenda.noChanges', { groups: r.groups }))), '');
  for (const c of r.classes) {
    lines.push(`#### ${CLASS_MARK[c.class] ?? ''} ${c.class.toUpperCase()}`, '');
    for (const d of c.days) {
      lines.push(`##### ${d.date} ${weekday(d.date)}`, '');
      for (const item of d.changes) lines.push(...itemMarkdown(item));
      lines.push('');
    }
  }
  lines.push(`### ${md(english(phrase('agenda.windows')))}`, '');
  if (!r.windows.length) lines.push(md(english(phrase('agenda.noWindows'))), '');
  else {
    lines.push(`| Kind | Window | Start | End | Allows | Reason |`, '| --- | --- | --- | --- | --- | --- |');
    for (const o of r.windows) lines.push(`| ${o.kind} | ${md(o.name)} | ${md(o.localStart)} | ${md(o.localEnd)} | ${o.kind === 'freeze' ? md(o.allow.join(', ') || 'nothing') : ''} | ${md(o.reason ?? '')} |`);
    lines.push('');
  }
  lines.push(`### ${md(english(phrase('agenda.emergencies')))}`, '');
  if (!r.emergencies.length) lines.push(md(english(phrase('agenda.noEmergencies'))));
  for (const e of r.emergencies) lines.push(`- [ ] **${md(e.id)}**${e.title ? ` ${md(e.title)}` : ''}: ${md(e.text)} (implemented ${md(e.implementedAt)}, ${md(e.environment)}${e.services.length ? `, ${md(e.services.join(', '))}` : ''})`);
  return lines.join('\n') + '\n';
}
