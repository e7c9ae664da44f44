import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSloth } from '../../src/import/sloth/convert.js';
import { parseYamlStream } from '../../src/import/parse.js';
import { leaves } from '../../src/import/report.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * `opsledger import sloth` on Sloth's own examples (test/fixtures/sloth, see SOURCES.md): the
 * plain spec and the Kubernetes resource give the same SLOs, objectives become ratios, every
 * input field is carried, changed or reported, and the written files validate.
 */
const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'sloth');
const read = (file: string) => parseYamlStream(file, readFileSync(path.join(FIXTURES, file), 'utf8')).documents;
const FILES = ['getting-started.yml', 'k8s-getting-started.yml', 'k8s-multifile.yml', 'raw-home-wifi.yml', 'slo-plugin-getting-started.yml'];
const service = (name: string) => `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {owner: checkout, tier: 2, exposure: company, lifecycle: production}\n`;

describe('import sloth', () => {
  it('reads the plain spec and the Kubernetes resource as the same SLO', () => {
    const plain = convertSloth(read('getting-started.yml'));
    const crd = convertSloth(read('k8s-getting-started.yml'));
    expect(plain.files.map((f) => f.doc.value)).toEqual(crd.files.map((f) => f.doc.value));
    expect(plain.files[0]!.doc.value).toMatchObject({
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: { name: 'myservice-requests-availability', labels: { owner: 'myteam', tier: '2' } },
      spec: {
        service: 'myservice',
        indicator: { spec: { ratioMetric: { counter: true, bad: { metricSource: { type: 'Prometheus' } }, total: { metricSource: { type: 'Prometheus' } } } } },
        timeWindow: [{ duration: '30d', isRolling: true }],
        budgetingMethod: 'Occurrences',
        objectives: [{ target: 0.999 }],
      },
    });
    expect(plain.report.review.map((r) => r.code)).toEqual(['review.sloth-period']);
  });

  it('writes a raw error-ratio SLI as a raw ratio of failures', () => {
    const { files } = convertSloth(read('raw-home-wifi.yml'));
    expect(files.map((f) => (f.doc.value as { spec: { indicator: { spec: { ratioMetric: { rawType: string } } } } }).spec.indicator.spec.ratioMetric.rawType)).toEqual(['failure']);
  });

  it('reports SLO plugins as what they are, and keeps the SLO', () => {
    const { files, report } = convertSloth(read('slo-plugin-getting-started.yml'));
    expect(files.map((f) => f.name)).toEqual(['myservice-requests-availability']);
    expect(report.entities[0]!.dropped.filter((d) => d.code === 'sloth.plugins').map((d) => d.pointer)).toEqual(['/slo_plugins', '/slos/0/plugins']);
  });

  it('drops an SLO whose SLI is a plugin (code inside Sloth), with its reason', () => {
    // Sloth's documented SLI plugin shape: sli.plugin.id and options.
    const docs = parseYamlStream('x.yml', 'version: prometheus/v1\nservice: svc\nslos:\n  - name: latency\n    objective: 99\n    sli:\n      plugin: {id: sloth-common/kubernetes/apiserver/latency, options: {bucket: "0.5"}}\n').documents;
    const { files, report } = convertSloth(docs);
    expect(files).toEqual([]);
    expect(report.entities[0]).toMatchObject({ result: 'dropped', code: 'entity.no-slo' });
    expect(report.entities[0]!.dropped.map((d) => [d.pointer, d.code])).toContainEqual(['/slos/0', 'sloth.plugin']);
  });

  it.each(FILES)('%s: every input field is carried, changed or reported', (file) => {
    const docs = read(file);
    const { report } = convertSloth(docs);
    report.entities.forEach((e, i) => {
      const covered = [...e.used, ...e.dropped.map((d) => d.pointer)];
      const isCovered = (leaf: string) => covered.some((p) => p === '' || leaf === p || leaf.startsWith(`${p}/`));
      expect(leaves(docs[i]!.value, '').filter((l) => !isCovered(l))).toEqual([]);
    });
  });

  it('writes SLOs that validate in an organisation that has their services', async () => {
    const root = makeOrg({ 'services/myservice/service.yaml': service('myservice'), 'services/myservice2/service.yaml': service('myservice2'), 'services/home-wifi/service.yaml': service('home-wifi') });
    const r = await cli(['import', 'sloth', ...FILES.map((f) => path.join(FIXTURES, f)), '--root', root, '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { path: string }[]; dangling: unknown[] };
    expect(report.dangling).toEqual([]);
    expect(report.files.length).toBe(6);
    const { report: validation } = await validateJson(root);
    expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('refuses an OpenSLO document (pointing at import openslo) and any other file, exiting 1 when nothing was imported', async () => {
    const root = makeOrg();
    const docs = parseYamlStream('x.yml', 'apiVersion: openslo/v1alpha\nkind: SLO\nmetadata: {name: x}\nspec: {}\n').documents;
    expect(convertSloth(docs).report.entities[0]).toMatchObject({ result: 'dropped', code: 'entity.not-sloth' });
    const openslo = path.join(FIXTURES, '..', 'argocd', 'project.yaml');
    const r = await cli(['import', 'sloth', openslo, '--root', root], root);
    expect(r.code).toBe(1);
  });
});
