import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readYamlInputs } from '../../src/adapters/fs/yaml-inputs.js';
import { convertOpenSlo } from '../../src/import/openslo/convert.js';
import { parseYamlStream } from '../../src/import/parse.js';
import { leaves, type ImportReport } from '../../src/import/report.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * `opsledger import openslo` on upstream's files (shared/realdata/openslo, and the OpenSLO
 * v1alpha specs in shared/realdata/sloth): v1 documents pass through, v1alpha ones are
 * converted with every change listed, and nothing is lost without a reason.
 */
const realRoot = path.join(path.resolve(PROJECT_ROOT, '..', 'shared'), 'realdata');
const hasRealData = existsSync(path.join(realRoot, 'openslo'));

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

const sourceOf = (d: { file: string; document: number; item?: number }) => `${d.file}#${d.document}${d.item === undefined ? '' : `[${d.item}]`}`;

describe.skipIf(!hasRealData)('real OpenSLO files (shared/realdata/openslo and the OpenSLO specs in shared/realdata/sloth)', () => {
  const slothOpenSlo = yamlFiles(path.join(realRoot, 'sloth')).filter((f) => readFileSync(f, 'utf8').includes('apiVersion: openslo/'));
  const inputs = readYamlInputs([path.join(realRoot, 'openslo'), ...slothOpenSlo], realRoot);
  const converted = convertOpenSlo(inputs.documents);

  it('reads every file, top-level lists of documents included', () => {
    expect(inputs.problems).toEqual([]);
    expect(slothOpenSlo.length).toBeGreaterThanOrEqual(2);
    expect(inputs.documents.some((d) => d.item !== undefined)).toBe(true);
    expect(converted.report.entities.map((e) => e.source).sort()).toEqual(inputs.documents.map(sourceOf).sort());
  });

  const rows = converted.report.entities.map((e, i) => ({ ...e, value: inputs.documents.find((d) => sourceOf(d) === e.source)!.value, label: `${e.ref} (${i})` }));
  it.each(rows)('every field of $label is carried or reported', ({ value, used, dropped }) => {
    const covered = [...used, ...dropped.map((d) => d.pointer)];
    expect(leaves(value, '').filter((l) => !covered.some((p) => p === '' || l === p || l.startsWith(p + '/')))).toEqual([]);
  });

  it.each(rows.filter((r) => r.ref.startsWith('openslo/v1alpha ') && r.result === 'mapped'))('$label lists what changed from v1alpha', ({ changed }) => {
    const codes = changed.map((c) => c.code);
    expect(codes).toContain('api-version');
    expect(codes.some((c) => c.startsWith('window.') || c.startsWith('metric.') || c.startsWith('indicator.'))).toBe(true);
  });

  it.each([
    ['openslo.com/v2alpha', 'entity.unsupported-version'],
    ['openslo/v1alpha AlertNotificationTarget', 'entity.unsupported-kind'],
  ])('drops %s as %s', (prefix, code) => {
    const hits = rows.filter((r) => r.ref.startsWith(prefix));
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect([h.result, h.code]).toEqual(['dropped', code]);
  });

  it('flags a one-minute window, the m/M trap in upstream\'s own example', () => {
    expect(converted.report.review).toContainEqual(expect.objectContaining({ target: 'slo:service-availability', code: 'review.window-short', value: '1m' }));
  });

  const file = (name: string) => converted.files.find((f) => f.path === name)!.doc.value as { spec: Record<string, unknown> };

  it('converts v1alpha time windows, metrics and per-objective ratio metrics', () => {
    const threshold = file('web-latency-threshold.yaml').spec;
    expect(threshold.timeWindow).toEqual([{ duration: '1w', isRolling: false, calendar: { startTime: '2022-01-01 12:00:00', timeZone: 'America/New_York' } }]);
    expect(threshold.indicator).toEqual({
      metadata: { name: 'web-latency-threshold-indicator' },
      spec: { thresholdMetric: { metricSource: { type: 'Prometheus', spec: { queryType: 'query', query: 'api_server_requestMsec{host="*",job="nginx"}' } } } },
    });
    const ratio = file('web-availability-ratio.yaml').spec;
    expect((ratio.indicator as { spec: { ratioMetric: Record<string, unknown> } }).spec.ratioMetric.counter).toBe(true);
    const composite = file('requests-latency-openslo.yaml').spec;
    expect(composite.indicator).toBeUndefined();
    expect((composite.objectives as { indicator: { metadata: { name: string } } }[]).map((o) => o.indicator.metadata.name)).toEqual(['requests-latency-openslo-1', 'requests-latency-openslo-2']);
    expect(file('sloth-slo-my-service.yaml').spec.timeWindow).toEqual([{ duration: '30d' }]);
  });

  it('writes files that validate, except for the services the SLOs name and the input does not hold', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'opsledger-openslo-'));
    const r = await cli(['import', 'openslo', 'openslo', ...slothOpenSlo.map((f) => path.relative(realRoot, f)), '--out', path.join(root, 'slos'), '--format', 'json'], realRoot);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ImportReport;
    // Upstream's deliberately invalid v1 files are reported, not written.
    const invalid = report.entities.filter((e) => e.code === 'entity.invalid').map((e) => path.basename(e.source.split('#')[0]!));
    expect(invalid).toEqual(expect.arrayContaining(['alert-condition-no-sev.yaml', 'service-long-description.yaml']));
    const { report: validation } = await validateJson(root);
    const errors = validation.diagnostics.filter((d) => d.severity === 'error');
    for (const e of errors) {
      expect([e.code, e.pointer]).toEqual(['ref.unresolved', '/spec/service']);
      const name = path.basename(e.file, '.yaml');
      expect(report.dangling.map((d) => d.target)).toContain(`slo:${name}`);
    }
    expect(validation.summary.documents).toBe(report.files.length);
  });

  it('says how to convert a v1alpha file that sits in the organisation', async () => {
    const root = makeOrg();
    mkdirSync(path.join(root, 'slos'), { recursive: true });
    cpSync(slothOpenSlo.find((f) => f.endsWith('openslo-getting-started.yml'))!, path.join(root, 'slos', 'legacy.yaml'));
    const { code, report } = await validateJson(root);
    expect(code).toBe(1);
    expect(report.diagnostics.map((d) => [d.file, d.code, d.line, d.column])).toEqual([['slos/legacy.yaml', 'kind.deprecated-api-version', 6, 13]]);
  });
});

