import { parseCommandLine, usageText, type CommandSpec } from './command-spec.js';
import { InputError } from '../app/errors.js';
import type { CommandContext } from './context.js';
import { commandHelp, topLevelHelp } from './help.js';
import { drainOf } from './output.js';
import { COMMANDS } from './registry.js';
import { didYouMean } from '../core/suggest.js';
import { knownFailure } from '../app/ports/failure.js';

/**
 * The CLI front: parses arguments, runs one command and returns its exit code
 * (0 success / allowed, 1 findings / denied, 2 usage or internal error). Commands are thin
 * fronts over the use cases in src/app; each is imported only when it is the one asked for,
 * so `--version`, `help` and `explain` start about as fast as Node itself.
 */

const help = () => topLevelHelp(Object.entries(COMMANDS));

function unknownCommand(name: string): string {
  const hint = didYouMean(name, Object.keys(COMMANDS));
  return `opsledger: unknown command "${name}"${hint ? `; ${hint}` : ''}\n`;
}

const SYSTEM_ERROR = /^E[A-Z0-9]+$/;

function systemErrorText(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!(err instanceof Error) || typeof err.code !== 'string' || !SYSTEM_ERROR.test(err.code) || typeof err.syscall !== 'string') return undefined;
  const reason = err.message.replace(/^[A-Z0-9]+: /, '').replace(/, \w+ '.*'$/s, '');
  return `cannot ${err.syscall} ${err.path ?? 'a file'}: ${reason} (${err.code})`;
}

export async function run(argv: string[], io: Partial<CommandContext> = {}): Promise<number> {
  const ctx: CommandContext = {
    stdout: io.stdout ?? ((s) => void process.stdout.write(s)),
    ...(io.drain ? { drain: io.drain } : io.stdout ? {} : { drain: drainOf(process.stdout) }),
    stderr: io.stderr ?? ((s) => void process.stderr.write(s)),
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? process.env,
    isTTY: io.isTTY ?? Boolean(process.stdout.isTTY),
    // A caller that captures stderr is no terminal, whatever the process's own stderr is.
    stderrIsTTY: io.stderrIsTTY ?? (io.stderr ? false : Boolean(process.stderr.isTTY)),
  };
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length) {
    const asked = rest[0]!;
    const entry = COMMANDS[asked];
    if (!entry || rest.length > 1) {
      ctx.stderr(entry ? 'opsledger help: name one command\n' : `${unknownCommand(asked)}Run \`opsledger help\` for the list.\n`);
      return 2;
    }
    ctx.stdout(commandHelp(await entry.load()));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout(help());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    const { TOOL_VERSION } = await import('../adapters/fs/tool-version.js');
    ctx.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    ctx.stderr(`${unknownCommand(name)}\n${help()}`);
    return 2;
  }
  const command: CommandSpec = await entry.load();
  const usage = usageText(command);
  try {
    const parsed = parseCommandLine(command, rest);
    if (parsed.options.help) {
      ctx.stdout(commandHelp(command));
      return 0;
    }
    return await command.run(ctx, parsed.options, parsed.positionals);
  } catch (e) {
    // Input a use case cannot work with is the user's to fix, like a wrong flag.
    if (e instanceof InputError) {
      ctx.stderr(`opsledger ${name}: ${e.message}\n${usage}\n`);
      return 2;
    }
    // A failure with a reason (GitHub down, a commit missing, a calendar past its budget) is the
    // command's answer, not a crash.
    const failure = knownFailure(e);
    if (failure) {
      ctx.stderr(`opsledger ${name}: ${failure.detail} [${failure.code}]\n`);
      return 1;
    }
    // The file system refusing a path the user named (--out over a file, --report on a folder,
    // a name too long, no permission) is about that path, not a defect of opsledger.
    const refused = systemErrorText(e);
    if (refused) {
      ctx.stderr(`opsledger ${name}: ${refused}\n`);
      return 2;
    }
    ctx.stderr(`opsledger ${name}: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (ctx.env.OPSLEDGER_DEBUG) ctx.stderr(`${(e as Error)?.stack ?? ''}\n`);
    return 2;
  }
}
