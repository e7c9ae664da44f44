import { API_VERSION } from '../../core/model.js';
import { nonBlank, obj, type Obj } from '../../core/shape.js';
import { RELATION_TYPES } from '../../core/model.js';
import { carriedRelations, CARRY, parseJson } from './carry.js';
import type { Context } from './context.js';
import { addLabels, commonMetadata, header, orderMetadata } from './metadata.js';
import { toDnsLabel } from './names.js';
import { labelsForSystem } from './system-domain.js';

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

/** Resources to ConfigurationItem files; run after linkDependencies, which fills their relations. */
export function writeConfigurationItems(ctx: Context): void {
  const { targets, review, dangling, userGroups, relations, files, resolve, targetOf } = ctx;
  for (const r of ctx.ofKind('resource')) {
    const t = targets.get(r.key)!;
    r.usage.use('/spec/type');
    const { metadata, links } = commonMetadata(r, t);
    const notes: Record<string, string> = {};
    const type = nonBlank(r.spec.type)?.toLowerCase() ?? '';
    const hit = CLASS_BY_TYPE.find(([re]) => re.test(type));
    let cls = hit?.[1] ?? 'host';
    if (!hit) {
      // A CI needs a class; none fits, so the most generic one stands in until a person picks.
      cls = 'host';
      review.push({ target: t.typed, pointer: '/spec/class', value: cls, code: 'review.class-default', reason: `resource type "${type}" matches no CI class; "host" is a placeholder`, source: r.label });
      notes['/spec/class'] = `REVIEW: Backstage type "${type}" matched no class`;
    }
    if (type && type !== cls) addLabels(metadata, { 'resource-type': toDnsLabel(type) }, true);
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
      const l = labelsForSystem(ctx, r.spec.system, r);
      if (l) {
        addLabels(metadata, l, true);
        r.usage.use('/spec/system');
      }
    }
    const ann = (obj(r.metadata.annotations) ?? {}) as Record<string, unknown>;
    const carried = (k: string) => (typeof ann[k] === 'string' ? (ann[k] as string) : undefined);
    const service = carried(CARRY.service);
    if (service) spec.service = service;
    const environment = carried(CARRY.environment);
    if (environment) spec.environment = environment;
    const rel = carriedRelations(carried(CARRY.relations), RELATION_TYPES) ?? relations.get(r.key);
    if (rel?.length) spec.relations = rel;
    const attributes = obj(parseJson(carried(CARRY.attributes)));
    if (attributes) spec.attributes = attributes;
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
}
