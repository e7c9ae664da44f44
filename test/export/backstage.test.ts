import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * `opsledger export backstage` on the shipped example organisation, checked with Backstage's
 * own published validators (@backstage/catalog-model): the policies the catalog applies to
 * every entity it ingests, then the validator of each kind. References between the exported
 * entities must all resolve, and importing the export again gives back a valid organisation.
 */
const out = mkdtempSync(path.join(tmpdir(), 'opsledger-export-backstage-'));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = path.join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const run = await cli(['export', 'backstage', '--root', PROJECT_ROOT, '--out', out, '--format', 'json'], PROJECT_ROOT);
const exported = files(out)
  .sort()
  .flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => ({ file: path.relative(out, file), text: readFileSync(file, 'utf8'), entity: d.toJS() as Entity })));

// What the Backstage catalog runs on every entity before it is stored.
const policy = EntityPolicies.allOf([new SchemaValidEntityPolicy(), new DefaultNamespaceEntityPolicy(), new NoForeignRootFieldsEntityPolicy(), new FieldFormatEntityPolicy()]);
const KIND_VALIDATORS: Record<string, { check(data: unknown): Promise<boolean> }> = {
  Component: componentEntityV1alpha1Validator,
  Resource: resourceEntityV1alpha1Validator,
  Group: groupEntityV1alpha1Validator,
  User: userEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
  Domain: domainEntityV1alpha1Validator,
  Location: locationEntityV1alpha1Validator,
  API: apiEntityV1alpha1Validator,
};

describe('opsledger export backstage', () => {
  it('exports the example organisation', () => {
    expect(run.code).toBe(0);
    const kinds = new Set(exported.map((e) => e.entity.kind));
    for (const k of ['Component', 'Resource', 'Group', 'User', 'Location', 'System', 'Domain', 'API']) expect(kinds).toContain(k);
    const report = JSON.parse(run.stdout) as { files: string[]; warnings: { code: string }[] };
    expect(report.files.length).toBe(exported.length);
  });

  it.each(exported.map((e) => ({ label: `${e.entity.kind} ${e.entity.metadata.name} (${e.file})`, ...e })))('$label passes Backstage\'s validators', async ({ entity, text }) => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=https://json.schemastore.org/catalog-info.json');
    await expect(policy.enforce(entity)).resolves.toBeDefined();
    const validator = KIND_VALIDATORS[entity.kind];
    // Backstage's PlaceholderProcessor replaces `$text: <url>` with the fetched text before any
    // validator sees the entity; an API's definition link is written as that placeholder.
    const definition = (entity.spec as { definition?: unknown } | undefined)?.definition;
    if (entity.kind === 'API' && definition && typeof definition === 'object') {
      expect(Object.keys(definition)).toEqual(['$text']);
      entity = { ...entity, spec: { ...entity.spec, definition: 'fetched by the placeholder processor' } };
    }
    expect(validator, `no validator for ${entity.kind}`).toBeDefined();
    await expect(validator!.check(entity)).resolves.toBe(true);
  });

  it('leaves no reference dangling and registers every file', () => {
    const known = new Set(exported.map((e) => stringifyEntityRef(e.entity)));
    const refs: [string, string][] = [];
    for (const { entity } of exported) {
      const spec = (entity.spec ?? {}) as Record<string, unknown>;
      const from = stringifyEntityRef(entity);
      const add = (v: unknown, defaultKind: string) => {
        for (const r of Array.isArray(v) ? v : v === undefined ? [] : [v]) refs.push([from, stringifyEntityRef(parseEntityRef(String(r), { defaultKind, defaultNamespace: 'default' }))]);
      };
      add(spec.owner, 'Group');
      add(spec.system, 'System');
      add(spec.domain, 'Domain');
      add(spec.dependsOn, 'Component');
      add(spec.dependencyOf, 'Component');
      add(spec.memberOf, 'Group');
      add(spec.members, 'User');
    }
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter(([, to]) => !known.has(to))).toEqual([]);
    const location = exported.find((e) => e.entity.kind === 'Location')!;
    const targets = (location.entity.spec as { targets: string[] }).targets.map((t) => path.normalize(t));
    expect(targets.sort()).toEqual(exported.filter((e) => e.entity.kind !== 'Location').map((e) => e.file).sort());
  });

  it('carries what Backstage has no field for as annotations', () => {
    const payments = exported.find((e) => e.entity.kind === 'Component' && e.entity.metadata.name === 'payments-api')!.entity;
    expect(payments.metadata.annotations).toMatchObject({ 'opsledger.dev/tier': '1', 'opsledger.dev/exposure': 'external', 'github.com/project-slug': 'northwind/payments-api' });
    expect(payments.spec).toMatchObject({ type: 'service', lifecycle: 'production', owner: 'group:default/payments' });
    const links = (payments.metadata.links ?? []).map((l) => l.type);
    expect(links).toEqual(expect.arrayContaining(['runbook', 'playbook', 'dashboard']));
  });

  it('warns about what cannot travel, by code', () => {
    const report = JSON.parse(run.stdout) as { warnings: { source: string; code: string }[] };
    const codes = new Set(report.warnings.map((w) => w.code));
    expect(codes).toContain('export.relation-kind');
    expect(codes).toContain('export.relation-dropped');
  });

  it('comes back through opsledger import backstage as a valid organisation', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'opsledger-roundtrip-'));
    const r = await cli(['import', 'backstage', out, '--out', root, '--format', 'json'], PROJECT_ROOT);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { dangling: unknown[]; files: { kind: string }[] };
    expect(report.dangling).toEqual([]);
    const { report: validation } = await validateJson(root);
    expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const exportedComponents = exported.filter((e) => e.entity.kind === 'Component').length;
    expect(report.files.filter((f) => f.kind === 'Service').length).toBe(exportedComponents);
    // Tier and exposure travelled as annotations; only they are read back as themselves.
    const payments = readFileSync(path.join(root, 'services/payments-api/service.yaml'), 'utf8');
    expect(payments).toContain('owner: payments');
  });
});

describe('export on a small organisation', () => {
  const inlineSlo = `apiVersion: opsledger/v1
kind: SLO
metadata: {name: cart-availability}
spec:
  service: cart
  indicator:
    metadata: {name: cart-ok}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: prometheus, spec: {query: 'sum(http_requests_total{code!~"5.."})'}}}
        total: {metricSource: {type: prometheus, spec: {query: sum(http_requests_total)}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.995}]
`;

  it.each([['backstage'], ['openslo'], ['sloth']])('export %s refuses to overwrite without --force', async (target) => {
    const root = makeOrg({ 'services/checkout/cart-slo.yaml': inlineSlo });
    const first = await cli(['export', target, '--root', root], root);
    expect(first.code).toBe(0);
    expect(existsSync(path.join(root, 'export', target))).toBe(true);
    expect((await cli(['export', target, '--root', root], root)).code).toBe(2);
    expect((await cli(['export', target, '--root', root, '--force'], root)).code).toBe(0);
  });

  it.each([[['export']], [['export', 'jira']], [['export', 'backstage', 'extra']], [['export', 'sloth', '--format', 'xml']]])('%j is a usage error', async (args) => {
    expect((await cli(args, makeOrg())).code).toBe(2);
  });
});
