import { CODES, explainCode } from '../../core/codes.js';
import { closest } from '../../core/suggest.js';
import { REFUSALS } from '../../core/outcome/refusals.js';
import { TIMELINE_REFUSALS } from '../../core/incidents/timeline-refusals.js';

// Refusals answer a request (`record`, `incident timeline --add`) rather than find fault with a
// file; their codes are printed too, so explain knows them.
const REFUSED_BY: Record<string, { command: string; message: string }> = Object.fromEntries([
  ...Object.entries(REFUSALS).map(([code, message]) => [code, { command: 'opsledger record', message }]),
  ...Object.entries(TIMELINE_REFUSALS).map(([code, message]) => [code, { command: 'opsledger incident timeline --add', message }]),
]);
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
    ctx.stdout('\nRefusals (the command wrote nothing and exited 1):\n');
    for (const [code, r] of Object.entries(REFUSED_BY)) ctx.stdout(`${code.padEnd(width)}  ${r.command}\n`);
    return 0;
  }
  let status = 0;
  for (const code of positionals) {
    const info = explainCode(code);
    const refused = Object.hasOwn(REFUSED_BY, code) ? REFUSED_BY[code] : undefined;
    if (refused) {
      ctx.stdout(`${code}: a refusal of ${refused.command}\n\n${refused.message[0]!.toUpperCase()}${refused.message.slice(1)}.\n\nNothing was written and the command exited 1; the file is as it was.\n`);
      continue;
    }
    if (!info) {
      const near = closest(code, [...Object.keys(CODES), ...Object.keys(REFUSED_BY)]);
      ctx.stderr(`opsledger explain: no diagnostic code "${code}"${near ? `; did you mean "${near}"?` : ''}\n`);
      status = 2;
      continue;
    }
    ctx.stdout(`${code}: ${info.title}\n\n${info.explanation}\n\nHow to fix: ${info.fix}\n`);
  }
  if (status) throw new UsageError('run `opsledger explain` with no code to list them all');
  return 0;
}
