import { API_VERSION, EXPOSURES, type Exposure, type Lifecycle, type Link, type Tier } from '../../core/model.js';
import type { YamlDoc } from '../../core/yaml-write.js';
import { sourceLabel, type SourceDocument } from '../parse.js';
import { Usage, type DanglingRef, type EntityOutcome, type ImportReport, type ReviewItem } from '../report.js';
import { formatRef, parseEntityRef, refKey, type EntityRef } from './entity-ref.js';

/**
 * Backstage catalog entities to opsledger documents. Pure: the caller reads the files and
 * writes the result.
 *
 * - Component (not library) -> Service; Resource -> ConfigurationItem; Group -> Team.
 * - User -> a member (GitHub login) of the teams of its groups (Group spec.members and User
 *   spec.memberOf both count).
 * - System and Domain -> labels `system` and `domain` on the services and CIs in them.
 * - API -> folded into the components that provide it: a consumer depends on the provider.
 * - Links go to runbooks, playbooks or dashboards when their title, icon or type says so.
 * Backstage has no tier and no exposure; those get cautious defaults and are listed for review.
 */
export interface BackstageImport {
  files: ImportedFile[];
  report: Omit<ImportReport, 'problems' | 'files'>;
}

export interface ImportedFile {
  /** Path relative to the organisation root. */
  path: string;
  /** The input document it came from (sourceLabel). */
  source: string;
  apiVersion: string;
  kind: 'Service' | 'ConfigurationItem' | 'Team';
  name: string;
  doc: YamlDoc;
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Backstage's own rule for metadata.name (KubernetesValidatorFunctions.isValidObjectName). */
const BACKSTAGE_NAME = /^[a-z0-9A-Z]+([-_.][a-z0-9A-Z]+)*$/;
const GITHUB_LOGIN = /^[A-Za-z0-9]([A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const GITHUB_TEAM = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-._A-Za-z0-9]*[A-Za-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

/** Opsledger names are DNS labels: lower case, digits and '-', at most 63. */
export function toDnsLabel(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63)
    .replace(/-$/, '');
  return s === '' ? 'unnamed' : s;
}

function toLogin(name: string): string {
  const s = name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 39)
    .replace(/-$/, '');
  return s === '' ? 'unknown' : s;
}

/** Resource spec.type -> CI class. Backstage types are free text; these are the common ones. */
const CLASS_BY_TYPE: [RegExp, string][] = [
  [/^(database|db|rds|aurora|postgres(ql)?|mysql|mariadb|mongo(db)?|dynamo(db)?|cassandra|sql|spanner|bigtable|cockroach(db)?)/, 'database'],
  [/^(cache|redis|memcached?|elasticache|valkey)/, 'cache'],
  [/^(queue|kafka|kafka-topic|topic|sqs|sns|pubsub|pub-sub|rabbitmq|amqp|kinesis|event-?hub|nats)/, 'queue'],
  [/^(kubernetes|k8s|cluster|eks|gke|aks|openshift|ecs|nomad)/, 'cluster'],
  [/^(s3|s3-bucket|bucket|gcs|blob|object-?store)/, 'object-store'],
  [/^(storage|volume|disk|ebs|efs|nfs|san|nas|file-?system)/, 'storage'],
  [/^(vm|host|server|instance|ec2|machine|node|bare-?metal)/, 'host'],
  [/^(load-?balancer|lb|alb|elb|nlb|ingress)/, 'load-balancer'],
  [/^(dns|dns-zone|route53|hosted-zone|domain-name)/, 'dns'],
  [/^(certificate|cert|tls|ssl|acm)/, 'certificate'],
  [/^(network|vpc|subnet|vpn|firewall|security-group)/, 'network'],
  [/^(function|lambda|cloud-function|serverless)/, 'function'],
  [/^(cdn|cloudfront|fastly|akamai)/, 'cdn'],
  [/^(secret|vault|secret-store|kms|key-vault)/, 'secret-store'],
  [/^(search|elasticsearch|opensearch|solr)/, 'search'],
  [/^(registry|container-registry|ecr|gcr|artifact|artifactory|package-registry)/, 'registry'],
  [/^(gateway|api-gateway|apigw)/, 'gateway'],
  [/^(monitoring|prometheus|grafana|datadog|observability|logging)/, 'monitoring'],
  [/^(saas|third-party|external|vendor)/, 'saas'],
];

/** A link goes to the list its title, icon or type names; anything else stays a plain link. */
function linkList(link: { title?: string; icon?: string; type?: string }): 'runbooks' | 'playbooks' | 'dashboards' | 'links' {
  const text = `${link.title ?? ''} ${link.icon ?? ''} ${link.type ?? ''}`.toLowerCase();
  if (/run-?book/.test(text)) return 'runbooks';
  if (/play-?book|incident response/.test(text)) return 'playbooks';
  if (/dashboard|grafana|kibana|metrics|monitoring/.test(text)) return 'dashboards';
  return 'links';
}

const ONCALL_LINK = /on-?call|pagerduty|opsgenie|pager|rota|escalation/i;

interface Entity {
  source: SourceDocument;
  label: string;
  value: Obj;
  kind: string;
  /** Lower-case kind. */
  k: string;
  namespace: string;
  name: string;
  key: string;
  ref: string;
  metadata: Obj;
  spec: Obj;
  usage: Usage;
  outcome: EntityOutcome;
}

interface Target {
  entity: Entity;
  /** service:x, ci:x or team:x */
  typed: string;
  name: string;
}

export function mapBackstage(inputs: readonly SourceDocument[]): BackstageImport {
  const outcomes: EntityOutcome[] = [];
  const review: ReviewItem[] = [];
  const dangling: DanglingRef[] = [];
  const entities: Entity[] = [];
  const byKey = new Map<string, Entity>();

  // ---------------------------------------------------------------- 1. read the envelopes
  for (const source of inputs) {
    const label = sourceLabel(source);
    const value = obj(source.value);
    const dropWhole = (ref: string, code: string, reason: string) => {
      const usage = new Usage();
      if (value) usage.finish(value, code, reason);
      outcomes.push({ source: label, ref, result: 'dropped', code, reason, to: [], used: [], dropped: usage.dropped, changed: [] });
    };
    if (!value || typeof value.apiVersion !== 'string' || !/^backstage\.io\//.test(value.apiVersion)) {
      dropWhole('(not a Backstage entity)', 'entity.not-backstage', 'not a Backstage entity (no backstage.io/* apiVersion)');
      continue;
    }
    const kind = str(value.kind);
    const metadata = obj(value.metadata) ?? {};
    const name = str(metadata.name);
    const namespace = str(metadata.namespace) ?? 'default';
    if (!kind || !name) {
      dropWhole(`${kind ?? '?'}:${namespace}/${name ?? '?'}`, 'entity.invalid', 'an entity needs a kind and metadata.name');
      continue;
    }
    const ref = formatRef({ kind, namespace, name });
    if (!BACKSTAGE_NAME.test(name) || name.length > 63) {
      dropWhole(ref, 'entity.invalid', `"${name}" is not a valid Backstage name (the Backstage catalog itself rejects this entity)`);
      continue;
    }
    const key = refKey({ kind, namespace, name });
    if (byKey.has(key)) {
      dropWhole(ref, 'entity.duplicate', `${ref} is defined again; the first definition (${byKey.get(key)!.label}) is kept`);
      continue;
    }
    const usage = new Usage();
    // The envelope identifies the entity; it is carried as the name and the provenance annotation.
    usage.use('/apiVersion', '/kind', '/metadata/name', '/metadata/namespace');
    const outcome: EntityOutcome = { source: label, ref, result: 'mapped', to: [], used: [], dropped: [], changed: [] };
    const entity: Entity = { source, label, value, kind, k: kind.toLowerCase(), namespace, name, key, ref, metadata, spec: obj(value.spec) ?? {}, usage, outcome };
    entities.push(entity);
    byKey.set(key, entity);
    outcomes.push(outcome);
  }

  const ofKind = (k: string) => entities.filter((e) => e.k === k);
  const resolve = (written: unknown, from: Entity, defaultKind?: string): { ref: EntityRef; key: string; entity?: Entity } | undefined => {
    const ref = parseEntityRef(written, { ...(defaultKind ? { defaultKind } : {}), defaultNamespace: from.namespace });
    if (!ref) return undefined;
    if (!ref.kind) {
      // dependsOn entries should name their kind; when one does not, look the name up among
      // the kinds a dependency can be.
      for (const k of ['component', 'resource']) {
        const key = refKey({ ...ref, kind: k });
        const hit = byKey.get(key);
        if (hit) return { ref: { ...ref, kind: k }, key, entity: hit };
      }
      return { ref, key: refKey(ref) };
    }
    const key = refKey(ref);
    const hit = byKey.get(key);
    return hit ? { ref, key, entity: hit } : { ref, key };
  };

  // ---------------------------------------------------------------- 2. names in opsledger
  // Names must be DNS labels and unique per kind; Backstage namespaces do not exist here, so
  // a clash between namespaces is settled by prefixing the non-default namespace.
  const targets = new Map<string, Target>();
  const taken = { service: new Set<string>(), ci: new Set<string>(), team: new Set<string>() };
  const components = ofKind('component');
  const libraries = new Set(components.filter((c) => str(c.spec.type)?.toLowerCase() === 'library').map((c) => c.key));
  const assign = (e: Entity, space: 'service' | 'ci' | 'team') => {
    let name = toDnsLabel(e.name);
    if (taken[space].has(name)) name = toDnsLabel(`${e.namespace}-${e.name}`);
    for (let i = 2; taken[space].has(name); i++) name = toDnsLabel(`${e.name}-${i}`);
    taken[space].add(name);
    targets.set(e.key, { entity: e, typed: `${space}:${name}`, name });
    if (name !== e.name) e.usage.change('/metadata/name', 'name.changed', `opsledger names are lower-case DNS labels, unique per kind: "${e.name}" is written as "${name}"`);
  };
  // Default-namespace entities pick first so that they keep their plain names.
  const order = (a: Entity, b: Entity) => Number(a.namespace.toLowerCase() !== 'default') - Number(b.namespace.toLowerCase() !== 'default');
  for (const g of [...ofKind('group')].sort(order)) assign(g, 'team');
  for (const c of [...components].sort(order)) if (!libraries.has(c.key)) assign(c, 'service');
  for (const r of [...ofKind('resource')].sort(order)) assign(r, 'ci');

  /** The typed name a reference points at in the output, or a dangling one the input left open. */
  const targetOf = (written: unknown, from: Entity, defaultKind: string | undefined, space: 'service' | 'ci' | 'team'): { name: string; typed: string; dangling: boolean } | undefined => {
    const r = resolve(written, from, defaultKind);
    if (!r) return undefined;
    const t = targets.get(r.key);
    if (t) return { name: t.name, typed: t.typed, dangling: false };
    const name = toDnsLabel(r.ref.namespace.toLowerCase() === 'default' ? r.ref.name : `${r.ref.namespace}-${r.ref.name}`);
    return { name, typed: `${space}:${name}`, dangling: true };
  };

  // ---------------------------------------------------------------- 3. users -> logins, groups -> members
  const logins = new Map<string, string>();
  const memberships = new Map<string, string[]>(); // group key -> logins
  const userGroups = new Map<string, string[]>(); // user key -> group keys
  const addMember = (groupKey: string, login: string) => {
    const m = memberships.get(groupKey) ?? [];
    if (!m.includes(login)) m.push(login);
    memberships.set(groupKey, m);
  };
  for (const u of ofKind('user')) {
    const annotations = obj(u.metadata.annotations) ?? {};
    const fromGithub = str(annotations['github.com/user-login']);
    let login: string;
    if (fromGithub && GITHUB_LOGIN.test(fromGithub)) {
      login = fromGithub;
      u.usage.use('/metadata/annotations/github.com~1user-login');
    } else if (GITHUB_LOGIN.test(u.name)) {
      login = u.name;
    } else {
      login = toLogin(u.name);
      review.push({ target: `member:${login}`, pointer: '/spec/members', value: login, code: 'review.login-guessed', reason: `Backstage user "${u.name}" has no github.com/user-login annotation and its name is not a GitHub login; "${login}" is a guess`, source: u.label });
    }
    logins.set(u.key, login);
  }
  for (const u of ofKind('user')) {
    const groups: string[] = [];
    list(u.spec.memberOf).forEach((m, i) => {
      const r = resolve(m, u, 'group');
      if (r?.entity?.k === 'group') {
        groups.push(r.key);
        addMember(r.key, logins.get(u.key)!);
        u.usage.use(`/spec/memberOf/${i}`);
      } else {
        u.usage.drop(`/spec/memberOf/${i}`, 'ref.dangling', `group ${String(m)} is not in the input, so there is no team to add ${logins.get(u.key)} to`);
      }
    });
    userGroups.set(u.key, groups);
  }
  for (const g of ofKind('group')) {
    list(g.spec.members).forEach((m, i) => {
      const r = resolve(m, g, 'user');
      const login = r ? logins.get(r.key) : undefined;
      if (r && login) {
        addMember(g.key, login);
        if (!userGroups.get(r.key)!.includes(g.key)) userGroups.get(r.key)!.push(g.key);
        g.usage.use(`/spec/members/${i}`);
      } else if (r && r.ref.kind?.toLowerCase() === 'user') {
        // A member whose User entity is not in the input: its name is still the best login we have.
        const guess = GITHUB_LOGIN.test(r.ref.name) ? r.ref.name : toLogin(r.ref.name);
        addMember(g.key, guess);
        g.usage.use(`/spec/members/${i}`);
        if (guess !== r.ref.name) review.push({ target: targets.get(g.key)!.typed, pointer: '/spec/members', value: guess, code: 'review.login-guessed', reason: `member "${r.ref.name}" is not a GitHub login; "${guess}" is a guess`, source: g.label });
      } else {
        g.usage.drop(`/spec/members/${i}`, 'ref.unsupported', 'a group member must be a user');
      }
    });
  }

  // ---------------------------------------------------------------- 4. systems, domains and APIs
  const systemLabels = new Map<string, Record<string, string>>(); // system key -> labels
  const systemMembers = new Map<string, string[]>(); // system key -> typed targets
  for (const s of ofKind('system')) {
    const labels: Record<string, string> = { system: toDnsLabel(s.name) };
    const d = resolve(s.spec.domain, s, 'domain');
    if (d) {
      labels.domain = toDnsLabel(d.ref.name);
      s.usage.use('/spec/domain');
    }
    systemLabels.set(s.key, labels);
  }
  const labelsForSystem = (written: unknown, from: Entity): Record<string, string> | undefined => {
    const r = resolve(written, from, 'system');
    if (!r) return undefined;
    return systemLabels.get(r.key) ?? { system: toDnsLabel(r.ref.name) };
  };
  const providers = new Map<string, string[]>(); // api key -> typed services
  for (const c of components) {
    const t = targets.get(c.key);
    list(c.spec.providesApis).forEach((a) => {
      const r = resolve(a, c, 'api');
      if (!r || !t) return;
      providers.set(r.key, [...(providers.get(r.key) ?? []), t.typed]);
    });
  }

  // ---------------------------------------------------------------- 5. services, CIs and teams
  const files: ImportedFile[] = [];
  const dependsOn = new Map<string, string[]>(); // service key -> typed refs
  const relations = new Map<string, { type: 'dependsOn'; target: string }[]>(); // ci key -> relations
  const addDependency = (from: Entity, typed: string) => {
    if (from.k === 'component') {
      const d = dependsOn.get(from.key) ?? [];
      if (!d.includes(typed)) d.push(typed);
      dependsOn.set(from.key, d);
    } else if (from.k === 'resource') {
      const r = relations.get(from.key) ?? [];
      if (!r.some((x) => x.target === typed)) r.push({ type: 'dependsOn', target: typed });
      relations.set(from.key, r);
    }
  };

  /** metadata shared by every kind: title, description, labels, annotations, tags, links. */
  const commonMetadata = (e: Entity, t: Target): { metadata: Obj; links: Record<'runbooks' | 'playbooks' | 'dashboards' | 'links', Link[]> } => {
    const m = e.metadata;
    const metadata: Obj = { name: t.name };
    const title = str(m.title);
    if (title) {
      metadata.title = title;
      e.usage.use('/metadata/title');
    }
    const description = str(m.description);
    if (description) {
      metadata.description = description.trim();
      e.usage.use('/metadata/description');
    }
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(m.labels) ?? {})) {
      if (LABEL_KEY.test(k) && k.length <= 317 && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        labels[k] = String(v);
        e.usage.use(`/metadata/labels/${esc(k)}`);
      } else e.usage.drop(`/metadata/labels/${esc(k)}`, 'field.invalid', 'the label key or value is not one opsledger accepts');
    }
    const annotations: Record<string, string> = { 'opsledger.dev/backstage-ref': e.ref };
    for (const [k, v] of Object.entries(obj(m.annotations) ?? {})) {
      if (e.usage.isCovered(`/metadata/annotations/${esc(k)}`)) continue;
      if (LABEL_KEY.test(k) && k.length <= 317 && typeof v === 'string') {
        annotations[k] = v;
        e.usage.use(`/metadata/annotations/${esc(k)}`);
      } else e.usage.drop(`/metadata/annotations/${esc(k)}`, 'field.invalid', 'the annotation key or value is not one opsledger accepts');
    }
    const tags = list(m.tags).filter((x): x is string => typeof x === 'string');
    if (tags.length) {
      // Tags have no place of their own; an annotation keeps them for people and for export.
      annotations['opsledger.dev/backstage-tags'] = tags.join(',');
      e.usage.use('/metadata/tags');
    }
    const links: Record<'runbooks' | 'playbooks' | 'dashboards' | 'links', Link[]> = { runbooks: [], playbooks: [], dashboards: [], links: [] };
    list(m.links).forEach((raw, i) => {
      const l = obj(raw);
      const url = str(l?.url);
      if (!l || !url || !URL_LIKE.test(url)) {
        e.usage.drop(`/metadata/links/${i}`, 'field.invalid', 'a link needs an absolute url');
        return;
      }
      const title = str(l.title) ?? url.replace(/^[a-z]+:\/\//i, '').split('/')[0]!;
      const icon = str(l.icon);
      const type = str(l.type);
      const where = linkList({ title, ...(icon ? { icon } : {}), ...(type ? { type } : {}) });
      const link: Link = { title, url };
      // The icon is how Backstage says what a link is; opsledger's `type` says the same.
      if (type ?? icon) link.type = (type ?? icon)!;
      links[where].push(link);
      e.usage.use(`/metadata/links/${i}`);
      if (!str(l.title)) e.usage.change(`/metadata/links/${i}`, 'link.title', `the link has no title; "${title}" is used`);
      if (type && icon) e.usage.drop(`/metadata/links/${i}/icon`, 'field.dropped', 'the link keeps its type; the icon has no place of its own');
    });
    if (Object.keys(labels).length) metadata.labels = labels;
    metadata.annotations = annotations;
    return { metadata, links };
  };

