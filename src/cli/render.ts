import { explainCode } from '../core/codes.js';
import type { ValidationResult } from '../core/validate.js';
import { TOOL_VERSION } from '../adapters/fs/version.js';
import { shouldUseColor, type Reporter } from '../report/index.js';
import type { CommandContext } from './context.js';

const decoder = new TextDecoder();

/** Renders a validation result with one reporter; sources are read lazily for code frames. */
export function renderValidation(ctx: CommandContext, reporter: Reporter, result: ValidationResult, source: (file: string) => Uint8Array | undefined): string {
  return reporter.render(
    {
      diagnostics: result.diagnostics,
      summary: result.summary,
      source: (file) => {
        const bytes = source(file);
        return bytes ? decoder.decode(bytes) : undefined;
      },
      tool: { name: 'opsledger', version: TOOL_VERSION },
      describe: (code) => {
        const info = explainCode(code);
        return info ? { summary: info.title } : undefined;
      },
    },
    { color: shouldUseColor({ isTTY: ctx.isTTY, env: ctx.env }) },
  );
}
