import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { escapeData, escapeProperty, githubReporter } from '../../src/report/github.js';
import { diag, HOSTILE, input } from './helpers.js';

/** Reads a workflow command back the way the Actions runner does: split, then decode '%XX'. */
function parseCommand(line: string): { command: string; properties: Record<string, string>; data: string } {
  const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string): string =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  const data = m[3]!.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return { command: m[1]!, properties, data };
}

const render = (ds: Diagnostic[]): string[] => githubReporter.render(input(ds), { color: true }).trimEnd().split('\n');

describe('github escaping', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['a,b', 'a,b', 'a%2Cb'],
    ['a:b', 'a:b', 'a%3Ab'],
    ['x\ny', 'x%0Ay', 'x%0Ay'],
    ['x\r\ny', 'x%0D%0Ay', 'x%0D%0Ay'],
    ['100%', '100%25', '100%25'],
    ['%0A', '%250A', '%250A'],
    ['%2C,', '%252C,', '%252C%2C'],
    ['::', '::', '%3A%3A'],
  ])('%j → data %j, property %j', (raw, data, property) => {
    expect(escapeData(raw)).toBe(data);
    expect(escapeProperty(raw)).toBe(property);
  });
});

describe('github reporter', () => {
  it('prints the annotation GitHub expects', () => {
    const [line] = render([diag({ endLine: 6, endColumn: 7 })]);
    expect(line).toBe('::error file=services/pay/service.yaml,line=6,col=3,endLine=6,endColumn=7,title=schema.additional::spec.ownr is not allowed');
  });

  it.each([
    ['error', 'error'],
    ['warning', 'warning'],
    ['info', 'notice'],
  ] as const)('%s becomes ::%s', (severity, command) => {
    expect(parseCommand(render([diag({ severity })])[0]!).command).toBe(command);
  });

  it('leaves out the range when it is unknown', () => {
    expect(Object.keys(parseCommand(render([diag()])[0]!).properties)).toEqual(['file', 'line', 'col', 'title']);
  });

  it('puts the hint on a second line of the message', () => {
    const [line] = render([diag({ hint: 'did you mean "owner"?' })]);
    expect(line).toMatch(/::spec\.ownr is not allowed%0Adid you mean "owner"\?$/);
    expect(parseCommand(line!).data).toBe('spec.ownr is not allowed\ndid you mean "owner"?');
  });

  it.each(HOSTILE.map((h) => [h]))('a hostile %j as file name, code and message reads back unchanged and injects no command', (h) => {
    const lines = render([diag({ file: `services/${h}/service.yaml`, code: h, message: h })]);
    expect(lines).toHaveLength(2);
    const parsed = parseCommand(lines[0]!);
    expect(parsed.command).toBe('error');
    expect(parsed.properties).toEqual({ file: `services/${h}/service.yaml`, line: '6', col: '3', title: h });
    expect(parsed.data).toBe(h);
    expect(lines[1]!.startsWith('::')).toBe(false);
  });

  it('ends with one plain summary line for the log', () => {
    const lines = render([diag(), diag({ severity: 'warning', line: 7 })]);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('opsledger: 1 error, 1 warning in 12 files (30 documents)');
  });
});
