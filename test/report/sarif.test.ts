import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import type { ReportInput } from '../../src/report/reporter.js';
import { artifactUri, sarifReporter } from '../../src/report/sarif.js';
import { diag, HOSTILE, input } from './helpers.js';

/*
 * The SARIF 2.1.0 schema as shipped by Microsoft's SARIF SDK (@microsoft/sarif-multitool-ts,
 * assets/). It is the OASIS schema re-declared as JSON Schema 2020-12 with the broken
 * `language` pattern fixed, so it is compiled with Ajv2020. The asset is not in the package's
 * `exports`, so it is found next to the resolved entry point.
 */
const require = createRequire(import.meta.url);
const schemaPath = join(dirname(require.resolve('@microsoft/sarif-multitool-ts')), '..', 'assets', 'sarif-2.1.0.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { title: string };

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

interface SarifLog {
  version: string;
  $schema: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: { id: string; shortDescription: { text: string }; helpUri?: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

function render(ds: Diagnostic[], extra: Partial<ReportInput> = {}): SarifLog {
  const out = sarifReporter.render({ ...input(ds), ...extra }, { color: true });
  expect(out.endsWith('\n')).toBe(true);
  expect(out).not.toMatch(/\x1b/);
  return JSON.parse(out) as SarifLog;
}

describe('sarif reporter: schema', () => {
  it('validates against the SARIF 2.1.0 schema (and the schema is that one)', () => {
    expect(schema.title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it.each([
    ['no diagnostics', [] as Diagnostic[]],
    ['one of each severity', [diag(), diag({ severity: 'warning', line: 7, code: 'w.x' }), diag({ severity: 'info', line: 8, code: 'i.y' })]],
    ['ranges, documents and hints', [diag({ endLine: 6, endColumn: 7, document: 1, hint: 'did you mean "owner"?' }), diag({ endLine: 9, endColumn: 1 })]],
    ['an end before the start', [diag({ line: 6, column: 9, endLine: 6, endColumn: 2 }), diag({ line: 6, endLine: 2, endColumn: 4 })]],
    ['positions out of range', [diag({ line: 0, column: 0 }), diag({ line: -3, column: Number.NaN })]],
    ['a diagnostic without a file', [diag({ file: '' })]],
    ['hostile text everywhere', HOSTILE.map((h, i) => diag({ file: `dir/${h}/x.yaml`, message: h, hint: h, code: h, pointer: `/${h}`, line: i + 1 }))],
  ])('%s', (_label, ds) => {
    const log = render(ds);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('validates without informationUri and with rule descriptions', () => {
    const log = render([diag()], {
      tool: { name: 'opsledger', version: '0.0.0' },
      describe: (code) => ({ summary: `About ${code}`, helpUri: `https://example.com/codes/${code}` }),
    });
    expect(validate(log)).toBe(true);
    expect(log.runs[0]!.tool.driver.informationUri).toBeUndefined();
    expect(log.runs[0]!.tool.driver.rules[0]).toEqual({
      id: 'schema.additional',
      shortDescription: { text: 'About schema.additional' },
      helpUri: 'https://example.com/codes/schema.additional',
    });
  });
});

describe('sarif reporter: content', () => {
  it('names the version and schema, and the tool', () => {
    const log = render([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]!.tool.driver).toMatchObject({ name: 'opsledger', version: '1.2.3', informationUri: 'https://example.com/opsledger', rules: [] });
  });

  it('has one rule per code used, and every result points at its own rule', () => {
    const log = render([diag({ code: 'b' }), diag({ code: 'a', line: 2 }), diag({ code: 'b', line: 3 })]);
    const { rules } = log.runs[0]!.tool.driver;
    expect(rules.map((r) => r.id)).toEqual(['a', 'b']);
    for (const r of log.runs[0]!.results) expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
  });

  it.each([
    ['error', 'error'],
    ['warning', 'warning'],
    ['info', 'note'],
  ] as const)('%s has level %s', (severity, level) => {
    expect(render([diag({ severity })]).runs[0]!.results[0]!.level).toBe(level);
  });

  it('places results at 1-based repo-relative positions under %SRCROOT%', () => {
    const [result] = render([diag({ endLine: 6, endColumn: 7 })]).runs[0]!.results;
    expect(result!.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'services/pay/service.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 6, startColumn: 3, endLine: 6, endColumn: 7 },
        },
      },
    ]);
  });

  it('places a finding about the whole run (discovery.empty) at the folder searched', () => {
    const [result] = render([diag({ file: '.', line: 1, column: 1, code: 'discovery.empty', pointer: '' })]).runs[0]!.results;
    expect(result!.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: './', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1 } } }]);
  });

  it.each([
    ['services/pay/service.yaml', 'services/pay/service.yaml'],
    ['./teams/sre.yaml', 'teams/sre.yaml'],
    ['services/my svc/service.yaml', 'services/my%20svc/service.yaml'],
    ['a#b?c%d.yaml', 'a%23b%3Fc%25d.yaml'],
    ['서비스/결제.yaml', '%EC%84%9C%EB%B9%84%EC%8A%A4/%EA%B2%B0%EC%A0%9C.yaml'],
    ['a,b:c.yaml', 'a%2Cb%3Ac.yaml'],
  ])('artifactUri(%j) = %j', (file, uri) => {
    expect(artifactUri(file)).toBe(uri);
    expect(decodeURIComponent(uri)).toBe(file.replace(/^\.\//, ''));
  });
});

describe('sarif reporter: fingerprints', () => {
  const fingerprints = (ds: Diagnostic[]): string[] => render(ds).runs[0]!.results.map((r) => r.partialFingerprints['opsledger/v1']!);

  it('stay the same when the finding moves to another line', () => {
    expect(fingerprints([diag({ line: 6 })])).toEqual(fingerprints([diag({ line: 40, column: 9 })]));
  });

  it.each([
    ['code', { code: 'other.code' }],
    ['file', { file: 'services/other/service.yaml' }],
    ['pointer', { pointer: '/spec/owner' }],
  ] as const)('change when the %s changes', (_what, change) => {
    expect(fingerprints([diag(change)])).not.toEqual(fingerprints([diag()]));
  });

  it('tell apart the same problem in two documents of one file', () => {
    // Messages differ (identical ones are folded into one result): the value in each document.
    const prints = fingerprints([diag({ document: 0, message: 'spec.ownr "a" is not allowed' }), diag({ document: 1, line: 20, message: 'spec.ownr "b" is not allowed' })]);
    expect(new Set(prints).size).toBe(2);
    expect(prints.map((p) => p.split(':')[1])).toEqual(['1', '2']);
  });
});
