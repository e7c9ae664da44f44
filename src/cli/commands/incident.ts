import { addIncidentTimelineEntry } from '../../app/add-timeline-entry.js';
import { schemaRegistry } from '../../adapters/fs/schemas.js';
import { openWorkspace } from '../../adapters/workspace.js';
import type { IncidentStatus, TimelineEntry } from '../../core/model.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { rootOf, UsageError, type CommandContext } from '../context.js';
import { parseInstant } from '../instant-flag.js';

/**
 * `opsledger incident timeline <INC-id> --add TEXT [--at T] [--author NAME] [--kind K] [--status S]
 * [--format text|json]`: adds an entry to the incident's timeline in its file, keeping every
 * comment and the file's layout, under the same lock `record` takes. Exit 0 added, 1 refused
 * (the file is untouched), 2 usage.
 */
const STATUSES: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring', 'resolved', 'reviewed'];
const KINDS: readonly NonNullable<TimelineEntry['kind']>[] = ['detection', 'escalation', 'action', 'communication', 'mitigation', 'resolution', 'note'];
const INCIDENT_ID = /^INC-\d{4}-\d{4}$/;
const options = defineOptions({
  add: { type: 'string', description: 'the text of the timeline entry', defaultText: 'none: required', example: 'Rolled back to 4.18.0; error rate falling' },
  at: { type: 'string', description: 'when it happened (ISO 8601 with an offset)', defaultText: 'now', example: '2026-12-02T01:55:00+09:00' },
  author: { type: 'string', description: 'who wrote it (a team member)', example: 'mina-park' },
  kind: { type: 'string', choices: KINDS, description: 'what sort of entry it is', example: 'mitigation' },
  status: { type: 'string', choices: STATUSES, description: "move the incident to this status (stamping the status's time with --at when it is missing)", example: 'monitoring' },
  format: { type: 'string', short: 'f', default: 'text', choices: ['text', 'json'], description: 'how to print what was added', example: 'json' },
});
type IncidentOptions = OptionsOf<typeof options>;

export const incidentSpec = defineCommand({
  name: 'incident',
  summary: "add to an incident's timeline (and move its status) in its file, comments kept",
  usage: ['opsledger incident timeline <INC-id> --add TEXT [--at T] [--author NAME] [--kind K] [--status S] [--format text|json]'],
  options,
  examples: ['opsledger incident timeline INC-2026-0401 --add "Rolled back payments-api to 4.18.0" --kind mitigation --status monitoring'],
  run: incidentCommand,
});

/** An instant as written into the file: the time given as typed, or now in UTC. */
function atOf(value: unknown, now: number): string {
  if (value === undefined) return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  parseInstant(value, 'at');
  return String(value);
}

export async function incidentCommand(ctx: CommandContext, values: IncidentOptions, positionals: string[]): Promise<number> {
  const [sub, id, ...rest] = positionals;
  if (sub !== 'timeline') throw new UsageError(sub === undefined ? 'name a subcommand: timeline' : `unknown subcommand "${sub}"; the only one is timeline`);
  if (id === undefined || rest.length) throw new UsageError('name exactly one incident id (INC-YYYY-NNNN)');
  if (!INCIDENT_ID.test(id)) throw new UsageError(`"${id}" is not an incident id of the form INC-YYYY-NNNN`);
  const text = typeof values.add === 'string' ? values.add.trim() : '';
  if (!text) throw new UsageError('--add takes the text of the entry');
  const entry: TimelineEntry = { at: atOf(values.at, Date.now()), text };
  if (typeof values.author === 'string' && values.author.trim()) entry.author = values.author.trim();
  if (typeof values.kind === 'string') entry.kind = values.kind as TimelineEntry['kind'];
  const status = typeof values.status === 'string' ? (values.status as IncidentStatus) : undefined;
  const { file, out } = await addIncidentTimelineEntry(openWorkspace(rootOf(ctx, values)), { incident: id, entry, status, registry: schemaRegistry() });
  if (values.format === 'json') {
    const body = out.ok
      ? { incident: id, file, added: true, entry: out.entry, position: out.position, ...(out.status ? { status: out.status } : {}) }
      : { incident: id, file, added: false, refusals: out.refusals, ...(out.diagnostics ? { diagnostics: out.diagnostics } : {}) };
    ctx.stdout(JSON.stringify(body, null, 2) + '\n');
  } else if (out.ok) {
    const moved = out.status ? `; status ${out.status.from} -> ${out.status.to}${out.status.stamped ? ` (${out.status.stamped})` : ''}` : '';
    ctx.stdout(`added to the timeline of ${id} in ${file} at ${out.entry.at}${moved}\n`);
  } else {
    ctx.stderr(`opsledger incident: refused to add to ${id}; ${file} is unchanged:\n`);
    for (const r of out.refusals) ctx.stderr(`  ${r.code}: ${r.message}\n`);
    for (const d of out.diagnostics ?? []) ctx.stderr(`  ${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}\n`);
  }
  return out.ok ? 0 : 1;
}
