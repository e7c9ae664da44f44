import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitJobSummary, JOB_SUMMARY_LIMIT } from '../../src/report/job-summary.js';
import { appendJobSummary } from '../../src/cli/github/session.js';
import type { CommandContext } from '../../src/cli/context.js';

const row = (i: number) => `| CR-2026-${String(i).padStart(4, '0')} | 결제 서비스 변경 — ${'x'.repeat(60)} |\n`;
const big = (n: number) => Array.from({ length: n }, (_, i) => row(i)).join('');

describe('the job summary stays under GitHub 1 MiB limit', () => {
  it.each([
    ['a small summary is kept whole', 10, 0, false],
    ['a summary over the limit is cut at a line', 20_000, 0, true],
    ['what the step wrote before counts against the limit', 9_000, JOB_SUMMARY_LIMIT - 100_000, true],
  ])('%s', (_name, rows, before, cut) => {
    const markdown = big(rows);
    const fit = fitJobSummary(markdown, before);
    expect(fit.cut).toBe(cut);
    expect(Buffer.byteLength(fit.text) + before).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT);
    if (!cut) return expect(fit.text).toBe(markdown);
    // Whole lines only, in order, then the note.
    const [kept, note] = fit.text.split('\n\n> ');
    expect(markdown.startsWith(kept! + '\n')).toBe(true);
    expect(kept!.split('\n').every((l) => l.endsWith('|'))).toBe(true);
    expect(note).toMatch(/KiB/);
  });

  it('a summary file already full gets nothing more', () => {
    expect(fitJobSummary(big(5), JOB_SUMMARY_LIMIT)).toEqual({ text: '', cut: true });
  });

  it('appendJobSummary writes the fitted text after what is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsledger-summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'y'.repeat(JOB_SUMMARY_LIMIT - 50_000));
    const ctx = { env: { GITHUB_STEP_SUMMARY: file }, cwd: dir } as unknown as CommandContext;
    appendJobSummary(ctx, big(2_000));
    const size = Buffer.byteLength(readFileSync(file));
    expect(size).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT);
    expect(size).toBeGreaterThan(JOB_SUMMARY_LIMIT - 50_000);
  });
});
