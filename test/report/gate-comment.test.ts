import { describe, expect, it } from 'vitest';
import type { GateDecision } from '../../src/core/gate.js';
import { gateComment, PROTECTION_COMMENT_LIMIT } from '../../src/report/gate-comment.js';

/** The answer to a waiting deployment fits GitHub's 1,024 characters, cut at a line, first reasons first. */
function decision(checks: number, detail: string): GateDecision {
  return { allowed: false, change: 'CR-2026-0100', at: '2026-12-01T16:30:00.000Z', checks: Array.from({ length: checks }, (_, i) => ({ code: `check-${i}`, ok: false, detail })) };
}

describe('gateComment', () => {
  it.each([
    ['a short denial', [decision(2, 'missing 1 from cab')], false],
    ['many long reasons', [decision(40, 'x'.repeat(90))], true],
    ['several changes', [decision(10, 'y'.repeat(60)), decision(10, 'z'.repeat(60))], true],
    ['one line longer than the limit', [decision(1, 'w'.repeat(3000))], true],
  ] as const)('%s: at most %i characters', (_name, decisions, cut) => {
    const text = gateComment(decisions);
    expect(text.length).toBeLessThanOrEqual(PROTECTION_COMMENT_LIMIT);
    expect(text.startsWith('opsledger: CR-2026-0100 may not deploy')).toBe(true);
    expect(/… \d+ more lines?$|…$/.test(text)).toBe(cut);
  });
});
