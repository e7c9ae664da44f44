/**
 * Rules that recur faster than once a minute are refused: no change window is seconds long,
 * and such a rule is how an attacker turns one calendar line into millions of occurrences.
 * "Faster than once a minute" means two occurrences can come less than 60 seconds apart:
 * - FREQ=SECONDLY with an INTERVAL under 60, unless a single BYSECOND value keeps it to at most
 *   one occurrence a minute (FREQ=SECONDLY;INTERVAL=90 and FREQ=SECONDLY;BYSECOND=0 are fine);
 * - any BYSECOND list of two or more values, whatever FREQ: those seconds fall in the same
 *   minute. BYSETPOS could thin them out again, but a rule written that way says nothing a
 *   single BYSECOND does not, so it is refused rather than analysed.
 * BYMINUTE lists and FREQ=MINUTELY recur at most once a minute and are allowed; what they cost
 * is bounded by the expansion budget (recurrence.ts) instead. The rule is read the same whether
 * or not it has COUNT or UNTIL: a bounded burst of one-second windows is no more a change window
 * than an endless one.
 */
export function tooDense(rule: string): string | undefined {
  const parts = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/, '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const seconds = parts.get('BYSECOND')?.split(',').length ?? 0;
  if (seconds > 1) return `BYSECOND lists ${seconds} seconds of the same minute, so occurrences come seconds apart; windows recur at most once a minute`;
  const interval = Number(parts.get('INTERVAL') ?? '1');
  if (parts.get('FREQ') === 'SECONDLY' && interval < 60 && seconds !== 1) {
    return `FREQ=SECONDLY${interval > 1 ? `;INTERVAL=${interval}` : ''} recurs every ${interval} second${interval > 1 ? 's' : ''}; windows recur at most once a minute (use FREQ=MINUTELY or coarser)`;
  }
  return undefined;
}
