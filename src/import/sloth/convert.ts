import { OPENSLO_API_VERSION } from '../../core/model.js';
import { list, nonBlank, obj, type Obj } from '../../core/shape.js';
import type { OpenSloFile } from '../openslo/convert.js';
import { toOpenSloName } from '../openslo/convert.js';
import { sourceLabel, type SourceDocument } from '../parse.js';
import { Usage, type DanglingRef, type EntityOutcome, type ImportReport, type ReviewItem } from '../report.js';

/**
 * Sloth specs to openslo/v1 SLOs, which opsledger reads as they are. Two spellings of one
 * spec: the plain file (`version: prometheus/v1`, snake_case: error_query) and the Kubernetes
 * custom resource (`apiVersion: sloth.slok.dev/v1`, kind PrometheusServiceLevel, camelCase
 * under spec). Each Sloth SLO becomes one SLO of the service:
 * - objective is a percentage (99.9), target a ratio (0.999);
 * - events (error and total queries) become a ratio metric counting bad events over total;
 *   raw (an error-ratio query) a raw ratio metric of type failure;
 * - the period is not in a Sloth spec (`sloth generate --default-slo-period`, 30d unless told),
 *   so 30d rolling is written and listed for review;
 * - queries keep Sloth's {{.window}} placeholder: opsledger stores queries, it does not run them;
 * - alerting has no place: Sloth generates its own burn-rate alerts (listed as dropped);
 * - SLI plugins are code inside Sloth, so an SLO that uses one is dropped.
 */
export const SLOTH_V1 = 'sloth.slok.dev/v1';
const PLAIN = 'prometheus/v1';

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
const LABEL_KEY = /^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

/** One key in either spelling: the CRD writes errorQuery where the plain file writes error_query. */
function either(o: Obj | undefined, camel: string): { key: string; value: unknown } | undefined {
  if (!o) return undefined;
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (o[camel] !== undefined) return { key: camel, value: o[camel] };
  if (o[snake] !== undefined) return { key: snake, value: o[snake] };
  return undefined;
}

const metric = (query: string) => ({ metricSource: { type: 'Prometheus', spec: { query } } });

