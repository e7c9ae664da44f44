import type { Slo } from '../core/model.js';
import type { Organisation } from '../core/organisation.js';
import { obj, type Obj } from '../core/shape.js';
import { objectiveTarget } from '../core/slo-budget.js';
import type { ExportFile, ExportResult, ExportWarning } from './types.js';

/**
 * The organisation's SLOs as Sloth specs (version prometheus/v1), one file per service.
 * Sloth holds less than OpenSLO, and each difference is a warning:
 * - objectives are percentages (0.999 -> 99.9);
 * - the SLO period is not in the spec: `sloth generate` takes it from --default-slo-period
 *   (30d unless told otherwise) and ships alert windows for 30d and 28d only; other periods
 *   need an AlertWindows file passed with --slo-period-windows-path;
 * - windows are rolling; budgets count events (no time slices);
 * - SLIs are PromQL with a {{.window}} placeholder: error/total event queries or an error ratio.
 */

const SLOTH_WINDOWS = new Set(['30d', '28d']);
const PROMQL_SOURCES = /prometheus|thanos|mimir|cortex|victoria|promql/i;
/** sum(metric{...}) or sum by (a, b) (metric{...}) over a counter, which can be rated. */
const SUMMED_COUNTER = /^\s*sum(\s+by\s*\([^)]*\))?\s*\(\s*([a-zA-Z_:][\w:]*)\s*(\{[^{}]*\})?\s*\)\s*$/;

function queryOf(metric: unknown): { query?: string; type?: string } {
  const source = obj(obj(metric)?.metricSource);
  const spec = obj(source?.spec);
  const query = typeof spec?.query === 'string' ? spec.query : typeof spec?.promql === 'string' ? spec.promql : undefined;
  return { ...(query ? { query } : {}), ...(typeof source?.type === 'string' ? { type: source.type } : {}) };
}

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

const percent = (target: number) => Number((target * 100).toPrecision(10));

export function exportSloth(org: Organisation): ExportResult {
  const warnings: ExportWarning[] = [];
  const byService = new Map<string, Slo[]>();
  for (const { doc } of org.slos.values()) byService.set(doc.spec.service, [...(byService.get(doc.spec.service) ?? []), doc]);
  const files: ExportFile[] = [];
  const periods = new Set<string>();

  for (const [service, slos] of [...byService].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const svc = org.services.get(service)?.doc;
    const labels: Record<string, string> = {};
    if (svc) {
      labels.owner = svc.spec.owner;
      labels.tier = String(svc.spec.tier);
    }
    const out: Obj[] = [];
    for (const slo of slos) {
      const source = `slo:${slo.metadata.name}`;
      const warn = (pointer: string, code: string, message: string) => warnings.push({ source, pointer, code, message });
      const tw = slo.spec.timeWindow?.[0];
      const duration = tw?.duration ?? '30d';
      periods.add(duration);
      if (!SLOTH_WINDOWS.has(duration)) {
        warn('/spec/timeWindow/0/duration', 'sloth.window-unsupported', `Sloth ships alert windows for 30d and 28d only; for ${duration} generate with --default-slo-period=${duration} and an AlertWindows spec passed with --slo-period-windows-path`);
      } else if (duration === '28d') {
        warn('/spec/timeWindow/0/duration', 'sloth.window-flag', 'Sloth does not read the period from the spec: run `sloth generate --default-slo-period=28d` (its default is 30d)');
      }
      if (tw && (tw.isRolling === false || tw.calendar)) warn('/spec/timeWindow/0', 'sloth.window-calendar', 'Sloth windows are rolling; this calendar-aligned window becomes a rolling one');
      if (slo.spec.budgetingMethod !== 'Occurrences') warn('/spec/budgetingMethod', 'sloth.budgeting', `Sloth counts events; ${slo.spec.budgetingMethod} budgeting cannot be expressed and is written as an event ratio`);
      if (slo.status) warn('/status', 'sloth.status-dropped', 'Sloth specs have no status; the error-budget snapshot stays in opsledger');
      if (slo.spec.alertPolicies?.length) warn('/spec/alertPolicies', 'sloth.alert-policies', 'Sloth generates its own multi-window multi-burn-rate alerts; OpenSLO alert policies are left out');
      if (slo.spec.indicatorRef) {
        warn('/spec/indicatorRef', 'sloth.indicator-ref', `the SLI ${slo.spec.indicatorRef} is referenced, not inline; Sloth needs the queries, so this SLO is not exported`);
        continue;
      }
      const several = slo.spec.objectives.length > 1;
      if (several) warn('/spec/objectives', 'sloth.objectives-split', `Sloth has one objective per SLO; ${slo.spec.objectives.length} objectives become ${slo.spec.objectives.length} Sloth SLOs`);
      slo.spec.objectives.forEach((objective, i) => {
        const pointer = `/spec/objectives/${i}`;
        const target = objectiveTarget(objective);
        if (target === undefined) {
          warn(pointer, 'sloth.no-target', 'the objective has no target; not exported');
          return;
        }
        const indicator = obj(objective.indicator) ?? obj(slo.spec.indicator);
        const sli = slothSli(obj(obj(indicator)?.spec), (code, message) => warn(objective.indicator ? `${pointer}/indicator` : '/spec/indicator', code, message));
        if (!sli) return;
        if (objective.op !== undefined || objective.value !== undefined) warn(pointer, 'sloth.threshold', 'Sloth has no per-objective threshold (op/value); the SLI query must already count good events');
        const name = several ? `${slo.metadata.name}-${i + 1}` : slo.metadata.name;
        warn(`${pointer}/target`, 'sloth.objective-percent', `Sloth objectives are percentages: target ${target} is written as objective ${percent(target)}`);
        out.push({
          name,
          objective: percent(target),
          ...(slo.spec.description || slo.metadata.title ? { description: slo.spec.description ?? slo.metadata.title } : {}),
          sli,
          alerting: {
            name: pascal(`${name}-slo-burn`),
            labels: { ...(svc ? { owner: svc.spec.owner } : {}) },
            annotations: { summary: `${slo.metadata.title ?? name}: error budget burning too fast` },
            page_alert: { labels: { severity: 'page' } },
            ticket_alert: { labels: { severity: 'ticket' } },
          },
        });
      });
    }
    if (out.length === 0) continue;
    files.push({
      path: `${service}.yaml`,
      docs: [
        {
          comment: [`Generated by opsledger export sloth from the SLOs of service ${service}.`, `SLO period: ${[...new Set(slos.map((s) => s.spec.timeWindow?.[0]?.duration ?? '30d'))].join(', ')}; pass it to sloth generate with --default-slo-period.`],
          value: { version: 'prometheus/v1', service, ...(Object.keys(labels).length ? { labels } : {}), slos: out },
        },
      ],
    });
  }
  if (periods.size > 1) {
    warnings.push({ source: 'organisation', pointer: '', code: 'sloth.window-mixed', message: `the SLOs use several windows (${[...periods].sort().join(', ')}); one sloth generate run applies one period, so run it once per period` });
  }
  return { files, warnings };
}

