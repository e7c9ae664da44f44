import { analyzeText } from '../core/analyze.js';
import { OPENSLO_API_VERSION } from '../core/model.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import { renderYaml } from '../core/yaml-write.js';
import { exportBackstage } from '../export/backstage.js';
import { exportOpenSlo } from '../export/openslo.js';
import { exportSloth } from '../export/sloth.js';
import type { ExportResult } from '../export/types.js';
import type { LoadedOrganisation } from './load-organisation.js';

export const EXPORT_TARGETS = ['backstage', 'openslo', 'sloth'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface ExportPlan {
  planned: { path: string; content: string }[];
  warnings: ExportResult['warnings'];
  /** Validation errors in the organisation: documents that fail validation are not exported. */
  validationErrors: number;
}

/** The organisation in another tool's format, with a warning for everything the target cannot hold. */
export function exportCatalog(loaded: LoadedOrganisation, target: ExportTarget, registry: SchemaRegistry): ExportPlan {
  const { org, validation } = loaded;
  let result: ExportResult;
  if (target === 'backstage') result = exportBackstage(org);
  else if (target === 'openslo') result = exportOpenSlo(org, (kind) => registry.schemaId(OPENSLO_API_VERSION, kind));
  else result = exportSloth(org);

  const planned: { path: string; content: string }[] = [];
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
  return { planned, warnings: result.warnings, validationErrors: validation.diagnostics.filter((d) => d.severity === 'error').length };
}