export function convertSloth(inputs: readonly SourceDocument[]): { files: OpenSloFile[]; report: Omit<ImportReport, 'problems' | 'files'> } {
  const entities: EntityOutcome[] = [];
  const review: ReviewItem[] = [];
  const files: OpenSloFile[] = [];
  const taken = new Set<string>();

  for (const source of inputs) {
    const label = sourceLabel(source);
    const value = obj(source.value);
    const usage = new Usage();
    const crd = value?.apiVersion === SLOTH_V1 && value.kind === 'PrometheusServiceLevel';
    const plain = value?.version === PLAIN;
    const ref = crd ? `PrometheusServiceLevel ${String(obj(value?.metadata)?.name ?? '?')}` : `Sloth spec ${String(value?.service ?? '?')}`;
    const drop = (code: string, reason: string) => {
      if (value) usage.finish(value, code, reason);
      entities.push({ source: label, ref, result: 'dropped', code, reason, to: [], used: [], dropped: usage.dropped, changed: [] });
    };
    if (!value || (!crd && !plain)) {
      const openslo = typeof value?.apiVersion === 'string' && value.apiVersion.startsWith('openslo/');
      drop('entity.not-sloth', openslo ? 'an OpenSLO document, which Sloth also reads: import it with `opsledger import openslo`' : `not a Sloth spec (version: ${PLAIN}, or apiVersion: ${SLOTH_V1} with kind PrometheusServiceLevel)`);
      continue;
    }
    const base = crd ? '/spec' : '';
    const spec = crd ? obj(value.spec) : value;
    if (crd) usage.use('/apiVersion', '/kind', '/metadata/name');
    else usage.use('/version');
    if (crd && obj(value.metadata)?.namespace !== undefined) usage.drop('/metadata/namespace', 'field.dropped', 'the Kubernetes namespace the rules are generated into has no place in an SLO');
    const service = nonBlank(spec?.service);
    if (!service) {
      drop('entity.invalid', 'a Sloth spec names its service');
      continue;
    }
    usage.use(`${base}/service`);
    const serviceName = toOpenSloName(service);
    if (serviceName !== service) usage.change(`${base}/service`, 'name.changed', `"${service}" is written as "${serviceName}"`);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(spec?.labels) ?? {})) {
      if (LABEL_KEY.test(k) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        labels[k] = String(v);
        usage.use(`${base}/labels/${esc(k)}`);
      } else usage.drop(`${base}/labels/${esc(k)}`, 'field.invalid', 'OpenSLO label keys take no prefix');
    }
    const plugins = either(spec, 'sloPlugins');
    if (plugins) usage.drop(`${base}/${plugins.key}`, 'sloth.plugins', 'SLO plugins change how Sloth generates its rules; opsledger generates no rules');
    const to: string[] = [];
    list(spec?.slos).forEach((raw, i) => {
      const at = `${base}/slos/${i}`;
      const slo = obj(raw);
      const name = nonBlank(slo?.name);
      const objective = typeof slo?.objective === 'number' ? slo.objective : undefined;
      if (!slo || !name || objective === undefined || objective <= 0 || objective >= 100) {
        usage.drop(at, 'slo.invalid', 'a Sloth SLO needs a name and an objective between 0 and 100');
        return;
      }
      const sli = obj(slo.sli);
      const events = obj(sli?.events);
      const rawSli = obj(sli?.raw);
      let indicatorSpec: Obj | undefined;
      if (events) {
        const bad = either(events, 'errorQuery');
        const total = either(events, 'totalQuery');
        if (typeof bad?.value === 'string' && typeof total?.value === 'string') {
          indicatorSpec = { ratioMetric: { counter: true, bad: metric(bad.value), total: metric(total.value) } };
          usage.use(`${at}/sli/events/${bad.key}`, `${at}/sli/events/${total.key}`);
        }
      } else if (rawSli) {
        const ratio = either(rawSli, 'errorRatioQuery');
        if (typeof ratio?.value === 'string') {
          indicatorSpec = { ratioMetric: { counter: false, raw: metric(ratio.value), rawType: 'failure' } };
          usage.use(`${at}/sli/raw/${ratio.key}`);
        }
      } else if (sli?.plugin !== undefined) {
        usage.drop(at, 'sloth.plugin', 'an SLI plugin is code that runs inside Sloth; its queries are not in the spec, so this SLO is not imported');
        return;
      }
      if (!indicatorSpec) {
        usage.drop(at, 'slo.invalid', 'the SLI has neither events (error and total queries) nor a raw error-ratio query');
        return;
      }
      let sloName = toOpenSloName(`${serviceName}-${name}`);
      for (let n = 2; taken.has(sloName); n++) sloName = toOpenSloName(`${serviceName}-${name}-${n}`);
      taken.add(sloName);
      usage.use(`${at}/name`, `${at}/objective`);
      usage.change(`${at}/objective`, 'objective.ratio', `Sloth objectives are percentages: ${objective} is written as target ${Number((objective / 100).toPrecision(10))}`);
      const description = nonBlank(slo.description);
      if (description) usage.use(`${at}/description`);
      const own: Record<string, string> = {};
      for (const [k, v] of Object.entries(obj(slo.labels) ?? {})) {
        if (LABEL_KEY.test(k) && typeof v === 'string') {
          own[k] = v;
          usage.use(`${at}/labels/${esc(k)}`);
        }
      }
      if (slo.plugins !== undefined) usage.drop(`${at}/plugins`, 'sloth.plugins', 'SLO plugins change how Sloth generates its rules; opsledger generates no rules');
      if (slo.alerting !== undefined) usage.drop(`${at}/alerting`, 'sloth.alerting', 'Sloth generates its own multi-window burn-rate alerts from the objective; their names, labels and annotations are Sloth settings with no place in an SLO');
      const allLabels = { ...labels, ...own };
      const doc: Obj = {
        apiVersion: OPENSLO_API_VERSION,
        kind: 'SLO',
        metadata: { name: sloName, displayName: name, ...(Object.keys(allLabels).length ? { labels: allLabels } : {}) },
        spec: {
          ...(description ? { description } : {}),
          service: serviceName,
          indicator: { metadata: { name: `${sloName}-sli` }, spec: indicatorSpec },
          timeWindow: [{ duration: '30d', isRolling: true }],
          budgetingMethod: 'Occurrences',
          objectives: [{ displayName: name, target: Number((objective / 100).toPrecision(10)) }],
        },
      };
      review.push({ target: `slo:${sloName}`, pointer: '/spec/timeWindow/0/duration', value: '30d', code: 'review.sloth-period', reason: 'a Sloth spec has no period: sloth generate takes it from --default-slo-period (30d unless told); check the one you run it with', source: label });
      files.push({ path: `${sloName}.yaml`, source: label, apiVersion: OPENSLO_API_VERSION, kind: 'SLO', name: sloName, doc: { value: doc, comment: [`Imported from Sloth (${source.file}, SLO ${name} of service ${service}) by opsledger import sloth.`, 'Check the period (30d is Sloth\'s default) before relying on the error budget.'] } });
      to.push(`slo:${sloName}`);
    });
    usage.finish(value, 'field.unmapped', 'opsledger has no place for this field');
    if (to.length === 0) {
      entities.push({ source: label, ref, result: 'dropped', code: 'entity.no-slo', reason: 'no SLO of this spec could be imported', to: [], used: [], dropped: usage.dropped, changed: usage.changed });
      continue;
    }
    entities.push({ source: label, ref, result: 'mapped', to, used: [...usage.used].sort(), dropped: usage.dropped, changed: usage.changed });
  }
  const dangling: DanglingRef[] = files.map((f) => ({ target: `slo:${f.name}`, pointer: '/spec/service', ref: `service:${String(obj(obj(f.doc.value)?.spec)?.service)}`, written: String(obj(obj(f.doc.value)?.spec)?.service), source: f.source }));
  return { files, report: { from: 'sloth', entities, review, dangling } };
}
