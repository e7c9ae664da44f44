import { describe, it, expect } from 'vitest';
// The named export: under NodeNext, TypeScript types the default import of this CommonJS
// module as the module namespace, which is not constructable (same as src/core/schema/registry.ts).
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { addOpsledgerFormats } from '../src/core/schema/formats.js';
import { EXPOSURES, KINDS, OPENSLO_KINDS, RELATION_TYPES, RISK_CLASSES } from '../src/core/model.js';

/**
 * The JSON Schemas in schemas/ are the contract for files on disk. These tests compile every
 * schema the strict way the CLI does, hold them to the authoring rules (stable $id, a description
 * on every property, additionalProperties: false on known shapes), check small valid and invalid
 * documents per kind by ajv keyword and instance path, and run the real OpenSLO v1 files that
 * upstream publishes as examples or marks valid.
 */

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaRoot = path.join(projectRoot, 'schemas');
const sharedRoot = path.resolve(projectRoot, '..', 'shared');
const ID_BASE = 'https://opsledger.dev/schemas/';

type Schema = Record<string, unknown>;
// Test documents are built and mutated freely; the schemas are what types them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDoc = any;

function listSchemaFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSchemaFiles(full));
    else if (entry.name.endsWith('.schema.json')) out.push(full);
  }
  return out.sort();
}

const schemaFiles = listSchemaFiles(schemaRoot).map((file) => ({
  rel: path.relative(schemaRoot, file).split(path.sep).join('/'),
  schema: JSON.parse(readFileSync(file, 'utf8')) as Schema,
}));

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addOpsledgerFormats(ajv as never);
  for (const { schema } of schemaFiles) ajv.addSchema(schema);
  return ajv;
}

const ajv = newAjv();

function errorsOf(schemaRel: string, doc: unknown): ErrorObject[] {
  const validate = ajv.getSchema(ID_BASE + schemaRel);
  if (!validate) throw new Error(`no schema ${schemaRel}`);
  validate(doc);
  return validate.errors ?? [];
}

function at(errors: readonly ErrorObject[]): [string, string][] {
  return errors.map((e) => [e.keyword, e.instancePath]);
}

function obj(v: unknown): Schema | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
}

function constOf(schema: Schema, prop: 'apiVersion' | 'kind'): unknown {
  return obj(obj(schema.properties)?.[prop])?.const;
}

function schemaOf(rel: string): Schema {
  const found = schemaFiles.find((f) => f.rel === rel);
  if (!found) throw new Error(`missing ${rel}`);
  return found.schema;
}

// ------------------------------------------------------------------------------ the files

const EXPECTED_FILES: Record<string, [apiVersion: string, kind: string] | null> = {
  'v1/common.schema.json': null,
  'v1/team.schema.json': ['opsledger/v1', 'Team'],
  'v1/service.schema.json': ['opsledger/v1', 'Service'],
  'v1/slo.schema.json': ['opsledger/v1', 'SLO'],
  'v1/configuration-item.schema.json': ['opsledger/v1', 'ConfigurationItem'],
  'v1/change-request.schema.json': ['opsledger/v1', 'ChangeRequest'],
  'v1/change-calendar.schema.json': ['opsledger/v1', 'ChangeCalendar'],
  'v1/standard-change.schema.json': ['opsledger/v1', 'StandardChange'],
  'v1/policy.schema.json': ['opsledger/v1', 'Policy'],
  'v1/incident.schema.json': ['opsledger/v1', 'Incident'],
  'v1/problem.schema.json': ['opsledger/v1', 'Problem'],
  'v1/system.schema.json': ['opsledger/v1', 'System'],
  'v1/domain.schema.json': ['opsledger/v1', 'Domain'],
  'v1/api.schema.json': ['opsledger/v1', 'API'],
  'openslo-v1/common.schema.json': null,
  'openslo-v1/slo.schema.json': ['openslo/v1', 'SLO'],
  'openslo-v1/sli.schema.json': ['openslo/v1', 'SLI'],
  'openslo-v1/service.schema.json': ['openslo/v1', 'Service'],
  'openslo-v1/data-source.schema.json': ['openslo/v1', 'DataSource'],
  'openslo-v1/alert-policy.schema.json': ['openslo/v1', 'AlertPolicy'],
  'openslo-v1/alert-condition.schema.json': ['openslo/v1', 'AlertCondition'],
  'openslo-v1/alert-notification-target.schema.json': ['openslo/v1', 'AlertNotificationTarget'],
};

describe('schema files', () => {
  it('are exactly the expected set', () => {
    expect(schemaFiles.map((f) => f.rel).sort()).toEqual(Object.keys(EXPECTED_FILES).sort());
  });

  it.each(schemaFiles.map((f) => [f.rel, f.schema] as const))('%s compiles with ajv strict mode', (rel) => {
    const fresh = newAjv();
    expect(() => fresh.getSchema(ID_BASE + rel)).not.toThrow();
    expect(fresh.getSchema(ID_BASE + rel)).toBeTypeOf('function');
  });

  it.each(schemaFiles.map((f) => [f.rel, f.schema] as const))('%s has a stable $id, draft 2020-12, title and description', (rel, schema) => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(ID_BASE + rel);
    expect(schema.$id).toMatch(/^https:\/\/opsledger\.dev\/schemas\/(v1|openslo-v1)\/[a-z][a-z-]*\.schema\.json$/);
    expect(typeof schema.title === 'string' && schema.title.length > 3).toBe(true);
    expect(typeof schema.description === 'string' && schema.description.length > 20).toBe(true);
  });

  it('have unique $ids', () => {
    const ids = schemaFiles.map((f) => f.schema.$id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(Object.entries(EXPECTED_FILES).filter(([, route]) => route !== null))(
    '%s routes by its own apiVersion and kind consts',
    (rel, route) => {
      const schema = schemaOf(rel);
      expect([constOf(schema, 'apiVersion'), constOf(schema, 'kind')]).toEqual(route);
      expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
    },
  );

  it('cover every kind of the model, and the model enums match the schema enums', () => {
    const kindsOf = (apiVersion: string) =>
      schemaFiles.filter((f) => constOf(f.schema, 'apiVersion') === apiVersion).map((f) => constOf(f.schema, 'kind'));
    expect(kindsOf('opsledger/v1').sort()).toEqual([...KINDS].sort());
    expect(kindsOf('openslo/v1').sort()).toEqual([...OPENSLO_KINDS].sort());
    const defs = obj(schemaOf('v1/common.schema.json').$defs)!;
    expect(obj(defs.relationType)?.enum).toEqual([...RELATION_TYPES]);
    expect(obj(defs.exposure)?.enum).toEqual([...EXPOSURES]);
    expect(obj(defs.riskClass)?.enum).toEqual([...RISK_CLASSES]);
    expect(obj(defs.tier)?.enum).toEqual([1, 2, 3, 4]);
  });
});

// ------------------------------------------------------------------------------ authoring rules

const NOT_SUBSCHEMAS = new Set(['enum', 'const', 'required', 'examples', 'default', 'type', 'pattern', 'format']);

/** Every entry of properties / patternProperties / $defs, at every depth, must carry a description. */
function missingDescriptions(node: unknown, pointer: string, out: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((n, i) => missingDescriptions(n, `${pointer}/${i}`, out));
    return;
  }
  const o = obj(node);
  if (!o) return;
  for (const key of ['properties', 'patternProperties', '$defs']) {
    const map = obj(o[key]);
    if (!map) continue;
    for (const [name, sub] of Object.entries(map)) {
      if (sub === false) continue; // a forbidden property has nothing to describe
      const d = obj(sub)?.description;
      if (typeof d !== 'string' || d.trim().length < 8) out.push(`${pointer}/${key}/${name}`);
    }
  }
  for (const [k, v] of Object.entries(o)) if (!NOT_SUBSCHEMAS.has(k)) missingDescriptions(v, `${pointer}/${k}`, out);
}

/** Constraint-only subschemas that are applied through oneOf, not shapes of their own. */
const OPEN_BY_DESIGN = new Set(['openslo-v1/slo.schema.json#/$defs/compositeIndicators']);

/** Shapes (reached through properties, items, $defs) that list properties must close with additionalProperties: false. */
function openShapes(node: unknown, pointer: string, shape: boolean, rel: string, out: string[]): void {
  if (Array.isArray(node)) return;
  const o = obj(node);
  if (!o) return;
  if (shape && o.properties !== undefined && o.additionalProperties !== false && !OPEN_BY_DESIGN.has(`${rel}#${pointer}`)) {
    out.push(pointer || '/');
  }
  for (const key of ['properties', 'patternProperties', '$defs']) {
    for (const [name, sub] of Object.entries(obj(o[key]) ?? {})) openShapes(sub, `${pointer}/${key}/${name}`, true, rel, out);
  }
  for (const key of ['items', 'additionalProperties', 'propertyNames']) openShapes(o[key], `${pointer}/${key}`, true, rel, out);
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    const list = o[key];
    if (Array.isArray(list)) list.forEach((sub, i) => openShapes(sub, `${pointer}/${key}/${i}`, false, rel, out));
  }
  for (const key of ['not', 'if', 'then', 'else']) openShapes(o[key], `${pointer}/${key}`, false, rel, out);
}

