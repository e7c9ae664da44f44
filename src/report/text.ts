import type { Diagnostic, Severity } from '../core/diagnostics.js';
import { sourceLines } from '../core/parse/line-breaks.js';
import { locationText, repeatedNote, reportedDiagnostics, verdict } from './common.js';
import type { ReportInput, ReportOptions, Reporter } from './reporter.js';

/** Lines of context shown above and below the offending line. */
export const CONTEXT_LINES = 2;
/** Tab stops in the code frame; YAML forbids tabs in indentation, but values and comments may hold them. */
export const TAB_WIDTH = 4;
/** Longer source lines are shown as a window around the column, so a minified file stays readable. */
export const MAX_FRAME_LINE = 160;
const WINDOW_LEAD = 60;

type Paint = (s: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  green: Paint;
}

function palette(on: boolean): Palette {
  const sgr = (open: number, close: number): Paint => (on ? (s) => `\x1b[${open}m${s}\x1b[${close}m` : (s) => s);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), green: sgr(32, 39) };
}

function severityPaint(p: Palette, severity: Severity): Paint {
  const hue = severity === 'error' ? p.red : severity === 'warning' ? p.yellow : p.cyan;
  return (s) => p.bold(hue(s));
}

// Control characters would let a hostile file name, message or YAML value drive the terminal
// (escape sequences, carriage returns that overwrite the line); bidi overrides would let it
// reorder what the reader sees ("Trojan Source").
const UNSAFE_CLASS = '[\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]';
const UNSAFE = new RegExp(UNSAFE_CLASS, 'g');
const UNSAFE_CHAR = new RegExp(`^${UNSAFE_CLASS}$`);

/** Makes a one-line field (file, message, hint, code) safe and single-line, visibly. */
export function inline(s: string): string {
  return s.replace(UNSAFE, (c) => {
    if (c === '\t') return ' ';
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  });
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

const ZERO_WIDTH = /^[\p{M}\u200b-\u200d\ufe00-\ufe0f\ufeff]$/u;

interface LaidOut {
  text: string;
  /** cells[i] = terminal cell where UTF-16 code unit i starts; cells[length] = total width. */
  cells: number[];
}

/**
 * Columns are counted in UTF-16 code units (the YAML parser's unit), but terminals place
 * characters by cells: tabs expand, Hangul and CJK take two cells, combining marks none. The
 * caret is placed by this map, so it lands under the right character in Korean text too.
 */
function layout(line: string): LaidOut {
  let text = '';
  const cells: number[] = [];
  let at = 0;
  for (let i = 0; i < line.length; ) {
    const cp = line.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const ch = line.slice(i, i + units);
    for (let k = 0; k < units; k++) cells.push(at);
    if (ch === '\t') {
      const width = TAB_WIDTH - (at % TAB_WIDTH);
      text += ' '.repeat(width);
      at += width;
    } else if (UNSAFE_CHAR.test(ch)) {
      text += '\ufffd';
      at += 1;
    } else if (ZERO_WIDTH.test(ch)) {
      if (cp !== 0xfeff) text += ch;
    } else {
      text += ch;
      at += isWide(cp) ? 2 : 1;
    }
    i += units;
  }
  cells.push(at);
  return { text, cells };
}

function codeFrame(lines: readonly string[], d: Diagnostic, p: Palette, mark: Paint): string[] {
  if (!Number.isInteger(d.line) || d.line < 1 || d.line > lines.length) return [];
  const first = Math.max(1, d.line - CONTEXT_LINES);
  // A file ending in a newline has an empty last "line"; it is context only when it is the target.
  const shown = lines.length > d.line && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  const last = Math.min(shown, d.line + CONTEXT_LINES);
  const target = lines[d.line - 1]!;

  const startUnit = Math.min(Math.max(0, (Number.isInteger(d.column) ? d.column : 1) - 1), target.length);
  let endUnit: number;
  if (d.endLine === d.line && d.endColumn !== undefined && d.endColumn > d.column) endUnit = Math.min(d.endColumn - 1, target.length);
  else if (d.endLine !== undefined && d.endLine > d.line) endUnit = target.length;
  else endUnit = startUnit;

  let from = 0;
  let to = Infinity;
  const longest = Math.max(...lines.slice(first - 1, last).map((l) => l.length));
  if (longest > MAX_FRAME_LINE) {
    from = Math.max(0, startUnit - WINDOW_LEAD);
    // Never start inside a surrogate pair, or the window would open on half a character.
    if (from > 0 && /[\udc00-\udfff]/.test(target[from] ?? '')) from++;
    to = from + MAX_FRAME_LINE;
  }
  const cut = (line: string): { text: string; cells: number[]; lead: number } => {
    const lead = from > 0 && line.length > from ? 1 : 0;
    const out = layout(line.slice(from, to));
    const text = (lead ? '…' : '') + out.text + (line.length > to ? '…' : '');
    return { text, cells: out.cells.map((c) => c + lead), lead };
  };

  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const { text } = cut(lines[n - 1]!);
    const gutter = String(n).padStart(width);
    const body = text === '' ? '' : ' ' + text;
    if (n === d.line) out.push(`  ${mark('>')} ${p.dim(gutter + ' |')}${body}`);
    else out.push(`    ${p.dim(gutter + ' |')}${body}`);
    if (n === d.line) {
      const { cells } = cut(target);
      const local = (unit: number): number => Math.min(Math.max(unit - from, 0), cells.length - 1);
      const startCell = cells[local(startUnit)]!;
      const endCell = cells[local(endUnit)]!;
      const carets = '^'.repeat(Math.max(1, endCell - startCell));
      out.push(`    ${p.dim(' '.repeat(width) + ' |')} ${' '.repeat(startCell)}${mark(carets)}`);
    }
  }
  return out;
}

export const textReporter: Reporter = {
  name: 'text',
  render(input: ReportInput, options: ReportOptions): string {
    const p = palette(options.color);
    const diagnostics = reportedDiagnostics(input.diagnostics);
    const sources = new Map<string, string[] | undefined>();
    const linesOf = (file: string): string[] | undefined => {
      if (!sources.has(file)) {
        let text: string | undefined;
        try {
          text = input.source(file);
        } catch {
          // A source that cannot be read costs the frame, never the report.
          text = undefined;
        }
        sources.set(file, typeof text === 'string' ? sourceLines(text) : undefined);
      }
      return sources.get(file);
    };

    const blocks: string[] = [];
    for (const d of diagnostics) {
      const mark = severityPaint(p, d.severity);
      const block = [`${p.bold(inline(locationText(d)))}  ${mark(d.severity)}  ${inline(d.message)}  ${p.dim(`[${inline(d.code)}]`)}`];
      const lines = linesOf(d.file);
      if (lines && !d.unplaced) block.push(...codeFrame(lines, d, p, mark));
      if (d.hint) block.push(`  ${p.cyan('hint:')} ${inline(d.hint)}`);
      const more = repeatedNote(d);
      if (more) block.push(`  ${p.dim(`(${inline(more)})`)}`);
      blocks.push(block.join('\n'));
    }

    const v = verdict(input.summary, input.diagnostics);
    const tone = v.mark === '✖' ? p.red : v.mark === '⚠' ? p.yellow : p.green;
    const closing = `${p.bold(tone(v.mark))} ${p.bold(v.text)}`;
    if (diagnostics.length === 0) return closing + '\n';
    const explain = `Run \`${inline(input.tool.name)} explain <code>\` for details.`;
    return `${blocks.join('\n\n')}\n\n${closing}\n${p.dim(explain)}\n`;
  },
};
