import { analyzeText } from '../core/analyze.js';
import { OPENSLO_API_VERSION } from '../core/model.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import { invalidDocuments } from '../core/organisation.js';
import { renderYaml } from '../core/yaml-write.js';
import { exportBackstage } from '../export/backstage.js';
import { exportOpenSlo } from '../export/openslo.js';
import { exportSloth } from '../export/sloth.js';
import type { ExportResult } from '../export/types.js';
import type { LoadedOrganisation } from './load-organisation.js';

export const EXPORT_TARGETS = ['backstage', 'openslo', 'sloth'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** The kinds each export reads from the organisation. */
const EXPORTED_KINDS: Record<ExportTarget, readonly string[]> = {
  backstage: ['Service', 'ConfigurationItem', 'Team', 'System', 'Domain', 'API'],
  openslo: ['SLO', 'Service'],
  sloth: ['SLO'],
};

export interface ExportPlan {
  planned: { path: string; content: string }[];
  warnings: ExportResult['warnings'];
  /** Validation errors in the organisation. */
  validationErrors: number;
  /**
   * The documents left out because they fail validation on their own (also listed in
   * `warnings` as export.document-invalid). The other validation errors lie between documents
   * (a dangling reference): those documents were exported.
   */
  leftOut: { file: string; kind: string; name: string }[];
}

/** The organisation in another tool's format, with a warning for everything the target cannot hold. */
export function exportCatalog(loaded: LoadedOrganisation, target: ExportTarget, registry: SchemaRegistry): ExportPlan {
  const { org, validation } = loaded;
  let result: ExportResult;
  if (target === 'backstage') result = exportBackstage(org);
  else if (target === 'openslo') result = exportOpenSlo(org, (kind) => registry.schemaId(OPENSLO_API_VERSION, kind));
  else result = exportSloth(org);

  const planned: { path: string; content: string }[] = [];
  const leftOut: ExportPlan['leftOut'] = [];
  for (const a of loaded.repo.analyses) {
    const invalid = invalidDocuments(a);
    for (const d of a.documents) {
      if (!invalid.has(d.index) || !EXPORTED_KINDS[target].includes(d.kind)) continue;
      leftOut.push({ file: a.file, kind: d.kind, name: d.name });
      result.warnings.push({ source: `${a.file}#${d.index}`, pointer: '', code: 'export.document-invalid', message: `${d.kind} ${d.name} fails validation and is not exported` });
    }
  }
  for (const f of result.files) {
    const content = renderYaml(f.docs, f.schemaUrl);
    if (target === 'openslo') {
      // openslo/v1 is a format opsledger validates itself: check what it writes.
      const errors = analyzeText(f.path, content, registry).diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) {
        result.warnings.push({ source: f.path, pointer: errors[0]!.pointer, code: 'export.invalid', message: `not written, it would not validate: ${errors.map((d) => d.message).join('; ')}` });
        continue;
      }
    }
    planned.push({ path: f.path, content });
  }
  return { planned, warnings: result.warnings, validationErrors: validation.diagnostics.filter((d) => d.severity === 'error').length, leftOut };
}