describe('authoring rules', () => {
  it.each(schemaFiles.map((f) => [f.rel, f.schema] as const))('%s: every property at every depth has a description', (_rel, schema) => {
    const missing: string[] = [];
    missingDescriptions(schema, '', missing);
    expect(missing).toEqual([]);
  });

  it.each(schemaFiles.map((f) => [f.rel, f.schema] as const))('%s: every known shape has additionalProperties: false', (rel, schema) => {
    const open: string[] = [];
    openShapes(schema, '', true, rel, open);
    expect(open).toEqual([]);
  });

  it('keeps free maps open: labels, annotations, CI attributes, metric source spec, connection details', () => {
    expect(errorsOf('v1/configuration-item.schema.json', ci({ attributes: { engine: 'postgres', replicas: 3, zones: ['a', 'b'], tls: { min: '1.2' } } }))).toEqual([]);
    expect(errorsOf('v1/service.schema.json', variant(service, (d) => (d.metadata.labels = { domain: 'commerce', 'example.com/cost-center': 'cc-12' })))).toEqual([]);
    expect(errorsOf('v1/service.schema.json', variant(service, (d) => (d.metadata.annotations = { 'example.com/runbook-owner': 'sre' })))).toEqual([]);
    expect(errorsOf('openslo-v1/data-source.schema.json', openslo('DataSource', { type: 'Prometheus', connectionDetails: [{ url: 'http://prometheus' }] }))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ documents

function variant(make: () => AnyDoc, change: (d: AnyDoc) => void): AnyDoc {
  const d = make();
  change(d);
  return d;
}

const team = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'Team',
  metadata: { name: 'payments', title: 'Payments' },
  spec: {
    members: ['alice', 'bob'],
    github: { team: 'acme/payments' },
    oncall: { schedule: 'https://oncall.example.com/payments', escalation: ['alice', 'carol'] },
    contact: { slack: '#payments', email: 'payments@example.com' },
  },
});

const service = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'Service',
  metadata: { name: 'payments-api', title: 'Payments API', labels: { domain: 'commerce' } },
  spec: {
    owner: 'payments',
    owners: [{ team: 'sre', role: 'oncall' }],
    tier: 1,
    exposure: 'external',
    lifecycle: 'production',
    dependsOn: ['service:ledger', 'ci:payments-db'],
    runbooks: [{ title: 'Restart pods', url: 'https://wiki.example.com/rb/payments-restart' }],
    playbooks: [{ title: 'Elevated 5xx', url: 'https://wiki.example.com/pb/payments-5xx' }],
    dashboards: [{ title: 'Golden signals', url: 'https://grafana.example.com/d/payments', type: 'dashboard' }],
    repository: 'https://github.com/acme/payments-api',
    continuity: { rto: '1h', rpo: '5m', redundancy: 'multi-az', drTestedAt: '2026-09-01' },
  },
});

const ci = (extra: Record<string, unknown> = {}): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'ConfigurationItem',
  metadata: { name: 'payments-db' },
  spec: {
    class: 'database',
    service: 'payments-api',
    environment: 'production',
    relations: [
      { type: 'runsOn', target: 'ci:k8s-prod' },
      { type: 'dependsOn', target: 'ci:san-prod' },
    ],
    attributes: { engine: 'postgres', version: '16' },
    ...extra,
  },
});

const change = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'ChangeRequest',
  metadata: { name: 'CR-2026-0042', title: 'Upgrade payments-db to PostgreSQL 17' },
  spec: {
    type: 'normal',
    template: null,
    requester: 'alice',
    services: ['payments-api'],
    configurationItems: ['payments-db'],
    environment: 'production',
    schedule: { start: '2026-12-02T01:00:00+09:00', end: '2026-12-02T03:00:00+09:00' },
    description: 'In-place major upgrade with logical replica fallback.',
    justification: 'PostgreSQL 16 leaves its support window in February.',
    implementation: ['Create replica', 'Upgrade replica', 'Switch over'],
    verification: [{ description: 'Staging soak 72h', evidence: 'https://ci.example.com/run/981' }],
    delivery: {
      strategy: 'canary',
      stages: [{ traffic: 5, duration: '30m', metrics: ['slo:payments-availability'] }, { traffic: 50, duration: '1h' }, { traffic: 100 }],
      autoRollback: true,
    },
    rollback: {
      steps: ['Switch back to old primary'],
      triggers: ['payments-availability burn rate > 6x'],
      expectedDuration: '15m',
      tested: { at: '2026-11-20', evidence: 'https://ci.example.com/run/977' },
    },
    premortem: [{ risk: 'Extension incompatibility', mitigation: 'Pre-checked with pg_upgrade --check' }],
    communication: [{ audience: 'support', channel: '#support', message: 'Payments maintenance', when: '24h before start' }],
    diff: { files: 3, additions: 40, deletions: 12 },
  },
  status: {
    phase: 'completed',
    outcome: {
      result: 'failed',
      implementedAt: '2026-12-02T01:10:00+09:00',
      failureDetectedAt: '2026-12-02T01:25:00+09:00',
      restoredAt: '2026-12-02T01:50:00+09:00',
      incidents: ['INC-2211'],
    },
  },
});

const calendar = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'ChangeCalendar',
  metadata: { name: 'production' },
  spec: {
    windows: [
      {
        name: 'year-end-freeze',
        kind: 'freeze',
        start: '2026-12-20T00:00:00+09:00',
        end: '2027-01-03T00:00:00+09:00',
        scope: { environments: ['production'] },
        allow: ['emergency'],
        reason: 'Year-end peak',
      },
      {
        name: 'weekly-maintenance',
        kind: 'maintenance',
        start: '2026-01-06T01:00:00',
        rrule: 'FREQ=WEEKLY;BYDAY=TU',
        exdates: ['2026-12-29T01:00:00'],
        duration: '3h',
        timeZone: 'Asia/Seoul',
        scope: { tiers: [1, 2], services: ['payments-api'], labels: { domain: 'commerce' } },
      },
    ],
  },
});

const ratioIndicator = (): AnyDoc => ({
  metadata: { name: 'payments-success-ratio' },
  spec: {
    ratioMetric: {
      counter: true,
      good: { metricSource: { type: 'Prometheus', spec: { query: 'sum(rate(http_requests_total{code!~"5.."}[5m]))' } } },
      total: { metricSource: { type: 'Prometheus', spec: { query: 'sum(rate(http_requests_total[5m]))' } } },
    },
  },
});

const slo = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'SLO',
  metadata: { name: 'payments-availability', title: 'Payments availability' },
  spec: {
    description: '99.9% of payment requests succeed',
    service: 'payments-api',
    indicator: ratioIndicator(),
    timeWindow: [{ duration: '28d', isRolling: true }],
    budgetingMethod: 'Occurrences',
    objectives: [{ displayName: 'Availability', target: 0.999 }],
  },
  status: { errorBudgetRemaining: 0.42, measuredAt: '2026-12-01T09:00:00+09:00', source: 'prometheus:slo-exporter' },
});

const standardChange = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'StandardChange',
  metadata: { name: 'rotate-tls-certificate', title: 'Rotate a TLS certificate' },
  spec: {
    covers: { ciClasses: ['certificate'], environments: ['production', 'staging'], services: ['payments-api'] },
    maxRisk: 'medium',
    requiredFields: ['rollback.steps', 'verification'],
    implementation: ['Issue the new certificate', 'Deploy it', 'Check the expiry'],
    rollback: { steps: ['Restore the previous certificate'] },
  },
});

const controls = (approvals: { group: string; count: number }[], more: Record<string, unknown> = {}) => ({ approvals, ...more });

