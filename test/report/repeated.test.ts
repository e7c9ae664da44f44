import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
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