type Warn = (code: string, message: string) => void;

/** A ratio SLI as Sloth events or an error-ratio query; undefined (with a warning) when it cannot be one. */
function slothSli(spec: Obj | undefined, warn: Warn): Obj | undefined {
  if (!spec) {
    warn('sloth.no-indicator', 'the objective has no inline indicator; not exported');
    return undefined;
  }
  if (spec.thresholdMetric) {
    warn('sloth.threshold-metric', 'a threshold metric has no Sloth form (Sloth needs good/bad event counts or an error ratio); not exported');
    return undefined;
  }
  const ratio = obj(spec.ratioMetric);
  if (!ratio) {
    warn('sloth.no-indicator', 'the indicator has no ratio metric; not exported');
    return undefined;
  }
  const counter = ratio.counter !== false;
  const q = (part: string) => {
    const { query, type } = queryOf(ratio[part]);
    if (query === undefined) return undefined;
    if (type && !PROMQL_SOURCES.test(type)) warn('sloth.not-promql', `the ${part} metric source is ${type}; Sloth generates Prometheus rules and needs PromQL`);
    return windowed(query, counter, part, warn);
  };
  if (ratio.raw !== undefined) {
    const raw = q('raw');
    if (!raw) return missing(warn);
    return { raw: { error_ratio_query: ratio.rawType === 'success' ? `1 - (${raw})` : raw } };
  }
  const total = q('total');
  if (!total) return missing(warn);
  const bad = ratio.bad !== undefined ? q('bad') : undefined;
  if (bad) return { events: { error_query: bad, total_query: total } };
  const good = q('good');
  if (!good) return missing(warn);
  // Sloth counts errors; good events become total minus good.
  warn('sloth.good-to-error', 'Sloth counts error events; the good query is written as total - good');
  return { events: { error_query: `(${total}) - (${good})`, total_query: total } };
}

function missing(warn: Warn): undefined {
  warn('sloth.no-query', 'a metric has no metricSource.spec.query; not exported');
  return undefined;
}

/**
 * Sloth evaluates each SLI over its own windows and substitutes them for {{.window}}. A query
 * without the placeholder measures all time; `sum(counter{...})` is rewritten to
 * `sum(rate(counter{...}[{{.window}}]))`, anything else is left for a person.
 */
function windowed(query: string, counter: boolean, part: string, warn: Warn): string {
  if (query.includes('{{.window}}')) return query;
  const m = counter ? SUMMED_COUNTER.exec(query) : null;
  if (m) {
    const rewritten = `sum${m[1] ?? ''}(rate(${m[2]}${m[3] ?? ''}[{{.window}}]))`;
    warn('sloth.query-windowed', `the ${part} query has no {{.window}}; it is rewritten as ${rewritten}`);
    return rewritten;
  }
  warn('sloth.query-no-window', `the ${part} query has no {{.window}} placeholder and could not be rewritten; Sloth will evaluate it over all time until you add one`);
  return query;
}
