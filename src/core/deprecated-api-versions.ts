/**
 * apiVersions that opsledger recognises but no longer reads, with what replaces them and the
 * command that converts a file. Recognising them matters: "unknown apiVersion" would send a
 * user hunting for a typo when the fix is a conversion.
 */
export interface DeprecatedApiVersion {
  replacement: string;
  /** How to convert, for the diagnostic's hint. */
  convert: string;
}

export const DEPRECATED_API_VERSIONS: Readonly<Record<string, DeprecatedApiVersion>> = {
  'openslo/v1alpha': { replacement: 'openslo/v1', convert: 'opsledger import openslo <file> --out <folder>' },
};

export function deprecatedApiVersion(apiVersion: string): DeprecatedApiVersion | undefined {
  return Object.hasOwn(DEPRECATED_API_VERSIONS, apiVersion) ? DEPRECATED_API_VERSIONS[apiVersion] : undefined;
}