  /** The order people read metadata in, whatever order it was filled in. */
  const orderMetadata = (m: Obj): Obj => {
    const out: Obj = {};
    for (const k of ['name', 'title', 'description', 'labels', 'annotations', 'links']) if (m[k] !== undefined) out[k] = m[k];
    return out;
  };

  const addLabels = (metadata: Obj, extra: Record<string, string>) => {
    metadata.labels = { ...(obj(metadata.labels) as Record<string, string> | undefined), ...extra };
  };

  const header = (e: Entity, reviewed: string[]) => [
    `Imported from Backstage ${e.ref} (${e.source.file}) by opsledger import backstage.`,
    ...(reviewed.length ? [`Check ${reviewed.join(', ').replace(/, ([^,]*)$/, ' and $1')} (marked REVIEW) before relying on risk scores.`] : []),
  ];

  // Components first, so resource dependencyOf edges can land on them.
  const serviceDocs = new Map<string, { e: Entity; t: Target; metadata: Obj; spec: Obj; notes: Record<string, string>; reviewed: string[] }>();
  for (const c of components) {
    const t = targets.get(c.key);
    const type = str(c.spec.type)?.toLowerCase();
    if (!t) {
      c.outcome.result = 'dropped';
      c.outcome.code = 'entity.library';
      c.outcome.reason = 'a library is code that services are built from, not something that is operated; dependencies on it are dropped too';
      c.usage.finish(c.value, 'entity.library', c.outcome.reason);
      continue;
    }
    c.usage.use('/spec/type');
    const { metadata, links } = commonMetadata(c, t);
    if (type) addLabels(metadata, { 'component-type': toDnsLabel(type) });
    const notes: Record<string, string> = {};
    const reviewed: string[] = [];
    // owner
    const ownerWritten = c.spec.owner;
    let owner = 'unowned';
    const o = resolve(ownerWritten, c, 'group');
    if (o?.entity?.k === 'user') {
      const groups = userGroups.get(o.key) ?? [];
      const first = groups.map((g) => targets.get(g)).find((x) => x);
      if (first) {
        owner = first.name;
        review.push({ target: t.typed, pointer: '/spec/owner', value: owner, code: 'review.owner-user', reason: `owned by user ${o.entity.name} in Backstage; a service is owned by a team, so ${o.entity.name}'s team ${owner} is used`, source: c.label });
        notes['/spec/owner'] = `REVIEW: owned by user ${o.entity.name} in Backstage`;
        reviewed.push('owner');
      } else {
        owner = toDnsLabel(o.entity.name);
        dangling.push({ target: t.typed, pointer: '/spec/owner', ref: `team:${owner}`, written: String(ownerWritten), source: c.label });
      }
      c.usage.use('/spec/owner');
    } else if (o) {
      const tt = targetOf(ownerWritten, c, 'group', 'team')!;
      owner = tt.name;
      if (tt.dangling) {
        if (o.ref.kind?.toLowerCase() === 'user') {
          review.push({ target: t.typed, pointer: '/spec/owner', value: owner, code: 'review.owner-user', reason: `owned by user ${o.ref.name}, who is not in the input; a service is owned by a team`, source: c.label });
          reviewed.push('owner');
        }
        dangling.push({ target: t.typed, pointer: '/spec/owner', ref: `team:${owner}`, written: String(ownerWritten), source: c.label });
      }
      c.usage.use('/spec/owner');
    } else {
      review.push({ target: t.typed, pointer: '/spec/owner', value: owner, code: 'review.owner-missing', reason: 'the component names no owner', source: c.label });
      dangling.push({ target: t.typed, pointer: '/spec/owner', ref: `team:${owner}`, written: '', source: c.label });
      reviewed.push('owner');
    }
    // tier and exposure: Backstage has neither; a label may carry them.
    const labels = (obj(metadata.labels) ?? {}) as Record<string, string>;
    const tierLabel = /^(?:tier-?)?([1-4])$/i.exec(labels.tier ?? '');
    let tier: Tier = 2;
    if (tierLabel) tier = Number(tierLabel[1]) as Tier;
    else {
      // Tier 2 rather than a middling 3: an unreviewed import should overstate risk, not hide it.
      review.push({ target: t.typed, pointer: '/spec/tier', value: tier, code: 'review.tier-default', reason: 'Backstage has no tier; 2 (important) is a cautious default', source: c.label });
      notes['/spec/tier'] = 'REVIEW: Backstage has no tier; cautious default';
      reviewed.push('tier');
    }
    let exposure: Exposure = type === 'website' ? 'external' : 'company';
    if (labels.exposure && (EXPOSURES as readonly string[]).includes(labels.exposure)) exposure = labels.exposure as Exposure;
    else {
      review.push({ target: t.typed, pointer: '/spec/exposure', value: exposure, code: 'review.exposure-default', reason: `Backstage has no exposure; ${exposure} is the default for a component of type ${type ?? '(none)'}`, source: c.label });
      notes['/spec/exposure'] = `REVIEW: Backstage has no exposure; default for type ${type ?? '(none)'}`;
      reviewed.push('exposure');
    }
    // lifecycle
    const lc = str(c.spec.lifecycle)?.toLowerCase();
    let lifecycle: Lifecycle = 'production';
    if (lc === 'production' || lc === 'experimental' || lc === 'deprecated') {
      lifecycle = lc;
      c.usage.use('/spec/lifecycle');
    } else {
      lifecycle = lc === undefined ? 'production' : 'experimental';
      review.push({ target: t.typed, pointer: '/spec/lifecycle', value: lifecycle, code: 'review.lifecycle', reason: lc === undefined ? 'the component has no lifecycle' : `lifecycle "${lc}" is not one of experimental, production, deprecated`, source: c.label });
      notes['/spec/lifecycle'] = 'REVIEW: lifecycle was not one opsledger knows';
      reviewed.push('lifecycle');
      if (lc !== undefined) c.usage.change('/spec/lifecycle', 'lifecycle.changed', `"${lc}" is written as ${lifecycle}`);
      c.usage.use('/spec/lifecycle');
    }
    // system and domain
    if (c.spec.system !== undefined) {
      const l = labelsForSystem(c.spec.system, c);
      if (l) {
        addLabels(metadata, l);
        c.usage.use('/spec/system');
      }
    }
    if (c.spec.subcomponentOf !== undefined) {
      const r = resolve(c.spec.subcomponentOf, c, 'component');
      if (r) {
        addLabels(metadata, { 'part-of': toDnsLabel(targets.get(r.key)?.name ?? r.ref.name) });
        c.usage.use('/spec/subcomponentOf');
      }
    }
    const spec: Obj = { owner, tier, exposure, lifecycle };
    serviceDocs.set(c.key, { e: c, t, metadata, spec, notes, reviewed });
    for (const k of ['runbooks', 'playbooks', 'dashboards'] as const) if (links[k].length) spec[k] = links[k];
    if (links.links.length) metadata.links = links.links;
    // repository from the usual annotations
    const ann = obj(c.metadata.annotations) ?? {};
    const slug = str(ann['github.com/project-slug']);
    const sourceLocation = str(ann['backstage.io/source-location'])?.replace(/^url:/, '');
    if (slug && /^[\w.-]+\/[\w.-]+$/.test(slug)) spec.repository = `https://github.com/${slug}`;
    else if (sourceLocation && URL_LIKE.test(sourceLocation)) spec.repository = sourceLocation.replace(/\/(tree|blob)\/.*$/, '').replace(/\/$/, '');
  }

