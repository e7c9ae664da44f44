import type { Link } from '../core/model.js';
import { CARRY, NO_DEFINITION, continuityAnnotation, encodeLinkOrigins, type LinkList, type LinkOrigin } from '../import/backstage/carry.js';
import { repositoryOf } from '../import/backstage/component.js';
import { linkList } from '../import/backstage/metadata.js';
import { applyResidue, decodeResidue } from '../import/backstage/residue.js';
import type { Organisation } from '../core/organisation.js';
import type { ExportFile, ExportResult, ExportWarning } from './types.js';

/**
 * The organisation as Backstage catalog entities: a Component per service, a Resource per
 * configuration item, a Group per team and a User per team member, a System, Domain and API per
 * document of those kinds (plus a System for a system a CI's label names and no document
 * defines, so that the references between them resolve), and one
 * Location (catalog-info.yaml) that registers everything. What Backstage has no field for
 * (tier, exposure, continuity) travels as opsledger.dev/* annotations; anything that cannot
 * travel at all is listed as a warning.
 */
export const BACKSTAGE_API_VERSION = 'backstage.io/v1alpha1';
/** SchemaStore's schema for Backstage catalog files, which yaml-language-server knows. */
export const BACKSTAGE_SCHEMA_URL = 'https://json.schemastore.org/catalog-info.json';

type Obj = Record<string, unknown>;

/** Backstage's KubernetesValidatorFunctions rules for label keys, label values and tags. */
const NAME_PART = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

function validKey(key: string): boolean {
  const cut = key.lastIndexOf('/');
  const prefix = cut >= 0 ? key.slice(0, cut) : undefined;
  const name = cut >= 0 ? key.slice(cut + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && NAME_PART.test(name);
}

function validLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME_PART.test(value));
}

function githubSlug(url: string | undefined): string | undefined {
  const m = url ? /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(url) : undefined;
  return m?.[1];
}

const group = (name: string) => `group:default/${name}`;


