import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { textReporter } from '../../src/report/text.js';
import { diag, HOSTILE, input, SERVICE_YAML } from './helpers.js';

const render = (ds: Diagnostic[], color = false, sources?: Record<string, string>): string =>
  textReporter.render(input(ds, sources ? { sources } : {}), { color });

/** The caret line under the `>` line, from the first cell after "| ". */
function caretsOf(out: string): string {
  const lines = out.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  > '));
  expect(at).toBeGreaterThanOrEqual(0);
  const caret = lines[at + 1]!;
  return caret.slice(caret.indexOf('|') + 2);
}

function targetOf(out: string): string {
  const line = out.split('\n').find((l) => l.startsWith('  > '))!;
  return line.slice(line.indexOf('|') + 2);
}

describe('text reporter: colour', () => {
  const samples: Diagnostic[][] = [
    [],
    [diag()],
    [diag(), diag({ severity: 'warning', line: 7, code: 'w', hint: 'did you mean x?' }), diag({ severity: 'info', line: 8 })],
    HOSTILE.map((h) => diag({ message: h, hint: h, file: h, code: h })),
  ];

  it.each(samples.map((s, i) => [i, s]))('sample %i has not a single escape byte when colour is off', (_i, ds) => {
    const out = render(ds, false, { 'services/pay/service.yaml': SERVICE_YAML + '\x1b]0;title\x07 \x1b[2J\n' });
    expect(out).not.toMatch(/\x1b/);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it.each([
    ['error', '\x1b[31m'],
    ['warning', '\x1b[33m'],
    ['info', '\x1b[36m'],
  ] as const)('colours %s with %j when colour is on', (severity, sgr) => {
    const out = render([diag({ severity })], true);
    expect(out).toContain(`${sgr}${severity}\x1b[39m`);
    expect(out).toContain('\x1b[1m');
  });

  it('says the same words with colour on, once the escapes are stripped', () => {
    const ds = [diag({ hint: 'did you mean "owner"?' }), diag({ severity: 'warning', line: 7 })];
    expect(render(ds, true).replace(/\x1b\[\d+m/g, '')).toBe(render(ds, false));
  });
});

describe('text reporter: layout', () => {
  it('prints a compiler-style header, a frame with two lines of context, the hint, the verdict and the explain line', () => {
    const out = render([diag({ endLine: 6, endColumn: 7, hint: 'did you mean "owner"?' })]);
    expect(out).toBe(
      [
        'services/pay/service.yaml:6:3  error  spec.ownr is not allowed  [schema.additional]',
        '    4 |   name: pay',
        '    5 | spec:',
        '  > 6 |   ownr: payments',
        '      |   ^^^^',
        '    7 |   tier: 1',
        '    8 |   exposure: external',
        '  hint: did you mean "owner"?',
        '',
        '✖ 1 error, 0 warnings in 12 files (30 documents)',
        'Run `opsledger explain <code>` for details.',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [1, [1, 2, 3]],
    [2, [1, 2, 3, 4]],
    [8, [6, 7, 8]],
  ])('at line %i the frame shows lines %j (clamped to the file, trailing newline not a line)', (line, shown) => {
    const out = render([diag({ line, column: 1 })]);
    const numbers = out
      .split('\n')
      .map((l) => /^\s{2}[> ] +(\d+) \|/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(numbers).toEqual(shown);
  });

  it('right-aligns the gutter when line numbers change width', () => {
    const source = Array.from({ length: 12 }, (_, i) => `k${i + 1}: v`).join('\n');
    const out = render([diag({ line: 9, column: 1 })], false, { 'services/pay/service.yaml': source });
    expect(out).toContain('     8 | k8: v\n  >  9 | k9: v\n       | ^\n    10 | k10: v\n    11 | k11: v');
  });

  it.each([
    // source line, column, endLine, endColumn, expected caret line
    ['  ownr: payments', 3, 6, 7, '  ^^^^'],
    ['  ownr: payments', 3, undefined, undefined, '  ^'],
    ['  ownr: payments', 9, 6, 17, '        ^^^^^^^^'],
    ['  ownr: payments', 9, 8, 2, '        ^^^^^^^^'],
    ['  ownr: payments', 9, 6, 9, '        ^'],
    ['  ownr: payments', 40, undefined, undefined, '                ^'],
    ['\tkey: x', 2, 6, 5, '    ^^^'],
    ['a\tb: x', 3, 6, 4, '    ^'],
    ['  name: "한국어 서비스"', 14, 6, 17, '                ^^^^^^'],
    ['  name: "한국어 서비스"', 11, 6, 12, '           ^^'],
    ['  emoji: "🚀 go"', 11, 6, 13, '          ^^'],
    ['  emoji: "🚀 go"', 14, 6, 16, '             ^^'],
    ['  café: x', 9, 6, 10, '        ^'],
  ] as const)('caret under %j col %i..%s:%s', (text, column, endLine, endColumn, expected) => {
    const source = ['a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', text, 'f: 6'].join('\n');
    const d = diag({ line: 6, column, ...(endLine !== undefined ? { endLine } : {}), ...(endColumn !== undefined ? { endColumn } : {}) });
    expect(caretsOf(render([d], false, { 'services/pay/service.yaml': source }))).toBe(expected);
  });

  it('expands tabs in the shown line to the same stops the caret uses', () => {
    const source = 'a: 1\n\tkey: x\n';
    const out = render([diag({ line: 2, column: 2, endLine: 2, endColumn: 5 })], false, { 'services/pay/service.yaml': source });
    expect(targetOf(out)).toBe('    key: x');
    expect(caretsOf(out)).toBe('    ^^^');
  });

  // The frame numbers lines as the parser does (CR, LF and CR LF each end a line), so the line a
  // diagnostic names is the line shown, whatever the file's endings.
  it.each([
    ['CR LF', '\r\n'],
    ['CR only', '\r'],
    ['mixed', 'mixed'],
  ])('keeps %s files on the right lines and shows no carriage return', (_name, eol) => {
    let i = 0;
    const source = eol === 'mixed' ? SERVICE_YAML.replace(/\n/g, () => ['\r', '\r\n', '\n'][i++ % 3]!) : SERVICE_YAML.replace(/\n/g, eol);
    const out = render([diag({ endLine: 6, endColumn: 7 })], false, { 'services/pay/service.yaml': source });
    expect(targetOf(out)).toBe('  ownr: payments');
    expect(caretsOf(out)).toBe('  ^^^^');
    expect(out).not.toContain('\r');
    expect(out).toContain(' 7 |   tier: 1');
  });

  it('ignores a byte-order mark in front of line 1 but still counts it as a column', () => {
    const out = render([diag({ line: 1, column: 2, endLine: 1, endColumn: 12 })], false, { 'services/pay/service.yaml': '\ufeffapiVersion: opsledger/v1\n' });
    expect(targetOf(out)).toBe('apiVersion: opsledger/v1');
    expect(caretsOf(out)).toBe('^^^^^^^^^^');
  });

  it('shows a window of a very long line with the caret still under its column', () => {
    const long = 'k: ' + 'x'.repeat(500) + 'TARGET' + 'y'.repeat(500);
    const column = long.indexOf('TARGET') + 1;
    const out = render([diag({ line: 1, column, endLine: 1, endColumn: column + 6 })], false, { 'services/pay/service.yaml': long });
    const target = targetOf(out);
    expect(target.startsWith('…')).toBe(true);
    expect(target.endsWith('…')).toBe(true);
    expect(target.length).toBeLessThan(200);
    const carets = caretsOf(out);
    expect(target.slice(carets.indexOf('^'), carets.length)).toBe('TARGET');
  });

  it.each([
    ['the source is unavailable', { 'other.yaml': 'a: 1' }, 6, 'services/pay/service.yaml:6:3'],
    ['the line is past the end of the file', undefined, 99, 'services/pay/service.yaml:99:3'],
    // No usable line: the file alone, never a frame of a line the finding does not name.
    ['the line is 0', undefined, 0, 'services/pay/service.yaml'],
  ] as const)('prints no frame when %s', (_why, sources, line, where) => {
    const out = render([diag({ line })], false, sources as Record<string, string> | undefined);
    expect(out).not.toContain(' | ');
    expect(out.split('\n')[0]).toBe(`${where}  error  spec.ownr is not allowed  [schema.additional]`);
  });

  it('prints no frame, and does not fail, when reading the source throws', () => {
    const broken = { ...input([diag()]), source: (): string => { throw new Error('EACCES'); } };
    const out = textReporter.render(broken, { color: false });
    expect(out).not.toContain(' | ');
    expect(out).toContain('spec.ownr is not allowed');
  });

  it('asks for each file\'s source once, however many diagnostics it has', () => {
    const asked: string[] = [];
    const base = input([diag({ line: 2 }), diag({ line: 4 }), diag({ line: 6 })]);
    textReporter.render({ ...base, source: (f) => (asked.push(f), base.source(f)) }, { color: false });
    expect(asked).toEqual(['services/pay/service.yaml']);
  });
});

describe('text reporter: hostile text', () => {
  it.each(HOSTILE.map((h) => [h]))('%j stays on one line and cannot drive the terminal', (h) => {
    const out = render([diag({ file: h, message: h, hint: h, code: h })], false, {});
    const [header, hint] = out.split('\n');
    expect(header).toContain('  error  ');
    expect(hint!.startsWith('  hint: ')).toBe(true);
    expect(out.split('\n')).toHaveLength(6);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('replaces control characters in source lines with one visible cell each, keeping the caret aligned', () => {
    const source = 'a: 1\nk: "\x1b[2J" x\n';
    const out = render([diag({ line: 2, column: 11, endLine: 2, endColumn: 12 })], false, { 'services/pay/service.yaml': source });
    expect(targetOf(out)).toBe('k: "\ufffd[2J" x');
    expect(caretsOf(out)).toBe('          ^');
  });
});

describe('text reporter: verdict', () => {
  it.each([
    [[], { files: 12, documents: 30 }, '✔ 12 files, 30 documents: no problems'],
    [[], { files: 1, documents: 1 }, '✔ 1 file, 1 document: no problems'],
    [[diag({ severity: 'info' })], {}, '✔ 12 files, 30 documents: no problems (1 info)'],
    [[diag(), diag(), diag(), diag({ severity: 'warning' })], {}, '✖ 3 errors, 1 warning in 12 files (30 documents)'],
    [[diag({ severity: 'warning' }), diag({ severity: 'warning' })], {}, '⚠ 0 errors, 2 warnings in 12 files (30 documents)'],
    [[diag(), diag({ severity: 'info' }), diag({ severity: 'info' })], {}, '✖ 1 error, 0 warnings, 2 info in 12 files (30 documents)'],
  ] as const)('%#: closes with %j', (ds, summary, expected) => {
    const out = textReporter.render(input([...ds], { summary }), { color: false });
    const lines = out.trimEnd().split('\n');
    const closing = ds.length ? lines[lines.length - 2] : lines[lines.length - 1];
    expect(closing).toBe(expected);
  });

  it.each([
    [[], 0],
    [[diag({ severity: 'info' })], 1],
    [[diag(), diag({ line: 2 }), diag({ file: 'teams/x.yaml' })], 1],
  ] as const)('%# prints the explain line %i time(s), last', (ds, times) => {
    const out = render([...ds]);
    expect(out.split('Run `opsledger explain <code>` for details.').length - 1).toBe(times);
    if (times) expect(out.endsWith('Run `opsledger explain <code>` for details.\n')).toBe(true);
  });
});