  // Dependencies, now that every service has a name.
  const dependencyTarget = (written: unknown, from: Entity, pointer: string): string | undefined => {
    const r = resolve(written, from);
    if (!r) {
      from.usage.drop(pointer, 'ref.invalid', `"${String(written)}" is not an entity reference`);
      return undefined;
    }
    const kind = r.ref.kind?.toLowerCase();
    if (kind === 'component') {
      if (libraries.has(r.key)) {
        from.usage.drop(pointer, 'ref.library', `${formatRef(r.ref)} is a library, which opsledger does not track`);
        return undefined;
      }
      const tt = targetOf(written, from, undefined, 'service')!;
      if (tt.dangling) dangling.push({ target: targets.get(from.key)!.typed, pointer: from.k === 'resource' ? '/spec/relations' : '/spec/dependsOn', ref: tt.typed, written: String(written), source: from.label });
      return tt.typed;
    }
    if (kind === 'resource') {
      const tt = targetOf(written, from, undefined, 'ci')!;
      if (tt.dangling) dangling.push({ target: targets.get(from.key)!.typed, pointer: from.k === 'resource' ? '/spec/relations' : '/spec/dependsOn', ref: tt.typed, written: String(written), source: from.label });
      return tt.typed;
    }
    if (kind === 'api') {
      const p = providers.get(r.key);
      if (p?.length) return p[0];
      from.usage.drop(pointer, 'ref.no-provider', `no component in the input provides ${formatRef(r.ref)}`);
      return undefined;
    }
    from.usage.drop(pointer, 'ref.unsupported', `a dependency on a ${r.ref.kind ?? 'reference without kind'} has no place in opsledger (only services and CIs)`);
    return undefined;
  };
  for (const e of [...components, ...ofKind('resource')]) {
    const self = targets.get(e.key);
    if (!self) continue;
    list(e.spec.dependsOn).forEach((d, i) => {
      const typed = dependencyTarget(d, e, `/spec/dependsOn/${i}`);
      if (typed && typed !== self.typed) {
        addDependency(e, typed);
        e.usage.use(`/spec/dependsOn/${i}`);
      }
    });
    list(e.spec.dependencyOf).forEach((d, i) => {
      // The reverse edge: the other entity depends on this one.
      const r = resolve(d, e);
      const other = r?.entity;
      if (other && targets.has(other.key) && (other.k === 'component' || other.k === 'resource')) {
        addDependency(other, self.typed);
        e.usage.use(`/spec/dependencyOf/${i}`);
      } else e.usage.drop(`/spec/dependencyOf/${i}`, 'ref.dangling', `${String(d)} is not a service or CI in the input, so its dependency on ${self.typed} cannot be written`);
    });
  }
  for (const c of components) {
    const self = targets.get(c.key);
    if (!self) continue;
    list(c.spec.consumesApis).forEach((a, i) => {
      const r = resolve(a, c, 'api');
      const p = r ? providers.get(r.key) : undefined;
      if (r && p?.length) {
        for (const typed of p) if (typed !== self.typed) addDependency(c, typed);
        c.usage.use(`/spec/consumesApis/${i}`);
        c.usage.change(`/spec/consumesApis/${i}`, 'api.folded', `consuming ${formatRef(r.ref)} is written as depending on its provider ${p.join(', ')}`);
      } else c.usage.drop(`/spec/consumesApis/${i}`, 'ref.no-provider', `no component in the input provides ${String(a)}, so there is no service to depend on`);
    });
    if (c.spec.providesApis !== undefined) {
      c.usage.drop('/spec/providesApis', 'api.folded', 'opsledger models dependencies, not interfaces: the consumers of these APIs now depend on this service');
    }
  }