const policy = (): AnyDoc => ({
  apiVersion: 'opsledger/v1',
  kind: 'Policy',
  metadata: { name: 'default' },
  spec: {
    environments: [{ name: 'production', production: true, aliases: ['prod'] }, { name: 'staging' }],
    impact: { matrix: { external: [4, 4, 3, 2], company: [4, 3, 2, 2], department: [3, 2, 2, 1], team: [2, 2, 1, 1] } },
    likelihood: {
      thresholds: [3, 6, 10],
      factors: {
        changeType: { standard: 0, normal: 1, emergency: 3 },
        environment: { production: 2, staging: 0 },
        rollbackMissing: 3,
        rollbackUntested: 1,
        noProgressiveDelivery: { points: 2, tiers: [1, 2] },
        peakHours: { points: 2, timeZone: 'Asia/Seoul', days: ['MO', 'TU', 'WE', 'TH', 'FR'], from: '09:00', to: '18:00' },
        nearFreeze: { points: 1, within: '2d' },
        shortNotice: { points: 2, within: '24h' },
        errorBudgetExhausted: 3,
        recentFailureRate: { points: 2, above: 0.15, window: '90d' },
        overlappingChanges: 2,
        largeDiff: { points: 1, lines: 500 },
      },
    },
    risk: {
      matrix: [
        ['low', 'low', 'medium', 'medium'],
        ['low', 'medium', 'medium', 'high'],
        ['medium', 'medium', 'high', 'critical'],
        ['medium', 'high', 'critical', 'critical'],
      ],
    },
    controls: {
      low: controls([{ group: 'owner', count: 1 }], { rollback: 'none' }),
      medium: controls([{ group: 'owner', count: 1 }], { rollback: 'plan', verification: true }),
      high: controls([{ group: 'owner', count: 1 }, { group: 'cab', count: 1 }], { rollback: 'tested', progressiveDelivery: true, leadTime: '2d', premortem: true }),
      critical: controls([{ group: 'owner', count: 1 }, { group: 'cab', count: 2 }], { rollback: 'tested', progressiveDelivery: true, leadTime: '5d', maintenanceWindow: true, premortem: true, verification: true }),
    },
    groups: { cab: 'team:cab', emergency: 'team:ecab' },
    errorBudget: { blocks: ['standard', 'normal'], exhaustedAt: 0 },
    emergency: { approvers: 'emergency', reviewWithin: '5d' },
    sensitivePaths: ['changes/policy.yaml', 'changes/calendar.yaml', 'teams/**'],
    readiness: {
      lifecycles: ['production', 'deprecated'],
      rules: [
        { id: 'runbook', description: 'At least one runbook', check: 'runbook', level: 'bronze' },
        { id: 'slo', description: 'An SLO for tiers 1 and 2', check: 'slo', level: 'silver', tiers: [1, 2] },
        { id: 'dr-test', description: 'A DR test in the last 180 days', check: 'dr-test', level: 'gold', tiers: [1], within: '180d' },
      ],
    },
  },
});

function openslo(kind: string, spec: AnyDoc, metadata: AnyDoc = { name: 'example' }): AnyDoc {
  return { apiVersion: 'openslo/v1', kind, metadata, spec };
}

const openSlo = (): AnyDoc =>
  openslo('SLO', {
    service: 'web',
    indicatorRef: 'web-success-ratio',
    timeWindow: [{ duration: '1M', calendar: { startTime: '2022-01-01 12:00:00', timeZone: 'America/New_York' }, isRolling: false }],
    budgetingMethod: 'Timeslices',
    objectives: [{ displayName: 'Good', op: 'gt', target: 0.995, timeSliceTarget: 0.95, timeSliceWindow: '1m' }],
  });

const burnRate = () => ({ kind: 'burnrate', op: 'gt', threshold: 2, lookbackWindow: '1h', alertAfter: '5m' });

// ------------------------------------------------------------------------------ valid

