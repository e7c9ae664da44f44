import { exitCodeFor } from '../../core/diagnostics.js';
import { getReporter } from '../../report/index.js';
import { rootOf, type CommandContext } from '../context.js';
import { renderValidation } from '../render.js';
import { runValidation } from './validate.js';

/** `npm start`: the main job on the organisation in the current folder. */
export async function startCommand(ctx: CommandContext, values: Record<string, unknown>): Promise<number> {
  const root = rootOf(ctx, values);
  const { repo, result } = await runValidation(root);
  ctx.stdout('== Validation ==\n');
  ctx.stdout(renderValidation(ctx, getReporter('text')!, result, repo.source));
  return exitCodeFor(result.diagnostics);
}
