import { CODES, explainCode } from '../../core/codes.js';
import { closest } from '../../core/suggest.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { UsageError, type CommandContext } from '../context.js';

const options = defineOptions({});

export const explainSpec = defineCommand({
  name: 'explain',
  summary: 'what a diagnostic code means and how to fix it (no code: list them all)',
  usage: ['opsledger explain [code...]'],
  options,
  examples: ['opsledger explain', 'opsledger explain ref.unresolved graph.cycle'],
  run: explainCommand,
});

/** `opsledger explain <code>`: what a diagnostic code means and how to fix it. */
export async function explainCommand(ctx: CommandContext, _values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  if (positionals.length === 0) {
    const width = Math.max(...Object.keys(CODES).map((c) => c.length));
    for (const [code, info] of Object.entries(CODES)) ctx.stdout(`${code.padEnd(width)}  ${info.title}\n`);
    return 0;
  }
  let status = 0;
  for (const code of positionals) {
    const info = explainCode(code);
    if (!info) {
      const near = closest(code, Object.keys(CODES));
      ctx.stderr(`opsledger explain: no diagnostic code "${code}"${near ? `; did you mean "${near}"?` : ''}\n`);
      status = 2;
      continue;
    }
    ctx.stdout(`${code}: ${info.title}\n\n${info.explanation}\n\nHow to fix: ${info.fix}\n`);
  }
  if (status) throw new UsageError('run `opsledger explain` with no code to list them all');
  return 0;
}