  for (const { e, t, metadata, spec: base, notes, reviewed } of serviceDocs.values()) {
    const deps = dependsOn.get(e.key);
    // dependsOn right after lifecycle, before the link lists, where people look for it.
    const { owner, tier, exposure, lifecycle, ...rest } = base;
    const spec: Obj = { owner, tier, exposure, lifecycle, ...(deps?.length ? { dependsOn: deps } : {}), ...rest };
    files.push({
      path: `services/${t.name}/service.yaml`,
      source: e.label,
      apiVersion: API_VERSION,
      kind: 'Service',
      name: t.name,
      doc: { value: { apiVersion: API_VERSION, kind: 'Service', metadata: orderMetadata(metadata), spec }, comment: header(e, reviewed), notes },
    });
    e.outcome.to.push(t.typed);
  }

  for (const r of ofKind('resource')) {
    const t = targets.get(r.key)!;
    r.usage.use('/spec/type');
    const { metadata, links } = commonMetadata(r, t);
    const notes: Record<string, string> = {};
    const type = str(r.spec.type)?.toLowerCase() ?? '';
    const hit = CLASS_BY_TYPE.find(([re]) => re.test(type));
    let cls = hit?.[1] ?? 'host';
    if (!hit) {
      // A CI needs a class; none fits, so the most generic one stands in until a person picks.
      cls = 'host';
      review.push({ target: t.typed, pointer: '/spec/class', value: cls, code: 'review.class-default', reason: `resource type "${type}" matches no CI class; "host" is a placeholder`, source: r.label });
      notes['/spec/class'] = `REVIEW: Backstage type "${type}" matched no class`;
    }
    if (type && type !== cls) addLabels(metadata, { 'resource-type': toDnsLabel(type) });
    const spec: Obj = { class: cls };
    if (r.spec.owner !== undefined) {
      const tt = targetOf(r.spec.owner, r, 'group', 'team');
      const o = resolve(r.spec.owner, r, 'group');
      if (tt && o?.entity?.k === 'user') {
        const first = (userGroups.get(o.key) ?? []).map((g) => targets.get(g)).find((x) => x);
        if (first) {
          spec.owner = first.name;
          review.push({ target: t.typed, pointer: '/spec/owner', value: first.name, code: 'review.owner-user', reason: `owned by user ${o.entity.name}; their team ${first.name} is used`, source: r.label });
          r.usage.use('/spec/owner');
        } else r.usage.drop('/spec/owner', 'ref.unsupported', `owned by user ${o.entity.name}, who is in no team`);
      } else if (tt) {
        spec.owner = tt.name;
        if (tt.dangling) dangling.push({ target: t.typed, pointer: '/spec/owner', ref: tt.typed, written: String(r.spec.owner), source: r.label });
        r.usage.use('/spec/owner');
      }
    }
    if (r.spec.system !== undefined) {
      const l = labelsForSystem(r.spec.system, r);
      if (l) {
        addLabels(metadata, l);
        r.usage.use('/spec/system');
      }
    }
    const rel = relations.get(r.key);
    if (rel?.length) spec.relations = rel;
    for (const k of ['runbooks', 'playbooks', 'dashboards'] as const) {
      // CIs have no runbook lists; their links keep the kind in `type`.
      for (const l of links[k]) links.links.push({ ...l, type: l.type ?? k.slice(0, -1) });
    }
    if (links.links.length) metadata.links = links.links;
    files.push({
      path: `cmdb/${t.name}.yaml`,
      source: r.label,
      apiVersion: API_VERSION,
      kind: 'ConfigurationItem',
      name: t.name,
      doc: { value: { apiVersion: API_VERSION, kind: 'ConfigurationItem', metadata: orderMetadata(metadata), spec }, comment: header(r, hit ? [] : ['class']), notes },
    });
    r.outcome.to.push(t.typed);
  }

