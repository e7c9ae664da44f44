import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

export type { Reporter, ReportInput, ReportOptions, RuleInfo, ToolInfo } from './reporter.js';

export const REPORTER_NAMES = ['text', 'json', 'github', 'sarif', 'markdown'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

const REPORTERS: Record<ReporterName, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  github: githubReporter,
  sarif: sarifReporter,
  markdown: markdownReporter,
};

export function isReporterName(name: string): name is ReporterName {
  return (REPORTER_NAMES as readonly string[]).includes(name);
}

/** The reporter for a `--format` value, or undefined for an unknown one (a usage error, exit 2). */
export function getReporter(name: string): Reporter | undefined {
  return isReporterName(name) ? REPORTERS[name] : undefined;
}

export interface ColorContext {
  /** `process.stdout.isTTY`; undefined when stdout is a pipe or file. */
  isTTY: boolean | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Whether the text reporter may colour its output. Precedence, first match wins:
 *   1. NO_COLOR set to a non-empty value → no colour (no-color.org; it beats FORCE_COLOR, so a
 *      user who opted out is never overridden by a CI default);
 *   2. FORCE_COLOR set → colour, unless it is "0" or "false";
 *   3. TERM=dumb → no colour;
 *   4. otherwise colour exactly when stdout is a TTY.
 */
export function shouldUseColor({ isTTY, env }: ColorContext): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY === true;
}
