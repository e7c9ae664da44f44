import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { worktreeSource } from '../../src/adapters/fs/worktree-source.js';
import { loadOrganisation } from '../../src/app/load-organisation.js';
import { renderYaml } from '../../src/core/yaml-write.js';
import type { Organisation } from '../../src/core/organisation.js';
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
  for (const [bucket, kind] of [['services', 'Service'], ['cis', 'ConfigurationItem'], ['teams', 'Team']] as const) {
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
    expect(before.size).toBe(86);
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

  it('does not create a team the organisation already has', async () => {
    const root = makeOrg();
    const r = await cli(['import', 'backstage', input(component('a', 'group:default/checkout')), '--create-teams', '--root', root, '--format', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { files: { path: string }[] };
    expect(report.files.map((f) => f.path)).toEqual(['services/a/service.yaml']);
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
    expect(withReport.report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const without = mkdtempSync(path.join(tmpdir(), 'opsledger-real-'));
    expect((await cli(['import', 'backstage', realBackstage, '--out', without], PROJECT_ROOT)).code).toBe(0);
    const withoutReport = await validateJson(without);
    expect(withoutReport.report.diagnostics.filter((d) => d.severity === 'error').length).toBeGreaterThan(0);
  });
});