describe('import openslo on made-up inputs', () => {
  it.each([
    ['Second', 120, '2m'],
    ['Minute', 5, '5m'],
    ['Hour', 6, '6h'],
    ['Day', 28, '28d'],
    ['Week', 2, '2w'],
    ['Month', 1, '1M'],
    ['Quarter', 1, '1Q'],
    ['Year', 1, '1Y'],
  ])('v1alpha %s x %i becomes %s', (unit, count, duration) => {
    const text = `apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: {name: x}\nspec:\n  service: web\n  budgetingMethod: Occurrences\n  timeWindows: [{unit: ${unit}, count: ${count}, isRolling: true}]\n  objectives: [{target: 0.99, ratioMetrics: {good: {source: prometheus, query: a}, total: {source: prometheus, query: b}}}]\n`;
    const { files } = convertOpenSlo(parseYamlStream('x.yaml', text).documents);
    expect((files[0]!.doc.value as { spec: { timeWindow: unknown } }).spec.timeWindow).toEqual([{ duration, isRolling: true }]);
  });

  it('reports a window with no v1 duration as dropped', () => {
    const text = 'apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: {name: x}\nspec:\n  service: web\n  budgetingMethod: Occurrences\n  timeWindows: [{unit: Second, count: 90}]\n  objectives: [{target: 0.99}]\n';
    const { report } = convertOpenSlo(parseYamlStream('x.yaml', text).documents);
    expect(report.entities[0]!.dropped.map((d) => [d.pointer, d.code])).toEqual([['/spec/timeWindows/0', 'window.unsupported']]);
  });
});
