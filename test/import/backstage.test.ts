import { parseEntityRef as backstageParseEntityRef } from '@backstage/catalog-model';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readYamlInputs } from '../../src/adapters/fs/yaml-inputs.js';
import { mapBackstage } from '../../src/import/backstage/map.js';
import { parseEntityRef, refKey } from '../../src/import/backstage/entity-ref.js';
import { parseYamlStream } from '../../src/import/parse.js';
import { leaves, type ImportReport } from '../../src/import/report.js';
import { cli, makeOrg, PROJECT_ROOT, validateJson } from '../helpers/org.js';

/**
 * `opsledger import backstage` on Backstage's own example catalog (shared/realdata/backstage):
 * every document is accounted for, every input field is either carried or reported with a
 * reason, and the written files validate except for references the input itself left open.
 */
const shared = path.resolve(PROJECT_ROOT, '..', 'shared');
const realRoot = path.join(shared, 'realdata');
const backstageDir = path.join(realRoot, 'backstage');
const hasRealData = existsSync(backstageDir);

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

const tempRoot = () => mkdtempSync(path.join(tmpdir(), 'opsledger-import-'));

async function importJson(args: string[], cwd: string): Promise<{ code: number; report: ImportReport & { out: string; written: boolean }; stderr: string }> {
  const r = await cli(['import', ...args, '--format', 'json'], cwd);
  if (r.code === 2) throw new Error(`import failed: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('entity references in every spelling', () => {
  // The same table goes through Backstage's own parser, so ours agrees with the catalog.
  const rows: [string, { defaultKind?: string; defaultNamespace?: string }, string][] = [
    ['team-a', { defaultKind: 'Group' }, 'group:default/team-a'],
    ['group:default/team-a', {}, 'group:default/team-a'],
    ['default/team-a', { defaultKind: 'Group' }, 'group:default/team-a'],
    ['group:team-a', {}, 'group:default/team-a'],
    ['user:guest', { defaultKind: 'Group' }, 'user:default/guest'],
    ['team-a', { defaultKind: 'Group', defaultNamespace: 'alternative' }, 'group:alternative/team-a'],
    ['default/team-a', { defaultKind: 'Group', defaultNamespace: 'alternative' }, 'group:default/team-a'],
    ['Group:Default/Team-A', {}, 'group:default/team-a'],
    ['resource:artists-db', {}, 'resource:default/artists-db'],
    ['component:alternative/different-namespace', {}, 'component:alternative/different-namespace'],
  ];
  it.each(rows)('%s %j -> %s', (written, context, key) => {
    const ours = parseEntityRef(written, context);
    expect(ours && refKey(ours)).toBe(key);
    const theirs = backstageParseEntityRef(written, context);
    expect(refKey({ kind: theirs.kind, namespace: theirs.namespace, name: theirs.name })).toBe(key);
  });

  it.each(['', 'group:', 'a/b/c', ':x'])('rejects %j', (written) => {
    expect(parseEntityRef(written, { defaultKind: 'group' })).toBeUndefined();
  });
});

// The project's own purity check, run on the folders that hold pure mapping code.
const { findViolations } = (await import(pathToFileURL(path.join(PROJECT_ROOT, 'scripts', 'check-core-purity.mjs')).href)) as { findViolations(dir: string): { file: string; spec: string }[] };

describe('mapping and writers stay pure', () => {
  it.each(['import', 'export', 'scaffold'])('src/%s imports no I/O', (dir) => {
    expect(findViolations(path.join(PROJECT_ROOT, 'src', dir))).toEqual([]);
  });
});

describe.skipIf(!hasRealData)('real Backstage catalog files (shared/realdata/backstage)', () => {
  const files = yamlFiles(backstageDir);
  const inputs = readYamlInputs([backstageDir], realRoot);
  const mapped = mapBackstage(inputs.documents);

  it('reads every file without a parse problem, several documents per file included', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(inputs.problems).toEqual([]);
    expect(inputs.documents.length).toBeGreaterThan(files.length);
    // Every document read has exactly one outcome.
    expect(mapped.report.entities.map((e) => e.source).sort()).toEqual(inputs.documents.map((d) => `${d.file}#${d.document}`).sort());
  });

  const rows = mapped.report.entities.map((e, i) => ({ ...e, value: inputs.documents.find((d) => `${d.file}#${d.document}` === e.source)!.value, label: `${e.ref} (${i})` }));
  it.each(rows)('every field of $label is used, carried in an annotation or reported with a reason', ({ value, used, dropped, carried }) => {
    const covered = [...used, ...dropped.map((d) => d.pointer), ...(carried ?? [])];
    const isCovered = (leaf: string) => covered.some((p) => p === '' || leaf === p || leaf.startsWith(p + '/'));
    expect(leaves(value, '').filter((l) => !isCovered(l))).toEqual([]);
    for (const d of dropped) {
      expect(d.code).toMatch(/^[a-z]+(\.[a-z-]+)+$/);
      expect(d.reason.length).toBeGreaterThan(10);
    }
  });

  it.each([
    ['component:default/artist-lookup', 'mapped', ['service:artist-lookup']],
    ['resource:default/artists-db', 'mapped', ['ci:artists-db']],
    ['group:default/team-a', 'mapped', ['team:team-a']],
    ['user:default/breanna.davison', 'merged', ['team:team-a#member:breanna-davison']],
    ['user:development/guest', 'merged', ['team:team-a#member:guest']],
    ['api:default/wayback-archive', 'mapped', ['api:wayback-archive']],
    ['api:default/spotify', 'mapped', ['api:spotify']],
    ['system:default/artist-engagement-portal', 'mapped', ['system:artist-engagement-portal']],
    ['domain:default/artists', 'mapped', ['domain:artists']],
    ['component:default/playback-sdk', 'dropped', []],
    ['location:default/example-all', 'dropped', []],
    ['environment:default/prod', 'dropped', []],
    ['component:default/invalid component', 'dropped', []],
  ])('%s is %s', (ref, result, to) => {
    const e = mapped.report.entities.find((x) => x.ref === ref)!;
    expect(e.result).toBe(result);
    expect(e.to).toEqual(to);
  });

  it.each([
    ['component:default/playback-sdk', 'entity.library'],
    ['location:default/example-all', 'entity.location'],
    ['environment:default/prod', 'entity.unsupported-kind'],
    ['component:default/invalid component', 'entity.invalid'],
  ])('%s is dropped as %s', (ref, code) => {
    expect(mapped.report.entities.find((x) => x.ref === ref)!.code).toBe(code);
  });

  const doc = (p: string) => mapped.files.find((f) => f.path === p)!.doc.value as { metadata: Record<string, unknown>; spec: Record<string, unknown> };

  it('maps systems, domains and APIs to their kinds, and resource dependencies to CI references', () => {
    const s = doc('services/artist-lookup/service.yaml');
    expect(s.spec.system).toBe('artist-engagement-portal');
    expect(s.metadata.labels).toEqual({ 'component-type': 'service' });
    expect(doc('systems/artist-engagement-portal.yaml').spec).toEqual({ owner: 'team-a', domain: 'artists' });
    expect(doc('systems/domains/artists.yaml').spec).toEqual({ owner: 'team-a' });
    expect(s.spec.dependsOn).toEqual(['ci:artists-db']);
    expect(s.spec.dashboards).toEqual([{ title: 'Dashboard', url: 'https://example.com/dashboard', type: 'dashboard' }]);
    expect(doc('cmdb/artists-db.yaml').spec).toEqual({ class: 'database', owner: 'team-a' });
  });

  it('keeps provided and consumed APIs as the service has them, and a definition placeholder as the link', () => {
    expect(doc('services/wayback-search/service.yaml').spec).toMatchObject({ providesApis: ['wayback-search'], consumesApis: ['wayback-archive'] });
    expect(doc('services/wayback-search/service.yaml').spec.dependsOn).toBeUndefined();
    expect(doc('apis/wayback-archive.yaml').spec).toEqual({ type: 'openapi', owner: expect.any(String), lifecycle: expect.any(String), definition: 'https://github.com/APIs-guru/openapi-directory/blob/main/APIs/archive.org/wayback/1.0.0/openapi.yaml' });
    // A definition written out in full is not a field of ours: the round trip carries it.
    expect(doc('apis/streetlights.yaml').spec.definition).toBeUndefined();
    expect(mapped.report.entities.find((x) => x.ref === 'api:default/streetlights')!.carried).toContain('/spec/definition');
  });

  it('resolves owners in every spelling and namespace, and users to their team', () => {
    expect(doc('services/different-namespace/service.yaml').spec.owner).toBe('team-a');
    expect(doc('services/shuffle-api/service.yaml').spec.owner).toBe('team-a');
    expect(mapped.report.review).toContainEqual(expect.objectContaining({ target: 'service:shuffle-api', pointer: '/spec/owner', code: 'review.owner-user' }));
    expect(doc('teams/team-a.yaml').spec.members).toEqual(expect.arrayContaining(['breanna-davison', 'guest']));
    expect(doc('teams/team-c.yaml').metadata).toMatchObject({ title: 'Team C', labels: { 'group-type': 'team', parent: 'boxoffice' } });
  });

  it('lists a tier and an exposure for review on every service', () => {
    for (const f of mapped.files.filter((x) => x.kind === 'Service')) {
      const codes = mapped.report.review.filter((r) => r.target === `service:${f.name}`).map((r) => r.code);
      expect(codes).toEqual(expect.arrayContaining(['review.tier-default', 'review.exposure-default']));
      expect(f.doc.notes?.['/spec/tier']).toMatch(/^REVIEW/);
    }
  });

  it('writes files that start with the schema modeline and validate, except for references the input left open', async () => {
    const out = tempRoot();
    const { code, report } = await importJson(['backstage', 'backstage', '--out', out], realRoot);
    expect(code).toBe(0);
    for (const f of report.files) {
      const text = readFileSync(path.join(out, f.path), 'utf8');
      expect(text.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=https:\/\/opsledger\.dev\/schemas\/v1\/[a-z-]+\.schema\.json$/);
    }
    const { report: validation } = await validateJson(out);
    const errors = validation.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.code).toBe('ref.unresolved');
      const file = report.files.find((f) => f.path === e.file)!;
      const space: Record<string, string> = { Team: 'team', Service: 'service', ConfigurationItem: 'ci', System: 'system', Domain: 'domain', API: 'api' };
      const target = `${space[file.kind]}:${file.name}`;
      expect(report.dangling.filter((d) => d.target === target).map((d) => d.pointer)).toContain(e.pointer.replace(/\/\d+$/, ''));
    }
    expect(report.dangling.map((d) => d.ref).sort()).toEqual(['api:hello-world', 'api:wayback-search', 'team:guest', 'team:team-d']);
  });
});

