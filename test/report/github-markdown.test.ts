import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { gateComment } from '../../src/cli/commands/gate.js';
import type { GateDecision } from '../../src/core/gate.js';
import { codeSpan, escapeMarkdown } from '../../src/report/markdown-safe.js';
import { renderPullRequestComment } from '../../src/report/pull-request.js';
import { cli, makeOrg } from '../helpers/org.js';

/**
 * Everything user-written that reaches GitHub markdown goes through one escaper, and GitHub
 * renders none of it live. Each hostile text is rendered with a CommonMark + GFM renderer (raw
 * HTML let through, as GitHub lets some through) and the HTML is searched for what would be
 * live on GitHub: a link, an image, a tag, a mention, an issue reference, a broken code span.
 */
const render = (md: string) => micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

const HOSTILE = [
  '@acme/everyone please look',
  'ping @alice, @bob-2 and (@carol)',
  '<img src=x onerror=alert(1)> <script>alert(1)</script> <b>bold</b> <details open>',
  '[click](https://evil.example) ![pixel](https://evil.example/p.png) <https://evil.example>',
  'visit https://evil.example, www.evil.example or write to a@evil.example',
  'closes #1, fixes GH-2 and acme/repo#3',
  'a | table | break\nnew line\r\n# heading\u202e',
  '**bold** _em_ ~~strike~~ `code` ``double``',
  'trailing backslash \\',
];

const FILES = ['changes/`@team`.yaml', 'teams/a`b.yaml', 'x | @y.yaml', 'services/<img src=x>.yaml', 'teams/``.yaml', 'changes/#1.yaml'];

/** Text outside code elements, where GitHub would link mentions and references. */
function prose(html: string): string {
  return html.replace(/<code[^>]*>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]+>/g, ' ');
}

function expectNothingLive(html: string, ownTags: readonly string[] = []): void {
  expect(html).not.toMatch(/<a\s/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/<script/i);
  const tags = [...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1]!.toLowerCase());
  const allowed = new Set(['p', 'code', 'ul', 'ol', 'li', 'strong', 'em', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'blockquote', 'hr', 'h3', 'pre', 'input', 'br', 'del', ...ownTags]);
  expect(tags.filter((t) => !allowed.has(t))).toEqual([]);
  const text = prose(html);
  expect(text).not.toMatch(/(^|[^\w\u200d])@[A-Za-z0-9]/);
  expect(text).not.toMatch(/(^|[^\w\u200d])#\d/);
  expect(text).not.toMatch(/GH-\d/i);
}

describe('escapeMarkdown', () => {
  it.each(HOSTILE)('%j renders as text, nothing live', (text) => {
    const html = render(`- ${escapeMarkdown(text)}`);
    expectNothingLive(html);
    // What a reader sees is still the text (less control and bidi characters).
    const seen = prose(html).replace(/\u200d/g, '').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');
    for (const word of text.split(/[\s\u202e]+/).filter((w) => w.length > 3)) expect(seen).toContain(word.replace(/\r?\n/g, ''));
  });
});

describe('codeSpan', () => {
  it.each(FILES)('%j stays one code element holding the whole name', (name) => {
    const html = render(`see ${codeSpan(name)} now`);
    expectNothingLive(html);
    const codes = [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(codes).toEqual([name]);
  });

  it.each(FILES)('%j in a table cell keeps the table whole', (name) => {
    const html = render(`| file | x |\n| --- | --- |\n| ${codeSpan(name, { inTable: true })} | y |\n`);
    expect([...html.matchAll(/<td>/g)]).toHaveLength(2);
  });
});

describe('every GitHub markdown opsledger writes', () => {
  const decision: GateDecision = { allowed: false, change: 'CR-2026-0100', at: '2026-12-02T00:00:00Z', checks: HOSTILE.map((detail, i) => ({ code: `check-${i}`, ok: false, detail })) };

  it('the deployment protection answer', () => {
    expectNothingLive(render(gateComment(decision)));
  });

  it('the pull-request comment: hostile file names, notes, rejected reviewers', () => {
    const subject = {
      subject: '@acme/everyone <b>x</b>',
      plan: { class: 'high' as const, alternatives: [], notes: HOSTILE },
      alternative: 'class',
      decision: { met: false, requirements: [{ group: 'owner:@x', count: 1, approvers: [], met: false }], approvers: [], rejected: HOSTILE.map((detail) => ({ login: 'eve', reason: 'not-in-group' as const, detail })) },
    };
    expectNothingLive(render(renderPullRequestComment('<!-- opsledger -->', [subject], FILES, FILES)), ['sub', 'h4']);
  });

  it.each(HOSTILE.filter((t) => !t.includes('\n')).slice(0, 6))('the risk report of a change titled %j', async (title) => {
    const root = makeOrg({
      'changes/CR-2026-0100.yaml': `apiVersion: opsledger/v1\nkind: ChangeRequest\nmetadata: {name: CR-2026-0100, title: ${JSON.stringify(title)}}\nspec:\n  type: normal\n  requester: mina-park\n  services: [cart]\n  environment: production\n  schedule: {start: "2026-12-02T01:00:00+09:00", end: "2026-12-02T02:00:00+09:00"}\n  description: ${JSON.stringify(title)}\n`,
    });
    const r = await cli(['risk', 'CR-2026-0100', '--root', root, '--format', 'markdown', '--at', '2026-11-20T00:00:00Z'], root);
    expect(r.code).toBe(0);
    expectNothingLive(render(r.stdout), ['details', 'summary']);
  });
});
