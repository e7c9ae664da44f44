/**
 * The one escaper for everything user-written that reaches GitHub markdown: pull-request
 * comments, check-run summaries, job summaries, deployment-protection answers. A change title,
 * a reason quoting YAML, a file name are the requester's words; in GitHub they must stay words:
 * - no HTML: `&`, `<`, `>` become entities;
 * - no Markdown structure: punctuation that opens emphasis, links, images, code, strikethrough
 *   or table cells gets a backslash; line breaks and control characters become spaces, and
 *   bidirectional overrides are dropped;
 * - no mention, team mention or e-mail autolink: a zero-width joiner follows every `@`, which
 *   GitHub's mention and autolink rules then do not match;
 * - no URL autolink: a zero-width joiner after `www.`'s first `w` and inside `://` breaks
 *   GFM's literal autolinks (escapes alone do not: the autolink is found after them);
 * - no issue, pull-request or commit reference: a zero-width joiner after `#` and `GH-`.
 * A reader sees the same characters; GitHub renders nothing live.
 */
const ZWJ = '\u200d';
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function flatten(s: string): string {
  return s.replace(/\r\n|[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
}

function defuse(s: string): string {
  return s
    .replace(/@/g, `@${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(w)(ww\.)/gi, `$1${ZWJ}$2`)
    .replace(/#/g, `#${ZWJ}`)
    .replace(/\b(GH)-/gi, `$1${ZWJ}-`);
}

export function escapeMarkdown(s: string): string {
  return defuse(flatten(s))
    .replace(/[&<>]/g, (c) => ENTITY[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => '\\' + c);
}

/**
 * A code span that no content can end early: its fence is one backtick longer than the longest
 * run inside, with a space on each side when the text touches a backtick. Inside a code span
 * GitHub links nothing and renders no HTML; in a table cell a `|` would still end the cell, so
 * there it is escaped the one way GFM honours inside code.
 */
export function codeSpan(s: string, where: { inTable?: boolean } = {}): string {
  const text = where.inTable ? flatten(s).replace(/\|/g, '\\|') : flatten(s);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