const VALID: { name: string; schema: string; doc: AnyDoc }[] = [
  { name: 'Team as in the design', schema: 'v1/team.schema.json', doc: team() },
  { name: 'Team with only a GitHub team', schema: 'v1/team.schema.json', doc: variant(team, (d) => (d.spec = { github: { team: 'acme/sre' } })) },
  { name: 'Service as in the design', schema: 'v1/service.schema.json', doc: service() },
  {
    name: 'Service, minimal',
    schema: 'v1/service.schema.json',
    doc: { apiVersion: 'opsledger/v1', kind: 'Service', metadata: { name: 'x' }, spec: { owner: 'a', tier: 4, exposure: 'team', lifecycle: 'experimental' } },
  },
  { name: 'ConfigurationItem as in the design', schema: 'v1/configuration-item.schema.json', doc: ci() },
  {
    name: 'ConfigurationItem owned by a team, related to a service',
    schema: 'v1/configuration-item.schema.json',
    doc: variant(
      () => ci({ owner: 'platform', class: 'load-balancer', relations: [{ type: 'connectsTo', target: 'service:edge' }] }),
      (d) => delete d.spec.service,
    ),
  },
  { name: 'ChangeRequest as in the design', schema: 'v1/change-request.schema.json', doc: change() },
  {
    name: 'ChangeRequest: emergency without justification (a semantic check, not the schema)',
    schema: 'v1/change-request.schema.json',
    doc: variant(change, (d) => {
      d.spec.type = 'emergency';
      delete d.spec.justification;
    }),
  },
  { name: 'ChangeRequest: standard with a template name', schema: 'v1/change-request.schema.json', doc: variant(change, (d) => Object.assign(d.spec, { type: 'standard', template: 'rotate-tls-certificate' })) },
  { name: 'ChangeRequest: rollback tested at a date-time', schema: 'v1/change-request.schema.json', doc: variant(change, (d) => (d.spec.rollback.tested.at = '2026-11-20T10:00:00Z')) },
  { name: 'ChangeRequest: implementer and expected outage', schema: 'v1/change-request.schema.json', doc: variant(change, (d) => Object.assign(d.spec, { implementer: 'bob', expectedOutage: { duration: '0m', description: 'none expected' } })) },
  {
    name: 'ChangeRequest: minimal, no status',
    schema: 'v1/change-request.schema.json',
    doc: {
      apiVersion: 'opsledger/v1',
      kind: 'ChangeRequest',
      metadata: { name: 'CR-2026-0001' },
      spec: { type: 'normal', requester: 'bob', environment: 'staging', services: ['search-api'], schedule: { start: '2026-03-01T10:00:00Z', end: '2026-03-01T11:00:00Z' } },
    },
  },
  { name: 'ChangeCalendar as in the design', schema: 'v1/change-calendar.schema.json', doc: calendar() },
  { name: 'ChangeCalendar without windows in it', schema: 'v1/change-calendar.schema.json', doc: variant(calendar, (d) => (d.spec.windows = [])) },
  {
    name: 'ChangeCalendar: window shape (one-off vs recurring) is left to semantic checks',
    schema: 'v1/change-calendar.schema.json',
    doc: variant(calendar, (d) => (d.spec.windows[1].start = '2026-01-06T01:00:00+09:00')),
  },
  { name: 'SLO with inline indicator and status', schema: 'v1/slo.schema.json', doc: slo() },
  {
    name: 'SLO with indicatorRef, calendar window, targetPercent, overspent budget',
    schema: 'v1/slo.schema.json',
    doc: variant(slo, (d) => {
      delete d.spec.indicator;
      d.spec.indicatorRef = 'payments-success-ratio';
      d.spec.timeWindow = [{ duration: '1M', calendar: { startTime: '2026-01-01 00:00:00', timeZone: 'Asia/Seoul' } }];
      d.spec.objectives = [{ targetPercent: 99.9 }];
      d.status.errorBudgetRemaining = -0.5;
    }),
  },
  {
    name: 'SLO, composite: every objective has its own indicator',
    schema: 'v1/slo.schema.json',
    doc: variant(slo, (d) => {
      delete d.spec.indicator;
      d.spec.objectives = [
        { target: 0.999, indicatorRef: 'checkout-ratio', compositeWeight: 2 },
        { target: 0.99, indicator: ratioIndicator() },
      ];
    }),
  },
  { name: 'SLO without status', schema: 'v1/slo.schema.json', doc: variant(slo, (d) => delete d.status) },
  { name: 'StandardChange', schema: 'v1/standard-change.schema.json', doc: standardChange() },
  { name: 'StandardChange, minimal', schema: 'v1/standard-change.schema.json', doc: variant(standardChange, (d) => (d.spec = { covers: {}, maxRisk: 'low' })) },
  { name: 'Policy, a full default', schema: 'v1/policy.schema.json', doc: policy() },
  {
    name: 'Policy, minimal',
    schema: 'v1/policy.schema.json',
    doc: variant(policy, (d) => {
      d.spec.likelihood.factors = { changeType: { standard: 0, normal: 1, emergency: 2 } };
      d.spec.controls = { low: {}, medium: {}, high: {}, critical: {} };
      delete d.spec.errorBudget;
      delete d.spec.emergency;
      delete d.spec.sensitivePaths;
    }),
  },
  { name: 'openslo SLO, calendar-aligned timeslices', schema: 'openslo-v1/slo.schema.json', doc: openSlo() },
  { name: 'openslo SLO, alertPolicies left empty (null)', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.spec.alertPolicies = null)) },
  {
    name: 'openslo SLO, alertPolicies as names, refs and inline',
    schema: 'openslo-v1/slo.schema.json',
    doc: variant(openSlo, (d) => {
      d.spec.alertPolicies = [
        'low-priority',
        { alertPolicyRef: 'high-priority' },
        { kind: 'AlertPolicy', metadata: { name: 'inline' }, spec: { conditions: [{ conditionRef: 'burn' }], notificationTargets: [{ targetRef: 'mail' }] } },
      ];
    }),
  },
  { name: 'openslo SLI, ratio raw', schema: 'openslo-v1/sli.schema.json', doc: openslo('SLI', { ratioMetric: { rawType: 'failure', raw: { metricSource: { metricSourceRef: 'prom', spec: { query: 'q' } } } } }) },
  { name: 'openslo SLI, bad/total', schema: 'openslo-v1/sli.schema.json', doc: openslo('SLI', { ratioMetric: { counter: false, bad: { metricSource: { type: 'X', spec: { q: 1 } } }, total: { metricSource: { type: 'X', spec: { q: 2 } } } } }) },
  { name: 'openslo AlertCondition', schema: 'openslo-v1/alert-condition.schema.json', doc: openslo('AlertCondition', { severity: 'page', condition: burnRate() }) },
  { name: 'openslo AlertNotificationTarget', schema: 'openslo-v1/alert-notification-target.schema.json', doc: openslo('AlertNotificationTarget', { target: 'slack' }) },
  {
    name: 'openslo AlertPolicy with inline condition and target',
    schema: 'openslo-v1/alert-policy.schema.json',
    doc: openslo('AlertPolicy', {
      alertWhenBreaching: true,
      conditions: [{ kind: 'AlertCondition', metadata: { name: 'c' }, spec: { severity: 'page', condition: burnRate() } }],
      notificationTargets: [{ kind: 'AlertNotificationTarget', metadata: { name: 't' }, spec: { target: 'email' } }],
    }),
  },
  { name: 'openslo DataSource, mapping details', schema: 'openslo-v1/data-source.schema.json', doc: openslo('DataSource', { type: 'CloudWatch', connectionDetails: { accessKeyID: 'ref:vault/aws' } }) },
  { name: 'openslo Service with list labels', schema: 'openslo-v1/service.schema.json', doc: openslo('Service', { description: 'x' }, { name: 'svc', labels: { team: ['a', 'b'], env: 'prod' } }) },
  // grouping: systems, domains, APIs and the service fields that name them
  { name: 'Domain', schema: 'v1/domain.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'Domain', metadata: { name: 'commerce', title: 'Commerce' }, spec: { owner: 'payments' } } },
  { name: 'System in a domain', schema: 'v1/system.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'System', metadata: { name: 'checkout' }, spec: { owner: 'checkout', domain: 'commerce' } } },
  { name: 'API with every field', schema: 'v1/api.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'API', metadata: { name: 'payments-v2' }, spec: { type: 'openapi', owner: 'payments', lifecycle: 'production', system: 'checkout', definition: 'https://github.com/acme/payments/blob/main/openapi.yaml' } } },
  { name: 'Service in a system, providing and consuming APIs', schema: 'v1/service.schema.json', doc: variant(service, (d) => Object.assign(d.spec, { system: 'checkout', providesApis: ['payments-v2'], consumesApis: ['ledger-events'] })) },
];

describe('valid documents', () => {
  it.each(VALID)('$name', ({ schema, doc }) => {
    expect(at(errorsOf(schema, doc))).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ invalid

interface Bad {
  name: string;
  schema: string;
  doc: AnyDoc;
  keyword: string;
  path: string;
}

const T = 'v1/team.schema.json';
const S = 'v1/service.schema.json';
const C = 'v1/configuration-item.schema.json';
const CR = 'v1/change-request.schema.json';
const CAL = 'v1/change-calendar.schema.json';
const SLO = 'v1/slo.schema.json';
const STD = 'v1/standard-change.schema.json';
const P = 'v1/policy.schema.json';

const INVALID: Bad[] = [
  // every kind: envelope and metadata
  { name: 'Team: wrong apiVersion', schema: T, doc: variant(team, (d) => (d.apiVersion = 'opsledger/v2')), keyword: 'const', path: '/apiVersion' },
  { name: 'Team: wrong kind', schema: T, doc: variant(team, (d) => (d.kind = 'Group')), keyword: 'const', path: '/kind' },
  { name: 'Team: no spec', schema: T, doc: variant(team, (d) => delete d.spec), keyword: 'required', path: '' },
  { name: 'Team: unknown top-level key (status)', schema: T, doc: variant(team, (d) => (d.status = {})), keyword: 'additionalProperties', path: '' },
  { name: 'Team: no metadata.name', schema: T, doc: variant(team, (d) => delete d.metadata.name), keyword: 'required', path: '/metadata' },
  { name: 'Team: name not a DNS label', schema: T, doc: variant(team, (d) => (d.metadata.name = 'Payments_Team')), keyword: 'pattern', path: '/metadata/name' },
  { name: 'Team: name longer than 63', schema: T, doc: variant(team, (d) => (d.metadata.name = 'a'.repeat(64))), keyword: 'maxLength', path: '/metadata/name' },
  { name: 'Team: metadata typo', schema: T, doc: variant(team, (d) => (d.metadata.tittle = 'x')), keyword: 'additionalProperties', path: '/metadata' },
  { name: 'Team: label value not a string', schema: T, doc: variant(team, (d) => (d.metadata.labels = { pci: true })), keyword: 'type', path: '/metadata/labels/pci' },
  { name: 'Team: bad label key', schema: T, doc: variant(team, (d) => (d.metadata.labels = { 'bad key': 'x' })), keyword: 'pattern', path: '/metadata/labels' },
  { name: 'Team: link without url', schema: T, doc: variant(team, (d) => (d.metadata.links = [{ title: 'Docs' }])), keyword: 'required', path: '/metadata/links/0' },
  { name: 'Team: spec typo', schema: T, doc: variant(team, (d) => (d.spec.member = ['x'])), keyword: 'additionalProperties', path: '/spec' },
  { name: 'Team: GitHub team without org', schema: T, doc: variant(team, (d) => (d.spec.github.team = 'payments')), keyword: 'pattern', path: '/spec/github/team' },
  { name: 'Team: member not a login', schema: T, doc: variant(team, (d) => (d.spec.members = ['@alice'])), keyword: 'pattern', path: '/spec/members/0' },
  { name: 'Team: duplicate member', schema: T, doc: variant(team, (d) => (d.spec.members = ['alice', 'alice'])), keyword: 'uniqueItems', path: '/spec/members' },
  { name: 'Team: bad email', schema: T, doc: variant(team, (d) => (d.spec.contact.email = 'payments-at-example')), keyword: 'format', path: '/spec/contact/email' },
  { name: 'Team: on-call schedule not a URL', schema: T, doc: variant(team, (d) => (d.spec.oncall.schedule = 'pagerduty payments')), keyword: 'format', path: '/spec/oncall/schedule' },

  // Service
  { name: 'Service: no owner', schema: S, doc: variant(service, (d) => delete d.spec.owner), keyword: 'required', path: '/spec' },
  { name: 'Service: owner as typed ref', schema: S, doc: variant(service, (d) => (d.spec.owner = 'team:payments')), keyword: 'pattern', path: '/spec/owner' },
  { name: 'Service: tier 5', schema: S, doc: variant(service, (d) => (d.spec.tier = 5)), keyword: 'enum', path: '/spec/tier' },
  { name: 'Service: tier as text', schema: S, doc: variant(service, (d) => (d.spec.tier = '1')), keyword: 'type', path: '/spec/tier' },
  { name: 'Service: unknown exposure', schema: S, doc: variant(service, (d) => (d.spec.exposure = 'public')), keyword: 'enum', path: '/spec/exposure' },
  { name: 'Service: unknown lifecycle', schema: S, doc: variant(service, (d) => (d.spec.lifecycle = 'retired')), keyword: 'enum', path: '/spec/lifecycle' },
  { name: 'Service: untyped dependency', schema: S, doc: variant(service, (d) => (d.spec.dependsOn = ['ledger'])), keyword: 'pattern', path: '/spec/dependsOn/0' },
  { name: 'Service: depends on a team', schema: S, doc: variant(service, (d) => (d.spec.dependsOn = ['team:sre'])), keyword: 'pattern', path: '/spec/dependsOn/0' },
  { name: 'Service: runbook url not absolute', schema: S, doc: variant(service, (d) => (d.spec.runbooks[0].url = 'wiki/rb/restart')), keyword: 'format', path: '/spec/runbooks/0/url' },
  { name: 'Service: owners entry without role', schema: S, doc: variant(service, (d) => (d.spec.owners = [{ team: 'sre' }])), keyword: 'required', path: '/spec/owners/0' },
  { name: 'Service: rto not a duration', schema: S, doc: variant(service, (d) => (d.spec.continuity.rto = '1 hour')), keyword: 'format', path: '/spec/continuity/rto' },
  { name: 'Service: drTestedAt not a date', schema: S, doc: variant(service, (d) => (d.spec.continuity.drTestedAt = '2026-13-01')), keyword: 'format', path: '/spec/continuity/drTestedAt' },
  {
    name: 'Service: continuity key from an unquoted comma in a YAML flow mapping',
    schema: S,
    doc: variant(service, (d) => (d.spec.continuity = { redundancy: 'multi-az (RF=3', 'min.insync=2)': null })),
    keyword: 'additionalProperties',
    path: '/spec/continuity',
  },

  // ConfigurationItem
  { name: 'CI: unknown class', schema: C, doc: ci({ class: 'db' }), keyword: 'enum', path: '/spec/class' },
  { name: 'CI: no class', schema: C, doc: variant(ci, (d) => delete d.spec.class), keyword: 'required', path: '/spec' },
  { name: 'CI: unknown relation type', schema: C, doc: ci({ relations: [{ type: 'uses', target: 'ci:x' }] }), keyword: 'enum', path: '/spec/relations/0/type' },
  { name: 'CI: untyped relation target', schema: C, doc: ci({ relations: [{ type: 'runsOn', target: 'k8s-prod' }] }), keyword: 'pattern', path: '/spec/relations/0/target' },
  { name: 'CI: service as typed ref', schema: C, doc: ci({ service: 'service:payments-api' }), keyword: 'pattern', path: '/spec/service' },
  { name: 'CI: labels under spec instead of metadata', schema: C, doc: ci({ labels: { tier: '1' } }), keyword: 'additionalProperties', path: '/spec' },
  { name: 'CI: attributes not a mapping', schema: C, doc: ci({ attributes: ['postgres'] }), keyword: 'type', path: '/spec/attributes' },

  // ChangeRequest
  { name: 'CR: name is not an id', schema: CR, doc: variant(change, (d) => (d.metadata.name = 'upgrade-db')), keyword: 'pattern', path: '/metadata/name' },
  { name: 'CR: short id', schema: CR, doc: variant(change, (d) => (d.metadata.name = 'CR-26-42')), keyword: 'pattern', path: '/metadata/name' },
  { name: 'CR: unknown type', schema: CR, doc: variant(change, (d) => (d.spec.type = 'urgent')), keyword: 'enum', path: '/spec/type' },
  { name: 'CR: no schedule', schema: CR, doc: variant(change, (d) => delete d.spec.schedule), keyword: 'required', path: '/spec' },
  { name: 'CR: no requester', schema: CR, doc: variant(change, (d) => delete d.spec.requester), keyword: 'required', path: '/spec' },
  { name: 'CR: start without offset', schema: CR, doc: variant(change, (d) => (d.spec.schedule.start = '2026-12-02T01:00:00')), keyword: 'format', path: '/spec/schedule/start' },
  { name: 'CR: end missing', schema: CR, doc: variant(change, (d) => delete d.spec.schedule.end), keyword: 'required', path: '/spec/schedule' },
  { name: 'CR: services as typed refs', schema: CR, doc: variant(change, (d) => (d.spec.services = ['service:payments-api'])), keyword: 'pattern', path: '/spec/services/0' },
  { name: 'CR: configuration item as typed ref', schema: CR, doc: variant(change, (d) => (d.spec.configurationItems = ['ci:payments-db'])), keyword: 'pattern', path: '/spec/configurationItems/0' },
  { name: 'CR: template not a name', schema: CR, doc: variant(change, (d) => (d.spec.template = 'Rotate TLS')), keyword: 'pattern', path: '/spec/template' },
  { name: 'CR: template a number', schema: CR, doc: variant(change, (d) => (d.spec.template = 5)), keyword: 'type', path: '/spec/template' },
  { name: 'CR: unknown delivery strategy', schema: CR, doc: variant(change, (d) => (d.spec.delivery.strategy = 'big-bang')), keyword: 'enum', path: '/spec/delivery/strategy' },
  { name: 'CR: stage with 0% traffic', schema: CR, doc: variant(change, (d) => (d.spec.delivery.stages[0].traffic = 0)), keyword: 'exclusiveMinimum', path: '/spec/delivery/stages/0/traffic' },
  { name: 'CR: stage with 150% traffic', schema: CR, doc: variant(change, (d) => (d.spec.delivery.stages[2].traffic = 150)), keyword: 'maximum', path: '/spec/delivery/stages/2/traffic' },
  { name: 'CR: stage duration in words', schema: CR, doc: variant(change, (d) => (d.spec.delivery.stages[0].duration = '30 minutes')), keyword: 'format', path: '/spec/delivery/stages/0/duration' },
  { name: 'CR: stage metric not slo:<name>', schema: CR, doc: variant(change, (d) => (d.spec.delivery.stages[0].metrics = ['payments-availability'])), keyword: 'pattern', path: '/spec/delivery/stages/0/metrics/0' },
  { name: 'CR: implementer not a login', schema: CR, doc: variant(change, (d) => (d.spec.implementer = 'team:sre')), keyword: 'pattern', path: '/spec/implementer' },
  { name: 'CR: expected outage without duration', schema: CR, doc: variant(change, (d) => (d.spec.expectedOutage = { description: 'a blip' })), keyword: 'required', path: '/spec/expectedOutage' },
  { name: 'CR: expected outage in words', schema: CR, doc: variant(change, (d) => (d.spec.expectedOutage = { duration: 'a few minutes' })), keyword: 'format', path: '/spec/expectedOutage/duration' },
  { name: 'CR: rollback typo', schema: CR, doc: variant(change, (d) => (d.spec.rollback.step = ['x'])), keyword: 'additionalProperties', path: '/spec/rollback' },
  { name: 'CR: rollback tested at in words', schema: CR, doc: variant(change, (d) => (d.spec.rollback.tested.at = 'last week')), keyword: 'anyOf', path: '/spec/rollback/tested/at' },
  { name: 'CR: verification without description', schema: CR, doc: variant(change, (d) => (d.spec.verification = [{ evidence: 'x' }])), keyword: 'required', path: '/spec/verification/0' },
  { name: 'CR: premortem without mitigation', schema: CR, doc: variant(change, (d) => (d.spec.premortem = [{ risk: 'x' }])), keyword: 'required', path: '/spec/premortem/0' },
  { name: 'CR: negative diff', schema: CR, doc: variant(change, (d) => (d.spec.diff.files = -1)), keyword: 'minimum', path: '/spec/diff/files' },
  { name: 'CR: unknown phase', schema: CR, doc: variant(change, (d) => (d.status.phase = 'done')), keyword: 'enum', path: '/status/phase' },
  { name: 'CR: unknown outcome result', schema: CR, doc: variant(change, (d) => (d.status.outcome.result = 'success')), keyword: 'enum', path: '/status/outcome/result' },
  { name: 'CR: outcome without result', schema: CR, doc: variant(change, (d) => delete d.status.outcome.result), keyword: 'required', path: '/status/outcome' },
  { name: 'CR: restoredAt without offset', schema: CR, doc: variant(change, (d) => (d.status.outcome.restoredAt = '2026-12-02 01:50')), keyword: 'format', path: '/status/outcome/restoredAt' },
  { name: 'CR: approvals written in YAML', schema: CR, doc: variant(change, (d) => (d.status.approvedBy = ['carol'])), keyword: 'additionalProperties', path: '/status' },

  // ChangeCalendar
  { name: 'Calendar: no windows', schema: CAL, doc: variant(calendar, (d) => delete d.spec.windows), keyword: 'required', path: '/spec' },
  { name: 'Calendar: unknown window kind', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[0].kind = 'blackout')), keyword: 'enum', path: '/spec/windows/0/kind' },
  { name: 'Calendar: window without name', schema: CAL, doc: variant(calendar, (d) => delete d.spec.windows[0].name), keyword: 'required', path: '/spec/windows/0' },
  { name: 'Calendar: start in words', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[0].start = 'next tuesday')), keyword: 'pattern', path: '/spec/windows/0/start' },
  { name: 'Calendar: one-off end without offset', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[0].end = '2027-01-03T00:00:00')), keyword: 'format', path: '/spec/windows/0/end' },
  { name: 'Calendar: exdate with offset', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[1].exdates = ['2026-12-29T01:00:00+09:00'])), keyword: 'format', path: '/spec/windows/1/exdates/0' },
  { name: 'Calendar: duration in words', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[1].duration = '3 hours')), keyword: 'format', path: '/spec/windows/1/duration' },
  { name: 'Calendar: time zone with a space', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[1].timeZone = 'Korea Standard Time')), keyword: 'pattern', path: '/spec/windows/1/timeZone' },
  { name: 'Calendar: scope tier 5', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[1].scope.tiers = [5])), keyword: 'enum', path: '/spec/windows/1/scope/tiers/0' },
  { name: 'Calendar: scope service as typed ref', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[1].scope.services = ['service:payments-api'])), keyword: 'pattern', path: '/spec/windows/1/scope/services/0' },
  { name: 'Calendar: scope typo', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[0].scope = { env: ['production'] })), keyword: 'additionalProperties', path: '/spec/windows/0/scope' },
  { name: 'Calendar: allow an unknown type', schema: CAL, doc: variant(calendar, (d) => (d.spec.windows[0].allow = ['urgent'])), keyword: 'enum', path: '/spec/windows/0/allow/0' },

  // SLO (opsledger/v1)
  { name: 'SLO: both indicator and indicatorRef', schema: SLO, doc: variant(slo, (d) => (d.spec.indicatorRef = 'x')), keyword: 'oneOf', path: '/spec' },
  { name: 'SLO: no indicator at all', schema: SLO, doc: variant(slo, (d) => delete d.spec.indicator), keyword: 'oneOf', path: '/spec' },
  { name: 'SLO: service as typed ref', schema: SLO, doc: variant(slo, (d) => (d.spec.service = 'service:payments-api')), keyword: 'pattern', path: '/spec/service' },
  { name: 'SLO: no time window', schema: SLO, doc: variant(slo, (d) => delete d.spec.timeWindow), keyword: 'required', path: '/spec' },
  { name: 'SLO: two time windows', schema: SLO, doc: variant(slo, (d) => d.spec.timeWindow.push({ duration: '7d', isRolling: true })), keyword: 'maxItems', path: '/spec/timeWindow' },
  { name: 'SLO: window duration in words', schema: SLO, doc: variant(slo, (d) => (d.spec.timeWindow[0].duration = '28 days')), keyword: 'format', path: '/spec/timeWindow/0/duration' },
  { name: 'SLO: misspelt budgeting method', schema: SLO, doc: variant(slo, (d) => (d.spec.budgetingMethod = 'Occurences')), keyword: 'enum', path: '/spec/budgetingMethod' },
  { name: 'SLO: target of 1', schema: SLO, doc: variant(slo, (d) => (d.spec.objectives[0].target = 1)), keyword: 'exclusiveMaximum', path: '/spec/objectives/0/target' },
  { name: 'SLO: target as percent in target', schema: SLO, doc: variant(slo, (d) => (d.spec.objectives[0].target = 99.9)), keyword: 'exclusiveMaximum', path: '/spec/objectives/0/target' },
  { name: 'SLO: target and targetPercent', schema: SLO, doc: variant(slo, (d) => (d.spec.objectives[0].targetPercent = 99.9)), keyword: 'oneOf', path: '/spec/objectives/0' },
  { name: 'SLO: indicator without metric', schema: SLO, doc: variant(slo, (d) => (d.spec.indicator.spec = {})), keyword: 'oneOf', path: '/spec/indicator/spec' },
  { name: 'SLO: error budget above 1', schema: SLO, doc: variant(slo, (d) => (d.status.errorBudgetRemaining = 1.5)), keyword: 'maximum', path: '/status/errorBudgetRemaining' },
  { name: 'SLO: error budget below -10', schema: SLO, doc: variant(slo, (d) => (d.status.errorBudgetRemaining = -11)), keyword: 'minimum', path: '/status/errorBudgetRemaining' },
  { name: 'SLO: measuredAt without offset', schema: SLO, doc: variant(slo, (d) => (d.status.measuredAt = '2026-12-01T09:00:00')), keyword: 'format', path: '/status/measuredAt' },
  { name: 'SLO: status typo', schema: SLO, doc: variant(slo, (d) => (d.status.budgetRemaining = 0.5)), keyword: 'additionalProperties', path: '/status' },
  { name: 'SLO: openslo apiVersion against the opsledger schema', schema: SLO, doc: variant(slo, (d) => (d.apiVersion = 'openslo/v1')), keyword: 'const', path: '/apiVersion' },

  // StandardChange
  { name: 'StandardChange: no covers', schema: STD, doc: variant(standardChange, (d) => delete d.spec.covers), keyword: 'required', path: '/spec' },
  { name: 'StandardChange: unknown max risk', schema: STD, doc: variant(standardChange, (d) => (d.spec.maxRisk = 'extreme')), keyword: 'enum', path: '/spec/maxRisk' },
  { name: 'StandardChange: unknown CI class', schema: STD, doc: variant(standardChange, (d) => (d.spec.covers.ciClasses = ['cert'])), keyword: 'enum', path: '/spec/covers/ciClasses/0' },
  { name: 'StandardChange: covers typo', schema: STD, doc: variant(standardChange, (d) => (d.spec.covers.service = ['x'])), keyword: 'additionalProperties', path: '/spec/covers' },
  { name: 'StandardChange: bad required field path', schema: STD, doc: variant(standardChange, (d) => (d.spec.requiredFields = ['rollback..steps'])), keyword: 'pattern', path: '/spec/requiredFields/0' },

  // Policy
  { name: 'Policy: no environments', schema: P, doc: variant(policy, (d) => delete d.spec.environments), keyword: 'required', path: '/spec' },
  { name: 'Policy: empty environments', schema: P, doc: variant(policy, (d) => (d.spec.environments = [])), keyword: 'minItems', path: '/spec/environments' },
  { name: 'Policy: environment alias not a label', schema: P, doc: variant(policy, (d) => (d.spec.environments[0].aliases = ['Prod'])), keyword: 'pattern', path: '/spec/environments/0/aliases/0' },
  { name: 'Policy: environment typo', schema: P, doc: variant(policy, (d) => (d.spec.environments[0].prod = true)), keyword: 'additionalProperties', path: '/spec/environments/0' },
  { name: 'Policy: impact row of 3', schema: P, doc: variant(policy, (d) => (d.spec.impact.matrix.team = [2, 1, 1])), keyword: 'minItems', path: '/spec/impact/matrix/team' },
  { name: 'Policy: impact level 5', schema: P, doc: variant(policy, (d) => (d.spec.impact.matrix.external[0] = 5)), keyword: 'maximum', path: '/spec/impact/matrix/external/0' },
  { name: 'Policy: impact level 2.5', schema: P, doc: variant(policy, (d) => (d.spec.impact.matrix.external[1] = 2.5)), keyword: 'type', path: '/spec/impact/matrix/external/1' },
  { name: 'Policy: impact exposure missing', schema: P, doc: variant(policy, (d) => delete d.spec.impact.matrix.department), keyword: 'required', path: '/spec/impact/matrix' },
  { name: 'Policy: impact exposure unknown', schema: P, doc: variant(policy, (d) => (d.spec.impact.matrix.public = [4, 4, 4, 4])), keyword: 'additionalProperties', path: '/spec/impact/matrix' },
  { name: 'Policy: two thresholds', schema: P, doc: variant(policy, (d) => (d.spec.likelihood.thresholds = [3, 6])), keyword: 'minItems', path: '/spec/likelihood/thresholds' },
  { name: 'Policy: change type points missing emergency', schema: P, doc: variant(policy, (d) => delete d.spec.likelihood.factors.changeType.emergency), keyword: 'required', path: '/spec/likelihood/factors/changeType' },
  { name: 'Policy: factor typo', schema: P, doc: variant(policy, (d) => (d.spec.likelihood.factors.rollbackMising = 3)), keyword: 'additionalProperties', path: '/spec/likelihood/factors' },
  { name: 'Policy: peak day spelt out', schema: P, doc: variant(policy, (d) => (d.spec.likelihood.factors.peakHours.days = ['Mon'])), keyword: 'enum', path: '/spec/likelihood/factors/peakHours/days/0' },
  { name: 'Policy: peak hour as 9am', schema: P, doc: variant(policy, (d) => (d.spec.likelihood.factors.peakHours.from = '9am')), keyword: 'pattern', path: '/spec/likelihood/factors/peakHours/from' },
  { name: 'Policy: failure rate as percent', schema: P, doc: variant(policy, (d) => (d.spec.likelihood.factors.recentFailureRate.above = 15)), keyword: 'maximum', path: '/spec/likelihood/factors/recentFailureRate/above' },
  { name: 'Policy: risk matrix of 3 rows', schema: P, doc: variant(policy, (d) => d.spec.risk.matrix.pop()), keyword: 'minItems', path: '/spec/risk/matrix' },
  { name: 'Policy: risk row of 5', schema: P, doc: variant(policy, (d) => d.spec.risk.matrix[1].push('high')), keyword: 'maxItems', path: '/spec/risk/matrix/1' },
  { name: 'Policy: unknown risk class', schema: P, doc: variant(policy, (d) => (d.spec.risk.matrix[0][0] = 'severe')), keyword: 'enum', path: '/spec/risk/matrix/0/0' },
  { name: 'Policy: controls for critical missing', schema: P, doc: variant(policy, (d) => delete d.spec.controls.critical), keyword: 'required', path: '/spec/controls' },
  { name: 'Policy: controls typo', schema: P, doc: variant(policy, (d) => (d.spec.controls.high.approval = [])), keyword: 'additionalProperties', path: '/spec/controls/high' },
  { name: 'Policy: zero approvals count', schema: P, doc: variant(policy, (d) => (d.spec.controls.high.approvals[1].count = 0)), keyword: 'minimum', path: '/spec/controls/high/approvals/1/count' },
  { name: 'Policy: unknown rollback control', schema: P, doc: variant(policy, (d) => (d.spec.controls.low.rollback = 'always')), keyword: 'enum', path: '/spec/controls/low/rollback' },
  { name: 'Policy: group as bare team name', schema: P, doc: variant(policy, (d) => (d.spec.groups.cab = 'cab')), keyword: 'pattern', path: '/spec/groups/cab' },
  { name: 'Policy: no groups', schema: P, doc: variant(policy, (d) => delete d.spec.groups), keyword: 'required', path: '/spec' },
  { name: 'Policy: error budget blocks an unknown type', schema: P, doc: variant(policy, (d) => (d.spec.errorBudget.blocks = ['urgent'])), keyword: 'enum', path: '/spec/errorBudget/blocks/0' },
  { name: 'Policy: readiness rule with an unknown check', schema: P, doc: variant(policy, (d) => (d.spec.readiness.rules[0].check = 'runbooks')), keyword: 'enum', path: '/spec/readiness/rules/0/check' },
  { name: 'Policy: readiness level platinum', schema: P, doc: variant(policy, (d) => (d.spec.readiness.rules[1].level = 'platinum')), keyword: 'enum', path: '/spec/readiness/rules/1/level' },
  { name: 'Policy: readiness rule without a description', schema: P, doc: variant(policy, (d) => delete d.spec.readiness.rules[0].description), keyword: 'required', path: '/spec/readiness/rules/0' },
  { name: 'Policy: readiness tier 5', schema: P, doc: variant(policy, (d) => (d.spec.readiness.rules[1].tiers = [5])), keyword: 'enum', path: '/spec/readiness/rules/1/tiers/0' },
  { name: 'Policy: readiness within in words', schema: P, doc: variant(policy, (d) => (d.spec.readiness.rules[2].within = 'a year')), keyword: 'format', path: '/spec/readiness/rules/2/within' },
  { name: 'Policy: readiness without rules', schema: P, doc: variant(policy, (d) => (d.spec.readiness = { lifecycles: ['production'] })), keyword: 'required', path: '/spec/readiness' },
  { name: 'Policy: readiness field typo', schema: P, doc: variant(policy, (d) => (d.spec.readiness.rules[0].teirs = [1])), keyword: 'additionalProperties', path: '/spec/readiness/rules/0' },
  { name: 'Policy: emergency review deadline in words', schema: P, doc: variant(policy, (d) => (d.spec.emergency.reviewWithin = 'five days')), keyword: 'format', path: '/spec/emergency/reviewWithin' },

  // OpenSLO v1
  { name: 'openslo SLO: v1alpha apiVersion', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.apiVersion = 'openslo/v1alpha')), keyword: 'const', path: '/apiVersion' },
  { name: 'openslo SLO: name with capitals', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.metadata.name = 'WebAvailability')), keyword: 'pattern', path: '/metadata/name' },
  { name: 'openslo SLO: calendar start with offset', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.spec.timeWindow[0].calendar.startTime = '2022-01-01T12:00:00Z')), keyword: 'pattern', path: '/spec/timeWindow/0/calendar/startTime' },
  { name: 'openslo SLO: unknown operator', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.spec.objectives[0].op = 'eq')), keyword: 'enum', path: '/spec/objectives/0/op' },
  { name: 'openslo SLO: time slice target 0', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.spec.objectives[0].timeSliceTarget = 0)), keyword: 'exclusiveMinimum', path: '/spec/objectives/0/timeSliceTarget' },
  { name: 'openslo SLO: alert policy item malformed', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.spec.alertPolicies = [{ ref: 'x' }])), keyword: 'oneOf', path: '/spec/alertPolicies/0' },
  { name: 'openslo SLO: label value a number', schema: 'openslo-v1/slo.schema.json', doc: variant(openSlo, (d) => (d.metadata.labels = { tier: 1 })), keyword: 'anyOf', path: '/metadata/labels/tier' },
  { name: 'openslo SLI: threshold and ratio', schema: 'openslo-v1/sli.schema.json', doc: openslo('SLI', { thresholdMetric: { metricSource: { spec: { q: 1 } } }, ratioMetric: { raw: { metricSource: { spec: { q: 1 } } }, rawType: 'success' } }), keyword: 'oneOf', path: '/spec' },
  { name: 'openslo SLI: raw without rawType', schema: 'openslo-v1/sli.schema.json', doc: openslo('SLI', { ratioMetric: { raw: { metricSource: { spec: { q: 1 } } } } }), keyword: 'oneOf', path: '/spec/ratioMetric' },
  { name: 'openslo SLI: good and bad', schema: 'openslo-v1/sli.schema.json', doc: openslo('SLI', { ratioMetric: { good: { metricSource: { spec: { q: 1 } } }, bad: { metricSource: { spec: { q: 2 } } }, total: { metricSource: { spec: { q: 3 } } } } }), keyword: 'oneOf', path: '/spec/ratioMetric' },
  { name: 'openslo SLI: metric source without spec', schema: 'openslo-v1/sli.schema.json', doc: openslo('SLI', { thresholdMetric: { metricSource: { type: 'Prometheus' } } }), keyword: 'required', path: '/spec/thresholdMetric/metricSource' },
  { name: 'openslo AlertCondition: no severity', schema: 'openslo-v1/alert-condition.schema.json', doc: openslo('AlertCondition', { condition: burnRate() }), keyword: 'required', path: '/spec' },
  { name: 'openslo AlertCondition: lookback in words', schema: 'openslo-v1/alert-condition.schema.json', doc: openslo('AlertCondition', { severity: 'page', condition: { ...burnRate(), lookbackWindow: '1 hour' } }), keyword: 'format', path: '/spec/condition/lookbackWindow' },
  { name: 'openslo AlertCondition: unknown kind', schema: 'openslo-v1/alert-condition.schema.json', doc: openslo('AlertCondition', { severity: 'page', condition: { ...burnRate(), kind: 'threshold' } }), keyword: 'enum', path: '/spec/condition/kind' },
  { name: 'openslo AlertPolicy: two conditions', schema: 'openslo-v1/alert-policy.schema.json', doc: openslo('AlertPolicy', { conditions: [{ conditionRef: 'a' }, { conditionRef: 'b' }], notificationTargets: [{ targetRef: 't' }] }), keyword: 'maxItems', path: '/spec/conditions' },
  { name: 'openslo AlertPolicy: no targets', schema: 'openslo-v1/alert-policy.schema.json', doc: openslo('AlertPolicy', { conditions: [{ conditionRef: 'a' }], notificationTargets: [] }), keyword: 'minItems', path: '/spec/notificationTargets' },
  { name: 'openslo AlertPolicy: malformed target', schema: 'openslo-v1/alert-policy.schema.json', doc: openslo('AlertPolicy', { conditions: [{ conditionRef: 'a' }], notificationTargets: [{ foo: 't' }] }), keyword: 'oneOf', path: '/spec/notificationTargets/0' },
  { name: 'openslo AlertNotificationTarget: no target', schema: 'openslo-v1/alert-notification-target.schema.json', doc: openslo('AlertNotificationTarget', { description: 'x' }), keyword: 'required', path: '/spec' },
  { name: 'openslo DataSource: no type', schema: 'openslo-v1/data-source.schema.json', doc: openslo('DataSource', { connectionDetails: {} }), keyword: 'required', path: '/spec' },
  { name: 'openslo Service: description over 1050', schema: 'openslo-v1/service.schema.json', doc: openslo('Service', { description: 'x'.repeat(1051) }), keyword: 'maxLength', path: '/spec/description' },
  { name: 'System: no owner', schema: 'v1/system.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'System', metadata: { name: 'checkout' }, spec: { domain: 'commerce' } }, keyword: 'required', path: '/spec' },
  { name: 'System: domain written as a typed ref', schema: 'v1/system.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'System', metadata: { name: 'checkout' }, spec: { owner: 'a', domain: 'domain:commerce' } }, keyword: 'pattern', path: '/spec/domain' },
  { name: 'API: unknown type', schema: 'v1/api.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'API', metadata: { name: 'x' }, spec: { type: 'soap', owner: 'a', lifecycle: 'production' } }, keyword: 'enum', path: '/spec/type' },
  { name: 'API: definition not a web URL', schema: 'v1/api.schema.json', doc: { apiVersion: 'opsledger/v1', kind: 'API', metadata: { name: 'x' }, spec: { type: 'grpc', owner: 'a', lifecycle: 'production', definition: 'file:///etc/passwd' } }, keyword: 'format', path: '/spec/definition' },
  { name: 'Service: providesApis repeats an API', schema: S, doc: variant(service, (d) => (d.spec.providesApis = ['a', 'a'])), keyword: 'uniqueItems', path: '/spec/providesApis' },
];

describe('invalid documents', () => {
  it.each(INVALID)('$name → $keyword at "$path"', ({ schema, doc, keyword, path: instancePath }) => {
    const errors = errorsOf(schema, doc);
    expect(errors.length).toBeGreaterThan(0);
    expect(at(errors)).toContainEqual([keyword, instancePath]);
  });
});

// ------------------------------------------------------------------------------ real OpenSLO v1 files

/**
 * shared/realdata/openslo/SOURCES.txt lists each copied file; a `note:` says "upstream expects
 * VALID" or "INVALID" (from upstream's schema_test.go), or that there is no verdict. Files
 * without a note are upstream's published examples, valid by being published as such.
 */
type Verdict = 'valid' | 'invalid' | 'none';

interface RealDoc {
  file: string;
  index: number;
  verdict: Verdict;
  source: string;
  doc: AnyDoc;
}

const realRoot = path.join(sharedRoot, 'realdata', 'openslo');
const hasRealData = existsSync(path.join(realRoot, 'SOURCES.txt'));

function readVerdicts(sources: string): Map<string, { verdict: Verdict; source: string }> {
  const out = new Map<string, { verdict: Verdict; source: string }>();
  let current: string | undefined;
  let note: string | undefined;
  const flush = () => {
    if (current === undefined) return;
    if (note === undefined) out.set(current, { verdict: current.includes('/examples/') ? 'valid' : 'none', source: 'published example' });
    else if (/expects VALID/.test(note)) out.set(current, { verdict: 'valid', source: 'upstream expects VALID' });
    else if (/expects INVALID/.test(note)) out.set(current, { verdict: 'invalid', source: 'upstream expects INVALID' });
    else out.set(current, { verdict: 'none', source: note });
  };
  for (const line of sources.split(/\r?\n/)) {
    const file = /^- file:\s*(\S+)/.exec(line);
    if (file) {
      flush();
      current = file[1];
      note = undefined;
      continue;
    }
    const n = /^\s+note:\s*(.+)$/.exec(line);
    if (n && current !== undefined) note = n[1];
  }
  flush();
  return out;
}

function loadRealDocs(): RealDoc[] {
  if (!hasRealData) return [];
  const verdicts = readVerdicts(readFileSync(path.join(realRoot, 'SOURCES.txt'), 'utf8'));
  const out: RealDoc[] = [];
  for (const [file, { verdict, source }] of verdicts) {
    if (!/\.ya?ml$/.test(file)) continue;
    const text = readFileSync(path.join(realRoot, file), 'utf8');
    let index = 0;
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0]!.message}`);
      const value: unknown = document.toJS();
      // The Go SDK's example files hold a YAML list of objects instead of several documents.
      for (const doc of Array.isArray(value) ? value : [value]) {
        const o = obj(doc);
        if (!o) continue;
        // Only openslo/v1 documents, plus the v1 spec-files that exist to test a wrong apiVersion.
        if (o.apiVersion !== 'openslo/v1' && !file.includes('/spec-files/v1/')) continue;
        out.push({ file, index: index++, verdict, source, doc: o });
      }
    }
  }
  return out;
}

const realDocs = loadRealDocs();
const openSloSchemaByKind = new Map(
  schemaFiles.filter((f) => constOf(f.schema, 'apiVersion') === 'openslo/v1').map((f) => [String(constOf(f.schema, 'kind')), f.rel]),
);

/** What upstream's invalid files get wrong, by file name: the keyword and place we report. */
const EXPECTED_INVALID: Record<string, [string, string]> = {
  'alert-condition-no-sev.yaml': ['required', '/spec'],
  'alert-policy-malformed-targetref.yaml': ['oneOf', '/spec/notificationTargets/0'],
  'alert-policy-many-cond.yaml': ['maxItems', '/spec/conditions'],
  'invalid-apiversion.yaml': ['const', '/apiVersion'],
  'service-long-description.yaml': ['maxLength', '/spec/description'],
};

describe.skipIf(!hasRealData)('real OpenSLO v1 files (shared/realdata/openslo)', () => {
  it('are found, both valid and invalid ones', () => {
    expect(realDocs.filter((d) => d.verdict === 'valid').length).toBeGreaterThanOrEqual(20);
    expect(realDocs.filter((d) => d.verdict === 'invalid').length).toBeGreaterThanOrEqual(4);
  });

  const rows = realDocs.map((d) => ({ ...d, label: `${d.file} #${d.index} (${String(obj(d.doc)?.kind)}, ${d.source})` }));

  it.each(rows.filter((d) => d.verdict === 'valid'))('valid: $label', ({ doc }) => {
    const rel = openSloSchemaByKind.get(String(doc.kind));
    expect(rel, `no openslo/v1 schema for kind ${String(doc.kind)}`).toBeDefined();
    expect(at(errorsOf(rel!, doc))).toEqual([]);
  });

  it.each(rows.filter((d) => d.verdict === 'invalid'))('invalid: $label', ({ file, doc }) => {
    const rel = openSloSchemaByKind.get(String(doc.kind));
    expect(rel).toBeDefined();
    const errors = errorsOf(rel!, doc);
    expect(errors.length).toBeGreaterThan(0);
    const expected = EXPECTED_INVALID[path.basename(file)];
    if (expected) expect(at(errors)).toContainEqual(expected);
  });
});
