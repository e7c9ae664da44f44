/**
 * YAML 1.2 (§5.4) counts CR, LF and CR LF as line breaks; the `yaml` package and its
 * LineCounter only know LF and CR LF, so a file saved with classic Mac line endings read as
 * one long line with every diagnostic at 1:1. Turning each lone CR into LF keeps every offset
 * where it was (one character for one), so positions need no mapping, and it is what the spec
 * says the break means. CR LF is left alone: both paths read it already.
 */
const LONE_CR = /\r(?!\n)/g;

export function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(LONE_CR, '\n') : text;
}

/**
 * A source's lines as the parser numbers them (CR, LF and CR LF each end one line), without
 * their breaks: what a code frame shows for line N is the line every diagnostic calls N.
 */
export function sourceLines(text: string): string[] {
  return normalizeLineBreaks(text)
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