  for (const g of ofKind('group')) {
    const t = targets.get(g.key)!;
    const { metadata, links } = commonMetadata(g, t);
    const profile = obj(g.spec.profile) ?? {};
    const displayName = str(profile.displayName);
    if (displayName && !metadata.title) {
      metadata.title = displayName;
      g.usage.use('/spec/profile/displayName');
    } else if (displayName) g.usage.drop('/spec/profile/displayName', 'field.dropped', 'metadata.title is used as the title');
    const type = str(g.spec.type);
    if (type) {
      addLabels(metadata, { 'group-type': toDnsLabel(type) });
      g.usage.use('/spec/type');
    }
    if (g.spec.parent !== undefined) {
      const p = targetOf(g.spec.parent, g, 'group', 'team');
      if (p) {
        // opsledger teams have no hierarchy; the label keeps it visible and selectable.
        addLabels(metadata, { parent: p.name });
        g.usage.use('/spec/parent');
      }
    }
    if (g.spec.children !== undefined) g.usage.drop('/spec/children', 'field.dropped', 'opsledger teams have no hierarchy; each imported child team carries a parent label instead');
    for (const legacy of ['ancestors', 'descendants']) {
      if (g.spec[legacy] !== undefined) g.usage.drop(`/spec/${legacy}`, 'field.dropped', `spec.${legacy} is a retired Backstage field; opsledger teams have no hierarchy`);
    }
    if (profile.picture !== undefined) g.usage.drop('/spec/profile/picture', 'field.dropped', 'opsledger does not show team pictures');
    const spec: Obj = {};
    const members = memberships.get(g.key) ?? [];
    if (members.length) spec.members = members;
    const ann = obj(g.metadata.annotations) ?? {};
    const ghTeam = str(ann['github.com/team-slug']);
    if (ghTeam && GITHUB_TEAM.test(ghTeam)) spec.github = { team: ghTeam };
    const oncallLink = [...links.links, ...links.dashboards, ...links.runbooks, ...links.playbooks].find((l) => ONCALL_LINK.test(`${l.title} ${l.type ?? ''}`));
    if (oncallLink) {
      spec.oncall = { schedule: oncallLink.url };
      for (const k of ['links', 'dashboards', 'runbooks', 'playbooks'] as const) links[k] = links[k].filter((l) => l !== oncallLink);
    }
    const email = str(profile.email);
    if (email && EMAIL.test(email)) {
      spec.contact = { email };
      g.usage.use('/spec/profile/email');
    } else if (email) g.usage.drop('/spec/profile/email', 'field.invalid', `"${email}" is not an e-mail address`);
    const all = [...links.links, ...links.runbooks, ...links.playbooks, ...links.dashboards];
    if (all.length) metadata.links = all;
    files.push({
      path: `teams/${t.name}.yaml`,
      source: g.label,
      apiVersion: API_VERSION,
      kind: 'Team',
      name: t.name,
      doc: { value: { apiVersion: API_VERSION, kind: 'Team', metadata: orderMetadata(metadata), spec }, comment: header(g, []) },
    });
    g.outcome.to.push(t.typed);
  }

