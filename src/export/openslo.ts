import { OPENSLO_API_VERSION, type Slo } from '../core/model.js';
import type { Organisation } from '../core/organisation.js';
import type { ExportFile, ExportResult, ExportWarning } from './types.js';

/**
 * The organisation's SLOs as openslo/v1 documents, with an openslo/v1 Service for each service
 * they measure. opsledger's SLO is the OpenSLO v1 shape plus a little: what OpenSLO cannot hold
 * (a title, links, the status snapshot, a metadata description) is listed as a warning.
 */
export function exportOpenSlo(org: Organisation, schemaIdOf: (kind: string) => string | undefined): ExportResult {
  const warnings: ExportWarning[] = [];
  const files: ExportFile[] = [];
  const services = new Set<string>();
  const warn = (w: ExportWarning) => warnings.push(w);

  for (const { doc } of org.slos.values()) {
    const source = `slo:${doc.metadata.name}`;
    services.add(doc.spec.service);
    if (doc.apiVersion === OPENSLO_API_VERSION) {
      files.push({ path: `slos/${doc.metadata.name}.yaml`, docs: [{ value: doc, comment: ['Exported by opsledger export openslo (already openslo/v1, copied as it is).'] }], schemaUrl: schemaIdOf('SLO') });
      continue;
    }
    files.push({ path: `slos/${doc.metadata.name}.yaml`, docs: [{ value: toOpenSlo(doc, source, warn), comment: ['Exported by opsledger export openslo.'] }], schemaUrl: schemaIdOf('SLO') });
  }
  for (const name of [...services].sort()) {
    const s = org.services.get(name)?.doc;
    const metadata: Record<string, unknown> = { name };
    if (s?.metadata.title) metadata.displayName = s.metadata.title;
    const spec: Record<string, unknown> = {};
    if (s?.metadata.description) spec.description = s.metadata.description.slice(0, 1050);
    if ((s?.metadata.description?.length ?? 0) > 1050) warn({ source: `service:${name}`, pointer: '/metadata/description', code: 'openslo.description-cut', message: 'OpenSLO descriptions hold at most 1050 characters; the rest is cut' });
    files.push({ path: `services/${name}.yaml`, docs: [{ value: { apiVersion: OPENSLO_API_VERSION, kind: 'Service', metadata, spec }, comment: ['Exported by opsledger export openslo: the service the SLOs measure.'] }], schemaUrl: schemaIdOf('Service') });
  }
  return { files, warnings };
}

function toOpenSlo(doc: Slo, source: string, warn: (w: ExportWarning) => void): Record<string, unknown> {
  const m = doc.metadata;
  const metadata: Record<string, unknown> = { name: m.name };
  if (m.title) metadata.displayName = m.title;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    // OpenSLO label keys take no prefix (example.com/x is an annotation key there).
    if (/^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/.test(k)) labels[k] = v;
    else warn({ source, pointer: `/metadata/labels/${k}`, code: 'openslo.label-dropped', message: `OpenSLO label keys take no prefix; label ${k} is left out` });
  }
  if (Object.keys(labels).length) metadata.labels = labels;
  if (m.annotations) metadata.annotations = m.annotations;
  const spec: Record<string, unknown> = { ...doc.spec };
  if (m.description) {
    if (!spec.description) spec.description = m.description;
    else warn({ source, pointer: '/metadata/description', code: 'openslo.description-dropped', message: 'OpenSLO metadata has no description and spec.description is taken; metadata.description is left out' });
  }
  if (typeof spec.description === 'string' && spec.description.length > 1050) {
    spec.description = spec.description.slice(0, 1050);
    warn({ source, pointer: '/spec/description', code: 'openslo.description-cut', message: 'OpenSLO descriptions hold at most 1050 characters; the rest is cut' });
  }
  if (m.links?.length) warn({ source, pointer: '/metadata/links', code: 'openslo.links-dropped', message: `OpenSLO has no links; ${m.links.length} link(s) are left out` });
  if (doc.status) warn({ source, pointer: '/status', code: 'openslo.status-dropped', message: 'OpenSLO has no status; the error-budget snapshot stays in opsledger' });
  const ordered: Record<string, unknown> = {};
  for (const k of ['description', 'service', 'indicator', 'indicatorRef', 'timeWindow', 'budgetingMethod', 'objectives', 'alertPolicies']) if (spec[k] !== undefined) ordered[k] = spec[k];
  return { apiVersion: OPENSLO_API_VERSION, kind: 'SLO', metadata, spec: ordered };
}
