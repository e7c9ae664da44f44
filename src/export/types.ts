import type { YamlDoc } from '../core/yaml-write.js';

/**
 * What an export writes and what it could not carry. Exports are pure functions of the
 * organisation; the CLI renders the documents, writes the files and prints the warnings.
 */
export interface ExportFile {
  /** Relative to the output folder. */
  path: string;
  docs: YamlDoc[];
  /** The JSON Schema the editor should use for this file, if one is known. */
  schemaUrl?: string;
}

export interface ExportWarning {
  /** The opsledger document it concerns, as a typed reference (service:x, slo:y, team:z). */
  source: string;
  /** Pointer into that document, '' for the whole document. */
  pointer: string;
  code: string;
  message: string;
}

export interface ExportResult {
  files: ExportFile[];
  warnings: ExportWarning[];
}
