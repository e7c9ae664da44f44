import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { markdownReporter, MAX_ROWS } from '../../src/report/markdown.js';
import { escapeMarkdown } from '../../src/report/markdown-safe.js';
import { diag, HOSTILE, input } from './helpers.js';

const render = (ds: Diagnostic[]): string => markdownReporter.render(input(ds), { color: true });

/** Cell separators: pipes not escaped with a backslash. */
const separators = (row: string): number => row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;

describe('escapeMarkdown', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a | b', 'a \\| b'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['&amp; &', '&amp;amp; &amp;'],
    // The bracket escapes stop a link; the joiner in `://` stops GFM's literal autolink of the URL itself.
    ['[click](https://evil.example)', '\\[click\\](https:\u200d//evil.example)'],
    ['![x](https://evil.example/p.png)', '!\\[x\\](https:\u200d//evil.example/p.png)'],
    ['@org/team', '@\u200dorg/team'],
    ['`code`', '\\`code\\`'],
    ['*bold* _it_ ~~del~~', '\\*bold\\* \\_it\\_ \\~\\~del\\~\\~'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines\r\nhere', 'two lines here'],
    ['tab\there', 'tab here'],
    ['\x1b[31mred', ' \\[31mred'],
    ['\u202eevil', 'evil'],
  ])('%j → %j', (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped);
  });
});

describe('markdown reporter', () => {
  it('puts the summary on top and a table below', () => {
    const out = render([diag({ hint: 'did you mean "owner"?' }), diag({ severity: 'warning', file: 'teams/sre.yaml', line: 2, code: 'ref.deprecated', message: 'x' })]);
    expect(out).toBe(
      [
        '**opsledger** ✖ 1 error, 1 warning in 12 files (30 documents)',
        '',
        '| Location | Severity | Code | Message |',
        '| --- | --- | --- | --- |',
        '| services/pay/service.yaml:6 | error | `schema.additional` | spec.ownr is not allowed (did you mean "owner"?) |',
        '| teams/sre.yaml:2 | warning | `ref.deprecated` | x |',
        '',
      ].join('\n'),
    );
  });

  it('prints only the summary when there is nothing to report', () => {
    expect(render([])).toBe('**opsledger** ✔ 12 files, 30 documents: no problems\n');
  });

  it.each(HOSTILE.map((h) => [h]))('keeps hostile %j inside its cell, as text', (h) => {
    const out = render([diag({ file: h, code: h, message: h, hint: h })]);
    const rows = out.trimEnd().split('\n');
    expect(rows).toHaveLength(5);
    expect(separators(rows[4]!)).toBe(5);
    expect(out).not.toMatch(/<(?!br>)[a-z/!]/i);
    expect(out).not.toMatch(/(?<!\\)\[[^\]]*(?<!\\)\]\(/);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  it(`caps the table at ${MAX_ROWS} rows and says how many more there are`, () => {
    const ds = Array.from({ length: MAX_ROWS + 37 }, (_, i) => diag({ line: i + 1, message: `finding ${i}` }));
    const rows = render(ds).trimEnd().split('\n');
    expect(rows.filter((r) => r.startsWith('| services/'))).toHaveLength(MAX_ROWS);
    expect(rows[rows.length - 1]).toBe('…and 37 more.');
  });

  it.each([
    [MAX_ROWS, false],
    [MAX_ROWS + 1, true],
  ])('with %i diagnostics says "and N more": %s', (n, more) => {
    const out = render(Array.from({ length: n }, (_, i) => diag({ line: i + 1, message: `finding ${i}` })));
    expect(out.includes('more.')).toBe(more);
  });
});
