import { parseArgs, type ParseArgsConfig } from 'node:util';
import { validateCommand } from './commands/validate.js';
import { startCommand } from './commands/start.js';
import { explainCommand } from './commands/explain.js';
import { impactCommand } from './commands/impact.js';
import { riskCommand } from './commands/risk.js';
import { calendarCommand } from './commands/calendar.js';
import { prCommand } from './commands/pr.js';
import { cabCommand } from './commands/cab.js';
import { gateCommand } from './commands/gate.js';
import { importCommand } from './commands/import.js';
import { exportCommand } from './commands/export.js';
import { sloCommand } from './commands/slo.js';
import { codeownersCommand } from './commands/codeowners.js';
import { newCommand } from './commands/new.js';
import { schemaCommand } from './commands/schema.js';
import { catalogCommand } from './commands/catalog.js';
import { recordCommand } from './commands/record.js';
import { metricsCommand } from './commands/metrics.js';
import { readinessCommand } from './commands/readiness.js';
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
  catalog: {
    summary: 'write the static service catalog (search, service, team, CI and change pages, calendar) to a folder',
    usage: 'opsledger catalog [--out site] [--locale en|ko] [--at T] [--threads N]',
    options: { ...COMMON, out: { type: 'string', short: 'o' }, locale: { type: 'string' }, at: { type: 'string' }, threads: { type: 'string' } },
    run: catalogCommand,
  },
  gate: {
    summary: 'may this change deploy now? every check with its reason; exit 0 allowed, 1 denied (any error denies)',
    usage: 'opsledger gate <CR-id> [--at T] [--env E] [--format text|json] [--report FILE]\n       opsledger gate [CR-id] --protection-rule [--event FILE]',
    options: { ...COMMON, format: { type: 'string', short: 'f' }, at: { type: 'string' }, env: { type: 'string' }, report: { type: 'string' }, 'protection-rule': { type: 'boolean' }, event: { type: 'string' } },
    run: gateCommand,
  },
  pr: {
    summary: 'the pull_request run of the GitHub Action: validation check, risk comment, labels, reviewers, CAB status',
    usage: 'opsledger pr [--event FILE] [--report FILE]',
    options: { ...COMMON, event: { type: 'string' }, report: { type: 'string' } },
    run: prCommand,
  },
  cab: {
    summary: 'decide a pull request\'s approvals from its reviews and publish the opsledger/cab status',
    usage: 'opsledger cab [--pr N] [--event FILE] [--format text|json]',
    options: { ...COMMON, format: { type: 'string', short: 'f' }, pr: { type: 'string' }, event: { type: 'string' } },
    run: cabCommand,
  },
  import: {
    summary: 'read Backstage catalog files or OpenSLO (v1, v1alpha) files into opsledger documents, reporting every loss',
    usage: 'opsledger import backstage|openslo <path>... [--out DIR] [--force] [--dry-run] [--format text|json]',
    options: { ...COMMON, out: { type: 'string' }, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, format: { type: 'string', short: 'f' } },
    run: importCommand,
  },
  export: {
    summary: 'write the organisation as Backstage entities, OpenSLO v1 or Sloth specs, warning about what the target cannot hold',
    usage: 'opsledger export backstage|openslo|sloth [--out DIR] [--force] [--dry-run] [--format text|json]',
    options: { ...COMMON, out: { type: 'string' }, force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, format: { type: 'string', short: 'f' } },
    run: exportCommand,
  },
  slo: {
    summary: "an SLO's error budget in minutes and requests, and its multi-window multi-burn-rate alerts",
    usage: 'opsledger slo explain <slo> [--rps N] [--format text|json]',
    options: { ...COMMON, rps: { type: 'string' }, format: { type: 'string', short: 'f' } },
    run: sloCommand,
  },
  codeowners: {
    summary: 'write .github/CODEOWNERS from service ownership; --check fails (with a diff) when it is out of date',
    usage: 'opsledger codeowners [--check] [--force]',
    options: { ...COMMON, check: { type: 'boolean' }, force: { type: 'boolean' } },
    run: codeownersCommand,
  },
  new: {
    summary: 'create a service, team, CI or change that validates on the first try (prompts on a terminal, flags for scripts)',
    usage:
      'opsledger new service|team|ci|change [--yes] [--force] [--dry-run] [--name N] [--title T] [--description D]\n' +
      '  service: --owner TEAM --tier 1-4 --exposure external|company|department|team [--lifecycle L] [--depends-on service:x,ci:y] [--repository URL]\n' +
      '  team:    [--members a,b] [--github-team org/slug] [--slack C] [--email E]\n' +
      '  ci:      --class C [--service S] [--owner TEAM] [--environment E]\n' +
      '  change:  --title T --requester LOGIN [--type normal|standard|emergency] [--template T] [--justification J]\n' +
      '           [--services a,b] [--cis x,y] [--environment E] [--start ISO] [--end ISO | --duration 1h] [--id CR-YYYY-NNNN]',
    options: {
      ...COMMON,
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      name: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      owner: { type: 'string' },
      tier: { type: 'string' },
      exposure: { type: 'string' },
      lifecycle: { type: 'string' },
      'depends-on': { type: 'string', multiple: true },
      repository: { type: 'string' },
      members: { type: 'string' },
      'github-team': { type: 'string' },
      slack: { type: 'string' },
      email: { type: 'string' },
      class: { type: 'string' },
      service: { type: 'string' },
      environment: { type: 'string' },
      type: { type: 'string' },
      template: { type: 'string' },
      justification: { type: 'string' },
      services: { type: 'string', multiple: true },
      cis: { type: 'string', multiple: true },
      start: { type: 'string' },
      end: { type: 'string' },
      duration: { type: 'string' },
      requester: { type: 'string' },
      id: { type: 'string' },
    },
    run: newCommand,
  },
  schema: {
    summary: "print a kind's JSON Schema (no kind: list kinds and their $ids)",
    usage: 'opsledger schema [kind] [--api-version opsledger/v1|openslo/v1]',
    options: { help: { type: 'boolean', short: 'h' }, 'api-version': { type: 'string' } },
    run: schemaCommand,
  },
  record: {
    summary: "write a change's outcome (post-implementation review) into its file; --commit --push for pipelines",
    usage: 'opsledger record <CR-id> --result successful|failed|rolled-back|partial [--implemented-at T] [--detected-at T] [--restored-at T] [--incident ID]... [--commit [--push]] [--format text|json]',
    options: {
      ...COMMON,
      result: { type: 'string' },
      'implemented-at': { type: 'string' },
      'detected-at': { type: 'string' },
      'restored-at': { type: 'string' },
      incident: { type: 'string', multiple: true },
      commit: { type: 'boolean' },
      push: { type: 'boolean' },
      format: { type: 'string', short: 'f' },
    },
    run: recordCommand,
  },
  metrics: {
    summary: 'deployment frequency, lead time, change failure rate, time to restore/detect, emergency ratio; overall, per service, team, month',
    usage: 'opsledger metrics [--since 90d|T] [--until T] [--env E]... [--time-zone Z] [--format text|json|markdown]',
    options: { ...COMMON, since: { type: 'string' }, until: { type: 'string' }, at: { type: 'string' }, env: { type: 'string', multiple: true }, 'time-zone': { type: 'string' }, format: { type: 'string', short: 'f' } },
    run: metricsCommand,
  },
  readiness: {
    summary: 'readiness scorecards (bronze/silver/gold) per service and the organisation-wide coverage report',
    usage: 'opsledger readiness [service...] [--at T] [--format text|json|markdown]',
    options: { ...COMMON, at: { type: 'string' }, format: { type: 'string', short: 'f' } },
    run: readinessCommand,
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
