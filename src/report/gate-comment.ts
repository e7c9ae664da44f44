import type { GateDecision } from '../core/gate.js';
import { escapeMarkdown } from './markdown-safe.js';

/** GitHub keeps at most this many characters of a deployment protection rule's comment. */
export const PROTECTION_COMMENT_LIMIT = 1024;

function decisionLines(d: GateDecision): string[] {
  const failing = d.checks.filter((c) => !c.ok);
  const head = d.allowed ? `opsledger: ${d.change} may deploy (${d.checks.length} checks passed)` : `opsledger: ${d.change} may not deploy`;
  return [escapeMarkdown(head), ...failing.map((c) => `- ${escapeMarkdown(c.code)}: ${escapeMarkdown(c.detail)}`)];
}

/**
 * The answer to a waiting deployment, for the people looking at it: each change's verdict and
 * its failing checks. Cut to GitHub's limit at a line, saying how many lines were left out, so
 * the first reasons always arrive whole.
 */
export function gateComment(decisions: GateDecision | readonly GateDecision[], preface: readonly string[] = []): string {
  const lines = [...preface.map(escapeMarkdown), ...(Array.isArray(decisions) ? decisions : [decisions as GateDecision]).flatMap(decisionLines)];
  return fitComment(lines);
}

export function fitComment(lines: readonly string[]): string {
  const whole = lines.join('\n');
  if (whole.length <= PROTECTION_COMMENT_LIMIT) return whole;
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const more = `\n… ${lines.length - i} more line${lines.length - i === 1 ? '' : 's'}`;
    const piece = (kept.length ? 1 : 0) + line.length;
    if (used + piece + more.length > PROTECTION_COMMENT_LIMIT) {
      if (!kept.length) return `${line.slice(0, PROTECTION_COMMENT_LIMIT - 1)}…`;
      return kept.join('\n') + more;
    }
    kept.push(line);
    used += piece;
  }
  return kept.join('\n');
}
