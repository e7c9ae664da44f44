import { exitCodeFor } from '../../core/diagnostics.js';
import { getReporter, shouldUseColor } from '../../report/index.js';
import { TOOL_VERSION } from '../../adapters/fs/version.js';
import { rootOf, type CommandContext } from '../context.js';
import { runValidation } from './validate.js';

/** `npm start`: the main job on the organisation in the current folder. */
export async function startCommand(ctx: CommandContext, values: Record<string, unknown>): Promise<number> {
  const root = rootOf(ctx, values);
  const { repo, result } = await runValidation(root);
  const decoder = new TextDecoder();
  ctx.stdout('== Validation ==\n');
  ctx.stdout(
    getReporter('text')!.render(
      {
        diagnostics: result.diagnostics,
        summary: result.summary,
        source: (f) => {
          const b = repo.source(f);
          return b ? decoder.decode(b) : undefined;
        },
        tool: { name: 'opsledger', version: TOOL_VERSION },
      },
      { color: shouldUseColor({ isTTY: ctx.isTTY, env: ctx.env }) },
    ),
  );
  return exitCodeFor(result.diagnostics);
}
