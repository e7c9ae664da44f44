import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit/reconcile.js';
import { renderAuditMarkdown } from '../../src/report/audit.js';

/** The audit's markdown table keeps one cell per column whatever a reason quotes. */
describe('audit markdown', () => {
  it.each([
    ['a pipe', 'services/a|b.yaml changed', 'services/a|b.yaml changed'],
    ['a backslash before a pipe', 'title \\| still one cell', 'title \\| still one cell'],
    ['a line break', 'first line\nsecond | line', 'first line second | line'],
    ['HTML and a mention', '<img src=x onerror=alert(1)> @org/cab', '&lt;img src=x onerror=alert(1)&gt; @\u200dorg/cab'],
  ])('an exception reason with %s stays in its cell, as written', (_name, detail, shown) => {
    const report: AuditReport = {
      period: { since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' },
      offline: false,
      changes: [],
      exceptions: [{ code: 'audit.unauthorised-change', commit: 'a'.repeat(40), pullRequest: 7, change: null, detail, reason: { key: 'x', args: {} } as never }],
      summary: { commits: 1, units: 1, changes: 0, exceptions: 1, unverified: 0 },
    };
    const html = micromark(renderAuditMarkdown(report), { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
    const row = html.match(/<tbody>\s*<tr>([\s\S]*?)<\/tr>/)![1]!;
    expect(row.match(/<td>/g)).toHaveLength(5);
    expect(row).toContain(`<td>${shown}</td>`);
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<a /);
  });
});
