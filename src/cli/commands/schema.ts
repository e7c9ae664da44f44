import { closest } from '../../core/suggest.js';
import { loadSchemas, schemaRegistry } from '../../adapters/fs/schemas.js';
import { defineCommand, defineOptions, type OptionsOf } from '../command-spec.js';
import { UsageError, type CommandContext } from '../context.js';

/**
 * `opsledger schema [kind]`: prints a kind's JSON Schema, e.g. for an editor or another
 * validator. Kind names are matched case-insensitively and without dashes, so `service`,
 * `configuration-item` and `ci` all work; opsledger/v1 kinds come before the openslo/v1 kinds
 * of the same name unless --api-version says otherwise. Without a kind: the list.
 */
const ALIASES: Record<string, string> = { ci: 'ConfigurationItem', cmdb: 'ConfigurationItem', cr: 'ChangeRequest', change: 'ChangeRequest', calendar: 'ChangeCalendar', template: 'StandardChange' };
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const options = defineOptions({
  'api-version': { type: 'string', description: 'only kinds of this apiVersion (opsledger/v1 or openslo/v1)', defaultText: 'opsledger/v1 first, then openslo/v1', example: 'openslo/v1' },
});

export const schemaSpec = defineCommand({
  name: 'schema',
  summary: "print a kind's JSON Schema (no kind: list kinds and their $ids)",
  usage: ['opsledger schema [kind] [--api-version opsledger/v1|openslo/v1]'],
  options,
  examples: ['opsledger schema', 'opsledger schema change > change.schema.json', 'opsledger schema SLO --api-version openslo/v1'],
  run: schemaCommand,
});

export async function schemaCommand(ctx: CommandContext, values: OptionsOf<typeof options>, positionals: string[]): Promise<number> {
  const registry = schemaRegistry();
  const versions = registry.apiVersions().sort((a, b) => Number(!a.startsWith('opsledger/')) - Number(!b.startsWith('opsledger/')));
  const wantedVersion = typeof values['api-version'] === 'string' ? values['api-version'] : undefined;
  if (wantedVersion && !versions.includes(wantedVersion)) throw new UsageError(`unknown apiVersion "${wantedVersion}"; known: ${versions.join(', ')}`);
  const entries = versions.filter((v) => !wantedVersion || v === wantedVersion).flatMap((apiVersion) => registry.kinds(apiVersion).map((kind) => ({ apiVersion, kind, id: registry.schemaId(apiVersion, kind)! })));
  if (positionals.length === 0) {
    const width = Math.max(...entries.map((e) => e.kind.length));
    for (const e of entries) ctx.stdout(`${e.kind.padEnd(width)}  ${e.apiVersion.padEnd(12)}  ${e.id}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('name one kind');
  const asked = positionals[0]!;
  const key = norm(ALIASES[norm(asked)] ?? asked);
  const hit = entries.find((e) => norm(e.kind) === key);
  if (!hit) {
    const near = closest(asked, [...new Set(entries.map((e) => e.kind))]);
    throw new UsageError(`no kind "${asked}"${near ? `; did you mean "${near}"?` : ''} (run \`opsledger schema\` for the list)`);
  }
  const schema = loadSchemas().schemas.find((s) => s.$id === hit.id);
  ctx.stdout(JSON.stringify(schema, null, 2) + '\n');
  return 0;
}