  // ---------------------------------------------------------------- 6. what merged, what was dropped
  for (const u of ofKind('user')) {
    const groups = (userGroups.get(u.key) ?? []).map((k) => targets.get(k)).filter((x): x is Target => Boolean(x));
    const login = logins.get(u.key)!;
    for (const p of ['displayName', 'email', 'picture']) {
      if (obj(u.spec.profile)?.[p] !== undefined) u.usage.drop(`/spec/profile/${p}`, 'field.dropped', 'opsledger keeps team members as GitHub logins only');
    }
    if (groups.length) {
      u.outcome.result = 'merged';
      u.outcome.to.push(...groups.map((g) => `${g.typed}#member:${login}`));
      u.usage.change('/metadata/name', 'user.login', `member of ${groups.map((g) => g.typed).join(', ')} as GitHub login ${login}`);
      u.usage.finish(u.value, 'field.dropped', 'a user becomes a GitHub login in its teams; nothing else about it is kept');
    } else {
      u.outcome.result = 'dropped';
      u.outcome.code = 'entity.no-team';
      u.outcome.reason = 'the user is in no group of the input, so there is no team to make them a member of';
      u.usage.finish(u.value, 'entity.no-team', u.outcome.reason);
    }
  }
  for (const s of ofKind('system')) {
    const labels = systemLabels.get(s.key)!;
    const members = [...serviceDocs.values()].filter((x) => obj(x.metadata.labels)?.system === labels.system).map((x) => x.t.typed);
    members.push(...files.filter((f) => f.kind === 'ConfigurationItem' && obj(obj(obj(f.doc.value)?.metadata)?.labels)?.system === labels.system).map((f) => `ci:${f.name}`));
    systemMembers.set(s.key, members);
    if (members.length === 0) {
      s.outcome.result = 'dropped';
      s.outcome.code = 'entity.empty';
      s.outcome.reason = 'no imported service or CI is part of this system, so its label lands nowhere';
      s.usage.finish(s.value, 'entity.empty', s.outcome.reason);
      continue;
    }
    s.outcome.result = 'merged';
    s.outcome.to.push(...members.map((m) => `${m}#label:system=${labels.system}`));
    s.usage.finish(s.value, 'system.label', 'a system becomes the label system=<name> on its services and CIs; its own owner, description and links are not kept');
  }
  for (const d of ofKind('domain')) {
    const name = toDnsLabel(d.name);
    const members = [...systemMembers.entries()].filter(([k]) => systemLabels.get(k)?.domain === name).flatMap(([, m]) => m);
    if (members.length === 0) {
      d.outcome.result = 'dropped';
      d.outcome.code = 'entity.empty';
      d.outcome.reason = 'no imported service or CI is in a system of this domain, so its label lands nowhere';
      d.usage.finish(d.value, 'entity.empty', d.outcome.reason);
      continue;
    }
    d.outcome.result = 'merged';
    d.outcome.to.push(...members.map((m) => `${m}#label:domain=${name}`));
    d.usage.finish(d.value, 'domain.label', 'a domain becomes the label domain=<name> on the services and CIs of its systems; its own owner, description and links are not kept');
  }
  for (const a of ofKind('api')) {
    const p = providers.get(a.key) ?? [];
    if (a.spec.definition !== undefined) a.usage.drop('/spec/definition', 'api.definition', 'API definitions stay with the API (Backstage or the repository); opsledger tracks who depends on whom');
    if (p.length) {
      a.outcome.result = 'merged';
      a.outcome.to.push(...p);
      a.usage.finish(a.value, 'api.folded', 'an API is folded into the services that provide it; its consumers depend on those services');
    } else {
      a.outcome.result = 'dropped';
      a.outcome.code = 'entity.no-provider';
      a.outcome.reason = 'no component in the input provides this API, so there is no service to fold it into';
      a.usage.finish(a.value, 'entity.no-provider', a.outcome.reason);
    }
  }
  for (const e of entities) {
    if (['component', 'resource', 'group', 'user', 'system', 'domain', 'api'].includes(e.k)) {
      e.usage.finish(e.value, 'field.unmapped', 'opsledger has no place for this field');
      continue;
    }
    e.outcome.result = 'dropped';
    if (e.k === 'location') {
      e.outcome.code = 'entity.location';
      e.outcome.reason = 'a Location only points at other files; pass those files (or their folder) to the import instead';
    } else {
      e.outcome.code = 'entity.unsupported-kind';
      e.outcome.reason = `opsledger has no counterpart for a ${e.kind}`;
    }
    e.usage.finish(e.value, e.outcome.code, e.outcome.reason);
  }
  for (const e of entities) {
    e.outcome.used = [...e.usage.used].sort();
    e.outcome.dropped = e.usage.dropped;
    e.outcome.changed = e.usage.changed;
  }
  // A dangling reference is reported once per place it is written.
  const seen = new Set<string>();
  const uniqueDangling = dangling.filter((d) => {
    const k = `${d.target} ${d.ref}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, report: { from: 'backstage', entities: outcomes, review, dangling: uniqueDangling } };
}

