import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { loadOrganisation } from '../../src/app/load-organisation.js';
import { renderYaml } from '../../src/core/yaml-write.js';
import { emptyOrganisation, type Organisation } from '../../src/core/organisation.js';
import { exportBackstage } from '../../src/export/backstage.js';
import { mapBackstage } from '../../src/import/backstage/map.js';
import { parseYamlStream } from '../../src/import/parse.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * Round trips through Backstage. Export then import gives back the organisation's Services,
 * CIs and Teams as they were (key order aside): whatever Backstage has no field for travels in
 * opsledger.dev/* annotations. Import with --create-teams gives real catalogs somewhere for
 * the owners they name.
 */
export const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v;

/** Export to Backstage, render the files as the CLI writes them, read them back and import them. */
export function throughBackstage(org: Organisation) {
  const exported = exportBackstage(org);
  const docs = exported.files.flatMap((f) => parseYamlStream(f.path, renderYaml(f.docs, f.schemaUrl)).documents);
  return { exported, imported: mapBackstage(docs) };
}

export function documentsOf(org: Organisation): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [bucket, kind] of [['services', 'Service'], ['cis', 'ConfigurationItem'], ['teams', 'Team'], ['systems', 'System'], ['domains', 'Domain'], ['apis', 'API']] as const) {
    for (const [name, { doc }] of org[bucket] as Map<string, { doc: unknown }>) out.set(`${kind}/${name}`, sortKeys(doc));
  }
  return out;
}

const example = await loadOrganisation(worktreeSource(PROJECT_ROOT));

describe('export backstage, then import backstage', () => {
  const { imported } = throughBackstage(example.org);
  const before = documentsOf(example.org);
  const after = new Map(imported.files.map((f) => [`${f.kind}/${f.name}`, sortKeys(f.doc.value)]));

  it('gives back every Service, CI and Team of the example organisation', () => {
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(before.size).toBe(94);
  });

  it.each([...before.keys()].map((k) => [k]))('%s comes back as it was', (key) => {
    expect(after.get(key)).toEqual(before.get(key));
  });

  it('asks no one to review a default: tier, exposure and lifecycle all came back', () => {
    expect(imported.report.review).toEqual([]);
    expect(imported.report.dangling).toEqual([]);
  });
});

describe('export reports what it left out', () => {
  const service = (name: string, spec: string) => `apiVersion: opsledger/v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {${spec}}\n`;

  it('lists a document invalid on its own as left out, and exports one whose error lies between documents', async () => {
    const root = makeOrg({
      'services/broken/service.yaml': service('broken', 'owner: checkout, tier: 9, exposure: company, lifecycle: production'),
      'services/orphan/service.yaml': service('orphan', 'owner: nobody, tier: 2, exposure: company, lifecycle: production'),
    });
    const r = await cli(['export', 'backstage', '--root', root, '--dry-run', '--format', 'json'], root);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { files: string[]; leftOut: { file: string; kind: string; name: string }[]; warnings: { source: string; code: string }[] };
    expect(report.leftOut).toEqual([{ file: 'services/broken/service.yaml', kind: 'Service', name: 'broken' }]);
    expect(report.warnings).toContainEqual(expect.objectContaining({ source: 'services/broken/service.yaml#0', code: 'export.document-invalid' }));
    expect(report.files).toContain('components/orphan.yaml');
    expect(report.files).not.toContain('components/broken.yaml');
  });
});

const realBackstage = path.resolve(PROJECT_ROOT, '..', 'shared', 'realdata', 'backstage');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = path.join(dir, e);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : [];
    });
}

