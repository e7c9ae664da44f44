import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { jsonReporter } from '../../src/report/json.js';
import { diag, HOSTILE, input } from './helpers.js';

const CONTRACT_KEYS = ['file', 'line', 'column', 'severity', 'code', 'message', 'pointer'];

function parse(out: string): { diagnostics: Record<string, unknown>[]; summary: Record<string, unknown> } {
  return JSON.parse(out) as { diagnostics: Record<string, unknown>[]; summary: Record<string, unknown> };
}

describe('json reporter', () => {
  it('prints exactly the contract for the design document\'s example', () => {
    const d = diag({ file: 'services/pay/service.yaml', line: 7, column: 3, code: 'schema.required', message: 'spec.owner is required', pointer: '/spec/owner' });
    const out = jsonReporter.render(input([d], { summary: { files: 12, documents: 30 } }), { color: true });
    expect(out).toBe(
      '{"diagnostics":[{"file":"services/pay/service.yaml","line":7,"column":3,"severity":"error",' +
        '"code":"schema.required","message":"spec.owner is required","pointer":"/spec/owner"}],' +
        '"summary":{"files":12,"documents":30,"errors":1,"warnings":0}}\n',
    );
  });

  it.each([
    ['no optional keys', diag(), []],
    ['a range', diag({ endLine: 6, endColumn: 7 }), ['endLine', 'endColumn']],
    ['a document index', diag({ document: 2 }), ['document']],
    ['a hint', diag({ hint: 'did you mean "owner"?' }), ['hint']],
    ['everything', diag({ hint: 'h', document: 0, endColumn: 9, endLine: 6 }), ['endLine', 'endColumn', 'document', 'hint']],
    ['a working field checks attach', { ...diag(), target: 'key' } as Diagnostic, []],
  ] as const)('with %s: contract keys first, in order, then only the optional keys that hold a value', (_label, d, optional) => {
    const [first] = parse(jsonReporter.render(input([d]), { color: false })).diagnostics;
    expect(Object.keys(first!)).toEqual([...CONTRACT_KEYS, ...optional]);
  });

  it('has exactly the two top-level keys and the four summary keys', () => {
    const report = parse(jsonReporter.render(input([diag()]), { color: false }));
    expect(Object.keys(report)).toEqual(['diagnostics', 'summary']);
    expect(Object.keys(report.summary)).toEqual(['files', 'documents', 'errors', 'warnings']);
  });

  it.each([
    ['nothing', [] as Diagnostic[]],
    ['mixed', [diag(), diag({ severity: 'warning', line: 8, endLine: 8, endColumn: 4 }), diag({ severity: 'info', file: 'teams/a.yaml', document: 1, hint: 'x' })]],
    ['hostile text', HOSTILE.map((h, i) => diag({ file: h, message: h, hint: h, pointer: `/${h}`, line: i + 1 }))],
  ])('round-trips %s: one line, newline-terminated, parses back to the same diagnostics', (_label, ds) => {
    const out = jsonReporter.render(input(ds), { color: true });
    expect(out.endsWith('\n')).toBe(true);
    expect(out.slice(0, -1)).not.toContain('\n');
    expect(out).not.toMatch(/\x1b/);
    const back = parse(out);
    const sorted = [...ds].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    expect(back.diagnostics).toEqual(sorted.map((d) => ({ ...d })));
    expect(back.summary).toEqual(input(ds).summary);
  });
});
