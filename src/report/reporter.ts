import type { Diagnostic, Summary } from '../core/diagnostics.js';

/** Who produced the report; SARIF and the text footer name the tool. */
export interface ToolInfo {
  name: string;
  version: string;
  /** Where people learn about the tool (SARIF `informationUri`); an absolute URI. */
  informationUri?: string;
}

/** What a diagnostic code means, for reporters that describe their rules (SARIF). */
export interface RuleInfo {
  /** One sentence, plain text. */
  summary: string;
  /** An absolute URI with the rule's documentation. */
  helpUri?: string;
}

export interface ReportInput {
  diagnostics: readonly Diagnostic[];
  summary: Summary;
  /**
   * The source text of a repo-relative file, or undefined when it cannot be had (deleted,
   * binary, too large). Reporters that show code frames call it once per file at most.
   */
  source(file: string): string | undefined;
  tool: ToolInfo;
  /** Optional catalogue of codes; without it SARIF rules are described by their id. */
  describe?(code: string): RuleInfo | undefined;
}

export interface ReportOptions {
  /** ANSI colour; only the text reporter uses it. Decide it with `shouldUseColor`. */
  color: boolean;
}

/**
 * A reporter is a pure function of its input: it never writes, reads the environment or
 * throws on odd data, so the CLI decides where the string goes and tests compare strings.
 * Every reporter returns newline-terminated output and orders diagnostics by
 * `compareDiagnostics`, so output does not depend on the order checks ran in.
 */
export interface Reporter {
  readonly name: string;
  render(input: ReportInput, options: ReportOptions): string;
}