describe('import backstage --create-teams', () => {
  const input = (content: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'opsledger-in-'));
    writeFileSync(path.join(dir, 'catalog-info.yaml'), content);
    return path.join(dir, 'catalog-info.yaml');
  };
  const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ${name}}\nspec: {type: service, lifecycle: production, owner: "${owner}"}\n---\n`;

  it('creates the teams owners name (group:default/x, a bare name, user:y as a team of one) and the result validates', async () => {
    const root = makeOrg();
    const r = await cli(['import', 'backstage', input(component('a', 'group:default/team-x') + component('b', 'team-x') + component('c', 'user:dana')), '--create-teams', '--root', root, '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { dangling: unknown[]; review: { target: string; code: string; value: unknown }[]; files: { path: string }[] };
    expect(report.dangling).toEqual([]);
    expect(report.review.filter((x) => x.code === 'review.team-created')).toEqual([
      expect.objectContaining({ target: 'team:team-x', value: {} }),
      expect.objectContaining({ target: 'team:dana', value: { members: ['dana'] } }),
    ]);
    const { code, report: validation } = await validateJson(root);
    expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });

  it('makes Backstage users members of the teams it creates for their groups, and asks for the ones the organisation has', async () => {
    const root = makeOrg();
    const user = (name: string, groups: string) => `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: ${name}}\nspec: {memberOf: [${groups}]}\n---\n`;
    const r = await cli(['import', 'backstage', input(component('a', 'group:default/team-x') + user('dana', 'team-x') + user('eli', 'group:default/team-x, checkout') + user('fay', 'team-y')), '--create-teams', '--root', root, '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { dangling: unknown[]; review: { target: string; code: string; value: unknown }[]; entities: { ref: string; result: string; to: string[] }[] };
    expect(report.dangling).toEqual([]);
    expect(report.review.filter((x) => x.code === 'review.team-created').map((x) => [x.target, x.value])).toEqual([
      // The team as written: members that came later are in it too.
      ['team:team-x', { members: ['dana', 'eli'] }],
      ['team:team-y', { members: ['fay'] }],
    ]);
    expect(report.review.filter((x) => x.code === 'review.member-add').map((x) => [x.target, x.value])).toEqual([['team:checkout', 'eli']]);
    expect(report.entities.find((e) => e.ref === 'user:default/eli')).toMatchObject({ result: 'merged', to: ['team:team-x#member:eli', 'team:checkout#member:eli'] });
    const teamX = readFileSync(path.join(root, 'teams/team-x.yaml'), 'utf8');
    expect(teamX).toMatch(/members:\n\s+- dana\n\s+- eli\n/);
    const { code, report: validation } = await validateJson(root);
    expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });

  it('does not create a team the organisation already has', async () => {
    const root = makeOrg();
    const r = await cli(['import', 'backstage', input(component('a', 'group:default/checkout')), '--create-teams', '--root', root, '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { path: string }[] };
    expect(report.files.map((f) => f.path)).toEqual(['services/a/service.yaml']);
  });

  it.each([
    ['an API a component provides', 'spec: {type: service, lifecycle: production, owner: checkout, providesApis: [orders-v1]}', [['api:orders-v1', 'apis/orders-v1.yaml', 'checkout']]],
    ['a system, and the domain that system names', 'spec: {type: service, lifecycle: production, owner: checkout, system: shop}\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {owner: payments, domain: commerce}', [['domain:commerce', 'systems/domains/commerce.yaml', 'payments']]],
    ['a system a component names', 'spec: {type: service, lifecycle: production, owner: checkout, system: billing}', [['system:billing', 'systems/billing.yaml', 'checkout']]],
  ])('--create-missing writes a stub for %s, owned by the owner of what names it, and the result validates', async (_name, spec, expected) => {
    const root = makeOrg();
    const r = await cli(['import', 'backstage', input(`apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\n${spec}\n`), '--create-missing', '--root', root, '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { dangling: unknown[]; review: { target: string; code: string; pointer: string; value: unknown }[]; files: { path: string }[] };
    expect(report.dangling).toEqual([]);
    for (const [ref, file, owner] of expected) {
      expect(report.files.map((f) => f.path)).toContain(file);
      expect(report.review).toContainEqual(expect.objectContaining({ target: ref, pointer: '/spec/owner', value: owner, code: `review.${ref!.split(':')[0]}-created` }));
    }
    const { code, report: validation } = await validateJson(root);
    expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });

  it('is a usage error for openslo', async () => {
    const root = makeOrg();
    expect((await cli(['import', 'openslo', input('x: 1\n'), '--create-teams', '--root', root], root)).code).toBe(2);
  });

  it.skipIf(!existsSync(realBackstage))('makes every real Backstage catalog validate after import; without it, owners dangle', async () => {
    const files = yamlFiles(realBackstage);
    expect(files.length).toBeGreaterThan(20);
    const withTeams = mkdtempSync(path.join(tmpdir(), 'opsledger-real-'));
    const a = await cli(['import', 'backstage', realBackstage, '--create-teams', '--out', withTeams, '--format', 'json'], PROJECT_ROOT);
    expect(a.code, a.stderr).toBe(0);
    const withReport = await validateJson(withTeams);
    // --create-teams makes teams, not APIs: the two APIs these snapshots provide without defining
    // stay open, reported as dangling, and are the only errors left.
    const made = JSON.parse(a.stdout) as { dangling: { ref: string }[] };
    expect(made.dangling.map((d) => d.ref).sort()).toEqual(['api:hello-world', 'api:wayback-search']);
    expect(withReport.report.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.pointer])).toEqual([
      ['ref.unresolved', '/spec/providesApis/2'],
      ['ref.unresolved', '/spec/providesApis/0'],
    ]);
    // --create-missing makes those APIs too (owned by their providers' owners): nothing is left.
    const withMissing = mkdtempSync(path.join(tmpdir(), 'opsledger-real-'));
    const m = await cli(['import', 'backstage', realBackstage, '--create-missing', '--out', withMissing, '--format', 'json'], PROJECT_ROOT);
    expect(m.code, m.stderr).toBe(0);
    expect((JSON.parse(m.stdout) as { dangling: unknown[] }).dangling).toEqual([]);
    const missingReport = await validateJson(withMissing);
    expect(missingReport.report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(missingReport.code).toBe(0);
    const without = mkdtempSync(path.join(tmpdir(), 'opsledger-real-'));
    expect((await cli(['import', 'backstage', realBackstage, '--out', without], PROJECT_ROOT)).code).toBe(0);
    const withoutReport = await validateJson(without);
    expect(withoutReport.report.diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThan(0);
  });
});

describe.skipIf(!existsSync(realBackstage))('import backstage, then export backstage, of every real file', () => {
  const rows = existsSync(realBackstage) ? yamlFiles(realBackstage).map((file) => [path.relative(realBackstage, file), file] as const) : [];

  it.each(rows)('%s: every entity that becomes an opsledger document comes back as it was; the rest are reported', (_name, file) => {
    const { documents } = parseYamlStream(file, readFileSync(file, 'utf8'));
    const imported = mapBackstage(documents);
    const org = emptyOrganisation();
    const bucket = { Service: 'services', ConfigurationItem: 'cis', Team: 'teams', System: 'systems', Domain: 'domains', API: 'apis' } as const;
    for (const f of imported.files) (org[bucket[f.kind]] as Map<string, unknown>).set(f.name, { doc: structuredClone(f.doc.value), file: f.path, index: 0 });
    const out = exportBackstage(org).files.flatMap((f) => parseYamlStream(f.path, renderYaml(f.docs, f.schemaUrl)).documents.map((d) => d.value as { kind: string; metadata: { name: string; namespace?: string } }));
    const key = (e: { kind: string; metadata: { name: string; namespace?: string } }) => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();
    const exported = new Map(out.map((e) => [key(e), e]));
    for (const [i, d] of documents.entries()) {
      const outcome = imported.report.entities[i]!;
      const entity = d.value as { kind: string; metadata: { name: string; namespace?: string } };
      if (outcome.result === 'mapped') {
        expect(sortKeys(exported.get(key(entity))), outcome.ref).toEqual(sortKeys(entity));
      } else {
        // What has no opsledger document of its own is merged or dropped, and says so by code.
        expect(outcome.code ?? outcome.to.length, outcome.ref).toBeTruthy();
      }
    }
  });
});

describe('export backstage, then import backstage, of generated organisations', () => {
  const name = fc.stringMatching(/^[a-z](?:[a-z0-9]|-[a-z0-9]){0,8}$/);
  const login = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,6}$/);
  const text = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,:.'()-]{0,30}$/);
  const url = name.map((n) => `https://example.com/${n}`);
  const link = fc.record({ title: text, url, type: fc.option(fc.constantFrom('docs', 'runbook', 'dashboard', 'chat'), { nil: undefined }) }).map(({ type, ...l }) => (type ? { ...l, type } : l));
  const links = fc.option(fc.array(link, { minLength: 1, maxLength: 3 }), { nil: undefined });
  const labels = fc.option(fc.dictionary(fc.constantFrom('domain', 'pci', 'component-type', 'system', 'area', 'example.com/zone'), fc.oneof(name, fc.constant('has space'), fc.constant('true'))), { nil: undefined });
  const annotations = fc.option(fc.dictionary(fc.constantFrom('example.com/owner-note', 'backstage.io/techdocs-ref', 'opsledger.dev/backstage-tags'), fc.constantFrom('dir:.', 'a note: with colon', 'go,java')), { nil: undefined });
  const metadata = (n: string) =>
    fc.record({ title: fc.option(text, { nil: undefined }), description: fc.option(text, { nil: undefined }), labels, annotations, links }).map((m) => {
      const out: Record<string, unknown> = { name: n };
      for (const [k, v] of Object.entries(m)) if (v !== undefined && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) out[k] = v;
      return out;
    });
  // An empty list or map is written as nothing: opsledger gives the two the same meaning.
  const strip = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(v !== null && typeof v === 'object' && Object.keys(v).length === 0))) as T;

  const organisation = fc
    .record({
      teams: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
      services: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
      cis: fc.uniqueArray(name, { maxLength: 4 }),
      systems: fc.uniqueArray(name, { maxLength: 3 }),
      domains: fc.uniqueArray(name, { maxLength: 2 }),
      apis: fc.uniqueArray(name, { maxLength: 3 }),
    })
    .chain(({ teams, services, cis, systems, domains, apis }) => {
      const typed = [...services.map((s) => `service:${s}`), ...cis.map((c) => `ci:${c}`)];
      const team = (n: string) =>
        fc.record({
          metadata: metadata(n),
          members: fc.uniqueArray(login, { maxLength: 3, selector: (l) => l.toLowerCase() }),
          github: fc.option(name.map((s) => ({ team: `acme/${s}` })), { nil: undefined }),
          oncall: fc.option(fc.record({ schedule: fc.option(url, { nil: undefined }), escalation: fc.option(fc.array(login, { minLength: 1, maxLength: 2 }), { nil: undefined }) }).map(strip), { nil: undefined }),
          contact: fc.option(fc.record({ slack: fc.option(name.map((s) => `#${s}`), { nil: undefined }), email: fc.option(name.map((s) => `${s}@example.com`), { nil: undefined }), pager: fc.option(name, { nil: undefined }) }).map(strip), { nil: undefined }),
        }).map(({ metadata: m, ...spec }) => ({ apiVersion: 'opsledger/v1', kind: 'Team', metadata: m, spec: strip(spec) }));
      const service = (n: string) =>
        fc.record({
          metadata: metadata(n),
          owner: fc.constantFrom(...teams),
          owners: fc.option(fc.array(fc.record({ team: fc.constantFrom(...teams), role: text }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
          tier: fc.constantFrom(1, 2, 3, 4),
          exposure: fc.constantFrom('external', 'company', 'department', 'team'),
          lifecycle: fc.constantFrom('experimental', 'production', 'deprecated'),
          dependsOn: fc.uniqueArray(fc.constantFrom(...typed.filter((t) => t !== `service:${n}`), 'ci:placeholder'), { maxLength: 3 }),
          runbooks: links,
          playbooks: links,
          dashboards: links,
          repository: fc.option(fc.constantFrom('https://github.com/acme/x', 'https://github.com/acme/x.git', 'https://gitlab.com/acme/x', 'https://github.com/acme/x/'), { nil: undefined }),
          continuity: fc.option(fc.record({ rto: fc.option(fc.constantFrom('30m', '4h'), { nil: undefined }), redundancy: fc.option(text, { nil: undefined }), drTestedAt: fc.option(fc.constant('2026-01-02'), { nil: undefined }) }).map(strip), { nil: undefined }),
          system: systems.length ? fc.option(fc.constantFrom(...systems), { nil: undefined }) : fc.constant(undefined),
          providesApis: fc.uniqueArray(apis.length ? fc.constantFrom(...apis) : fc.constant('unknown-api'), { maxLength: 2 }),
          consumesApis: fc.uniqueArray(apis.length ? fc.constantFrom(...apis) : fc.constant('unknown-api'), { maxLength: 2 }),
        }).map(({ metadata: m, ...spec }) => ({ apiVersion: 'opsledger/v1', kind: 'Service', metadata: m, spec: strip(spec) }));
      // A domain or system may name one the organisation lacks: the export writes it as Backstage has it.
      const domain = (n: string) => fc.record({ metadata: metadata(n), owner: fc.constantFrom(...teams) }).map(({ metadata: m, ...spec }) => ({ apiVersion: 'opsledger/v1', kind: 'Domain', metadata: m, spec }));
      const system = (n: string) =>
        fc.record({ metadata: metadata(n), owner: fc.constantFrom(...teams), domain: fc.option(fc.constantFrom(...domains, 'elsewhere'), { nil: undefined }) }).map(({ metadata: m, ...spec }) => ({ apiVersion: 'opsledger/v1', kind: 'System', metadata: m, spec: strip(spec) }));
      const api = (n: string) =>
        fc.record({
          metadata: metadata(n),
          type: fc.constantFrom('openapi', 'asyncapi', 'graphql', 'grpc', 'other'),
          owner: fc.constantFrom(...teams),
          lifecycle: fc.constantFrom('experimental', 'production', 'deprecated'),
          system: systems.length ? fc.option(fc.constantFrom(...systems), { nil: undefined }) : fc.constant(undefined),
          definition: fc.option(url, { nil: undefined }),
        }).map(({ metadata: m, ...spec }) => ({ apiVersion: 'opsledger/v1', kind: 'API', metadata: m, spec: strip(spec) }));
      const ci = (n: string) =>
        fc.record({
          metadata: metadata(n),
          class: fc.constantFrom('database', 'cache', 'queue', 'host', 'object-store', 'secret-store', 'saas'),
          owner: fc.constantFrom(...teams),
          ownerless: fc.boolean(),
          service: fc.option(fc.constantFrom(...services), { nil: undefined }),
          environment: fc.option(fc.constantFrom('production', 'staging'), { nil: undefined }),
          relations: fc.uniqueArray(fc.record({ type: fc.constantFrom('dependsOn', 'runsOn', 'hostedOn', 'connectsTo'), target: fc.constantFrom(...typed.filter((t) => t !== `ci:${n}`), 'ci:placeholder') }), { maxLength: 3, selector: (r) => r.target }),
          attributes: fc.option(fc.dictionary(name, fc.oneof(text, fc.integer(), fc.boolean(), fc.array(name, { maxLength: 2 }))), { nil: undefined }),
        }).map(({ metadata: m, ownerless, owner, ...spec }) => ({
          apiVersion: 'opsledger/v1',
          kind: 'ConfigurationItem',
          metadata: m,
          // A CI needs an owner of its own or a service's to be a Backstage Resource.
          spec: strip({ ...spec, owner: ownerless && spec.service ? undefined : owner }),
        }));
      return fc.record({
        teams: fc.tuple(...teams.map(team)),
        services: fc.tuple(...services.map(service)),
        cis: cis.length ? fc.tuple(...cis.map(ci)) : fc.constant([]),
        systems: systems.length ? fc.tuple(...systems.map(system)) : fc.constant([]),
        domains: domains.length ? fc.tuple(...domains.map(domain)) : fc.constant([]),
        apis: apis.length ? fc.tuple(...apis.map(api)) : fc.constant([]),
      });
    });

  it('gives back every document as it was', () => {
    fc.assert(
      fc.property(organisation, (generated) => {
        const org = emptyOrganisation();
        const bucket = { Team: 'teams', Service: 'services', ConfigurationItem: 'cis', System: 'systems', Domain: 'domains', API: 'apis' } as const;
        for (const list of [generated.teams, generated.services, generated.cis, generated.systems, generated.domains, generated.apis]) {
          for (const doc of list as unknown as { kind: keyof typeof bucket; metadata: { name: string } }[]) (org[bucket[doc.kind]] as Map<string, unknown>).set(doc.metadata.name, { doc, file: 'x.yaml', index: 0 });
        }
        const { imported } = throughBackstage(org);
        const after = new Map(imported.files.map((f) => [`${f.kind}/${f.name}`, sortKeys(f.doc.value)]));
        expect(Object.fromEntries(after)).toEqual(Object.fromEntries(documentsOf(org)));
      }),
      { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 60) },
    );
  }, 120_000);
});
