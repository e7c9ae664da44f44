import { describe, expect, it } from 'vitest';
import { getReporter, isReporterName, REPORTER_NAMES, shouldUseColor } from '../../src/report/index.js';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { diag, HOSTILE, input } from './helpers.js';

describe('reporter registry', () => {
  it('lists the five formats', () => {
    expect([...REPORTER_NAMES]).toEqual(['text', 'json', 'github', 'sarif', 'markdown']);
  });

  it.each(REPORTER_NAMES.map((n) => [n]))('getReporter(%s) returns the reporter of that name', (name) => {
    expect(isReporterName(name)).toBe(true);
    expect(getReporter(name)?.name).toBe(name);
  });

  it.each([['xml'], [''], ['TEXT'], ['toString'], ['__proto__']])('getReporter(%j) is undefined', (name) => {
    expect(isReporterName(name)).toBe(false);
    expect(getReporter(name)).toBeUndefined();
  });
});

describe('every reporter', () => {
  const samples = [
    ['no diagnostics', input([])],
    ['mixed severities', input([diag(), diag({ severity: 'warning', line: 7, code: 'w' }), diag({ severity: 'info', line: 8, code: 'i' })])],
    ['hostile text', input(HOSTILE.map((h, i) => diag({ file: `x/${h}`, message: h, hint: h, line: i + 1 })))],
  ] as const;

  it.each(REPORTER_NAMES.flatMap((name) => samples.map(([label, sample]) => [name, label, sample] as const)))(
    '%s on %s: newline-terminated, never mutates its input, same output twice',
    (name, _label, sample) => {
      const frozen = { ...sample, diagnostics: Object.freeze(sample.diagnostics.map((d) => Object.freeze({ ...d }))) };
      const reporter = getReporter(name)!;
      const first = reporter.render(frozen, { color: false });
      expect(first.endsWith('\n')).toBe(true);
      expect(reporter.render(frozen, { color: false })).toBe(first);
    },
  );

  it.each(REPORTER_NAMES.map((n) => [n]))('%s orders diagnostics the same whatever order they arrive in', (name) => {
    const ds = [diag({ file: 'b.yaml', line: 2 }), diag({ file: 'a.yaml', line: 9 }), diag({ file: 'a.yaml', line: 3 })];
    const reporter = getReporter(name)!;
    expect(reporter.render(input([...ds].reverse()), { color: false })).toBe(reporter.render(input(ds), { color: false }));
  });
});

/*
 * A diagnostic may reach a reporter with no usable position (a whole-run finding, a value-only
 * check whose pointer could not be placed): every reporter still renders it, names its code and
 * never invents a line the file does not have.
 */
const UNPLACED: [string, Partial<Diagnostic>][] = [
  ['no line or column', { line: undefined, column: undefined }],
  ['line and column 0', { line: 0, column: 0 }],
  ['NaN', { line: NaN, column: NaN }],
  ['negative', { line: -3, column: -1 }],
  ['past the end of the file', { line: 999, column: 999 }],
  ['a line and no column', { column: undefined }],
  ['an end before the start', { endLine: 2, endColumn: 1 }],
  ['the whole run', { file: '.', line: 1, column: 1, pointer: '', code: 'discovery.empty' }],
  ['no file', { file: '', line: undefined, column: undefined }],
];

describe('every reporter, a diagnostic without a usable position', () => {
  it.each(REPORTER_NAMES.flatMap((name) => UNPLACED.map(([label, change]) => [name, label, change] as const)))('%s: %s', (name, _label, change) => {
    const d = { ...diag(), ...change } as Diagnostic;
    for (const color of [false, true]) {
      const out = getReporter(name)!.render(input([d]), { color });
      expect(out.endsWith('\n')).toBe(true);
      expect(out).toContain(d.code);
      expect(out).not.toMatch(/\bNaN\b|undefined|\.yaml:0\b|\.yaml:-/);
    }
    // The machine formats keep their contract: a position is always a whole number from 1.
    if (name === 'json') {
      const [j] = (JSON.parse(getReporter(name)!.render(input([d]), { color: false })) as { diagnostics: Record<string, unknown>[] }).diagnostics;
      for (const k of ['line', 'column']) expect(Number.isInteger(j![k]) && (j![k] as number) >= 1, k).toBe(true);
    }
  });
});

describe('shouldUseColor', () => {
  it.each<[isTTY: boolean | undefined, env: Record<string, string>, expected: boolean, why: string]>([
    [true, {}, true, 'a terminal'],
    [false, {}, false, 'a pipe'],
    [undefined, {}, false, 'a file (isTTY undefined)'],
    [true, { NO_COLOR: '1' }, false, 'NO_COLOR set'],
    [true, { NO_COLOR: 'false' }, false, 'NO_COLOR set to any non-empty text'],
    [true, { NO_COLOR: '' }, true, 'NO_COLOR empty counts as unset'],
    [false, { FORCE_COLOR: '1' }, true, 'FORCE_COLOR forces colour into a pipe'],
    [false, { FORCE_COLOR: '' }, true, 'FORCE_COLOR empty still forces'],
    [false, { FORCE_COLOR: '3' }, true, 'FORCE_COLOR level'],
    [true, { FORCE_COLOR: '0' }, false, 'FORCE_COLOR=0 turns colour off'],
    [true, { FORCE_COLOR: 'false' }, false, 'FORCE_COLOR=false turns colour off'],
    [true, { NO_COLOR: '1', FORCE_COLOR: '1' }, false, 'NO_COLOR wins over FORCE_COLOR'],
    [false, { NO_COLOR: '1', FORCE_COLOR: '1' }, false, 'NO_COLOR wins over FORCE_COLOR in a pipe'],
    [false, { NO_COLOR: '', FORCE_COLOR: '1' }, true, 'empty NO_COLOR does not block FORCE_COLOR'],
    [true, { TERM: 'dumb' }, false, 'a dumb terminal'],
    [true, { TERM: 'dumb', FORCE_COLOR: '1' }, true, 'FORCE_COLOR beats TERM=dumb'],
    [true, { TERM: 'xterm-256color' }, true, 'an ordinary TERM'],
  ])('isTTY=%s env=%j → %s (%s)', (isTTY, env, expected) => {
    expect(shouldUseColor({ isTTY, env })).toBe(expected);
  });
});
