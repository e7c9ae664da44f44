import { describe, expect, it } from 'vitest';
import { compareDiagnostics, type Diagnostic } from '../../src/core/diagnostics.js';
import { getReporter, REPORTER_NAMES } from '../../src/report/index.js';
import { reportedDiagnostics } from '../../src/report/common.js';
import { diag, input } from './helpers.js';

const same = (line: number, column = 5) => diag({ code: 'yaml.syntax', message: 'Flow sequence must end with a ]', line, column, pointer: '' });

describe('identical diagnostics are folded with a count', () => {
  it.each<[string, Diagnostic[], { kept: [number, number]; repeated: number }]>([
    ['the same finding on many lines', [same(9), same(3), same(7), same(5)], { kept: [3, 5], repeated: 3 }],
    ['the same finding at many columns of one line', [same(1, 90), same(1, 10), same(1, 50)], { kept: [1, 10], repeated: 2 }],
    ['the same finding in many documents of one file', [{ ...same(2), document: 0 }, { ...same(12), document: 1 }], { kept: [2, 5], repeated: 1 }],
  ])('%s: the first position is kept, `repeated` counts the rest', (_name, diagnostics, want) => {
    const out = reportedDiagnostics(diagnostics);
    expect(out).toHaveLength(1);
    expect([out[0]!.line, out[0]!.column]).toEqual(want.kept);
    expect(out[0]!.repeated).toBe(want.repeated);
    const json = JSON.parse(getReporter('json')!.render(input(diagnostics), { color: false }));
    expect(json.diagnostics).toHaveLength(1);
    expect(json.diagnostics[0].repeated).toBe(want.repeated);
    // The summary still counts every finding: it decides the exit code.
    expect(json.summary.errors).toBe(diagnostics.length);
  });

  it.each<[string, Diagnostic[]]>([
    ['another message', [same(1), { ...same(2), message: 'Flow map must end with a }' }]],
    ['another file', [same(1), { ...same(2), file: 'teams/t.yaml' }]],
    ['another code', [same(1), { ...same(2), code: 'yaml.too-deep' }]],
    ['another severity', [same(1), { ...same(2), severity: 'warning' }]],
  ])('findings differing in %s stay apart', (_name, diagnostics) => {
    const out = reportedDiagnostics(diagnostics);
    expect(out).toHaveLength(2);
    expect(out.every((d) => d.repeated === undefined)).toBe(true);
  });

  // Every reporter says how many were folded, and none repeats the finding itself.
  it.each(REPORTER_NAMES.map((n) => [n]))('%s shows the count once', (name) => {
    const diagnostics = [same(3), same(4), same(5), same(6), diag()];
    const out = getReporter(name)!.render(input(diagnostics), { color: false });
    expect(out).toMatch(name === 'json' ? /"repeated":3\b/ : /\b3 more\b/);
    expect(out.split('Flow sequence must end with a').length - 1).toBe(1);
  });
});

/**
 * reportedDiagnostics copies a diagnostic by a loop where it once used object rest (V8 builds a
 * rest in its runtime): the reports must be what the rest form gave, property order included,
 * since the JSON report prints them in that order.
 */
describe('the reported diagnostics are what object rest made of them', () => {
  const isPosition = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;
  function restForm(diagnostics: readonly Diagnostic[]): unknown[] {
    const placed = (d: Diagnostic): Record<string, unknown> => {
      const line = isPosition(d.line) ? d.line : 1;
      const column = isPosition(d.column) ? d.column : 1;
      if (line === d.line && column === d.column && d.endLine === undefined && d.endColumn === undefined) return { ...d };
      const { endLine: _e, endColumn: _c, ...rest } = d;
      const out: Record<string, unknown> = { ...rest, line, column };
      if (line !== d.line) out.unplaced = true;
      if (!out.unplaced && isPosition(d.endLine) && (d.endLine > line || (d.endLine === line && isPosition(d.endColumn) && d.endColumn >= column))) {
        out.endLine = d.endLine;
        if (isPosition(d.endColumn)) out.endColumn = d.endColumn;
      }
      return out;
    };
    const out: Record<string, unknown>[] = [];
    const first = new Map<string, Record<string, unknown>>();
    for (const d of diagnostics.map(placed).sort((a, b) => compareDiagnostics(a as unknown as Diagnostic, b as unknown as Diagnostic))) {
      const key = `${d.file}\0${d.code}\0${d.severity}\0${d.message}`;
      const kept = first.get(key);
      if (kept) {
        kept.repeated = ((kept.repeated as number | undefined) ?? 0) + 1;
        continue;
      }
      const { repeated: _r, ...copy } = d;
      first.set(key, copy);
      out.push(copy);
    }
    return out;
  }
  const ranged = (line: number): Diagnostic => ({ file: 'services/a.yaml', line, column: 3, endLine: line, endColumn: 9, severity: 'warning', code: 'ref.deprecated', message: `m${line}`, pointer: '/spec/x', document: 0 });
  it.each<[string, Diagnostic[]]>([
    ['ranges', [ranged(4), ranged(2)]],
    ['an end before the start (dropped)', [{ ...ranged(5), endLine: 4 }]],
    ['an end without a column', [{ ...ranged(5), endColumn: undefined } as unknown as Diagnostic]],
    ['no line (unplaced)', [{ ...ranged(5), line: 0 }]],
    ['a hint after the position', [{ ...ranged(6), hint: 'did you mean b?' }]],
    ['the end first', [{ endLine: 9, endColumn: 2, ...ranged(8) }]],
    ['repeated, with ends', [same(9), same(3), { ...ranged(2), message: 'x' }, { ...ranged(7), message: 'x' }]],
  ])('%s', (_, diagnostics) => {
    expect(JSON.stringify(reportedDiagnostics(diagnostics))).toBe(JSON.stringify(restForm(diagnostics)));
  });
});