describe('import backstage on made-up inputs', () => {
  const write = (dir: string, name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('keeps both entities when two namespaces use one name', () => {
    const text = ['default', 'other']
      .map((ns) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api, namespace: ${ns}}\nspec: {type: service, lifecycle: production, owner: group:default/web}\n`)
      .join('---\n');
    const { files, report } = mapBackstage(parseYamlStream('x.yaml', text).documents);
    expect(files.map((f) => f.name)).toEqual(['api', 'other-api']);
    expect(report.dangling.map((d) => d.ref)).toEqual(['team:web', 'team:web']);
  });

  it('uses a github.com/user-login annotation as the login and labels for tier and exposure', () => {
    const text = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: web}
spec: {type: team, children: [], members: [jane.doe]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: jane.doe, annotations: {github.com/user-login: janedoe}}
spec: {memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  labels: {tier: "1", exposure: external}
  links:
    - {url: https://wiki.example.com/rb/shop, title: Shop runbook}
    - {url: https://wiki.example.com/pb/shop, title: Incident playbook}
    - {url: https://oncall.example.com/web, title: On-call}
spec: {type: service, lifecycle: production, owner: web}
`;
    const { files, report } = mapBackstage(parseYamlStream('x.yaml', text).documents);
    const team = files.find((f) => f.kind === 'Team')!.doc.value as { spec: Record<string, unknown> };
    expect(team.spec.members).toEqual(['janedoe']);
    const svc = files.find((f) => f.kind === 'Service')!.doc.value as { spec: Record<string, unknown> };
    expect(svc.spec).toMatchObject({ tier: 1, exposure: 'external', runbooks: [{ title: 'Shop runbook' }], playbooks: [{ title: 'Incident playbook' }] });
    expect(report.review.filter((r) => r.target === 'service:shop')).toEqual([]);
  });

  it('refuses to overwrite without --force, writes nothing on a dry run, and overwrites with --force', async () => {
    const dir = tempRoot();
    const input = write(dir, 'catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: web}\nspec: {type: team, children: []}\n');
    const out = path.join(dir, 'org');
    const dry = await importJson(['backstage', input, '--out', out, '--dry-run'], dir);
    expect(dry.report.written).toBe(false);
    expect(existsSync(path.join(out, 'teams/web.yaml'))).toBe(false);
    expect((await cli(['import', 'backstage', input, '--out', out], dir)).code).toBe(0);
    const again = await cli(['import', 'backstage', input, '--out', out], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('teams/web.yaml');
    expect((await cli(['import', 'backstage', input, '--out', out, '--force'], dir)).code).toBe(0);
    expect(readdirSync(path.join(out, 'teams'))).toEqual(['web.yaml']);
  });

  it('leaves out a name the organisation already defines in another file', async () => {
    const root = makeOrg();
    const input = write(root, 'catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: checkout}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: web}\nspec: {type: team, children: []}\n');
    const { code, report } = await importJson(['backstage', input, '--root', root], root);
    expect(code).toBe(0);
    expect(report.entities.map((e) => [e.ref, e.result, e.code ?? null])).toEqual([
      ['group:default/checkout', 'dropped', 'entity.exists'],
      ['group:default/web', 'mapped', null],
    ]);
    const { report: validation } = await validateJson(root);
    expect(validation.diagnostics).toEqual([]);
  });

  it.each([
    [['import'], 2],
    [['import', 'jira', 'x.yaml'], 2],
    [['import', 'backstage'], 2],
    [['import', 'backstage', 'no-such-file.yaml'], 2],
  ])('%j exits %i', async (args, code) => {
    expect((await cli(args, tempRoot())).code).toBe(code);
  });

  it('reports a file it cannot parse, imports the rest and exits 1', async () => {
    const dir = tempRoot();
    write(dir, 'a.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: web}\nspec: {type: team, children: []}\n');
    write(dir, 'b.yaml', 'apiVersion: [unclosed\n');
    const { code, report } = await importJson(['backstage', '.', '--out', path.join(dir, 'org')], dir);
    expect(code).toBe(1);
    expect(report.problems.map((p) => p.file)).toEqual(['b.yaml']);
    expect(report.files.map((f) => f.path)).toEqual(['teams/web.yaml']);
  });
});
