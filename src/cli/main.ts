import { parseArgs, type ParseArgsConfig } from 'node:util';
import { validateCommand } from './commands/validate.js';
import { startCommand } from './commands/start.js';
import { explainCommand } from './commands/explain.js';
import { impactCommand } from './commands/impact.js';
import { riskCommand } from './commands/risk.js';
import { calendarCommand } from './commands/calendar.js';
import { UsageError, type CommandContext } from './context.js';

/**
 * The CLI front: parses arguments, runs one command and returns its exit code
 * (0 success / allowed, 1 findings / denied, 2 usage or internal error). Commands are thin
 * wrappers over the core and the adapters.
 */
interface CommandSpec {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext, values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const COMMON = {
  root: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMANDS: Record<string, CommandSpec> = {
  validate: {
    summary: 'check every document: syntax, schema, references, cycles and semantic rules',
    usage: 'opsledger validate [paths...] [--format text|json|github|sarif|markdown] [--changed-since REF] [--no-cache]',
    options: {
      ...COMMON,
      format: { type: 'string', short: 'f' },
      'changed-since': { type: 'string' },
      'no-cache': { type: 'boolean' },
      threads: { type: 'string' },
      'max-file-size': { type: 'string' },
    },
    run: validateCommand,
  },
  explain: {
    summary: 'what a diagnostic code means and how to fix it (no code: list them all)',
    usage: 'opsledger explain [code...]',
    options: { help: { type: 'boolean', short: 'h' } },
    run: explainCommand,
  },
  impact: {
    summary: 'what depends on a service or configuration item, transitively, with paths',
    usage: 'opsledger impact <service:name|ci:name>... [--format text|json]',
    options: { ...COMMON, format: { type: 'string', short: 'f' } },
    run: impactCommand,
  },
  risk: {
    summary: "score changes: impact x likelihood with every factor explained, blast radius, conflicts, controls",
    usage: 'opsledger risk <CR-id>... [--open] [--format text|json|markdown] [--at T]',
    options: { ...COMMON, format: { type: 'string', short: 'f' }, at: { type: 'string' }, open: { type: 'boolean' } },
    run: riskCommand,
  },
  calendar: {
    summary: 'the change calendar: open or closed now, the next transition, occurrences, .ics export; import argocd|gitlab',
    usage: 'opsledger calendar [--at T] [--from T --to T] [--service S]... [--env E] [--change CR-id] [--ics FILE [--with-changes]] [--format text|json]\n       opsledger calendar import argocd|gitlab FILE... [--out FILE] [--since T] [--name NAME] [--env E]',
    options: {
      ...COMMON,
      format: { type: 'string', short: 'f' },
      at: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      service: { type: 'string', multiple: true },
      env: { type: 'string' },
      change: { type: 'string' },
      ics: { type: 'string' },
      'with-changes': { type: 'boolean' },
      out: { type: 'string' },
      since: { type: 'string' },
      name: { type: 'string' },
    },
    run: calendarCommand,
  },
  start: {
    summary: 'the main job on this organisation: validate and summarise',
    usage: 'opsledger start',
    options: { ...COMMON },
    run: startCommand,
  },
};

function help(): string {
  const lines = ['opsledger: IT change management and a service catalog that live in Git', '', 'Usage: opsledger <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Options for every command:', '  --root DIR   the organisation repository (default: current folder)', '  -h, --help   this help', '');
  lines.push('Exit codes: 0 success or allowed, 1 findings or denied, 2 usage or internal error.');
  return lines.join('\n') + '\n';
}

export async function run(argv: string[], io: Partial<CommandContext> = {}): Promise<number> {
  const ctx: CommandContext = {
    stdout: io.stdout ?? ((s) => void process.stdout.write(s)),
    stderr: io.stderr ?? ((s) => void process.stderr.write(s)),
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? process.env,
    isTTY: io.isTTY ?? Boolean(process.stdout.isTTY),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    const { TOOL_VERSION } = await import('../adapters/fs/version.js');
    ctx.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr(`opsledger: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    ctx.stderr(`opsledger ${name}: ${(e as Error).message}\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    ctx.stdout(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(ctx, parsed.values, parsed.positionals);
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr(`opsledger ${name}: ${e.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    ctx.stderr(`opsledger ${name}: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (ctx.env.OPSLEDGER_DEBUG) ctx.stderr(`${(e as Error)?.stack ?? ''}\n`);
    return 2;
  }
}
