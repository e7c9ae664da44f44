import type { Diagnostic, Summary } from '../../src/core/diagnostics.js';
import type { ReportInput } from '../../src/report/reporter.js';

export function diag(overrides: Partial<Diagnostic> = {}): Diagnostic {
  return {
    file: 'services/pay/service.yaml',
    line: 6,
    column: 3,
    severity: 'error',
    code: 'schema.additional',
    message: 'spec.ownr is not allowed',
    pointer: '/spec/ownr',
    ...overrides,
  };
}

export const SERVICE_YAML = [
  'apiVersion: opsledger/v1',
  'kind: Service',
  'metadata:',
  '  name: pay',
  'spec:',
  '  ownr: payments',
  '  tier: 1',
  '  exposure: external',
  '',
].join('\n');

export function input(
  diagnostics: Diagnostic[],
  options: { sources?: Record<string, string>; summary?: Partial<Summary> } = {},
): ReportInput {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const sources = options.sources ?? { 'services/pay/service.yaml': SERVICE_YAML };
  return {
    diagnostics,
    summary: { files: 12, documents: 30, errors, warnings, ...options.summary },
    source: (file) => sources[file],
    tool: { name: 'opsledger', version: '1.2.3', informationUri: 'https://example.com/opsledger' },
  };
}

/** Strings a hostile repository can put into file names, YAML values and so into messages. */
export const HOSTILE = [
  'a,b:c.yaml',
  'line1\nline2',
  'cr\rreturn',
  '100%0A literal',
  '%25 already',
  '\x1b[31mred\x1b[0m',
  '<script>alert(1)</script>',
  '| pipe | table |',
  '[link](https://evil.example) ![img](https://evil.example/x.png)',
  '&lt;entity&gt; & amp',
  '`code` *em* _em_ ~~strike~~ \\ back',
  '\u202eevil bidi\u202c',
  '::error::forged',
] as const;
