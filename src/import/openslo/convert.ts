import { OPENSLO_API_VERSION } from '../../core/model.js';
import { list, nonBlank, obj, type Obj } from '../../core/shape.js';
import type { YamlDoc } from '../../core/yaml-write.js';
import { sourceLabel, type SourceDocument } from '../parse.js';
import { Usage, type DanglingRef, type EntityOutcome, type ImportReport, type ReviewItem } from '../report.js';

/**
 * OpenSLO documents to openslo/v1, which opsledger reads as they are. openslo/v1 documents pass
 * through unchanged; openslo/v1alpha SLOs and Services are converted, and every change is
 * listed (the v1alpha shape differs: `timeWindows` with unit and count became `timeWindow`
 * durations, metrics gained a `metricSource`, per-objective `ratioMetrics` became indicators,
 * `incremental` became `counter`). Pure: the caller reads and writes the files.
 */
export const OPENSLO_V1ALPHA = 'openslo/v1alpha';

export interface OpenSloFile {
  /** Relative to the output folder. */
  path: string;
  /** The input document it came from (sourceLabel). */
  source: string;
  apiVersion: string;
  kind: string;
  name: string;
  doc: YamlDoc;
}

const V1_KINDS = ['SLO', 'SLI', 'Service', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'];
/** v1alpha only defined these two kinds. */
const V1ALPHA_KINDS = ['SLO', 'Service'];
const NAME = /^[a-z0-9]([-a-z0-9.|/\\]*[a-z0-9])?$/;

/** v1alpha time units -> v1 duration shorthand units (m is a minute, M a month). */
const UNITS: Record<string, string> = { minute: 'm', hour: 'h', day: 'd', week: 'w', month: 'M', quarter: 'Q', year: 'Y' };

export function toOpenSloName(name: string): string {
  const s = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return s === '' ? 'unnamed' : s.slice(0, 255);
}

/**
 * Windows shorter than a day are almost always a misread unit: OpenSLO's `1m` is one minute
 * and `1M` one month (upstream's own timeslices example writes 1m meaning a month).
 */
const SHORT_WINDOW = /^\d+[mh]$/;

function fileName(kind: string, name: string): string {
  const safe = name.replace(/[^a-z0-9.-]+/g, '-');
  return kind === 'SLO' ? `${safe}.yaml` : `${kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}-${safe}.yaml`;
}

export function convertOpenSlo(inputs: readonly SourceDocument[]): { files: OpenSloFile[]; report: Omit<ImportReport, 'problems' | 'files'> } {
  const entities: EntityOutcome[] = [];
  const review: ReviewItem[] = [];
  const files: OpenSloFile[] = [];
  const names = new Map<string, string>();

  for (const source of inputs) {
    const label = sourceLabel(source);
    const value = obj(source.value);
    const usage = new Usage();
    const apiVersion = nonBlank(value?.apiVersion);
    const kind = nonBlank(value?.kind) ?? '?';
    const name = nonBlank(obj(value?.metadata)?.name) ?? '?';
    const ref = `${apiVersion ?? '?'} ${kind} ${name}`;
    const drop = (code: string, reason: string) => {
      if (value) usage.finish(value, code, reason);
      entities.push({ source: label, ref, result: 'dropped', code, reason, to: [], used: [], dropped: usage.dropped, changed: [] });
    };
    if (!value || !apiVersion) {
      drop('entity.not-openslo', 'not an OpenSLO document (no apiVersion)');
      continue;
    }
    if (apiVersion !== OPENSLO_API_VERSION && apiVersion !== OPENSLO_V1ALPHA) {
      drop(
        'entity.unsupported-version',
        /openslo/i.test(apiVersion) ? `${apiVersion} is not read; opsledger reads openslo/v1 and converts openslo/v1alpha` : `${apiVersion} is not an OpenSLO apiVersion`,
      );
      continue;
    }
    const allowed = apiVersion === OPENSLO_V1ALPHA ? V1ALPHA_KINDS : V1_KINDS;
    if (!allowed.includes(kind)) {
      drop(
        'entity.unsupported-kind',
        apiVersion === OPENSLO_V1ALPHA && V1_KINDS.includes(kind)
          ? `openslo/v1alpha has no ${kind} kind (it came with v1); if the document is written for v1, change its apiVersion to openslo/v1`
          : `${apiVersion} has no kind ${kind}`,
      );
      continue;
    }
    if (name === '?') {
      drop('entity.invalid', 'the document has no metadata.name');
      continue;
    }

    let out: Obj;
    if (apiVersion === OPENSLO_API_VERSION) {
      // Read as it is: the document is already what opsledger validates.
      out = value;
      usage.use('');
    } else {
      out = kind === 'SLO' ? convertSlo(value, usage) : convertService(value, usage);
      usage.finish(value, 'field.unmapped', 'openslo/v1 has no place for this field');
    }
    const outName = nonBlank(obj(out.metadata)?.name)!;
    const typed = `${kind === 'SLO' ? 'slo' : `openslo-${kind.toLowerCase()}`}:${outName}`;
    const key = `${kind}/${outName}`;
    if (names.has(key)) {
      const reason = `${kind} ${outName} is defined again; the first definition (${names.get(key)}) is kept`;
      const whole = new Usage();
      whole.finish(value, 'entity.duplicate', reason);
      entities.push({ source: label, ref, result: 'dropped', code: 'entity.duplicate', reason, to: [], used: [], dropped: whole.dropped, changed: [] });
      continue;
    }
    names.set(key, label);
    list(obj(out.spec)?.timeWindow).forEach((w, i) => {
      const duration = nonBlank(obj(w)?.duration);
      if (duration && SHORT_WINDOW.test(duration)) {
        review.push({
          target: typed,
          pointer: `/spec/timeWindow/${i}/duration`,
          value: duration,
          code: 'review.window-short',
          reason: `a ${duration} window is ${duration.endsWith('m') ? 'minutes' : 'hours'} long: OpenSLO's m is a minute and M a month; write ${duration.replace(/[mh]$/, 'M')} if a month was meant`,
          source: label,
        });
      }
    });
    const header =
      apiVersion === OPENSLO_V1ALPHA
        ? [`Converted from openslo/v1alpha (${source.file}) by opsledger import openslo.`, ...usage.changed.map((c) => `${c.pointer}: ${c.reason}`)]
        : [`Copied from ${source.file} by opsledger import openslo.`];
    files.push({ path: fileName(kind, outName), source: label, apiVersion: OPENSLO_API_VERSION, kind, name: outName, doc: { value: out, comment: header } });
    entities.push({ source: label, ref, result: 'mapped', to: [typed], used: [...usage.used].sort(), dropped: usage.dropped, changed: usage.changed });
  }
  // An SLO's service must be a Service somewhere; the input may not hold it (it can be an
  // opsledger Service already in the repository), so it is listed, not dropped.
  const services = new Set(files.filter((f) => f.kind === 'Service').map((f) => f.name));
  const dangling: DanglingRef[] = [];
  for (const f of files) {
    const service = nonBlank(obj(obj(f.doc.value)?.spec)?.service);
    if (f.kind === 'SLO' && service && !services.has(service)) dangling.push({ target: `slo:${f.name}`, pointer: '/spec/service', ref: `service:${service}`, written: service, source: f.source });
  }
  return { files, report: { from: 'openslo', entities, review, dangling } };
}

function convertMetadata(value: Obj, usage: Usage): Obj {
  const m = obj(value.metadata) ?? {};
  const name = String(m.name);
  const out: Obj = { name: NAME.test(name) ? name : toOpenSloName(name) };
  usage.use('/metadata/name');
  if (out.name !== name) usage.change('/metadata/name', 'name.changed', `openslo/v1 names are lower-case: "${name}" is written as "${String(out.name)}"`);
  for (const k of ['displayName', 'labels', 'annotations']) {
    if (m[k] !== undefined) {
      out[k] = m[k];
      usage.use(`/metadata/${k}`);
    }
  }
  return out;
}

function convertService(value: Obj, usage: Usage): Obj {
  usage.use('/apiVersion', '/kind');
  usage.change('/apiVersion', 'api-version', 'openslo/v1alpha is written as openslo/v1');
  const spec = obj(value.spec) ?? {};
  const out: Obj = { apiVersion: OPENSLO_API_VERSION, kind: 'Service', metadata: convertMetadata(value, usage), spec: {} };
  if (nonBlank(spec.description)) {
    (out.spec as Obj).description = spec.description;
    usage.use('/spec/description');
  }
  return out;
}

/** v1alpha metric {source, queryType, query, ...} -> v1 {metricSource: {type, spec: {...}}}. */
function convertMetric(metric: unknown, pointer: string, usage: Usage): Obj | undefined {
  const m = obj(metric);
  if (!m) return undefined;
  const { source, metadata: _metadata, ...rest } = m;
  const out: Obj = { metricSource: { ...(nonBlank(source) ? { type: source } : {}), spec: rest } };
  usage.use(pointer);
  if (m.metadata !== undefined) usage.drop(`${pointer}/metadata`, 'field.dropped', 'openslo/v1 metric sources have no metadata');
  usage.change(pointer, 'metric.source', 'the metric became metricSource: source -> type, the query fields -> spec');
  return out;
}

function convertRatio(ratio: Obj, pointer: string, usage: Usage): Obj {
  const out: Obj = {};
  if (typeof ratio.incremental === 'boolean') {
    out.counter = ratio.incremental;
    usage.use(`${pointer}/incremental`);
    usage.change(`${pointer}/incremental`, 'ratio.counter', 'incremental is called counter in openslo/v1');
  }
  for (const part of ['good', 'bad', 'total']) {
    const m = convertMetric(ratio[part], `${pointer}/${part}`, usage);
    if (m) out[part] = m;
  }
  return out;
}

function convertSlo(value: Obj, usage: Usage): Obj {
  usage.use('/apiVersion', '/kind');
  usage.change('/apiVersion', 'api-version', 'openslo/v1alpha is written as openslo/v1');
  const metadata = convertMetadata(value, usage);
  const sloName = String(metadata.name);
  const spec = obj(value.spec) ?? {};
  const out: Obj = {};
  for (const k of ['description', 'service', 'budgetingMethod']) {
    if (spec[k] !== undefined) {
      out[k] = spec[k];
      usage.use(`/spec/${k}`);
    }
  }
  // Spec-level indicator: v1alpha wrote the metric straight under it.
  let specIndicator: Obj | undefined;
  const ind = obj(spec.indicator);
  if (ind) {
    const threshold = convertMetric(ind.thresholdMetric, '/spec/indicator/thresholdMetric', usage);
    if (threshold) {
      specIndicator = { metadata: { name: `${sloName}-indicator` }, spec: { thresholdMetric: threshold } };
      usage.change('/spec/indicator', 'indicator.named', `the indicator is an inline SLI in openslo/v1 and needs a name: ${sloName}-indicator`);
    }
  }
  // Time windows: {unit, count} -> duration shorthand.
  const windows: Obj[] = [];
  list(spec.timeWindows).forEach((w, i) => {
    const tw = obj(w) ?? {};
    const p = `/spec/timeWindows/${i}`;
    const unit = nonBlank(tw.unit)?.toLowerCase();
    let count = typeof tw.count === 'number' ? tw.count : Number(tw.count);
    let u = unit ? UNITS[unit] : undefined;
    if (unit === 'second' && Number.isInteger(count / 60)) {
      count /= 60;
      u = 'm';
    }
    if (!u || !Number.isInteger(count) || count < 1) {
      usage.drop(p, 'window.unsupported', `a window of ${String(tw.count)} ${String(tw.unit)} has no openslo/v1 duration`);
      return;
    }
    const window: Obj = { duration: `${count}${u}` };
    usage.use(`${p}/unit`, `${p}/count`);
    usage.change(p, 'window.duration', `timeWindows {count: ${String(tw.count)}, unit: ${String(tw.unit)}} is written as timeWindow duration ${count}${u}`);
    if (typeof tw.isRolling === 'boolean') {
      window.isRolling = tw.isRolling;
      usage.use(`${p}/isRolling`);
    }
    const cal = obj(tw.calendar);
    if (cal) {
      window.calendar = { startTime: String(cal.startTime), timeZone: String(cal.timeZone) };
      usage.use(`${p}/calendar`);
    }
    windows.push(window);
  });
  if (windows.length > 1) {
    usage.drop('/spec/timeWindows/1', 'window.extra', 'openslo/v1 allows one time window; the first is kept');
    windows.length = 1;
  }
  if (windows.length) out.timeWindow = windows;
  // Objectives: per-objective ratioMetrics become indicators.
  const objectives: Obj[] = [];
  const ownIndicators: (Obj | undefined)[] = [];
  list(spec.objectives).forEach((o, i) => {
    const ob = obj(o) ?? {};
    const p = `/spec/objectives/${i}`;
    const objective: Obj = {};
    for (const k of ['displayName', 'op', 'value', 'target', 'timeSliceTarget', 'timeSliceWindow']) {
      if (ob[k] !== undefined) {
        objective[k] = ob[k];
        usage.use(`${p}/${k}`);
      }
    }
    const ratio = obj(ob.ratioMetrics);
    ownIndicators.push(ratio ? { spec: { ratioMetric: convertRatio(ratio, `${p}/ratioMetrics`, usage) } } : undefined);
    if (ratio) usage.use(`${p}/ratioMetrics`);
    objectives.push(objective);
  });
  const withOwn = ownIndicators.filter(Boolean).length;
  if (withOwn === 1 && objectives.length === 1 && !specIndicator) {
    // One objective with its own metric: that metric is the SLO's indicator.
    out.indicator = { metadata: { name: `${sloName}-indicator` }, ...ownIndicators[0] };
    usage.change('/spec/objectives/0/ratioMetrics', 'indicator.lifted', `the objective's ratioMetrics became the SLO's indicator ${sloName}-indicator (ratioMetric)`);
  } else if (withOwn > 0) {
    // Several metrics: each objective carries its own indicator (a composite SLO in v1).
    objectives.forEach((objective, i) => {
      const own = ownIndicators[i];
      if (own) objective.indicator = { metadata: { name: `${sloName}-${i + 1}` }, ...own };
      else if (specIndicator) objective.indicator = { ...specIndicator, metadata: { name: `${sloName}-${i + 1}` } };
      usage.change(`/spec/objectives/${i}`, 'indicator.per-objective', `objective ${i + 1} carries its own indicator ${sloName}-${i + 1}`);
    });
  } else if (specIndicator) {
    out.indicator = specIndicator;
  }
  if (out.budgetingMethod === 'Timeslices' && objectives.some((o) => o.timeSliceWindow === undefined)) {
    usage.change('/spec/budgetingMethod', 'timeslices.window', 'Timeslices objectives should name a timeSliceWindow in openslo/v1; v1alpha had none, so add one');
  }
  // Key order as OpenSLO documents it.
  const ordered: Obj = {};
  for (const k of ['description', 'service', 'indicator', 'timeWindow', 'budgetingMethod']) if (out[k] !== undefined) ordered[k] = out[k];
  ordered.objectives = objectives;
  if (spec.alertPolicies !== undefined) {
    ordered.alertPolicies = spec.alertPolicies;
    usage.use('/spec/alertPolicies');
  }
  return { apiVersion: OPENSLO_API_VERSION, kind: 'SLO', metadata, spec: ordered };
}