export function exportBackstage(org: Organisation): ExportResult {
  const warnings: ExportWarning[] = [];
  const files: ExportFile[] = [];
  const warn = (source: string, pointer: string, code: string, message: string) => warnings.push({ source, pointer, code, message });
  const add = (folder: string, entity: Obj, from?: { annotations?: Record<string, string> }) => {
    const name = String((entity.metadata as Obj).name);
    // What an import recorded of the entity as Backstage had it goes back where nothing changed since.
    const residue = decodeResidue(from?.annotations?.[CARRY.fields]);
    if (residue) applyResidue(entity, residue);
    files.push({ path: `${folder}/${name}.yaml`, docs: [{ value: entity }], schemaUrl: BACKSTAGE_SCHEMA_URL });
  };

  /**
   * metadata every entity shares: title, description, labels, annotations, links, tags. `extra`
   * are annotations derived from opsledger fields: Backstage's own keys among them are listed in
   * opsledger.dev/generated so that an import does not keep them as the document's annotations;
   * one the document already has keeps the document's value. `lists` are the link lists the
   * kind keeps apart (runbooks...), written after the document's own links; which list each
   * link came from travels in opsledger.dev/links. `unset` lists pointers the document leaves
   * unset although the fields written for Backstage would give them a value on import.
   */
  const metadataOf = (
    source: string,
    m: { name: string; title?: string; description?: string; labels?: Record<string, string>; annotations?: Record<string, string>; links?: Link[] },
    extra: Record<string, string> = {},
    lists: { list: LinkList; links: Link[]; type: string; icon: string }[] = [],
    unset: string[] = [],
  ): Obj => {
    const out: Obj = { name: m.name };
    if (m.title) out.title = m.title;
    if (m.description) out.description = m.description;
    const labels: Record<string, string> = {};
    const refused: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.labels ?? {})) {
      if (validKey(k) && validLabelValue(v)) labels[k] = v;
      else refused[k] = v;
    }
    const annotations: Record<string, string> = {};
    let tags: string[] = [];
    for (const [k, v] of Object.entries(m.annotations ?? {})) {
      if (k === CARRY.tags) {
        // Tags an earlier import kept as an annotation go back to being tags.
        const valid = v.split(',').filter((t) => TAG.test(t) && t.length <= 63);
        if (valid.join(',') === v) {
          tags = valid;
          continue;
        }
      }
      if (k === CARRY.fields) continue;
      if (validKey(k)) annotations[k] = v;
      else warn(source, `/metadata/annotations/${k}`, 'export.annotation-invalid', `annotation key ${k} is not a valid Backstage key; left out`);
    }
    const generated: string[] = [];
    for (const [k, v] of Object.entries(extra)) {
      if (k.startsWith('opsledger.dev/')) annotations[k] = v;
      else if (annotations[k] === undefined) {
        annotations[k] = v;
        generated.push(k);
      }
    }
    if (generated.length) annotations[CARRY.generated] = generated.join(',');
    // Backstage refuses these labels; they travel as JSON and come back as labels.
    if (Object.keys(refused).length) annotations[CARRY.labels] = JSON.stringify(refused);
    if (unset.length) annotations[CARRY.unset] = unset.join(',');
    const links: Obj[] = [];
    const origins: LinkOrigin[] = [];
    for (const l of m.links ?? []) {
      links.push({ url: l.url, title: l.title, ...(l.type ? { type: l.type } : {}) });
      origins.push({ list: 'links', ...(l.type !== undefined ? { type: l.type } : {}) });
    }
    for (const { list, links: ls, type, icon } of lists) {
      for (const l of ls) {
        links.push({ url: l.url, title: l.title, type: l.type ?? type, icon });
        origins.push({ list, ...(l.type !== undefined ? { type: l.type } : {}) });
      }
    }
    // Only when the import, left to titles, types and icons, would file a link elsewhere.
    const filed = links.map((l) => linkList(l as { title?: string; icon?: string; type?: string }));
    if (origins.some((o, i) => o.list !== filed[i] || o.type !== (links[i] as { type?: string }).type)) annotations[CARRY.links] = encodeLinkOrigins(origins);
    if (Object.keys(labels).length) out.labels = labels;
    if (Object.keys(annotations).length) out.annotations = annotations;
    if (tags.length) out.tags = tags;
    if (links.length) out.links = links;
    return out;
  };

  // ---------------------------------------------------------------- teams and their members
  const memberOf = new Map<string, string[]>();
  for (const { doc: t } of org.teams.values()) {
    const source = `team:${t.metadata.name}`;
    const extra: Record<string, string> = {};
    if (t.spec.github?.team) extra['github.com/team-slug'] = t.spec.github.team;
    if (t.spec.contact?.slack) extra[CARRY.slack] = t.spec.contact.slack;
    if (t.spec.contact?.chat) extra[CARRY.chat] = t.spec.contact.chat;
    if (t.spec.contact?.pager) extra[CARRY.pager] = t.spec.contact.pager;
    if (t.spec.oncall?.escalation?.length) extra[CARRY.escalation] = t.spec.oncall.escalation.join(',');
    const oncall = t.spec.oncall?.schedule ? [{ list: 'oncall' as const, links: [{ url: t.spec.oncall.schedule, title: 'On-call schedule' }], type: 'oncall', icon: 'alert' }] : [];
    const groupType = t.metadata.labels?.['group-type'];
    const parent = t.metadata.labels?.parent;
    const hasParent = parent !== undefined && org.teams.has(parent);
    const metadata = metadataOf(source, t.metadata, extra, oncall, groupType ? [] : ['/metadata/labels/group-type']);
    const profile: Obj = {};
    if (t.metadata.title) profile.displayName = t.metadata.title;
    if (t.spec.contact?.email) profile.email = t.spec.contact.email;
    const members = t.spec.members ?? [];
    for (const login of members) memberOf.set(login, [...(memberOf.get(login) ?? []), t.metadata.name]);
    add('groups', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'Group',
      metadata,
      spec: { type: groupType ?? 'team', ...(Object.keys(profile).length ? { profile } : {}), ...(hasParent ? { parent: group(parent) } : {}), children: [], ...(members.length ? { members: members.map((m) => `user:default/${m.toLowerCase()}`) } : {}) },
    }, t.metadata);
  }
  for (const [login, teams] of [...memberOf].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!/^[a-z0-9A-Z]+([-_.][a-z0-9A-Z]+)*$/.test(login)) {
      warn(`team:${teams[0]}`, '/spec/members', 'export.user-invalid', `login ${login} is not a valid Backstage name (runs of '-'), so no User is written for it`);
      continue;
    }
    // Backstage matches names case-insensitively; GitHub logins keep their case in the annotation.
    add('users', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'User',
      metadata: { name: login.toLowerCase(), annotations: { 'github.com/user-login': login } },
      spec: { memberOf: teams.map(group) },
    });
  }

  // ---------------------------------------------------------------- services
  // Systems a CI's label names (or a reference to a System no document defines) still get a
  // System entity, so that Backstage resolves the reference.
  const labelSystems = new Map<string, string[]>();
  const noteSystem = (system: string | undefined, owner: string | undefined) => {
    if (!system || org.systems.has(system)) return;
    labelSystems.set(system, [...(labelSystems.get(system) ?? []), ...(owner ? [owner] : [])]);
  };
  const systemName = (labels: Record<string, string> | undefined, source: string): string | undefined => {
    const s = labels?.system;
    if (s === undefined) return undefined;
    if (NAME_PART.test(s) && s.length <= 63) return s.toLowerCase();
    warn(source, '/metadata/labels/system', 'export.system-invalid', `"${s}" is not a valid Backstage name, so no system is set`);
    return undefined;
  };
  for (const { doc: s } of org.services.values()) {
    const source = `service:${s.metadata.name}`;
    const spec = s.spec;
    const extra: Record<string, string> = { [CARRY.tier]: String(spec.tier), [CARRY.exposure]: spec.exposure };
    const slug = githubSlug(spec.repository);
    if (slug) extra['github.com/project-slug'] = slug;
    if (spec.repository) {
      extra['backstage.io/source-location'] = `url:${spec.repository}`;
      // The annotations an import reads the repository from, as this document will have them.
      const seen = { ...extra, ...(s.metadata.annotations ?? {}) };
      if (repositoryOf(seen) !== spec.repository) extra[CARRY.repository] = spec.repository;
    }
    if (spec.continuity) {
      for (const [k, v] of Object.entries(spec.continuity)) if (v !== undefined) extra[continuityAnnotation(k)] = String(v);
    }
    if (spec.owners?.length) {
      extra[CARRY.owners] = JSON.stringify(spec.owners.map((o) => ({ team: o.team, role: o.role })));
      warn(source, '/spec/owners', 'export.single-owner', 'a Backstage entity has one owner; Backstage shows only the first team, the others and their roles travel as the opsledger.dev/owners annotation');
    }
    const labels = s.metadata.labels ?? {};
    const system = spec.system;
    const unset = labels['component-type'] === undefined ? ['/metadata/labels/component-type'] : [];
    const metadata = metadataOf(source, s.metadata, extra, [
      { list: 'runbooks', links: spec.runbooks ?? [], type: 'runbook', icon: 'docs' },
      { list: 'playbooks', links: spec.playbooks ?? [], type: 'playbook', icon: 'docs' },
      { list: 'dashboards', links: spec.dashboards ?? [], type: 'dashboard', icon: 'dashboard' },
    ], unset);
    noteSystem(system, spec.owner);
    const dependsOn = (spec.dependsOn ?? []).map((d) => (d.startsWith('service:') ? `component:default/${d.slice(8)}` : `resource:default/${d.slice(3)}`));
    const type = s.metadata.labels?.['component-type'] ?? 'service';
    add('components', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'Component',
      metadata,
      spec: {
        type,
        lifecycle: spec.lifecycle,
        owner: group(spec.owner),
        ...(system ? { system } : {}),
        ...(dependsOn.length ? { dependsOn } : {}),
        ...(spec.providesApis?.length ? { providesApis: spec.providesApis } : {}),
        ...(spec.consumesApis?.length ? { consumesApis: spec.consumesApis } : {}),
      },
    }, s.metadata);
  }

  // ---------------------------------------------------------------- configuration items
  for (const { doc: c } of org.cis.values()) {
    const source = `ci:${c.metadata.name}`;
    const service = c.spec.service ? org.services.get(c.spec.service)?.doc : undefined;
    const owner = c.spec.owner ?? service?.spec.owner;
    if (!owner) {
      warn(source, '/spec/owner', 'export.no-owner', 'a Backstage Resource needs an owner; the CI names none and has no owning service, so it is not exported');
      continue;
    }
    const extra: Record<string, string> = {};
    if (c.spec.service) extra[CARRY.service] = c.spec.service;
    if (c.spec.environment) extra[CARRY.environment] = c.spec.environment;
    if (c.spec.attributes && Object.keys(c.spec.attributes).length) {
      // Free attributes are any YAML; as JSON text they survive the trip, if not as fields.
      extra[CARRY.attributes] = JSON.stringify(c.spec.attributes);
    }
    const relations = c.spec.relations ?? [];
    if (relations.some((r) => r.type !== 'dependsOn')) extra[CARRY.relations] = JSON.stringify(relations.map((r) => ({ type: r.type, target: r.target })));
    const labels = c.metadata.labels ?? {};
    const system = systemName(labels, source) ?? service?.spec.system;
    const unset = [...(c.spec.owner === undefined ? ['/spec/owner'] : []), ...(system && labels.system === undefined ? ['/metadata/labels/system'] : [])];
    const metadata = metadataOf(source, c.metadata, extra, [], unset);
    noteSystem(system, owner);
    const dependsOn: string[] = [];
    relations.forEach((r, i) => {
      if (r.type === 'connectsTo') {
        warn(source, `/spec/relations/${i}`, 'export.relation-dropped', `Backstage has no peer relation: connectsTo ${r.target} is not in Backstage's graph (it travels in opsledger.dev/relations)`);
        return;
      }
      const ref = r.target.startsWith('service:') ? `component:default/${r.target.slice(8)}` : `resource:default/${r.target.slice(3)}`;
      if (!dependsOn.includes(ref)) dependsOn.push(ref);
      if (r.type !== 'dependsOn') warn(source, `/spec/relations/${i}`, 'export.relation-kind', `Backstage has only dependsOn: ${r.type} ${r.target} is dependsOn in Backstage's graph (the type travels in opsledger.dev/relations)`);
    });
    add('resources', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'Resource',
      metadata,
      spec: { type: c.spec.class, owner: group(owner), ...(system ? { system } : {}), ...(dependsOn.length ? { dependsOn } : {}), ...(c.spec.service ? { dependencyOf: [`component:default/${c.spec.service}`] } : {}) },
    }, c.metadata);
  }

  // ---------------------------------------------------------------- systems, domains, APIs
  for (const { doc: d } of org.domains.values()) {
    add('domains', { apiVersion: BACKSTAGE_API_VERSION, kind: 'Domain', metadata: metadataOf(`domain:${d.metadata.name}`, d.metadata), spec: { owner: group(d.spec.owner) } }, d.metadata);
  }
  for (const { doc: s } of org.systems.values()) {
    add('systems', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'System',
      metadata: metadataOf(`system:${s.metadata.name}`, s.metadata),
      spec: { owner: group(s.spec.owner), ...(s.spec.domain ? { domain: s.spec.domain } : {}) },
    }, s.metadata);
  }
  for (const { doc: a } of org.apis.values()) {
    add('apis', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'API',
      metadata: metadataOf(`api:${a.metadata.name}`, a.metadata),
      spec: {
        type: a.spec.type,
        lifecycle: a.spec.lifecycle,
        owner: group(a.spec.owner),
        ...(a.spec.system ? { system: a.spec.system } : {}),
        // Backstage requires a definition; its placeholder fetches the text from the link.
        definition: a.spec.definition ? { $text: a.spec.definition } : NO_DEFINITION,
      },
    }, a.metadata);
  }
  const mostCommon = (xs: string[]): string | undefined => {
    const n = new Map<string, number>();
    for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
    return [...n].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  };
  for (const [name, owners] of [...labelSystems].sort(([a], [b]) => (a < b ? -1 : 1))) {
    add('systems', {
      apiVersion: BACKSTAGE_API_VERSION,
      kind: 'System',
      metadata: { name, annotations: { [CARRY.generatedFrom]: 'the system its services and CIs name, which no System document defines' } },
      spec: { owner: group(mostCommon(owners) ?? 'unowned') },
    });
  }

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const location: ExportFile = {
    path: 'catalog-info.yaml',
    schemaUrl: BACKSTAGE_SCHEMA_URL,
    docs: [
      {
        comment: ['Generated by opsledger export backstage. Register this file in Backstage; it points at every entity.'],
        value: {
          apiVersion: BACKSTAGE_API_VERSION,
          kind: 'Location',
          metadata: { name: 'opsledger', description: 'Services, resources and teams exported from opsledger' },
          // No type: relative targets inherit the type of the location that registers this file.
          spec: { targets: files.map((f) => `./${f.path}`) },
        },
      },
    ],
  };
  return { files: [location, ...files], warnings };
}
