import { assessRiskEach } from '../../app/assess-risk.js';
import type { RiskReport } from '../../core/risk/types.js';
import { openWorkspace } from '../../adapters/workspace.js';
import { renderRiskMarkdown } from '../../report/risk/markdown.js';
import { renderRiskText } from '../../report/risk/text.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { GitRefError } from '../../adapters/git/ref-error.js';
import type { GitRepository } from '../../app/ports/git.js';
import { LIFT_HINT, LIST_LIMIT_OPTIONS, listLimit } from '../list-limit.js';
import { loadValidOrganisation } from '../org-session.js';
import { parseInstant } from '../instant-flag.js';
import { joined, writeJson, writeJsonArray, writeOut } from '../output.js';

const options = defineOptions({
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json', 'markdown'], description: 'how to print the reports', example: 'json' },
  at: { type: 'string', description: 'score as of this instant (ISO 8601 with an offset)', defaultText: 'now', example: '2026-12-02T01:00:00+09:00' },
  open: { type: 'boolean', description: 'score every open change as well as those named' },
  'changed-since': { type: 'string', description: 'score the changes edited since this git ref with the diff git measures (the working tree against the merge base), not the declared spec.diff', example: 'origin/main' },
  ...LIST_LIMIT_OPTIONS,
});

export const riskSpec = defineCommand({
  name: 'risk',
  summary: 'score changes: impact x likelihood with every factor explained, blast radius, conflicts, controls',
  usage: ['opsledger risk <CR-id>... [--open] [--format text|json|markdown] [--at T] [--changed-since REF] [--limit N | --all]', '--limit and --all: blast-radius rows per change'],
  options,
  examples: ['opsledger risk CR-2026-0042', 'opsledger risk --open --format markdown', 'opsledger risk CR-2026-0042 --at 2026-12-02T01:00:00+09:00 --format json', 'opsledger risk CR-2026-0042 --changed-since origin/main'],
  run: riskCommand,
});

/** `opsledger risk <CR-id>... [--format text|json|markdown] [--at T]`; `--open` scores every open change. */
export async function riskCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const format = values.format;
  const now = parseInstant(values.at, 'at') ?? Date.now();
  const limit = listLimit(values);
  const ws = openWorkspace(rootOf(ctx, values));
  const loaded = await loadValidOrganisation(ctx, ws.source);
  if (!loaded) return 1;
  const since = values['changed-since'];
  const measured = typeof since === 'string' ? await measuredSince(ws.git, since) : undefined;
  const { count, reports } = assessRiskEach(loaded, await ws.git.documentOrigins(), { ids: positionals, open: values.open, now, ...(limit !== undefined ? { blastRadiusRows: limit } : {}), ...(measured ? { measured } : {}) });
  const cut: string[] = [];
  // Each report is made when the writer reaches it, so one blast radius is held at a time.
  const noting = (function* () {
    for (const r of reports) {
      if (r.blastRadiusTotal !== undefined) cut.push(r.change);
      yield r;
    }
  })();
  if (format === 'json') {
    if (count === 1 && !values.open) await writeJson(ctx, noting.next().value);
    else await writeJsonArray(ctx, noting);
  } else await writeOut(ctx, joined(noting, format === 'markdown' ? renderRiskMarkdown : renderRiskText, '\n'));
  if (cut.length) {
    const which = cut.length === 1 ? cut[0] : `${cut.length} changes`;
    ctx.stderr(`opsledger risk: listed the nearest ${limit} blast-radius rows of ${which} (blastRadiusTotal counts them all); ${LIFT_HINT}\n`);
  }
  return 0;
}

/** The work since `ref` as git measures it; a ref git does not know is the user's mistake, as in `validate --changed-since`. */
async function measuredSince(git: GitRepository, ref: string) {
  try {
    return { files: (await git.changedFilesSince(ref)).files, size: await git.diffSizeSince(ref) };
  } catch (e) {
    if (e instanceof GitRefError) throw new UsageError(e.message);
    throw e;
  }
}
